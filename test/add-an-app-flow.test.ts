import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyRepo, scriptCommand } from '../scripts/repo-copy';
import { freeAppName } from './free-app-name';
import { REPO_ROOT, scopedTempDirs } from './support';

/**
 * docs/add-an-app.md, done as a newcomer does it, on a copy of the repo as it is now (working tree
 * included): new-app, fill in the app file, release to staging, run it in prod and promote, synth, diff,
 * then the whole suite (`npm test`) in the copy. Slow (it runs the suite again); it proves that adding an
 * app breaks no test and touches no snapshot. The inner run leaves this file out (FLOW_INNER_RUN).
 */
const FLOW_INNER_RUN = 'WEBAPP_PLATFORM_FLOW_INNER_RUN';
const inner = process.env[FLOW_INNER_RUN] === '1';
const tempDir = scopedTempDirs();

/** Adds `name: value,` at the end of a top-level `block: { … }` of a cluster file, as a person does by hand. */
function addToBlock(text: string, block: string, name: string, value: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `  ${block}: {`);
  const end = start === -1 ? -1 : lines.findIndex((l, i) => i > start && /^ {2}\},?$/.test(l));
  if (end === -1) throw new Error(`found no top-level "${block}: {" block in the cluster file`);
  lines.splice(end, 0, `    '${name}': ${value},`);
  return lines.join('\n');
}

(inner ? describe.skip : describe)('the documented add-an-app flow (docs/add-an-app.md)', () => {
  test(
    'new-app, release, promote, synth and diff succeed, and then the whole suite passes',
    () => {
      const started = Date.now();
      const root = copyRepo(REPO_ROOT, path.join(tempDir('add-an-app'), 'repo'));
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', root, '-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'core.hooksPath=/dev/null', ...args], {
          stdio: 'pipe',
        });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'the repo as it is');

      const step = (script: string, args: string[] = []) => {
        const [cmd, argv] = scriptCommand(root, script, args);
        const result = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
        return result.stdout;
      };
      const name = freeAppName(root, 'blog');
      const appFile = path.join(root, 'apps', `${name}.ts`);
      const prodFile = path.join(root, 'clusters', 'prod', 'cluster.ts');

      step('scripts/new-app.ts', [name]);
      // Step 1 of the docs: hosts per env; the template has prod's commented out.
      const app = fs.readFileSync(appFile, 'utf8');
      const prodHost = /\/\/ prod: \['([^']+)'\],[^\n]*/.exec(app);
      expect(prodHost).not.toBeNull();
      fs.writeFileSync(appFile, app.replace(prodHost![0], `prod: ['${prodHost![1]}'],`));
      const repository = /imageRepository: '([^']+)'/.exec(app)![1];
      step('scripts/release.ts', ['--env', 'staging', '--app', name, '--image', `${repository}:1.0.0@sha256:${'4e'.repeat(32)}`]);
      // For prod: the app in apps and appData of clusters/prod/cluster.ts, then a promotion from staging.
      fs.writeFileSync(prodFile, addToBlock(addToBlock(fs.readFileSync(prodFile, 'utf8'), 'apps', name, '{}'), 'appData', name, "'live'"));
      expect(step('scripts/promote.ts', ['--app', name])).toContain(`prod: `);
      step('main.ts');
      expect(step('scripts/diff.ts', ['--ref', 'HEAD'])).toContain(name);

      const suite = spawnSync('npm', ['test', '--silent'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, [FLOW_INNER_RUN]: '1' },
        maxBuffer: 64 * 1024 * 1024,
      });
      const output = `${suite.stdout}\n${suite.stderr}`;
      // Jest's closing summary holds each failure with its diff; the rest of the output names the failing tests.
      const failures = (
        /Summary of all failing tests[^\n]*\n([\s\S]*?)\n[^\n]*Test Suites:/.exec(output)?.[1] ??
        output
          .split('\n')
          .filter((l) => /^\s*(✕|●|FAIL)|error TS/.test(l) && !/● Console/.test(l))
          .join('\n')
      )
        .split('\n')
        .slice(0, 150)
        .join('\n');
      expect({ status: suite.status, failures }).toEqual({ status: 0, failures: '' });
      expect(output).not.toMatch(/snapshots? (written|updated)/);
      expect(git('status', '--porcelain', '--', 'test').toString()).toBe('');
      console.log(`add-an-app flow: ${Math.round((Date.now() - started) / 1000)} s, the inner suite included`);
    },
    45 * 60_000,
  );
});
