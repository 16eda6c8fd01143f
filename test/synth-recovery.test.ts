import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputWriteError, writeOutput } from '../constructs/synth/write-output';
import { edit, outputHash, repoCopy, runCli, STACK } from './cli-in-copy';
import { scopedTempDirs, treeHash } from './support';

/**
 * Synth recovers from earlier runs that were killed, says what happened when writing fails after the
 * swap, and leaves dist/ with the modes a checkout has. Each case runs the real `npm run synth` in a copy.
 */
const tempDir = scopedTempDirs();

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync('true').pid!;
const leftoversIn = (root: string): string[] => fs.readdirSync(root).filter((name) => name.startsWith('.dist-'));
const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);
/** A cluster entry for an app that does not exist: synth refuses the input before it writes. */
const refuseInput = (root: string) => edit(root, 'clusters/staging/cluster.ts', /\n {2}apps: \{\n/, "\n  apps: {\n    'no-such-app': {},\n");
/** Puts a folder where a Flux entry point goes, so that its rename fails after dist/ was swapped. */
const blockEntryPoint = (root: string, env: string) => {
  const entry = path.join(root, 'clusters', env, 'flux-kustomizations.yaml');
  fs.rmSync(entry);
  fs.mkdirSync(path.join(entry, 'in-the-way'), { recursive: true });
};

describe('leftovers of a killed synth are gone after the next one, even one that refuses its input', () => {
  test.concurrent('the temp trees of killed runs are removed; a running synth keeps its own', async () => {
    const root = repoCopy(tempDir('recovery-leftovers'));
    const dead = deadPid();
    fs.mkdirSync(path.join(root, `.dist-new-${dead}`, 'staging'), { recursive: true });
    fs.writeFileSync(path.join(root, `.dist-new-${dead}`, 'staging', 'half.yaml'), 'kind: Half\n');
    fs.cpSync(path.join(root, 'dist'), path.join(root, `.dist-old-${dead}`), { recursive: true });
    fs.mkdirSync(path.join(root, '.dist-new-Ab12Cd')); // an older synth's mkdtemp name
    fs.mkdirSync(path.join(root, `.dist-new-${process.pid}`)); // this test's process is alive: another synth at work
    refuseInput(root);
    const before = outputHash(root);

    const run = await runCli(root, 'main.ts');
    expect(run.status).toBe(1);
    expect(run.output).toContain('synth failed, nothing written');
    expect(run.output).not.toMatch(STACK);
    expect(outputHash(root)).toBe(before);
    expect(leftoversIn(root)).toEqual([`.dist-new-${process.pid}`]);
  });

  test.concurrent('killed between the two renames of the swap: dist/ is put back', async () => {
    const root = repoCopy(tempDir('recovery-swap'));
    refuseInput(root);
    const before = outputHash(root);
    const dead = deadPid();
    fs.renameSync(path.join(root, 'dist'), path.join(root, `.dist-old-${dead}`));
    fs.mkdirSync(path.join(root, `.dist-new-${dead}`, 'prod'), { recursive: true });

    const run = await runCli(root, 'main.ts');
    expect(run.status).toBe(1);
    expect(run.output).not.toMatch(STACK);
    expect(outputHash(root)).toBe(before);
    expect(leftoversIn(root)).toEqual([]);
  });

  test.concurrent("killed between the two renames of one env's swap: that env's folder is put back", async () => {
    const root = repoCopy(tempDir('recovery-env-swap'));
    refuseInput(root);
    const before = outputHash(root);
    const dead = deadPid();
    fs.mkdirSync(path.join(root, `.dist-old-${dead}`));
    fs.renameSync(path.join(root, 'dist', 'staging'), path.join(root, `.dist-old-${dead}`, 'staging'));

    const run = await runCli(root, 'main.ts', ['--env', 'staging']);
    expect(run.status).toBe(1);
    expect(run.output).not.toMatch(STACK);
    expect(outputHash(root)).toBe(before);
    expect(leftoversIn(root)).toEqual([]);
  });
});

describe('a synth that writes leaves no leftovers and gives dist/ the modes of a checkout', () => {
  test.concurrent('at umask 027, over a dist/ at 0700 and the leftovers of a killed run: dist/ 0750, its files 0640, nothing left over', async () => {
    const root = repoCopy(tempDir('recovery-write'));
    const dead = deadPid();
    fs.cpSync(path.join(root, 'dist'), path.join(root, `.dist-old-${dead}`), { recursive: true });
    fs.mkdirSync(path.join(root, `.dist-new-${dead}`));
    const staleTemp = path.join(root, 'clusters', 'staging', `flux-kustomizations.yaml.tmp-${dead}`);
    fs.writeFileSync(staleTemp, 'half a file');
    fs.chmodSync(path.join(root, 'dist'), 0o700);
    const before = treeHash(path.join(root, 'dist'));

    const run = await runCli(root, 'main.ts', [], '027');
    expect(run.output).not.toMatch(STACK);
    expect(run.status).toBe(0);
    expect(treeHash(path.join(root, 'dist'))).toBe(before);
    expect(modeOf(path.join(root, 'dist'))).toBe('750');
    expect(modeOf(path.join(root, 'dist', 'staging'))).toBe('750');
    expect(modeOf(path.join(root, 'dist', 'staging', 'access.md'))).toBe('640');
    expect(leftoversIn(root)).toEqual([]);
    expect(fs.existsSync(staleTemp)).toBe(false);
  });
});

describe('a failure after the swap is reported as such: dist/ was replaced, this file was not', () => {
  test.concurrent('one env: its Flux entry point cannot be replaced', async () => {
    const root = repoCopy(tempDir('recovery-after-env'));
    const before = treeHash(path.join(root, 'dist'));
    blockEntryPoint(root, 'staging');

    const run = await runCli(root, 'main.ts', ['--env', 'staging']);
    expect(run.status).toBe(1);
    expect(run.output.trim()).toBe(
      'synth: dist/staging/ was replaced with the new output, but this file was not updated: ' +
        'clusters/staging/flux-kustomizations.yaml (EISDIR: illegal operation on a directory). Fix that, then run synth again',
    );
    expect(treeHash(path.join(root, 'dist'))).toBe(before);
    expect(leftoversIn(root)).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'clusters', 'staging')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test.concurrent('every env, at umask 022: both Flux entry points blocked; dist/ replaced at 0755', async () => {
    const root = repoCopy(tempDir('recovery-after-all'));
    const before = treeHash(path.join(root, 'dist'));
    blockEntryPoint(root, 'staging');
    blockEntryPoint(root, 'prod');

    const run = await runCli(root, 'main.ts', [], '022');
    expect(run.status).toBe(1);
    expect(run.output).not.toMatch(STACK);
    expect(run.output.trim()).toMatch(
      /^synth: dist\/ was replaced with the new output, but these files were not updated: clusters\/staging\/flux-kustomizations\.yaml \(EISDIR[^)]*\); clusters\/prod\/flux-kustomizations\.yaml \(EISDIR[^)]*\)\. Fix that, then run synth again$/,
    );
    expect(treeHash(path.join(root, 'dist'))).toBe(before);
    expect(modeOf(path.join(root, 'dist'))).toBe('755');
    expect(leftoversIn(root)).toEqual([]);
  });

  test('a failure before the swap is "nothing written"', () => {
    const root = tempDir('recovery-before');
    let thrown: unknown;
    try {
      writeOutput(root, [{ path: 'dist/staging/bad\0name.yaml', text: 'a: 1\n' }]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutputWriteError);
    expect((thrown as OutputWriteError).replaced).toBe(false);
    expect(leftoversIn(root)).toEqual([]);
  });
});
