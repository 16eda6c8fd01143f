import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { resolveApp } from '../constructs/model/resolve';

const ROOT = path.join(__dirname, '..');

/** Every .ts file below a folder of the repo. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'([^']+)'|require\('([^']+)'\)/g;
const importsOf = (file: string): string[] => [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2]);

describe('the cloud layer', () => {
  const production = ['main.ts', ...sources('apps'), ...sources('clusters'), ...sources('constructs')];

  test('imports cdktf and the AWS provider only inside constructs/cloud/', () => {
    const outside = production
      .filter((f) => !f.startsWith('constructs/cloud/'))
      .filter((f) => importsOf(f).some((m) => m === 'cdktf' || m.startsWith('cdktf/') || m.startsWith('@cdktf/')));
    expect(outside).toEqual([]);
  });

  test('imports the AWS provider through deep imports only, never its 2,000-module index', () => {
    const bare = production.filter((f) => importsOf(f).some((m) => m === '@cdktf/provider-aws' || m === '@cdktf/provider-aws/lib'));
    expect(bare).toEqual([]);
  });

  test.each(CLUSTERS.map((c) => [c.env, c] as const))('%s: the same input gives the same bytes', (_env, cluster) => {
    const apps = Object.keys(cluster.apps).map((name) =>
      resolveApp(
        APPS.find((a) => a.name === name)!,
        cluster,
      ),
    );
    expect(synthCloud(cluster, apps).text).toBe(synthCloud(cluster, [...apps].reverse()).text);
  });

  test('cdktf.json points the cdktf CLI at the cloud stacks', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    expect(config).toMatchObject({ language: 'typescript', app: 'npx tsx scripts/cdktf-main.ts' });
    expect(fs.existsSync(path.join(ROOT, 'scripts/cdktf-main.ts'))).toBe(true);
  });
});
