import { isPrivateCidr, parseCidr } from '../model/cidr';
import { ENV_NAMES, type AppSpec } from '../model/app-spec';
import { SpecProblem } from '../model/spec-error';

/** An app's private services: each a name, one port, and private ranges per env; nothing public, nothing link-local. */
export function checkPrivateServices(app: AppSpec): SpecProblem[] {
  const at = { app: app.name };
  const problems: SpecProblem[] = [];
  const names = new Set<string>();
  for (const [i, service] of (app.privateServices ?? []).entries()) {
    const field = `privateServices[${i}]`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service.name))
      problems.push(new SpecProblem(at, `${field}.name`, service.name, 'must be a lower-case name (a-z, 0-9, -)'));
    if (names.has(service.name)) problems.push(new SpecProblem(at, `${field}.name`, service.name, 'two private services have this name'));
    names.add(service.name);
    if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65535)
      problems.push(new SpecProblem(at, `${field}.port`, service.port, 'must be a port from 1 to 65535'));
    for (const [env, cidrs] of Object.entries(service.cidrs)) {
      if (!(ENV_NAMES as readonly string[]).includes(env))
        problems.push(new SpecProblem(at, `${field}.cidrs.${env}`, env, `is not an env (${ENV_NAMES.join(', ')})`));
      for (const cidr of cidrs ?? []) {
        const parsed = parseCidr(cidr);
        if (!parsed || !isPrivateCidr(parsed)) {
          problems.push(
            new SpecProblem(
              at,
              `${field}.cidrs.${env}`,
              cidr,
              'must be a private IPv4 range (10/8, 172.16/12, 192.168/16); the internet goes through outboundHttps',
            ),
          );
        }
      }
    }
  }
  return problems;
}
