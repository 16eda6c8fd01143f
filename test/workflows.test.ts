import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CLUSTERS } from '../clusters';
import { releaseAudienceOf } from '../scripts/lib/release-caller';
import { tempDir } from './support';

const ROOT = path.join(__dirname, '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const VALIDATOR = path.join(ROOT, 'node_modules', '.bin', 'action-validator');

const workflowFiles = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Job {
  readonly name?: string;
  readonly permissions?: unknown;
  readonly steps?: readonly Step[];
  readonly uses?: string;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly environment?: string | { readonly name: string };
  readonly env?: Record<string, unknown>;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': unknown };
  readonly with?: Record<string, unknown>;
  readonly secrets?: unknown;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: unknown;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': unknown };
  readonly jobs: Record<string, Job>;
}

const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
const load = (file: string) => parse(read(file)) as Workflow;

/** Runs the real validator (@action-validator/cli) on one file. */
function validate(file: string): { status: number | null; output: string } {
  const run = spawnSync(VALIDATOR, [file], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

// The property checks, as functions, so that a test can show each one catches what it looks for.

/** Jobs that do not set `permissions:` themselves. */
const jobsWithoutPermissions = (wf: Workflow): string[] =>
  Object.entries(wf.jobs)
    .filter(([, job]) => job.permissions === undefined)
    .map(([id]) => id);

/** `${{ }}` expressions inside `run:` scripts or github-script `script:` (script injection). */
function interpolatedScripts(wf: Workflow): string[] {
  const found: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    for (const [i, step] of (job.steps ?? []).entries()) {
      const scripts = [step.run, step.uses?.startsWith('actions/github-script@') ? step.with?.script : undefined];
      for (const script of scripts) {
        if (typeof script !== 'string') continue;
        for (const m of script.matchAll(/\$\{\{([^}]*)\}\}/g)) found.push(`${id}.steps[${i}]: \${{${m[1]}}}`);
      }
    }
  }
  return found;
}

const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^#\s*v\d+\.\d+\.\d+$/;

/**
 * `uses:` lines that are not pinned: a remote action or reusable workflow must name a full commit SHA
 * followed by a `# vX.Y.Z` comment (what Renovate keeps current); `./local` is exempt, `docker://` needs
 * a digest.
 */
function unpinnedUses(text: string): string[] {
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/.exec(line);
    if (!m) continue;
    const [, , ref, comment] = m;
    if (ref.startsWith('./')) continue;
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) bad.push(line.trim());
      continue;
    }
    if (!SHA_PIN.test(ref) || !VERSION_COMMENT.test((comment ?? '').trim())) bad.push(line.trim());
  }
  return bad;
}

/** Expressions that hand a step a GitHub token: the App token, the run's GITHUB_TOKEN. */
const TOKEN = /steps\.app-token\.outputs\.token|github\.token|secrets\.GITHUB_TOKEN/;
/** A step that runs code from npm (or Node.js, which npm's install scripts could have changed): a command npm, npx, node or tsx, or setup-node. */
const runsNpmCode = (step: Step): boolean =>
  /(^|[;&|(]|\bthen|\bdo)\s*(sudo\s+)?(npm|npx|node|tsx)\b/m.test(step.run ?? '') || /^actions\/setup-node@/.test(step.uses ?? '');
const environmentOf = (job: Job): string | undefined => (typeof job.environment === 'string' ? job.environment : job.environment?.name);

/**
 * Where a write token could leak: a checkout that leaves a token in .git/config (persist-credentials not
 * false, or a token: of its own); and a job whose steps get a GitHub token (or an App key, which mints one)
 * and that also runs npm code, or checks out more than this run's scripts/ci. Such a job must run on a
 * runner that ran nothing from npm: npm's install scripts and tests may read /proc and use sudo.
 */
function exposedTokens(wf: Workflow): string[] {
  const found: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const steps = job.steps ?? [];
    const holdsToken = steps.some(
      (step) => TOKEN.test(JSON.stringify(step.env ?? {})) || /secrets\.RELEASE_APP_PRIVATE_KEY/.test(JSON.stringify(step.with ?? {})),
    );
    for (const [i, step] of steps.entries()) {
      const at = `${id}.steps[${i}]${step.name ? ` (${step.name})` : ''}`;
      if (step.uses?.startsWith('actions/checkout@')) {
        if (step.with?.['persist-credentials'] !== false) found.push(`${at}: persist-credentials is not false`);
        if (step.with?.token !== undefined) found.push(`${at}: has a token`);
        if (holdsToken && step.with?.['sparse-checkout'] !== 'scripts/ci') found.push(`${at}: a job with a token checks out more than scripts/ci`);
      }
      if (holdsToken && runsNpmCode(step)) found.push(`${at}: runs npm code in a job that gets a token`);
    }
  }
  return found;
}

/** Runs one step's script with the given env as the runner runs `shell: bash` (files for outputs and the summary). */
function runStep(step: Step, env: Record<string, string>): { status: number | null; output: string; outputs: string } {
  const dir = tempDir('workflow-step');
  const [script, outputs] = [path.join(dir, 'step.sh'), path.join(dir, 'outputs')];
  fs.writeFileSync(script, step.run ?? '');
  fs.writeFileSync(outputs, '');
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), ...env },
  });
  const result = { status: run.status, output: `${run.stdout}${run.stderr}`, outputs: fs.readFileSync(outputs, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** The staging attempts of release-run.yml: prepare-<n> and push-<n>. */
const ATTEMPTS = [1, 2, 3, 4, 5];

const usesLines = (text: string) => [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)\s*#\s*(\S+)/gm)].map((m) => ({ ref: m[1], version: m[2] }));

describe('the workflow files', () => {
  test('the four workflows exist', () => {
    expect(workflowFiles).toEqual(['app-pipeline.yml', 'ci.yml', 'release-run.yml', 'release.yml']);
  });

  test.each(workflowFiles)('%s passes action-validator (schema of GitHub workflows)', (file) => {
    const result = validate(path.join(WORKFLOWS, file));
    if (result.status !== 0) throw new Error(`action-validator rejected ${file}:\n${result.output}`);
    expect(result.status).toBe(0);
  });

  describe('action-validator rejects a broken workflow', () => {
    const dir = tempDir('workflows');
    const broken: Record<string, string> = {
      'a misspelled key (runs-onn)': read('ci.yml').replace(/runs-on:/, 'runs-onn:'),
      'an unknown trigger': read('release.yml').replace(/^on:/m, 'on:\n  pushh:'),
      'a needs: that names no job': read('release.yml').replace('needs: validate', 'needs: validat'),
      'an invalid permission level': read('app-pipeline.yml').replace(/^(\s+)contents: read$/m, '$1contents: reed'),
      'a step with both run and uses': read('ci.yml').replace('      - run: npm test\n', '      - run: npm test\n        uses: actions/checkout@v4\n'),
    };

    test('the same files, copied unchanged to the temp dir, pass (control)', () => {
      for (const file of workflowFiles) {
        fs.writeFileSync(path.join(dir, file), read(file));
        expect(validate(path.join(dir, file)).status).toBe(0);
      }
    });

    test.each(Object.keys(broken))('%s', (what) => {
      const text = broken[what];
      expect(workflowFiles.map(read)).not.toContain(text); // the mutation took
      const file = path.join(dir, `broken-${what.replace(/\W+/g, '-')}.yml`);
      fs.writeFileSync(file, text);
      const result = validate(file);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/errors/);
    });
  });
});

describe('workflow properties', () => {
  test.each(workflowFiles)('%s: the workflow grants nothing by default and every job sets its own permissions', (file) => {
    const wf = load(file);
    expect(wf.permissions).toEqual({});
    expect(jobsWithoutPermissions(wf)).toEqual([]);
    for (const job of Object.values(wf.jobs)) expect(job.permissions).not.toBe('write-all');
  });

  test('each job has exactly the rights it needs (least privilege)', () => {
    const rights = Object.fromEntries(
      workflowFiles.map((f) => [f, Object.fromEntries(Object.entries(load(f).jobs).map(([id, job]) => [id, job.permissions]))]),
    );
    expect(rights).toEqual({
      'ci.yml': {
        test: { contents: 'read' },
        render: { contents: 'read' },
        diff: { contents: 'read' },
        comment: { 'pull-requests': 'write' },
      },
      // The release's writes are the release-bot App's (its token's rights are set where it is minted).
      'release.yml': {
        // The checkout that verifies a dispatch's sender (scripts/ci/verify-release-caller.ts).
        validate: { contents: 'read' },
        release: { contents: 'read' },
      },
      'release-run.yml': {
        ...Object.fromEntries(
          ATTEMPTS.flatMap((k) => [
            [`prepare-${k}`, { contents: 'read' }],
            [`push-${k}`, { contents: 'read' }],
          ]),
        ),
        'prod-approve': {},
        'prod-prepare': { contents: 'read' },
        'prod-pr': { contents: 'read' },
      },
      'app-pipeline.yml': {
        test: { contents: 'read' },
        build: { contents: 'read', packages: 'write', 'id-token': 'write' },
        // The OIDC token that shows release.yml which repository sends the release (scripts/lib/release-caller.ts).
        release: { 'id-token': 'write' },
      },
    });
  });

  test.each(workflowFiles)('%s: no script interpolates an expression (inputs reach scripts through env:)', (file) => {
    expect(interpolatedScripts(load(file))).toEqual([]);
  });

  test.each(workflowFiles)('%s: every action is pinned by full commit SHA with a # vX.Y.Z comment', (file) => {
    const text = read(file);
    expect(text).toMatch(/^\s*(-\s+)?uses:/m);
    expect(unpinnedUses(text)).toEqual([]);
  });

  test('one action, one pin: every file uses the same SHA and version of an action', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of workflowFiles) {
      for (const { ref, version } of usesLines(read(file))) {
        const [action, sha] = ref.split('@');
        pins.set(action, (pins.get(action) ?? new Set()).add(`${sha} ${version}`));
      }
    }
    expect([...pins].filter(([, set]) => set.size > 1)).toEqual([]);
  });

  test('the checks catch what they look for', () => {
    const bad: Workflow = {
      on: { push: null },
      jobs: {
        open: {
          steps: [
            { run: 'echo "${{ inputs.app }}"' },
            { run: 'echo ${{ github.event.pull_request.title }}' },
            { uses: 'actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea', with: { script: 'core.info("${{ github.event.issue.title }}")' } },
          ],
        },
      },
    };
    expect(jobsWithoutPermissions(bad)).toEqual(['open']);
    const leaky: Workflow = {
      on: { push: null },
      jobs: {
        push: {
          steps: [
            { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683' },
            { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', with: { 'persist-credentials': false, token: '${{ github.token }}' } },
            { run: 'npm test' },
            { run: 'git push', env: { TOKEN: '${{ github.token }}' } },
          ],
        },
        mint: {
          steps: [
            { uses: 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020' },
            {
              id: 'app-token',
              uses: 'actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e',
              with: { 'private-key': '${{ secrets.RELEASE_APP_PRIVATE_KEY }}' },
            },
          ],
        },
        clean: {
          steps: [
            { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', with: { 'persist-credentials': false, 'sparse-checkout': 'scripts/ci' } },
            { run: 'scripts/ci/release-push.sh main', env: { PUSH_TOKEN: '${{ steps.app-token.outputs.token }}' } },
          ],
        },
      },
    };
    // push: both checkouts (the first twice: it keeps the token and checks out everything), the second's token and scope, npm test; mint: setup-node.
    expect(exposedTokens(leaky)).toEqual([
      'push.steps[0]: persist-credentials is not false',
      'push.steps[0]: a job with a token checks out more than scripts/ci',
      'push.steps[1]: has a token',
      'push.steps[1]: a job with a token checks out more than scripts/ci',
      'push.steps[2]: runs npm code in a job that gets a token',
      'mint.steps[0]: runs npm code in a job that gets a token',
    ]);
    expect(interpolatedScripts(bad)).toHaveLength(3);
    expect(
      unpinnedUses(
        [
          '      - uses: actions/checkout@v4',
          '      - uses: actions/checkout@v4.2.2',
          '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
          '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4',
          '      - uses: docker://alpine:3.20',
          '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
          '      - uses: ./.github/actions/local',
        ].join('\n'),
      ),
    ).toHaveLength(5);
  });
});

describe('what each workflow does', () => {
  const stepsOf = (file: string, job: string) => load(file).jobs[job].steps ?? [];
  const runs = (file: string, job: string) =>
    stepsOf(file, job)
      .map((s) => s.run ?? '')
      .join('\n');
  const actions = (file: string, job: string) => stepsOf(file, job).map((s) => (s.uses ?? '').split('@')[0]);

  test('ci runs on PRs and main, cancels superseded PR runs, and checks tests, lint, freshness and Flux builds', () => {
    const wf = load('ci.yml');
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.on.push).toEqual({ branches: ['main'] });
    expect(wf.concurrency?.['cancel-in-progress']).toBeTruthy();
    const script = runs('ci.yml', 'test');
    for (const cmd of [
      'npm ci',
      'npm test',
      'npm run lint',
      'npm run synth',
      'git status --porcelain -- dist clusters docs',
      'kubectl kustomize',
      'restic',
      'luajit',
      'kubernetes-client',
    ]) {
      expect(script).toContain(cmd);
    }
    expect(runs('ci.yml', 'diff')).toMatch(/npm run --silent diff -- --ref "[^"]+" --markdown/);
  });

  test("ci judges the releases files' change against the branch a PR merges into: synth --base HEAD^1, with that parent fetched", () => {
    // A prod version staging rolled back from after the PR was opened is new in prod against HEAD^1 (the merge
    // commit's first parent): synth refuses it (constructs/validation/proven-releases.ts). Against HEAD it would pass.
    expect(runs('ci.yml', 'test')).toMatch(/^\s*npm run synth -- --base HEAD\^1$/m);
    const checkout = stepsOf('ci.yml', 'test').find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(2);
  });

  test('ci: the render job renders every HelmRelease with a pinned helm, runs check:rendered, and dry-runs on a kind cluster of our Kubernetes version', () => {
    const job = load('ci.yml').jobs.render as Job & { strategy?: { matrix?: { env?: string[] } } };
    expect(job).toBeDefined();
    // One run per env, and every env has one.
    expect([...(job.strategy?.matrix?.env ?? [])].sort()).toEqual(CLUSTERS.map((c) => c.env).sort());
    expect(actions('ci.yml', 'render')).toEqual(expect.arrayContaining(['actions/checkout', 'azure/setup-helm', 'fluxcd/flux2/action', 'helm/kind-action']));
    const step = (action: string) => stepsOf('ci.yml', 'render').find((s) => s.uses?.startsWith(`${action}@`))!;
    expect(String(step('azure/setup-helm').with?.version)).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(String(step('fluxcd/flux2/action').with?.version)).toMatch(/^\d+\.\d+\.\d+$/);
    const kind = step('helm/kind-action').with ?? {};
    expect(String(kind.version)).toMatch(/^v\d+\.\d+\.\d+$/);
    for (const cluster of CLUSTERS) {
      expect(String(kind.node_image)).toMatch(new RegExp(`^kindest/node:v${cluster.kubernetesVersion.replace('.', '\\.')}\\.\\d+@sha256:[0-9a-f]{64}$`));
    }
    const script = runs('ci.yml', 'render');
    for (const cmd of [
      'npx tsx scripts/ci/render-charts.ts --env "$ENV_NAME"',
      'npm run check:rendered -- "$RUNNER_TEMP/charts" "dist/$ENV_NAME" --env "$ENV_NAME"',
      'flux install --export',
      'npx tsx scripts/ci/admission-sets.ts',
      'scripts/ci/kind-admission.sh "$RUNNER_TEMP/admission"',
    ]) {
      expect(script).toContain(cmd);
    }
    // The scripts it runs exist, and the shell one is executable and parses.
    for (const file of ['scripts/ci/render-charts.ts', 'scripts/ci/admission-sets.ts', 'scripts/check-rendered.ts'])
      expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    const shell = path.join(ROOT, 'scripts', 'ci', 'kind-admission.sh');
    expect(fs.statSync(shell).mode & 0o111).not.toBe(0);
    expect(spawnSync('bash', ['-n', shell]).status).toBe(0);
  });

  test('ci: the job with a write token runs no PR code and skips forks', () => {
    const wf = load('ci.yml');
    expect(actions('ci.yml', 'comment')).toEqual(['actions/github-script']);
    expect(String((wf.jobs.comment as { if?: string }).if)).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  test('release takes app, env and image by hand or by repository_dispatch, validates them first, and runs release-run.yml with them', () => {
    const wf = load('release.yml');
    const dispatch = wf.on.workflow_dispatch as { inputs: Record<string, unknown> };
    expect(Object.keys(dispatch.inputs).sort()).toEqual(['app', 'env', 'image']);
    expect(wf.on.repository_dispatch).toEqual({ types: ['release'] });
    expect(Object.keys(wf.jobs)).toEqual(['validate', 'release']);
    expect(wf.jobs.release).toMatchObject({
      needs: 'validate',
      uses: './.github/workflows/release-run.yml',
      with: { app: '${{ needs.validate.outputs.app }}', env: '${{ needs.validate.outputs.env }}', image: '${{ needs.validate.outputs.image }}' },
    });
    expect(runs('release.yml', 'validate')).toMatch(/sha256:\[a-f0-9\]\{64\}/);
    const run = load('release-run.yml');
    expect(Object.keys((run.on.workflow_call as { inputs: Record<string, unknown> }).inputs).sort()).toEqual(['app', 'env', 'image']);
    const attempt = fs.readFileSync(path.join(ROOT, 'scripts', 'ci', 'release-commit.sh'), 'utf8');
    expect(attempt).toContain('npm run release -- --env "$ENV_NAME" --app "$APP" --image "$IMAGE"');
    expect(attempt).toContain('npm test');
    for (const job of [...ATTEMPTS.map((k) => `prepare-${k}`), 'prod-prepare']) expect(runs('release-run.yml', job)).toContain('scripts/ci/release-commit.sh');
    for (const k of ATTEMPTS) expect(runs('release-run.yml', `push-${k}`)).toContain('scripts/ci/release-push.sh main');
    expect(runs('release-run.yml', 'prod-pr')).toContain('scripts/ci/release-push.sh branch');
    expect(runs('release-run.yml', 'prod-pr')).toContain('gh api --method POST "repos/$GH_REPO/pulls" -f base=main');
    expect(runs('release-run.yml', 'prod-pr')).not.toMatch(/release-push\.sh main/);
    for (const file of ['release-commit.sh', 'release-push.sh']) {
      const script = path.join(ROOT, 'scripts', 'ci', file);
      expect(fs.statSync(script).mode & 0o111).not.toBe(0);
      expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    }
  });

  describe('prod runs only what ran in staging: an app repo releases to staging only', () => {
    const image = `ghcr.io/acme-web/shop:3.9.0@sha256:${'a1'.repeat(32)}`;
    const validate = () => stepsOf('release.yml', 'validate').find((s) => s.id === 'check')!;

    test.each([
      ['repository_dispatch', 'staging', 0],
      ['workflow_dispatch', 'staging', 0],
      ['workflow_dispatch', 'prod', 0],
      ['repository_dispatch', 'prod', 1],
    ] as const)('release.yml: a %s to %s is accepted (0) or refused (1): %i', (event, env, refused) => {
      const result = runStep(validate(), { GITHUB_EVENT_NAME: event, APP: 'shop', ENV_NAME: env, IMAGE: image, RELEASE_APP_ID: '123456' });
      if (refused) {
        expect(result.status).not.toBe(0);
        expect(result.output).toContain(`::error::env = prod: a repository_dispatch releases to staging only: start a prod release by hand`);
        expect(result.outputs).toBe('');
      } else {
        expect([result.status, result.output]).toEqual([0, '']);
        expect(result.outputs).toContain(`env=${env}\n`);
      }
    });

    test('release.yml: the prod jobs run only for a release started by hand', () => {
      expect(String(load('release-run.yml').jobs['prod-approve'].if)).toBe("inputs.env == 'prod' && github.event_name == 'workflow_dispatch'");
      // The others follow it (needs), so none runs when it is skipped.
      expect(load('release-run.yml').jobs['prod-prepare'].needs).toBe('prod-approve');
      expect(load('release-run.yml').jobs['prod-pr'].needs).toBe('prod-prepare');
    });

    test.each([
      ['staging', 0],
      ['prod', 1],
      ['production', 1],
    ] as const)('app-pipeline.yml: release-env %s is accepted (0) or refused (1): %i', (env, refused) => {
      const check = stepsOf('app-pipeline.yml', 'release').find((s) => s.id === 'target')!;
      const result = runStep(check, { GITOPS_REPOSITORY: 'acme-web/webapp-platform', RELEASE_ENV: env, APP: 'shop' });
      if (refused) {
        expect(result.status).not.toBe(0);
        expect(result.output).toContain(`::error::release-env = ${env}: must be staging: prod is released in acme-web/webapp-platform by hand`);
      } else {
        expect(result.status).toBe(0);
      }
      const input = (load('app-pipeline.yml').on.workflow_call as { inputs: Record<string, { default?: unknown }> }).inputs['release-env'];
      expect(input.default).toBe('staging');
    });
  });

  describe("a dispatch is applied only with the OIDC token of the app's own pipeline run", () => {
    test("app-pipeline.yml sends the run's OIDC token, for the GitOps repo as audience, and no token passes through argv", () => {
      const dispatch = stepsOf('app-pipeline.yml', 'release').find((s) => s.name === 'Dispatch the release to the GitOps repo')!;
      const bin = tempDir('dispatch-bin');
      const log = path.join(bin, 'log');
      const realJq = spawnSync('sh', ['-c', 'command -v jq'], { encoding: 'utf8' }).stdout.trim();
      const fake = (name: string, body: string) =>
        fs.writeFileSync(path.join(bin, name), `#!/bin/bash\nprintf '${name} %s\\n' "$*" >> '${log}'\n${body}\n`, { mode: 0o755 });
      // curl: the token endpoint, which answers with the token; headers given as @file are logged as read.
      fake('curl', `for a in "$@"; do case "$a" in @*) printf 'header %s\\n' "$(cat "\${a#@}")" >> '${log}' ;; esac; done; echo '{"value":"the-oidc-token"}'`);
      fake('jq', `exec '${realJq}' "$@"`);
      fake('gh', `cat > '${path.join(bin, 'payload.json')}'`);
      const result = runStep(dispatch, {
        PATH: `${bin}:${process.env.PATH}`,
        GH_TOKEN: 'the-app-token',
        GITOPS_REPOSITORY: 'Acme-Web/WebApp-Platform',
        RELEASE_ENV: 'staging',
        APP: 'shop',
        IMAGE: `ghcr.io/acme-web/shop:3.9.0@sha256:${'a1'.repeat(32)}`,
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.example/idtoken?api-version=2.0',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'the-request-token',
        GITHUB_SERVER_URL: 'https://github.com',
      });
      expect([result.status, result.output]).toEqual([0, '::add-mask::the-oidc-token\n']);
      const payload = JSON.parse(fs.readFileSync(path.join(bin, 'payload.json'), 'utf8'));
      expect(payload).toEqual({
        event_type: 'release',
        client_payload: { app: 'shop', env: 'staging', image: `ghcr.io/acme-web/shop:3.9.0@sha256:${'a1'.repeat(32)}`, id_token: 'the-oidc-token' },
      });
      const calls = fs.readFileSync(log, 'utf8');
      // The audience verify-release-caller.ts expects, from the name as the caller spelled it.
      expect(calls).toContain(`--data-urlencode audience=${releaseAudienceOf('Acme-Web/WebApp-Platform')} `);
      expect(calls).toContain('header Authorization: bearer the-request-token');
      const argv = calls.split('\n').filter((line) => !line.startsWith('header '));
      expect(argv.filter((line) => /the-request-token|the-oidc-token|the-app-token/.test(line))).toEqual([]);
    });

    test('release.yml checks the sender of every dispatch in validate, before the release job takes its group; a release by hand needs no token', () => {
      const steps = stepsOf('release.yml', 'validate');
      const verify = steps.find((s) => s.run?.includes('scripts/ci/verify-release-caller.ts'))!;
      expect(verify.if).toBe("github.event_name == 'repository_dispatch'");
      expect(verify.env).toEqual({ APP: '${{ steps.check.outputs.app }}' });
      // Everything it needs (checkout, node, packages) runs on dispatches too, after the form check.
      const index = steps.indexOf(verify);
      expect(steps.findIndex((s) => s.id === 'check')).toBeLessThan(index - 2);
      for (const step of steps.slice(steps.findIndex((s) => s.id === 'check') + 1, index)) expect(step.if).toBe(verify.if);
      expect(load('release.yml').jobs.release.needs).toBe('validate');
    });
  });

  describe("the dispatch's OIDC token never shows in this repo's Actions log", () => {
    const verify = () => stepsOf('release.yml', 'validate').find((s) => s.run?.includes('scripts/ci/verify-release-caller.ts'))!;
    const TOKEN = `eyJhbGciOiJSUzI1NiJ9.${'eyJyZXBvc2l0b3J5IjoiYWNtZS13ZWIvc2hvcCJ9'}.${'c2lnbmF0dXJl_-'.repeat(4)}`;

    /** Runs the verify step on a dispatch event file holding `payload`, with npx faked: it records what the script would get. */
    function runVerify(payload: unknown): { status: number | null; output: string; seen: string } {
      const dir = tempDir('verify-step');
      const event = path.join(dir, 'event.json');
      const seen = path.join(dir, 'seen');
      fs.writeFileSync(event, JSON.stringify({ action: 'release', client_payload: payload }));
      fs.writeFileSync(path.join(dir, 'npx'), `#!/bin/bash\nprintf '%s|%s|%s\\n' "$*" "$APP" "$RELEASE_ID_TOKEN" > '${seen}'\n`, { mode: 0o755 });
      const result = runStep(verify(), { PATH: `${dir}:${process.env.PATH}`, GITHUB_EVENT_PATH: event, APP: 'shop' });
      const out = { status: result.status, output: result.output, seen: fs.existsSync(seen) ? fs.readFileSync(seen, 'utf8') : '' };
      fs.rmSync(dir, { recursive: true, force: true });
      return out;
    }

    test("no step or job gets the dispatch's id_token (or the whole payload) through env:, nor any client_payload field through a run: expression; the token is read from the event file", () => {
      const exposed: string[] = [];
      for (const file of workflowFiles)
        for (const [id, job] of Object.entries(load(file).jobs))
          for (const [i, step] of (job.steps ?? []).entries()) {
            if (/client_payload\.id_token|client_payload\)?\s*\}\}/.test(JSON.stringify(step.env ?? {}))) exposed.push(`${file}:${id}.steps[${i}] env`);
            if (/\$\{\{[^}]*client_payload/.test(step.run ?? '')) exposed.push(`${file}:${id}.steps[${i}] run`);
          }
      expect(exposed).toEqual([]);
      // The job-level env: is printed the same way.
      for (const file of workflowFiles)
        for (const [id, job] of Object.entries(load(file).jobs)) expect([file, id, /id_token/.test(JSON.stringify(job.env ?? {}))]).toEqual([file, id, false]);
      expect(verify().run).toContain('"$GITHUB_EVENT_PATH"');
    });

    test('the token is masked before anything else prints, and reaches the check only through its environment', () => {
      const result = runVerify({ app: 'shop', env: 'staging', id_token: TOKEN });
      expect([result.status, result.output]).toEqual([0, `::add-mask::${TOKEN}\n`]);
      expect(result.seen).toBe(`tsx scripts/ci/verify-release-caller.ts|shop|${TOKEN}\n`);
    });

    test.each([
      ['no id_token', { app: 'shop' }],
      ['an id_token that is no string', { app: 'shop', id_token: { value: TOKEN } }],
      ['an empty id_token', { app: 'shop', id_token: '' }],
      ['an id_token with a workflow command after a newline', { app: 'shop', id_token: `${TOKEN}\n::add-path::/tmp/evil` }],
      ['an id_token with spaces', { app: 'shop', id_token: `${TOKEN} ${TOKEN}` }],
    ])('%s is refused before it is printed or used', (_name, payload) => {
      const result = runVerify(payload);
      expect(result.status).toBe(1);
      expect(result.output).toBe(
        "::error::client_payload.id_token is missing or not a JWT (three base64url parts): the app's pipeline (app-pipeline.yml) sends the OIDC token of its run\n",
      );
      expect(result.seen).toBe('');
    });
  });

  describe('release.yml: one group per env and app, from validated values only', () => {
    const caller = () => load('release.yml').jobs.release;

    test('the release job is the only place with a concurrency group, built only from what validate checked', () => {
      expect(load('release.yml').concurrency).toBeUndefined();
      expect(load('release-run.yml').concurrency).toBeUndefined();
      for (const file of ['release.yml', 'release-run.yml'])
        for (const [id, job] of Object.entries(load(file).jobs))
          if (!(file === 'release.yml' && id === 'release')) expect([id, job.concurrency]).toEqual([id, undefined]);
      const group = caller().concurrency!.group;
      expect(caller().concurrency!['cancel-in-progress']).toBe(false);
      expect([...group.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1])).toEqual(['needs.validate.outputs.env', 'needs.validate.outputs.app']);
      expect(group).toBe('release-${{ needs.validate.outputs.env }}-${{ needs.validate.outputs.app }}');
      // The values are what validate accepted: lower case (group names are case-insensitive), no separator of their own but '-' inside an app name.
      const check = runs('release.yml', 'validate');
      expect(check).toContain('[[ "$ENV_NAME" =~ ^(staging|prod)$ ]]');
      expect(check).toContain('[[ "$APP" =~ ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$ ]]');
    });

    /**
     * GitHub's documented rule ("Control the concurrency of workflows and jobs"): at most one running and one
     * pending per group; a newly queued one waits while another of its group runs, and replaces (cancels)
     * the pending one. Returns the releases that ran, in order, and those cancelled.
     */
    function schedule(groupOf: (r: { app: string; env: string }) => string, releases: ReadonlyArray<{ id: string; app: string; env: string }>) {
      const running = new Map<string, string>();
      const pending = new Map<string, string>();
      const ran: string[] = [];
      const cancelled: string[] = [];
      for (const r of releases) {
        const g = groupOf(r).toLowerCase();
        if (!running.has(g)) {
          running.set(g, r.id);
          ran.push(r.id);
        } else {
          if (pending.has(g)) cancelled.push(pending.get(g)!);
          pending.set(g, r.id);
        }
      }
      for (const id of pending.values()) ran.push(id);
      return { ran, cancelled };
    }
    const groupOf = (r: { app: string; env: string }) =>
      caller().concurrency!.group.replace(/\$\{\{\s*needs\.validate\.outputs\.(\w+)\s*\}\}/g, (_m, key: 'app' | 'env') => r[key]);

    test('three releases in flight: a newer release of the same app supersedes its pending older one, and no release of another app is lost', () => {
      const burst = [
        { id: 'shop 1', app: 'shop', env: 'staging' },
        { id: 'blog 1', app: 'blog', env: 'staging' },
        { id: 'shop 2', app: 'shop', env: 'staging' },
        { id: 'legacy-site 1', app: 'legacy-site', env: 'staging' },
        { id: 'shop 3', app: 'shop', env: 'staging' },
        { id: 'shop prod', app: 'shop', env: 'prod' },
      ];
      expect(schedule(groupOf, burst)).toEqual({ ran: ['shop 1', 'blog 1', 'legacy-site 1', 'shop prod', 'shop 3'], cancelled: ['shop 2'] });
      // The group per env it replaces: the middle releases of other apps were lost (the app repo got its 204).
      expect(schedule((r) => `release-${r.env}`, burst).cancelled).toEqual(['blog 1', 'shop 2', 'legacy-site 1']);
    });
  });

  describe('release-run.yml: staging attempts, each a fresh unprivileged prepare and a privileged push', () => {
    const run = () => load('release-run.yml');

    test(`the attempts chain: prepare-n, push-n, and prepare-n+1 only when push-n found main moved (${ATTEMPTS.length} attempts)`, () => {
      expect(Object.keys(run().jobs)).toEqual([...ATTEMPTS.flatMap((k) => [`prepare-${k}`, `push-${k}`]), 'prod-approve', 'prod-prepare', 'prod-pr']);
      for (const k of ATTEMPTS) {
        const prepare = run().jobs[`prepare-${k}`];
        const push = run().jobs[`push-${k}`];
        expect(prepare.if).toBe(k === 1 ? "inputs.env == 'staging'" : `needs.push-${k - 1}.outputs.result == 'moved'`);
        expect(prepare.needs).toEqual(k === 1 ? undefined : `push-${k - 1}`);
        expect(prepare.env).toMatchObject({ ATTEMPT: String(k) });
        expect(push).toMatchObject({ needs: `prepare-${k}`, if: `needs.prepare-${k}.outputs.committed == 'true'` });
        expect(push.env).toMatchObject({ ATTEMPT: String(k), ATTEMPTS: String(ATTEMPTS.length), BASE: `\${{ needs.prepare-${k}.outputs.base }}` });
      }
    });

    test('before another attempt it waits a random share of a cap that doubles: 15-30 s, 30-60 s, 60-120 s, 120-240 s', () => {
      const wait = stepsOf('release-run.yml', 'prepare-1')[0];
      expect(wait.if).toBe("env.ATTEMPT != '1'");
      const bin = tempDir('fake-sleep');
      const log = path.join(bin, 'slept');
      fs.writeFileSync(path.join(bin, 'sleep'), `#!/bin/sh\necho "$1" >> '${log}'\n`, { mode: 0o755 });
      for (const k of [2, 3, 4, 5]) {
        const cap = 15 * 2 ** (k - 1);
        const waits = new Set<number>();
        for (let i = 0; i < 12; i++) {
          fs.rmSync(log, { force: true });
          const result = runStep(wait, { ATTEMPT: String(k), PATH: `${bin}:${process.env.PATH}` });
          expect(result.status).toBe(0);
          const slept = Number(fs.readFileSync(log, 'utf8'));
          expect(slept).toBeGreaterThanOrEqual(cap / 2);
          expect(slept).toBeLessThanOrEqual(cap);
          waits.add(slept);
        }
        expect(waits.size).toBeGreaterThan(2); // jitter: not one fixed wait
      }
      fs.rmSync(bin, { recursive: true, force: true });
    });

    test('a prepare job gets no token and no secret, and a push job runs no npm code and checks out only scripts/ci', () => {
      for (const file of workflowFiles) expect([file, exposedTokens(load(file))]).toEqual([file, []]);
      for (const [id, job] of Object.entries(run().jobs)) {
        const text = JSON.stringify(job);
        if (/prepare/.test(id)) {
          expect([id, environmentOf(job), /secrets\.|app-token|github\.token/.test(text)]).toEqual([id, undefined, false]);
          expect(runs('release-run.yml', id)).toContain('npm ci');
        }
        if (/^push-|^prod-pr$/.test(id)) {
          expect((job.steps ?? []).filter(runsNpmCode)).toEqual([]);
          // The token reaches only the scripts that push and the gh call, through env:.
          const withToken = (job.steps ?? []).filter((s) => TOKEN.test(JSON.stringify(s.env ?? {})));
          expect(withToken.map((s) => s.run?.match(/release-push\.sh \w+|gh api/g))).toEqual(
            id === 'prod-pr' ? [['release-push.sh branch'], ['gh api', 'gh api']] : [['release-push.sh main']],
          );
        }
      }
      // No token on a git command line anywhere: no extraheader or x-access-token in any workflow.
      for (const file of workflowFiles) expect([file, /extraheader|x-access-token/.test(read(file))]).toEqual([file, false]);
    });
  });

  describe('the release-bot App is mandatory, and its key is read only in the environment release', () => {
    const KEY = /secrets\.RELEASE_APP_PRIVATE_KEY/;

    test('validate stops at once, before anything is built, when vars.RELEASE_APP_ID is not set', () => {
      const check = stepsOf('release.yml', 'validate').find((s) => s.id === 'check')!;
      expect(check.env?.RELEASE_APP_ID).toBe('${{ vars.RELEASE_APP_ID }}');
      const result = runStep(check, {
        GITHUB_EVENT_NAME: 'repository_dispatch',
        APP: 'shop',
        ENV_NAME: 'staging',
        IMAGE: `ghcr.io/acme-web/shop:3.9.0@sha256:${'a1'.repeat(32)}`,
        RELEASE_APP_ID: '',
      });
      expect(result.status).not.toBe(0);
      expect(result.output).toContain("::error::vars.RELEASE_APP_ID = '': is not set: release.yml pushes with the release-bot GitHub App only");
      expect(result.outputs).toBe('');
      // No GITHUB_TOKEN fallback anywhere in the release.
      for (const file of ['release.yml', 'release-run.yml']) expect([file, /github\.token|secrets\.GITHUB_TOKEN/.test(read(file))]).toEqual([file, false]);
    });

    test.each([
      ['', 'true', '::error::the repository variable RELEASE_APP_ID is not set'],
      ['123456', 'false', '::error::the environment release holds no secret RELEASE_APP_PRIVATE_KEY'],
      ['123456', 'true', ''],
    ])('a push job checks the App before minting: APP_ID "%s", key set %s', (appId, hasKey, message) => {
      const check = stepsOf('release-run.yml', 'push-1').find((s) => s.name === 'The release-bot App is set up')!;
      const result = runStep(check, { APP_ID: appId, HAS_KEY: hasKey });
      expect([result.status === 0, result.output.split('\n')[0].slice(0, message.length)]).toEqual([message === '', message]);
    });

    test('every job that reads the key declares the environment release, and no other job reads it', () => {
      const readers: string[] = [];
      for (const file of workflowFiles) {
        for (const [id, job] of Object.entries(load(file).jobs)) {
          if (!KEY.test(JSON.stringify(job))) continue;
          readers.push(`${file}:${id}`);
          expect([file, id, environmentOf(job)]).toEqual([file, id, 'release']);
        }
      }
      expect(readers.sort()).toEqual([...ATTEMPTS.map((k) => `release-run.yml:push-${k}`), 'release-run.yml:prod-pr'].sort());
      // Secrets reach a called workflow only where passed on: the one call is release.yml's, to release-run.yml.
      const inherits = workflowFiles.flatMap((file) =>
        Object.entries(load(file).jobs)
          .filter(([, job]) => job.secrets === 'inherit')
          .map(([id, job]) => `${file}:${id} -> ${job.uses}`),
      );
      expect(inherits).toEqual(['release.yml:release -> ./.github/workflows/release-run.yml']);
    });

    test('prod: a second person approves in the environment prod-release before anything is built, and that job holds nothing', () => {
      const approve = load('release-run.yml').jobs['prod-approve'];
      expect(environmentOf(approve)).toBe('prod-release');
      expect(approve.permissions).toEqual({});
      expect(/secrets\.|app-token|github\.token/.test(JSON.stringify(approve))).toBe(false);
      expect(environmentOf(load('release-run.yml').jobs['prod-pr'])).toBe('release');
    });
  });

  test('app-pipeline: AWS credentials and the ECR login only when the image is pushed (the role trusts main, not pull requests)', () => {
    const steps = stepsOf('app-pipeline.yml', 'build');
    for (const action of ['aws-actions/configure-aws-credentials', 'aws-actions/amazon-ecr-login']) {
      const step = steps.find((s) => s.uses?.startsWith(`${action}@`))!;
      expect(step.if).toBe("steps.meta.outputs.kind == 'ecr' && inputs.push");
    }
    // The build itself runs either way and pushes only when asked.
    const build = steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(build.if).toBeUndefined();
    expect(build.with?.push).toBe('${{ inputs.push }}');
  });

  test('app-pipeline is reusable, tests, builds with buildx (provenance, SBOM), pushes with OIDC or GITHUB_TOKEN and dispatches the release', () => {
    const wf = load('app-pipeline.yml');
    const call = wf.on.workflow_call as { inputs: Record<string, unknown>; secrets: Record<string, unknown> };
    expect(Object.keys(call.inputs)).toEqual(
      expect.arrayContaining(['test-command', 'image', 'registry', 'working-directory', 'dockerfile', 'node-version', 'aws-role-to-assume']),
    );
    expect(Object.keys(call.secrets).some((s) => /aws|access.?key/i.test(s))).toBe(false);
    expect(wf.jobs.build as { needs?: string }).toMatchObject({ needs: 'test' });
    expect(actions('app-pipeline.yml', 'build')).toEqual(
      expect.arrayContaining([
        'aws-actions/configure-aws-credentials',
        'aws-actions/amazon-ecr-login',
        'docker/login-action',
        'docker/setup-buildx-action',
        'docker/build-push-action',
      ]),
    );
    const build = stepsOf('app-pipeline.yml', 'build').find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ provenance: 'mode=max', sbom: true });
    expect(runs('app-pipeline.yml', 'release')).toContain('"repos/$GITOPS_REPOSITORY/dispatches"');
    expect(runs('app-pipeline.yml', 'release')).toContain('event_type: "release"');
  });
});

describe('the example callers in docs/app-pipeline.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'app-pipeline.md'), 'utf8');
  const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const call = load('app-pipeline.yml').on.workflow_call as { inputs: Record<string, { required?: boolean }>; secrets: Record<string, unknown> };
  const dir = tempDir('workflow-examples');

  test('there are examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  test.each(examples.map((text, i) => [i + 1, text] as const))(
    'example %i passes action-validator and passes only inputs and secrets app-pipeline.yml declares',
    (i, text) => {
      const file = path.join(dir, `example-${i}.yml`);
      fs.writeFileSync(file, text);
      const result = validate(file);
      if (result.status !== 0) throw new Error(`action-validator rejected example ${i}:\n${result.output}`);
      const wf = parse(text) as Workflow;
      const callers = Object.values(wf.jobs).filter((j) => j.uses?.includes('/.github/workflows/app-pipeline.yml@'));
      expect(callers).toHaveLength(1);
      const [job] = callers as Array<Job & { with: Record<string, unknown>; secrets: Record<string, unknown> }>;
      expect(Object.keys(job.with).filter((k) => !(k in call.inputs))).toEqual([]);
      expect(Object.keys(job.secrets).filter((k) => !(k in call.secrets))).toEqual([]);
      const required = Object.entries(call.inputs)
        .filter(([, v]) => v.required)
        .map(([k]) => k);
      expect(required.filter((k) => !(k in job.with))).toEqual([]);
      // The caller grants what the pipeline's jobs ask for.
      expect(job.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    },
  );

  /**
   * IAM's StringLike: `*` any run of characters, `?` one (IAM User Guide, "String condition operators");
   * StringEquals: the value itself. A condition key with a list matches when any entry does.
   */
  const iamMatches = (operator: string, patterns: unknown, value: string): boolean =>
    (Array.isArray(patterns) ? patterns : [patterns]).some((p: string) =>
      operator === 'StringLike'
        ? new RegExp(
            `^${p
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
          ).test(value)
        : p === value,
    );
  const trust = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1].replace(/^ {2}/gm, '')) as { Condition: Record<string, Record<string, unknown>> };
  /** Whether the documented trust policy lets a GitHub OIDC token with this subject assume the role. */
  const admits = (sub: string): boolean =>
    Object.values(trust.Condition).some((keys) => 'token.actions.githubusercontent.com:sub' in keys) &&
    Object.entries(trust.Condition).every(([op, keys]) =>
      Object.entries(keys).every(([key, patterns]) => iamMatches(op, patterns, key.endsWith(':aud') ? 'sts.amazonaws.com' : key.endsWith(':sub') ? sub : '')),
    );

  test('the ECR trust policy admits every ref the example callers push from (main and v* tags), and no pull request', () => {
    const pushedRefs = examples
      .map((text) => (parse(text) as Workflow).on.push as { branches?: string[]; tags?: string[] })
      .flatMap((push) => [...(push.branches ?? []).map((b) => `refs/heads/${b}`), ...(push.tags ?? []).map((t) => `refs/tags/${t.replace('*', '1.2.3')}`)]);
    // `tag` defaults to the git tag on a tag push (app-pipeline.yml): an example must push on tags, or that default is never used.
    expect(pushedRefs).toEqual(expect.arrayContaining(['refs/heads/main', 'refs/tags/v1.2.3']));
    for (const ref of pushedRefs) expect([ref, admits(`repo:acme-web/shop:ref:${ref}`)]).toEqual([ref, true]);
    for (const sub of [
      'repo:acme-web/shop:pull_request',
      'repo:acme-web/shop:ref:refs/heads/feature',
      'repo:acme-web/shop:ref:refs/tags/1.2.3',
      'repo:acme-web/other:ref:refs/heads/main',
    ])
      expect([sub, admits(sub)]).toEqual([sub, false]);
    const tagInput = (call.inputs as Record<string, { description?: string }>).tag;
    expect(tagInput.description).toContain('the git tag on a tag push');
  });

  test('the one-time setup names the environments, variable and secret the workflows use, with the protections they rely on, and no GITHUB_TOKEN fallback', () => {
    const prose = doc.replace(/\s+/g, ' ');
    const environments = new Set(
      workflowFiles.flatMap((f) =>
        Object.values(load(f).jobs)
          .map(environmentOf)
          .filter((e): e is string => e !== undefined),
      ),
    );
    expect([...environments].sort()).toEqual(['prod-release', 'release']);
    for (const env of environments) expect(prose).toContain(`**The environment \`${env}\`**`);
    for (const text of [
      'repository variable `RELEASE_APP_ID`',
      '**environment secret** `RELEASE_APP_PRIVATE_KEY`',
      'keep no repository or organization secret of that name',
      '"Selected branches and tags" and add the branch rule `main`, nothing else',
      '"Required reviewers"',
      '"Prevent self-review" on',
      '"Dismiss stale pull request approvals when new commits are pushed"',
      '"Require branches to be up to date before merging"',
      'release-bot App with bypass mode **Always**',
    ])
      expect(prose).toContain(text);
    expect(prose).not.toContain('Allow GitHub Actions to create and approve pull requests');
    expect(prose).not.toMatch(/uses its `GITHUB_TOKEN`|`GITHUB_TOKEN` fallback|optional but recommended/);
  });

  test('the setup says how app repos may call a private copy of this repo, and that a GHCR image must be public for the clusters to pull it', () => {
    const prose = doc.replace(/\s+/g, ' ');
    expect(prose).toContain('Settings → Actions → General → Access, choose "Accessible from repositories in the');
    expect(prose).toContain('A **public** app repo can never call a workflow of a private repo');
    expect(prose).toContain('an image pushed from a private app repo is a private package');
    expect(prose).toContain('Make each GHCR package public');
  });
});
