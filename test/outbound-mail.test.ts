import { APPS } from './fixtures/specs/apps';
import { tenantFileOf } from '../constructs/gitops/app-layers';
import type { AppSpec } from '../constructs/model/app-spec';
import { NON_PUBLIC_RANGES } from '../constructs/model/network-ranges';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_INPUT } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every `<cidr> except <ranges>:<port>` an app's own policy opens to public addresses. */
function publicEgressOf(input: SynthInput, app: string): string[] {
  const objects = buildAll(input).find((f) => f.path === tenantFileOf('staging', app))!.objects!;
  const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === app) as Json;
  return policy.spec.egress
    .flatMap((rule: Json) =>
      (rule.to ?? [])
        .filter((t: Json) => t.ipBlock?.cidr === '0.0.0.0/0')
        .flatMap((t: Json) => rule.ports.map((p: Json) => `${t.ipBlock.cidr} except ${t.ipBlock.except.join(',')}:${p.port}`)),
    )
    .sort();
}

describe('an app sends mail through a relay on the internet only when its spec says so', () => {
  const app = APPS.find((a) => !a.outboundHttps && !(a as Json).outboundSmtp)!;
  const withApp = (patch: Partial<AppSpec>): SynthInput => ({ ...FIXTURE_INPUT, apps: APPS.map((a) => (a === app ? { ...a, ...patch } : a)) });
  const publicOnly = `0.0.0.0/0 except ${NON_PUBLIC_RANGES.join(',')}`;

  test('without outboundSmtp (and outboundHttps) its pods reach no public address', () => {
    expect(publicEgressOf(FIXTURE_INPUT, app.name)).toEqual([]);
  });

  test('with outboundSmtp: SMTP submission (587, 465) to public addresses, never 25, never a private range', () => {
    expect(publicEgressOf(withApp({ outboundSmtp: true }), app.name)).toEqual([`${publicOnly}:465`, `${publicOnly}:587`]);
  });

  test('outboundHttps and outboundSmtp each open their own ports', () => {
    expect(publicEgressOf(withApp({ outboundSmtp: true, outboundHttps: true }), app.name)).toEqual([
      `${publicOnly}:443`,
      `${publicOnly}:465`,
      `${publicOnly}:587`,
    ]);
  });
});
