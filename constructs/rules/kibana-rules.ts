import type { InternalAccessSpec } from '../model/cluster-spec';
import { KIBANA, KIBANA_SERVICE } from '../model/log-contract';
import { describe, type KubeObject } from '../model/kube-object';
import { ofKind } from './objects-of-kind';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Kibana is reached only through the Gateway, behind the staff login: its Service stays ClusterIP (ECK's
 * default, unless the Kibana asks otherwise), and every HTTPRoute to that Service has a SecurityPolicy
 * with OIDC or basic auth and the client networks of `internalAccess`. Kibana keeps ECK's TLS, and the
 * Gateway verifies it (a BackendTLSPolicy with a CA and the name the certificate is issued for).
 */
export function kibanaProblems(objects: readonly KubeObject[], access: InternalAccessSpec): string[] {
  const problems: string[] = [];
  const inKibanaNamespace = (o: KubeObject) => o.metadata.namespace === KIBANA.namespace;
  for (const kibana of ofKind(objects, 'Kibana').filter((o) => o.metadata.name === KIBANA.name && inKibanaNamespace(o))) {
    const type = (kibana.spec as Json)?.http?.service?.spec?.type ?? 'ClusterIP';
    if (type !== 'ClusterIP') problems.push(`${describe(kibana)}: asks ECK for a ${type} Service; Kibana must stay ClusterIP, behind the Gateway`);
    if ((kibana.spec as Json)?.http?.tls?.selfSignedCertificate?.disabled === true)
      problems.push(`${describe(kibana)}: turns its TLS off; the login and every search would cross the cluster network in clear text`);
  }
  // Kibana speaks HTTPS: the Gateway must too, verifying ECK's certificate (a BackendTLSPolicy on the Service).
  const verified = ofKind(objects, 'BackendTLSPolicy').some(
    (p) =>
      p.metadata.namespace === KIBANA.namespace &&
      (p.spec as Json).targetRefs?.some((t: Json) => t.kind === 'Service' && (t.group ?? '') === '' && t.name === KIBANA_SERVICE.name) &&
      (p.spec as Json).validation?.caCertificateRefs?.length > 0 &&
      (p.spec as Json).validation?.hostname,
  );
  for (const service of ofKind(objects, 'Service').filter((o) => o.metadata.name === KIBANA_SERVICE.name && inKibanaNamespace(o))) {
    const type = (service.spec as Json)?.type ?? 'ClusterIP';
    if (type !== 'ClusterIP') problems.push(`${describe(service)}: is ${type}; Kibana must stay ClusterIP, behind the Gateway`);
  }

  const toKibana = (route: KubeObject) =>
    ((route.spec as Json).rules ?? []).some((rule: Json) =>
      (rule.backendRefs ?? []).some(
        (b: Json) => b.name === KIBANA_SERVICE.name && (b.kind ?? 'Service') === 'Service' && (b.namespace ?? route.metadata.namespace) === KIBANA.namespace,
      ),
    );
  const allowed = access.allowedCidrs ?? [];
  for (const route of ofKind(objects, 'HTTPRoute').filter(toKibana)) {
    if (!verified) problems.push(`${describe(route)}: routes to Kibana's HTTPS port without a BackendTLSPolicy that verifies its certificate`);
    const guards = ofKind(objects, 'SecurityPolicy')
      .filter(
        (p) =>
          p.metadata.namespace === route.metadata.namespace &&
          (p.spec as Json).targetRefs?.some((t: Json) => t.kind === 'HTTPRoute' && t.name === route.metadata.name),
      )
      .map((p) => p.spec as Json);
    const logins = guards.filter((g) => g.oidc || g.basicAuth);
    if (logins.length === 0) {
      problems.push(`${describe(route)}: routes to Kibana without a login SecurityPolicy (OIDC or basic auth)`);
      continue;
    }
    const limited = logins.some(
      (g) =>
        g.authorization?.defaultAction === 'Deny' &&
        sameSet(
          allowed,
          (g.authorization.rules ?? []).filter((r: Json) => r.action === 'Allow').flatMap((r: Json) => r.principal?.clientCIDRs ?? []),
        ),
    );
    if (allowed.length > 0 && !limited)
      problems.push(`${describe(route)}: Kibana's login does not limit clients to internalAccess.allowedCidrs (${allowed.join(', ')})`);
  }
  return problems;
}
