import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CLUSTERS } from '../clusters';
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
  readonly permissions?: unknown;
  readonly steps?: readonly Step[];
  readonly uses?: string;
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
/** A step that runs code from npm or from the checkout (which npm's install scripts could have changed). */
const runsCheckoutCode = (step: Step): boolean => /\b(npm|npx|node|tsx)\b|scripts\//.test(step.run ?? '');

/**
 * In a job with a write token: checkouts that leave the token in .git/config (persist-credentials not
 * false, or a token: of their own), and steps that receive the token and run npm or checkout code.
 */
function exposedTokens(wf: Workflow): string[] {
  const found: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    for (const [i, step] of (job.steps ?? []).entries()) {
      const at = `${id}.steps[${i}]${step.name ? ` (${step.name})` : ''}`;
      if (step.uses?.startsWith('actions/checkout@')) {
        if (step.with?.['persist-credentials'] !== false) found.push(`${at}: persist-credentials is not false`);
        if (step.with?.token !== undefined) found.push(`${at}: has a token`);
      } else if (TOKEN.test(JSON.stringify(step.env ?? {})) && runsCheckoutCode(step)) {
        found.push(`${at}: receives the token and runs npm or checkout code`);
      }
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

const usesLines = (text: string) => [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)\s*#\s*(\S+)/gm)].map((m) => ({ ref: m[1], version: m[2] }));

describe('the workflow files', () => {
  test('the three workflows exist', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'release.yml', 'app-pipeline.yml']));
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
      'release.yml': {
        validate: {},
        staging: { contents: 'write' },
        prod: { contents: 'write', 'pull-requests': 'write' },
      },
      'app-pipeline.yml': {
        test: { contents: 'read' },
        build: { contents: 'read', packages: 'write', 'id-token': 'write' },
        release: {},
      },
    });
  });

  test.each(workflowFiles)('%s: no script interpolates an expression (inputs reach scripts through env:)', (file) => {
    expect(interpolatedScripts(load(file))).toEqual([]);
  });

  test.each(workflowFiles)('%s: every action is pinned by full commit SHA with a # vX.Y.Z comment', (file) => {
    const text = read(file);
    expect(usesLines(text).length).toBeGreaterThan(0);
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
            { run: 'npm test && git push', env: { GH_TOKEN: '${{ steps.app-token.outputs.token || github.token }}' } },
            { run: 'scripts/ci/release-commit.sh', env: { TOKEN: '${{ github.token }}' } },
            { run: 'git push', env: { TOKEN: '${{ github.token }}' } },
          ],
        },
      },
    };
    expect(exposedTokens(leaky)).toHaveLength(4);
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

  test('release takes app, env and image by hand or by repository_dispatch, and validates them first', () => {
    const wf = load('release.yml');
    const dispatch = wf.on.workflow_dispatch as { inputs: Record<string, unknown> };
    expect(Object.keys(dispatch.inputs).sort()).toEqual(['app', 'env', 'image']);
    expect(wf.on.repository_dispatch).toEqual({ types: ['release'] });
    expect((wf.jobs.staging as { needs?: string }).needs).toBe('validate');
    expect((wf.jobs.prod as { needs?: string }).needs).toBe('validate');
    expect(runs('release.yml', 'validate')).toMatch(/sha256:\[a-f0-9\]\{64\}/);
    const attempt = fs.readFileSync(path.join(ROOT, 'scripts', 'ci', 'release-commit.sh'), 'utf8');
    expect(runs('release.yml', 'staging')).toContain('scripts/ci/release-commit.sh');
    expect(attempt).toContain('npm run release -- --env "$ENV_NAME" --app "$APP" --image "$IMAGE"');
    expect(attempt).toContain('npm test');
    expect(runs('release.yml', 'staging')).toContain('push --quiet origin HEAD:main');
    expect(runs('release.yml', 'prod')).toContain('gh pr create --base main');
    expect(runs('release.yml', 'prod')).not.toMatch(/HEAD:main/);
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
      const result = runStep(validate(), { GITHUB_EVENT_NAME: event, APP: 'shop', ENV_NAME: env, IMAGE: image });
      if (refused) {
        expect(result.status).not.toBe(0);
        expect(result.output).toContain(`::error::env = prod: a repository_dispatch releases to staging only: start a prod release by hand`);
        expect(result.outputs).toBe('');
      } else {
        expect([result.status, result.output]).toEqual([0, '']);
        expect(result.outputs).toContain(`env=${env}\n`);
      }
    });

    test('release.yml: the prod job runs only for a release started by hand', () => {
      expect(String((load('release.yml').jobs.prod as { if?: string }).if)).toContain("github.event_name == 'workflow_dispatch'");
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

  test('release.yml: no checkout keeps the write token, and no step that runs npm or checkout code receives it', () => {
    const wf = load('release.yml');
    expect(exposedTokens(wf)).toEqual([]);
    // The token does reach the steps that push, and they come after the last npm step of their attempt.
    for (const job of ['staging', 'prod']) {
      const steps = stepsOf('release.yml', job);
      const withToken = steps.filter((s) => TOKEN.test(JSON.stringify(s.env ?? {})));
      expect(withToken.length).toBeGreaterThan(0);
      for (const step of withToken) expect(step.run).toMatch(/git -c core\.hooksPath=\/dev\/null .*push/s);
      expect(steps.findIndex((s) => TOKEN.test(JSON.stringify(s.env ?? {})))).toBeGreaterThan(steps.findIndex((s) => /npm ci/.test(s.run ?? '')));
    }
    // The one attempt each staging step runs exists and parses.
    const attempt = path.join(ROOT, 'scripts', 'ci', 'release-commit.sh');
    expect(fs.statSync(attempt).mode & 0o111).not.toBe(0);
    expect(spawnSync('bash', ['-n', attempt]).status).toBe(0);
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

  test('the setup says how app repos may call a private copy of this repo, and that a GHCR image must be public for the clusters to pull it', () => {
    const prose = doc.replace(/\s+/g, ' ');
    expect(prose).toContain('Settings → Actions → General → Access, choose "Accessible from repositories in the');
    expect(prose).toContain('A **public** app repo can never call a workflow of a private repo');
    expect(prose).toContain('an image pushed from a private app repo is a private package');
    expect(prose).toContain('Make each GHCR package public');
  });
});
