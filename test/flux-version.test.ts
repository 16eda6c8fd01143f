import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FLUX_VERSION } from '../constructs/gitops/flux-install';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Each `flux bootstrap` command in a text, and the --version it passes (undefined: none). */
const bootstrapVersions = (text: string) => [...text.matchAll(/^flux bootstrap .*$/gm)].map((m) => /--version[= ](\S+)/.exec(m[0])?.[1]);

/** The Flux CLI ci.yml sets up: the action's version comment and the version it installs. */
function ciFlux(text: string): { action: string | undefined; cli: string | undefined }[] {
  const line = [...text.matchAll(/uses: fluxcd\/flux2\/action@[0-9a-f]{40} # (\S+)/g)].map((m) => m[1]);
  const jobs = (parse(text) as { jobs: Record<string, { steps?: { uses?: string; with?: { version?: unknown } }[] }> }).jobs;
  const steps = Object.values(jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('fluxcd/flux2/action@')));
  return steps.map((s, i) => ({ action: line[i], cli: s.with?.version === undefined ? undefined : `v${String(s.with.version)}` }));
}

describe('one Flux version: the bootstrap, CI and the code agree', () => {
  test('FLUX_VERSION is a release tag', () => {
    expect(FLUX_VERSION).toMatch(/^v2\.\d+\.\d+$/);
  });

  test('docs/bootstrap.md installs FLUX_VERSION with every flux bootstrap', () => {
    const versions = bootstrapVersions(read('docs/bootstrap.md'));
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual(versions.map(() => FLUX_VERSION));
  });

  test("ci.yml sets up FLUX_VERSION's CLI with the action of the same release", () => {
    const flux = ciFlux(read('.github/workflows/ci.yml'));
    expect(flux.length).toBeGreaterThan(0);
    expect(flux).toEqual(flux.map(() => ({ action: FLUX_VERSION, cli: FLUX_VERSION })));
    // The render job's Helm is the one that release's helm-controller builds on, and says so.
    expect(read('.github/workflows/ci.yml')).toContain(`(Flux ${FLUX_VERSION}) builds on helm.sh/helm/v4`);
  });

  test('the checks catch a bootstrap without --version and a CI on another release', () => {
    expect(bootstrapVersions('flux bootstrap github --owner o --path clusters/x\nflux bootstrap github --version=v2.6.4 --owner o')).toEqual([
      undefined,
      'v2.6.4',
    ]);
    const ci = `jobs:\n  render:\n    steps:\n      - uses: fluxcd/flux2/action@${'0'.repeat(40)} # v2.6.4\n        with:\n          version: 2.6.4\n`;
    expect(ciFlux(ci)).toEqual([{ action: 'v2.6.4', cli: 'v2.6.4' }]);
  });
});
