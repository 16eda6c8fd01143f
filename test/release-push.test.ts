import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { fixtureFile } from './fixtures/specs';
import { pinnedImageOf, type ReleaseVersion } from '../constructs/model/releases';
import { writeOutput } from '../constructs/synth/write-output';
import { release, type Repo } from '../scripts/lib/release';
import { fixtureOutput, REPO_ROOT, tempDir } from './support';
import { requireTool } from './tool';

/*
 * scripts/ci/release-push.sh, the privileged half of release-run.yml, against real git repositories: the
 * commit it gets is made by the real `npm run release` (the function behind it), on a copy of the fixture
 * repo, and pushed to a bare repository that stands for GitHub. What a release changes is what the script
 * lets through, so these tests also pin what a release changes: the env's releases file and the app's
 * rendered file, nothing else.
 */

const hasJq = requireTool('jq', 'apt-get install -y jq');
const withJq = hasJq ? describe : describe.skip;

const PUSH = path.join(REPO_ROOT, 'scripts', 'ci', 'release-push.sh');
const COMMIT = path.join(REPO_ROOT, 'scripts', 'ci', 'release-commit.sh');
const REAL_GIT = spawnSync('bash', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
const TOKEN = 'ghs_0123456789abcdefSECRETtokenVALUE';
const REPOSITORY = 'ghcr.io/acme-web/shop';
const NEW: ReleaseVersion = { tag: '3.9.0', digest: `sha256:${'a1'.repeat(32)}` };
const IMAGE = pinnedImageOf(REPOSITORY, NEW);

/** Paths `git status` reports as changed, untracked ones included. */
const changedPaths = (cwd: string): string[] =>
  spawnSync(REAL_GIT, ['status', '--porcelain', '--untracked-files=all'], { cwd, encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3))
    .sort();
const git = (cwd: string, ...args: string[]): string => {
  const run = spawnSync(REAL_GIT, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
};

const dir = tempDir('release-push');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every git command line the script runs, through a `git` first on PATH that logs its arguments; `RACE_CLONE` set: a push elsewhere lands just before the script's push. */
const shim = path.join(dir, 'shim');
const argvLog = path.join(dir, 'git-argv.log');
fs.mkdirSync(shim);
fs.writeFileSync(
  path.join(shim, 'git'),
  [
    '#!/bin/sh',
    `printf '%s\\n' "$*" >> '${argvLog}'`,
    `if [ "$1" = push ] && [ -n "$RACE_CLONE" ]; then '${REAL_GIT}' -C "$RACE_CLONE" push -q origin HEAD:main; fi`,
    `exec '${REAL_GIT}' "$@"`,
    '',
  ].join('\n'),
  { mode: 0o755 },
);

// The source repo: the fixture clusters and their rendered output, committed as main ("base").
const source = path.join(dir, 'source');
fs.mkdirSync(source);
fs.cpSync(fixtureFile('clusters'), path.join(source, 'clusters'), { recursive: true });
writeOutput(source, fixtureOutput());
fs.copyFileSync(path.join(REPO_ROOT, '.gitignore'), path.join(source, '.gitignore'));
git(source, 'init', '-q', '-b', 'main');
git(source, 'add', '-A');
git(source, 'commit', '-q', '-m', 'base');
const base = git(source, 'rev-parse', 'HEAD');
const repo: Repo = { root: source, clusters: CLUSTERS, apps: APPS };

// The release commit, made as release-commit.sh makes it: npm run release, git add clusters dist docs, commit.
release(repo, { env: 'staging', app: 'shop', image: IMAGE });
const changed = changedPaths(source);
git(source, 'add', '-A', '--', 'clusters', 'dist', 'docs');
git(source, 'commit', '-q', '-m', `release shop to staging: ${IMAGE}`);
const releaseCommit = git(source, 'rev-parse', 'HEAD');

let n = 0;
/** A bare repository at `base` (what GitHub holds), optionally with a pre-receive hook. */
function remoteAt(commit: string, hook?: string): string {
  const remote = path.join(dir, `remote-${++n}.git`);
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  git(source, 'push', '-q', remote, `${commit}:refs/heads/main`);
  if (hook) fs.writeFileSync(path.join(remote, 'hooks', 'pre-receive'), `#!/bin/sh\n${hook}\n`, { mode: 0o755 });
  return remote;
}
/** Another release lands on the remote's main: a commit on top of what it holds. */
function otherClone(remote: string): string {
  const clone = path.join(dir, `other-${++n}`);
  git(dir, 'clone', '-q', remote, clone);
  fs.appendFileSync(path.join(clone, 'clusters', 'staging', 'cluster.ts'), '\n');
  git(clone, 'commit', '-q', '-am', 'another change');
  return clone;
}
/** The commit at `ref` of the source repo, changed by `edit` and amended: a tampered release. */
function tampered(edit: (root: string) => void, ref = releaseCommit): string {
  const work = path.join(dir, `tamper-${++n}`);
  git(dir, 'clone', '-q', '--no-checkout', source, work);
  git(work, 'checkout', '-q', ref);
  edit(work);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '--amend', '--no-edit');
  return work;
}
/** The bundle release-commit.sh uploads: base..HEAD of a work tree. */
function bundleOf(work: string, from = base): string {
  const file = path.join(dir, `bundle-${++n}`);
  git(work, 'bundle', 'create', '-q', file, `${from}..HEAD`);
  return file;
}

interface Run {
  readonly status: number | null;
  readonly output: string;
  readonly outputs: string;
}
function push(mode: string, remote: string, bundle: string, env: Record<string, string> = {}): Run {
  const outputs = path.join(dir, `outputs-${++n}`);
  fs.writeFileSync(outputs, '');
  const run = spawnSync('bash', [PUSH, mode], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: `${shim}:${process.env.PATH}`,
      HOME: dir,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GITHUB_OUTPUT: outputs,
      APP: 'shop',
      ENV_NAME: 'staging',
      IMAGE,
      BASE: base,
      BUNDLE: bundle,
      REMOTE_URL: `file://${remote}`,
      PUSH_TOKEN: TOKEN,
      ATTEMPT: '1',
      ATTEMPTS: '5',
      ...env,
    },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}`, outputs: fs.readFileSync(outputs, 'utf8') };
}
const mainOf = (remote: string): string => git(dir, '--git-dir', remote, 'rev-parse', 'refs/heads/main');

describe('what a release changes', () => {
  test("npm run release changes the env's releases file and the app's rendered file, and nothing else", () => {
    expect(changed).toEqual(['clusters/staging/releases.json', 'dist/staging/apps/shop.yaml']);
  });

  test('release-commit.sh never touches a token or pushes', () => {
    const text = fs.readFileSync(COMMIT, 'utf8');
    expect(text).toContain('npm run release -- --env "$ENV_NAME" --app "$APP" --image "$IMAGE"');
    expect(text).not.toMatch(/TOKEN|git push|credential/);
    expect(spawnSync('bash', ['-n', COMMIT]).status).toBe(0);
    expect(fs.statSync(COMMIT).mode & 0o111).not.toBe(0);
  });
});

/**
 * release-commit.sh in a clone of main, with an `npm` first on PATH that stands for the real one: `npm run
 * release` writes what the real release wrote (the files of `RELEASE_TREE`), `npm test` exits with
 * NPM_TEST_STATUS. What it hands over must be what release-push.sh takes.
 */
function prepare(releaseTree: string, testStatus = 0): { status: number | null; output: string; outputs: string; temp: string; clone: string } {
  const clone = path.join(dir, `prepare-${++n}`);
  git(dir, 'clone', '-q', source, clone);
  git(clone, 'checkout', '-q', '-B', 'main', base);
  const bin = path.join(dir, `npm-${n}`);
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'npm'),
    [
      '#!/bin/sh',
      'echo "npm $*" >> "$RUNNER_TEMP/npm.log"',
      'case "$1" in',
      `  run) '${REAL_GIT}' checkout -q "$RELEASE_TREE" -- clusters dist && echo "staging: shop 3.8.2 -> 3.9.0" ;;`,
      '  test) exit "$NPM_TEST_STATUS" ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const temp = path.join(dir, `runner-temp-${n}`);
  fs.mkdirSync(temp);
  const outputs = path.join(temp, 'outputs');
  fs.writeFileSync(outputs, '');
  const run = spawnSync('bash', [COMMIT], {
    cwd: clone,
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: outputs,
      GITHUB_STEP_SUMMARY: path.join(temp, 'summary'),
      APP: 'shop',
      ENV_NAME: 'staging',
      IMAGE,
      RELEASE_TREE: releaseTree,
      NPM_TEST_STATUS: String(testStatus),
    },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}`, outputs: fs.readFileSync(outputs, 'utf8'), temp, clone };
}

withJq('release-commit.sh: the unprivileged half hands release-push.sh a bundle it takes', () => {
  test('it releases, tests, commits as github-actions[bot] and bundles the commit on main; release-push.sh pushes that bundle', () => {
    const result = prepare(releaseCommit);
    expect(result.status).toBe(0);
    expect(result.outputs).toBe(`base=${base}\ncommitted=true\n`);
    expect(fs.readFileSync(path.join(result.temp, 'npm.log'), 'utf8')).toBe(`npm run release -- --env staging --app shop --image ${IMAGE}\nnpm test\n`);
    expect(fs.readFileSync(path.join(result.temp, 'release', 'release.txt'), 'utf8')).toContain('staging: shop 3.8.2 -> 3.9.0');
    expect(git(result.clone, 'log', '-1', '--format=%an <%ae>|%s')).toBe(
      `github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|release shop to staging: ${IMAGE}`,
    );
    expect(git(result.clone, 'rev-parse', 'HEAD^{tree}')).toBe(git(source, 'rev-parse', `${releaseCommit}^{tree}`));
    const remote = remoteAt(base);
    const pushed = push('main', remote, path.join(result.temp, 'release', 'release.bundle'));
    expect([pushed.status, pushed.outputs]).toEqual([0, 'result=pushed\n']);
    expect(mainOf(remote)).toBe(git(result.clone, 'rev-parse', 'HEAD'));
  });

  test('failing tests leave no bundle, and the job fails', () => {
    const result = prepare(releaseCommit, 1);
    expect(result.status).toBe(1);
    expect(result.outputs).toBe(`base=${base}\n`);
    expect(fs.existsSync(path.join(result.temp, 'release', 'release.bundle'))).toBe(false);
  });

  test('an app already at that version: committed=false, no bundle, no push job', () => {
    const result = prepare(base);
    expect([result.status, result.outputs]).toEqual([0, `base=${base}\ncommitted=false\n`]);
    expect(fs.readFileSync(path.join(result.temp, 'npm.log'), 'utf8')).not.toContain('npm test');
    expect(fs.existsSync(path.join(result.temp, 'release', 'release.bundle'))).toBe(false);
  });
});

withJq('release-push.sh main: a release commit goes to main, or the next attempt runs, or it stops', () => {
  test('a real release commit on the current main is pushed', () => {
    const remote = remoteAt(base);
    const result = push('main', remote, bundleOf(source));
    expect([result.status, result.output]).toEqual([0, expect.stringContaining(`pushed ${releaseCommit.slice(0, 12)} to refs/heads/main`)]);
    expect(result.outputs).toBe('result=pushed\n');
    expect(mainOf(remote)).toBe(releaseCommit);
  });

  test('main moved before the push job: result=moved and nothing pushed, so the next attempt releases again on the new main', () => {
    const remote = remoteAt(base);
    git(otherClone(remote), 'push', '-q', 'origin', 'HEAD:main');
    const moved = mainOf(remote);
    const result = push('main', remote, bundleOf(source), { ATTEMPT: '2' });
    expect(result.status).toBe(0);
    expect(result.output).toContain('::notice::main moved while shop was being released');
    expect(result.output).toContain('attempt 3 of 5 releases and tests again on the new main');
    expect(result.outputs).toBe('result=moved\n');
    expect(mainOf(remote)).toBe(moved);
  });

  test('main moved between the fetch and the push (git says [rejected] (fetch first)): result=moved too', () => {
    const remote = remoteAt(base);
    const result = push('main', remote, bundleOf(source), { RACE_CLONE: otherClone(remote) });
    expect(result.status).toBe(0);
    expect(result.output).toContain('main moved between the fetch and the push');
    expect(result.outputs).toBe('result=moved\n');
    expect(mainOf(remote)).not.toBe(releaseCommit);
  });

  test('main moved in the last attempt: it stops, saying to re-run', () => {
    const remote = remoteAt(base);
    git(otherClone(remote), 'push', '-q', 'origin', 'HEAD:main');
    const result = push('main', remote, bundleOf(source), { ATTEMPT: '5' });
    expect(result.status).toBe(1);
    expect(result.output).toContain('::error::main moved while shop was being released, in each of the 5 attempts');
    expect(result.output).toContain('re-run this workflow');
    expect(result.outputs).toBe('');
  });

  test('a push GitHub refuses (a protected main, no Contents write) stops at once and says so: it is no race', () => {
    const remote = remoteAt(base, 'echo "GH006: Protected branch update failed for refs/heads/main." >&2; exit 1');
    const result = push('main', remote, bundleOf(source));
    expect(result.status).toBe(1);
    expect(result.output).toContain('[remote rejected]');
    expect(result.output).toContain('GH006: Protected branch update failed');
    expect(result.output).toContain('::error::GitHub refused the push of shop');
    expect(result.output).toContain('it was no race with another push');
    expect(result.output).toContain('bypass list');
    expect(result.outputs).not.toContain('moved');
    expect(mainOf(remote)).toBe(base);
  });

  const other = (root: string, file: string, text = '\n') => fs.appendFileSync(path.join(root, file), text);
  const replaceIn = (root: string, file: string, from: string | RegExp, to: string) => {
    const full = path.join(root, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = before.replace(from, to);
    expect(after).not.toBe(before); // the edit took
    fs.writeFileSync(full, after);
  };
  const CASES: ReadonlyArray<readonly [string, () => { bundle: string; env?: Record<string, string> }, string]> = [
    [
      'a workflow changed too',
      () => ({ bundle: bundleOf(tampered((r) => (fs.mkdirSync(path.join(r, '.github')), other(r, '.github/ci.yml', 'on: push\n')))) }),
      'the release commit changes .github/ci.yml in a way no release does (status A',
    ],
    [
      "another app's rendered file",
      () => ({ bundle: bundleOf(tampered((r) => other(r, 'dist/staging/apps/backoffice.yaml'))) }),
      'the release commit changes dist/staging/apps/backoffice.yaml: a release of shop to staging changes only clusters/staging/releases.json and dist/staging/apps*/shop.yaml',
    ],
    [
      "another env's rendered file",
      () => ({ bundle: bundleOf(tampered((r) => other(r, 'dist/prod/apps/shop.yaml'))) }),
      'the release commit changes dist/prod/apps/shop.yaml',
    ],
    [
      "the app's platform part",
      () => ({ bundle: bundleOf(tampered((r) => other(r, 'dist/staging/platform-controllers/tenants/shop.yaml'))) }),
      'the release commit changes dist/staging/platform-controllers/tenants/shop.yaml',
    ],
    [
      "a line of the app's Deployment beside the image",
      () => ({ bundle: bundleOf(tampered((r) => replaceIn(r, 'dist/staging/apps/shop.yaml', 'imagePullPolicy: IfNotPresent', 'imagePullPolicy: Always'))) }),
      'the release commit changes dist/staging/apps/shop.yaml beyond the image of shop (ghcr.io/acme-web/shop -> ghcr.io/acme-web/shop:3.9.0@sha256:a1a1',
    ],
    [
      'an image from another repository',
      () => ({
        bundle: bundleOf(tampered((r) => replaceIn(r, 'dist/staging/apps/shop.yaml', `image: ${IMAGE}`, `image: ghcr.io/evil/shop:3.9.0@${NEW.digest}`))),
      }),
      'the release commit changes dist/staging/apps/shop.yaml beyond the image of shop',
    ],
    [
      "another app's release entry",
      () => ({ bundle: bundleOf(tampered((r) => replaceIn(r, 'clusters/staging/releases.json', '"tag": "1.14.0"', '"tag": "1.14.1"'))) }),
      'the release commit changes clusters/staging/releases.json beyond apps.shop',
    ],
    [
      "the app's history rewritten (a digest staging never ran, which prod's gate would then take)",
      () => ({
        bundle: bundleOf(
          tampered((r) =>
            replaceIn(r, 'clusters/staging/releases.json', /("history": \[\n)(\s+)\{/, `$1$2{ "tag": "6.6.6", "digest": "sha256:${'f0'.repeat(32)}" },\n$2{`),
          ),
        ),
      }),
      "the release commit's clusters/staging/releases.json does not release 3.9.0 (sha256:a1a1",
    ],
    [
      'a release of another image than the one requested',
      () => ({ bundle: bundleOf(source), env: { IMAGE: pinnedImageOf(REPOSITORY, { tag: '3.9.1', digest: `sha256:${'c3'.repeat(32)}` }) } }),
      "the release commit's clusters/staging/releases.json does not release 3.9.1 (sha256:c3c3",
    ],
    [
      'the releases file made executable',
      () => ({ bundle: bundleOf(tampered((r) => fs.chmodSync(path.join(r, 'clusters/staging/releases.json'), 0o755))) }),
      'the release commit changes clusters/staging/releases.json in a way no release does (status M, mode 100644 -> 100755)',
    ],
    [
      'a second commit on top',
      () => {
        const work = tampered(() => undefined);
        git(work, 'commit', '-q', '--allow-empty', '-m', 'more');
        return { bundle: bundleOf(work) };
      },
      `the bundled commit`,
    ],
    [
      'nothing but the releases file',
      () => ({ bundle: bundleOf(tampered((r) => git(r, 'checkout', '-q', base, '--', 'dist/staging/apps/shop.yaml'))) }),
      'the release commit does not change dist/staging/apps*/shop.yaml',
    ],
    ['a bundle made on another base', () => ({ bundle: bundleOf(source, `${releaseCommit}~1`), env: { BASE: releaseCommit } }), 'main is at'],
  ];

  test.each(CASES)('refused, nothing pushed: %s', (what, make, message) => {
    const remote = remoteAt(base);
    const { bundle, env } = make();
    const result = push('main', remote, bundle, env);
    if (message === 'main is at') {
      // BASE is not main: reported as moved, never pushed.
      expect(result.outputs).toBe('result=moved\n');
    } else {
      expect(result.status).toBe(1);
      expect(result.output).toContain(`::error::${message}`);
      if (what === 'a second commit on top') expect(result.output).toContain(`is not one commit on top of ${base.slice(0, 12)}`);
      expect(result.outputs).toBe('');
    }
    expect(mainOf(remote)).toBe(base);
  });

  test.each([
    ['APP', '../shop'],
    ['ENV_NAME', 'staging/../prod'],
    ['IMAGE', `${REPOSITORY}:3.9.0`],
    ['BASE', 'main'],
  ])('its inputs are checked first: %s = %s', (name, value) => {
    const remote = remoteAt(base);
    const result = push('main', remote, bundleOf(source), { [name]: value });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(new RegExp(`^::error::${name} = '`, 'm'));
    expect(mainOf(remote)).toBe(base);
  });
});

withJq('release-push.sh branch: a prod release goes to its own branch', () => {
  test('a prod release made on an older main is pushed to its branch, replacing it; a base that is not on main is refused', () => {
    // Prod runs what staging ran: the staging release first, then the prod one on top of it.
    const prodSource = path.join(dir, 'prod-source');
    git(dir, 'clone', '-q', source, prodSource);
    release({ ...repo, root: prodSource }, { env: 'prod', app: 'shop', image: IMAGE });
    expect(changedPaths(prodSource)).toEqual(['clusters/prod/releases.json', 'dist/prod/apps/shop.yaml']);
    git(prodSource, 'add', '-A', '--', 'clusters', 'dist', 'docs');
    git(prodSource, 'commit', '-q', '-m', `release shop to prod: ${IMAGE}`);
    const remote = remoteAt(releaseCommit);
    git(otherClone(remote), 'push', '-q', 'origin', 'HEAD:main'); // main moved on: a PR may start a few commits back
    const branch = 'release/prod/shop-a1a1a1a1a1a1';
    git(dir, '--git-dir', remote, 'update-ref', `refs/heads/${branch}`, base); // an older run's branch
    const env = { ENV_NAME: 'prod', BASE: releaseCommit, BRANCH: branch };
    const result = push('branch', remote, bundleOf(prodSource, releaseCommit), env);
    expect([result.status, result.outputs]).toEqual([0, 'result=pushed\n']);
    expect(git(dir, '--git-dir', remote, 'rev-parse', `refs/heads/${branch}`)).toBe(git(prodSource, 'rev-parse', 'HEAD'));

    const stray = remoteAt(base);
    const refused = push('branch', stray, bundleOf(prodSource, releaseCommit), env);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain(`::error::the release was made on ${releaseCommit.slice(0, 12)}, which is not among main's last 50 commits`);
    expect(() => git(dir, '--git-dir', stray, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`)).toThrow();
  });
});

withJq('the push token', () => {
  test('is on no git command line the script ran (a credential helper reads it from the environment)', () => {
    const lines = fs.readFileSync(argvLog, 'utf8').split('\n');
    expect(lines.filter((l) => l.startsWith('push ')).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(TOKEN))).toEqual([]);
  });

  test('the credential helper the script configures answers with the token from the environment', () => {
    const helper = /git config credential\.helper '([^']+)'/.exec(fs.readFileSync(PUSH, 'utf8'))![1];
    expect(helper).not.toContain(TOKEN);
    const fill = (operation: string) =>
      spawnSync(REAL_GIT, ['-c', `credential.helper=${helper}`, 'credential', operation], {
        cwd: dir,
        encoding: 'utf8',
        input: 'protocol=https\nhost=github.com\n\n',
        env: { PATH: process.env.PATH, HOME: dir, PUSH_TOKEN: TOKEN, GIT_TERMINAL_PROMPT: '0' },
      });
    expect(fill('fill').stdout).toBe(`protocol=https\nhost=github.com\nusername=x-access-token\npassword=${TOKEN}\n`);
  });
});
