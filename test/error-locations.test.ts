import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTERS } from '../clusters';
import { edit, outputHash, repoCopy, runCli, STACK, type CliRun } from './cli-in-copy';
import { scopedTempDirs } from './support';

/**
 * Every error names the file the person must edit: the file the offending value was written in, found
 * from where the spec came from, never derived from a name. Each case breaks a fixture app (written
 * here, in its own file, run in staging) in a copy of the repo and runs the real command.
 */
const tempDir = scopedTempDirs();
const STAGING = CLUSTERS.find((c) => c.env === 'staging')!;
const CLUSTER_FILE = 'clusters/staging/cluster.ts';
const PROBE = 'probe-app';
const DIGEST = `sha256:${'0'.repeat(64)}`;

interface ProbeApp {
  readonly name?: string;
  readonly exportName?: string;
  readonly port?: string;
  readonly env?: string;
  /** Code before the spec, e.g. a statement that throws. */
  readonly head?: string;
}

/** A small app file, in the shape of scripts/templates/app.template.ts. */
const probeAppFile = ({ name = PROBE, exportName = 'probeApp', port = '8080', env = "{ GREETING: 'hello' }", head = '' }: ProbeApp = {}): string =>
  [
    "import type { AppSpec } from '../constructs/model/app-spec';",
    head,
    '/** A fixture of test/error-locations.test.ts. */',
    `export const ${exportName}: AppSpec = {`,
    `  name: '${name}',`,
    "  description: 'a fixture app',",
    `  imageRepository: 'ghcr.io/acme-web/${PROBE}',`,
    `  port: ${port},`,
    "  exposure: 'public',",
    `  hosts: { staging: ['${PROBE}.${STAGING.domain}'] },`,
    "  healthCheckPath: '/health',",
    "  resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },",
    '  scaling: { min: 1, max: 2 },',
    `  env: ${env},`,
    '};',
    '',
  ].join('\n');

/** Lists an app file's export in apps/index.ts, first or last in APPS. */
function register(root: string, file: string, exportName: string, position: 'first' | 'last' = 'last'): void {
  edit(root, 'apps/index.ts', /^(import .*\n)(?!import)/m, `$1import { ${exportName} } from './${path.basename(file, '.ts')}';\n`);
  if (position === 'first') edit(root, 'apps/index.ts', /(export const APPS\b[^=]*=\s*\[)/, `$1${exportName}, `);
  else edit(root, 'apps/index.ts', /(export const APPS\b[^=]*=\s*\[[\s\S]*?),?(\s*\];)/, `$1, ${exportName}$2`);
}

/** Runs the app in staging under `name`: its entry (with the given override), its data ledger entry and its release. */
function runInStaging(root: string, name: string, override = '{}'): void {
  edit(root, CLUSTER_FILE, /\n {2}apps: \{\n/, `\n  apps: {\n    '${name}': ${override},\n`);
  edit(root, CLUSTER_FILE, /\n {2}appData: \{\n/, `\n  appData: {\n    '${name}': 'live',\n`);
  const releasesFile = path.join(root, 'clusters/staging/releases.json');
  const releases = JSON.parse(fs.readFileSync(releasesFile, 'utf8')) as { apps: Record<string, unknown> };
  releases.apps[name] = { current: { tag: '1.0.0', digest: DIGEST }, history: [] };
  fs.writeFileSync(releasesFile, `${JSON.stringify(releases, null, 2)}\n`);
}

/** A copy of the repo with the probe app in apps/probe-app.ts, run in staging; `change` breaks it. */
function probeRepo(app: ProbeApp = {}, override = '{}', change: (root: string) => void = () => {}): string {
  const root = repoCopy(tempDir('error-locations'));
  fs.writeFileSync(path.join(root, 'apps', `${PROBE}.ts`), probeAppFile(app));
  register(root, `${PROBE}.ts`, app.exportName ?? 'probeApp');
  runInStaging(root, app.name ?? PROBE, override);
  change(root);
  return root;
}

/** Runs the command; it must refuse, print no stack, and leave dist/ and the releases files byte-identical. */
async function rejected(root: string, script = 'main.ts', args: readonly string[] = []): Promise<CliRun> {
  const before = outputHash(root);
  const run = await runCli(root, script, args);
  expect(run.status).not.toBe(0);
  expect(run.output).not.toMatch(STACK);
  expect(outputHash(root)).toBe(before);
  return run;
}

const problem = (file: string, rest: string) => `  - file "${file}", ${rest}`;
const BAD_PORT = 'field "port" = 80: must be an unprivileged port (1024-65535): apps run as non-root';

describe('errors name the file the value came from', () => {
  describe('an app whose name is not its file name', () => {
    test.concurrent('renamed everywhere, with a bad port: the app file it lives in is named', async () => {
      const root = probeRepo({ name: 'probe-renamed', port: '80' });
      const run = await rejected(root);
      expect(run.output).toContain(problem('apps/probe-app.ts', `app "probe-renamed": ${BAD_PORT}`));
      expect(run.output).not.toContain('apps/probe-renamed.ts');
    });

    test.concurrent('renamed to a reserved name: the app file it lives in is named', async () => {
      const root = probeRepo({ name: 'kube-probe' });
      const run = await rejected(root);
      expect(run.output).toContain(problem('apps/probe-app.ts', 'app "kube-probe": field "name" = "kube-probe": is reserved'));
      expect(run.output).not.toContain('apps/kube-probe.ts');
    });
  });

  describe('a copied app file that keeps the name', () => {
    const withCopy = (copy: ProbeApp, position: 'first' | 'last') => (root: string) => {
      fs.writeFileSync(path.join(root, 'apps', 'probe-copy.ts'), probeAppFile({ exportName: 'probeCopy', ...copy }));
      register(root, 'probe-copy.ts', 'probeCopy', position);
    };
    const DUPLICATE = 'app "probe-app": field "name" = "probe-app": two apps have this name';

    test.concurrent('listed after the original: the copy is named, not the original', async () => {
      const run = await rejected(probeRepo({}, '{}', withCopy({}, 'last')));
      expect(run.output).toContain(problem('apps/probe-copy.ts', DUPLICATE));
      expect(run.output).not.toContain('"apps/probe-app.ts"');
    });

    test.concurrent('listed before the original: still the copy is named', async () => {
      const run = await rejected(probeRepo({}, '{}', withCopy({}, 'first')));
      expect(run.output).toContain(problem('apps/probe-copy.ts', DUPLICATE));
      expect(run.output).not.toContain('"apps/probe-app.ts"');
    });

    test.concurrent('a bad value only in the copy: the copy is named for it', async () => {
      const run = await rejected(probeRepo({}, '{}', withCopy({ port: '80' }, 'last')));
      expect(run.output).toContain(problem('apps/probe-copy.ts', `app "probe-app": ${BAD_PORT}`));
      expect(run.output).not.toContain('"apps/probe-app.ts"');
    });
  });

  describe('a value in the cluster file, about an app, names the cluster file', () => {
    test.concurrent("the app's data ledger entry", async () => {
      const run = await rejected(probeRepo({}, '{}', (root) => edit(root, CLUSTER_FILE, `'${PROBE}': 'live'`, `'${PROBE}': 'gone'`)));
      expect(run.output).toContain(
        problem(CLUSTER_FILE, `cluster "${STAGING.name}", app "${PROBE}": field "appData.${PROBE}" = "gone": must be 'live' or { retiredOn, reason }`),
      );
      expect(run.output).not.toContain(`apps/${PROBE}.ts`);
    });

    test.concurrent("a retired app's note, whose app file is gone", async () => {
      const note = "'old-probe': { retiredOn: '2026-01-01', reason: 'a fixture', storageDriver: 's3fs' },";
      const run = await rejected(probeRepo({}, '{}', (root) => edit(root, CLUSTER_FILE, /\n {2}appData: \{\n/, `\n  appData: {\n    ${note}\n`)));
      expect(run.output).toContain(
        problem(
          CLUSTER_FILE,
          `cluster "${STAGING.name}", app "old-probe": field "appData.old-probe.storageDriver" = "s3fs": must be one of mountpoint-s3, geesefs: the storage.driver the app had, whose CSI driver stays for its volumes`,
        ),
      );
    });

    test.concurrent("an env var the env's override adds", async () => {
      const run = await rejected(probeRepo({}, "{ env: { 'BAD-NAME': 'x' } }"));
      expect(run.output).toContain(
        problem(
          CLUSTER_FILE,
          `cluster "${STAGING.name}", app "${PROBE}": field "env.BAD-NAME" = "BAD-NAME": must be a C identifier (letters, digits, "_", not starting with a digit): a shell cannot read other names`,
        ),
      );
      expect(run.output).not.toContain(`apps/${PROBE}.ts`);
    });

    test.concurrent("the env's scaling override", async () => {
      const run = await rejected(probeRepo({}, '{ scaling: { min: 3, max: 2 } }'));
      expect(run.output).toContain(
        problem(CLUSTER_FILE, `cluster "${STAGING.name}", app "${PROBE}": field "scaling.max" = 2: must be a whole number of at least scaling.min (3)`),
      );
    });
  });

  describe('a value in the app file names the app file, though the cluster overrides the same field', () => {
    test.concurrent('an env var of the app beside the env var of the override', async () => {
      const run = await rejected(probeRepo({ env: "{ GREETING: 'hello', 'BAD-NAME': 'x' }" }, "{ env: { GREETING: 'hi' } }"));
      expect(run.output).toContain(
        problem(
          `apps/${PROBE}.ts`,
          `app "${PROBE}": field "env.BAD-NAME" = "BAD-NAME": must be a C identifier (letters, digits, "_", not starting with a digit): a shell cannot read other names`,
        ),
      );
      expect(run.output).not.toContain(CLUSTER_FILE);
    });

    test.concurrent('a bad value in the app file where the override sets other fields', async () => {
      const run = await rejected(probeRepo({ port: '80' }, "{ scaling: { min: 1, max: 1 }, env: { GREETING: 'hi' } }"));
      expect(run.output).toContain(problem(`apps/${PROBE}.ts`, `app "${PROBE}": ${BAD_PORT}`));
      expect(run.output).not.toContain(CLUSTER_FILE);
    });
  });

  describe('release names the file of a bad spec value, and changes nothing', () => {
    const releaseArgs = ['--env', 'staging', '--app', PROBE, '--image', `ghcr.io/acme-web/${PROBE}:1.0.1@${DIGEST.replace(/0$/, '1')}`];

    test.concurrent('a bad field in the app file', async () => {
      const run = await rejected(probeRepo({ port: '80' }), 'scripts/release.ts', releaseArgs);
      expect(run.output).toContain(problem(`apps/${PROBE}.ts`, `app "${PROBE}": ${BAD_PORT}`));
    });

    test.concurrent("a bad field in the env's override", async () => {
      const run = await rejected(probeRepo({}, '{ scaling: { min: 3, max: 2 } }'), 'scripts/release.ts', releaseArgs);
      expect(run.output).toContain(problem(CLUSTER_FILE, `cluster "${STAGING.name}", app "${PROBE}": field "scaling.max" = 2`));
    });
  });

  describe('a spec file that does not load is one line: file:line:column, what is wrong', () => {
    /** `file:line:column` of the first occurrence of `needle` in the copy's file, columns from 1. */
    const positionOf = (root: string, file: string, needle: string, offset = 0): string => {
      const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(needle));
      expect(line).toBeGreaterThanOrEqual(0);
      return `${file}:${line + 1}:${lines[line].indexOf(needle) + offset + 1}`;
    };
    const oneLine = (run: CliRun): string => {
      expect(run.output.trim().split('\n')).toHaveLength(1);
      return run.output.trim();
    };

    test.concurrent('a syntax error in an app file', async () => {
      const root = probeRepo({ port: ': 8080' });
      const run = await rejected(root);
      expect(oneLine(run)).toBe(`synth failed, nothing written: ${positionOf(root, `apps/${PROBE}.ts`, ': 8080')}: syntax error: Unexpected ":"`);
    });

    test.concurrent('a syntax error in a cluster file', async () => {
      const root = probeRepo({}, '{ scaling: { min: 1 max: 2 } }');
      const run = await rejected(root);
      expect(oneLine(run)).toBe(
        `synth failed, nothing written: ${positionOf(root, CLUSTER_FILE, 'min: 1 max', 'min: 1 '.length)}: syntax error: Expected "}" but found "max"`,
      );
    });

    test.concurrent('an app file that throws while it loads', async () => {
      const root = probeRepo({ head: 'const base = undefinedSettings.port;' });
      const run = await rejected(root);
      expect(oneLine(run)).toBe(
        `synth failed, nothing written: ${positionOf(root, `apps/${PROBE}.ts`, 'undefinedSettings')}: ReferenceError: undefinedSettings is not defined`,
      );
    });
  });
});
