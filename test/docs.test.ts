import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { APPS } from '../apps';
import { can, grantsOf } from '../constructs/access/rbac-evaluator';
import { appLogsRoleFor, kibanaUsersOf, SUPERUSER_ROLE } from '../constructs/logging/kibana-access';
import { BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../constructs/model/access-spec';
import { defaultAddOns } from '../constructs/platform/default-add-ons';
import { CLUSTERS } from '../clusters';
import { podSpecOf } from '../constructs/rules/pod-template';
import { fixtureObjectsOf, tempDir } from './support';
import { requireTool } from './tool';

/*
 * The docs cannot rot silently: every `npm run <script>` they mention exists in package.json, every
 * repository path they name exists (placeholders such as <env> and <app> expanded to the real ones),
 * and every relative link points at a file.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = path.resolve(__dirname, '..');
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts);
const TOP_LEVEL = ['apps', 'clusters', 'constructs', 'dist', 'docs', 'scripts', 'test', '.github', '.ci'];
/** What a placeholder may stand for. */
const PLACEHOLDERS: Record<string, readonly string[]> = {
  env: CLUSTERS.map((c) => c.env),
  app: APPS.map((a) => a.name),
  name: APPS.map((a) => a.name),
  chart: defaultAddOns().map((a) => a.chart.chart),
};

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? markdownFiles(full) : e.name.endsWith('.md') ? [full] : [];
  });
}

/** Every concrete path a mentioned path may stand for; empty when a placeholder is unknown. */
function expansions(mentioned: string): string[] {
  const match = /<([a-z]+)>/.exec(mentioned);
  if (!match) return [mentioned];
  const values = PLACEHOLDERS[match[1]] ?? [];
  return values.flatMap((v) => expansions(mentioned.replace(match[0], v)));
}

const docs = [...markdownFiles(path.join(root, 'docs')), path.join(root, 'README.md')];

describe.each(docs.map((file) => [path.relative(root, file), file] as const))('%s', (_name, file) => {
  const text = fs.readFileSync(file, 'utf8');

  test('every npm run command exists', () => {
    const used = [...text.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]);
    for (const script of used) expect([script, scripts.includes(script)]).toEqual([script, true]);
  });

  test('every npm run retire it shows gives the --reason retire requires', () => {
    const retires = [...text.matchAll(/npm run retire -- [^`\n]*/g)].map((m) => m[0]);
    for (const command of retires) expect([command, command.includes(' --reason ')]).toEqual([command, true]);
  });

  test('every repository path it names exists', () => {
    const spans = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).flatMap((span) => span.split(/\s+/));
    // `apps/shop.ts:8:8` (a file, line and column) names the file.
    const paths = spans
      .map((s) =>
        s
          .replace(/^\.\//, '')
          .replace(/[),.:;]+$/, '')
          .replace(/(:\d+)+$/, ''),
      )
      .filter((s) => TOP_LEVEL.some((dir) => s === dir || s.startsWith(`${dir}/`)) && !s.includes('…') && !s.includes('*'));
    for (const mentioned of paths) {
      const found = expansions(mentioned).some((p) => fs.existsSync(path.join(root, p)));
      expect([mentioned, found]).toEqual([mentioned, true]);
    }
  });

  test('every job a command block creates is waited for before its logs are read: at once, its pod is still starting', () => {
    const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].split('\n'));
    for (const lines of blocks) {
      lines.forEach((line, at) => {
        const read = /kubectl .*\blogs\b.* job\/(\S+)/.exec(line)?.[1];
        if (!read) return;
        const created = lines.findIndex((l) => new RegExp(`create job .*\\s${read.replace(/\$/g, '\\$')}(\\s|$)`).test(l));
        if (created < 0 || created > at) return;
        const waited = lines.slice(created + 1, at).some((l) => /kubectl .*\bwait\b.*--for=condition=complete/.test(l) && l.includes(`job/${read} `));
        expect([line.trim(), waited]).toEqual([line.trim(), true]);
      });
    }
  });

  test('every relative link points at a file', () => {
    const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    for (const link of links) expect([link, fs.existsSync(path.resolve(path.dirname(file), link))]).toEqual([link, true]);
  });
});

test('the handbook index lists every page of docs/ (the generated overview aside)', () => {
  const index = fs.readFileSync(path.join(root, 'docs/README.md'), 'utf8');
  const pages = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  for (const page of pages) expect([page, index.includes(`](${page})`)]).toEqual([page, true]);
});

test('every restic command of the offsite sections of docs/restore.md carries --no-lock: a lock would need write rights and stay Object-Locked', () => {
  const text = fs.readFileSync(path.join(root, 'docs/restore.md'), 'utf8');
  const offsite = text.split(/^(?=## )/m).filter((section) => /^## .*offsite/i.test(section));
  expect(offsite.length).toBeGreaterThan(0);
  const commands = offsite.flatMap((section) =>
    [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1].split('\n').filter((line) => /^\s*restic\s/.test(line))),
  );
  expect(commands.length).toBeGreaterThan(0);
  for (const command of commands) expect([command.trim(), command.includes('--no-lock')]).toEqual([command.trim(), true]);
});

test('every workstation restic block of the docs exports the AWS credentials first: restic never reads an SSO profile', () => {
  // restic 0.18.1 internal/backend/s3/s3.go getCredentials: env vars, static keys, MinIO env, ~/.aws/credentials,
  // MinIO's file, instance role; minio-go's FileAWSCredentials never reads ~/.aws/config, where SSO profiles live.
  const exportLine = 'eval "$(aws configure export-credentials --format env)"';
  const blocks = docs.flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => [path.relative(root, file), m[1].split('\n')] as const),
  );
  const withRestic = blocks.filter(([, lines]) => lines.some((l) => /^\s*restic\s/.test(l)));
  expect(withRestic.map(([file]) => file)).toContain('docs/restore.md');
  for (const [file, lines] of withRestic) {
    const firstRestic = lines.findIndex((l) => /^\s*restic\s/.test(l));
    const exported = lines.findIndex((l) => l.trim() === exportLine);
    expect([file, lines[firstRestic], exported >= 0 && exported < firstRestic]).toEqual([file, lines[firstRestic], true]);
  }
  const text = fs.readFileSync(path.join(root, 'docs/restore.md'), 'utf8');
  expect(text).toMatch(/do not refresh/);
});

test('a prefix deleted: when a backup made a new repository since, the runbook hides its objects offsite with delete markers, not only its config', () => {
  // Offsite its versions are locked: without a marker on each, restic finds two keys the password opens, and
  // takes the first the listing returns (restic 0.18.1 internal/repository/key.go, SearchKey). test/backup-drill.test.ts, 5b.
  const text = fs.readFileSync(path.join(root, 'docs/restore.md'), 'utf8');
  const section = text.split(/^(?=## )/m).find((s) => s.startsWith('## A prefix deleted'))!;
  const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1].split('\n'));
  const markOffsite = commands.filter((line) => /s3api delete-object --bucket \$OFFSITE\b/.test(line));
  expect(markOffsite.length).toBeGreaterThan(0);
  for (const line of markOffsite) expect([line, line.includes('--version-id')]).toEqual([line, false]);
  expect(commands.some((line) => /s3api copy-object --bucket \$OFFSITE .*--key \$APP\/config/.test(line))).toBe(true);
  expect(section).not.toMatch(/Offsite they are locked;/);
});

test('retiring an app: the final clean-up deletes the backups, which no lifecycle rule, no job and no lock ever removes by itself', () => {
  // The lifecycle expires noncurrent versions only, the lock renewal re-locks every current offsite object, and
  // retirement removes the app's retention job: a delete marker near, replicated offsite, is what lets them go.
  const text = fs.readFileSync(path.join(root, 'docs/retire-an-app.md'), 'utf8');
  expect(text).not.toMatch(/expire on their own/);
  expect(text).toContain('aws s3 rm --recursive s3://<cluster>-backup/<app>/');
});

test("the logs guide sends an app's people, whose Kibana features are read-only, to a copied address or an admin to keep a search", () => {
  const kibana = (appLogsRoleFor('shop').applications ?? []).flatMap((a) => a.privileges);
  expect(kibana.length).toBeGreaterThan(0);
  for (const privilege of kibana) expect([privilege, privilege.endsWith('.read')]).toEqual([privilege, true]);
  const text = fs.readFileSync(path.join(root, 'docs/logs.md'), 'utf8');
  expect(text).not.toMatch(/Save each one/);
  expect(text).toMatch(/copy the page's address/);
});

test('revoking a platform admin invalidates the API keys they made: admins are superusers, and app people cannot make one', () => {
  const access = CLUSTERS[0].access;
  const admins = kibanaUsersOf(access).filter((u) => access.platformAdmins.includes(u.username));
  expect(admins.length).toBeGreaterThan(0);
  for (const admin of admins) expect(admin.roles).toEqual([SUPERUSER_ROLE]);
  expect(appLogsRoleFor('shop').cluster).toEqual([]);
  const text = fs.readFileSync(path.join(root, 'docs/access.md'), 'utf8');
  const revoke = text.split(/^(?=## )/m).find((section) => section.startsWith('## Revoke'))!;
  expect(revoke).toMatch(/```\nDELETE \/_security\/api_key\n\{ "username": "<id>" \}\n```/);
});

describe("restore Way 1: a Mountpoint app's own mount may not move, overwrite or delete, so restored/ goes through the restore template", () => {
  const text = fs.readFileSync(path.join(root, 'docs/restore.md'), 'utf8');
  const way1 = text.split(/^(?=## )/m).find((s) => s.startsWith('## Way 1'))!;

  test('it says what the app mount cannot do and points at Way 2 for putting files back', () => {
    expect(way1).not.toMatch(/compare and move/);
    expect(way1).toMatch(/EPERM/);
    expect(way1).toContain('(#way-2-restore-straight-back-over-the-live-files)');
  });

  const hasKubectl = requireTool('kubectl', 'apt-get install -y kubernetes-client');
  (hasKubectl ? test : test.skip)(
    'its one-off job, made from the restore template as kubectl makes it, removes every file below restored/ and nothing else',
    () => {
      const block = [...way1.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('remove-restored'))!;
      // The command between `kubectl create job --dry-run` and `kubectl create -f -`: the patch, as the doc writes it.
      const patch = block.slice(block.indexOf('kubectl patch'), block.lastIndexOf('| kubectl create -f -')).trim().replace(/\\$/, '');
      const cronJob = fixtureObjectsOf('prod').find((o) => o.kind === 'CronJob' && o.metadata.name === 'shop-restore')!;
      // kubectl create job --from=cronjob: the CronJob's jobTemplate as a Job.
      const job = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'shop-remove-restored', namespace: 'shop' },
        spec: (cronJob.spec as Json).jobTemplate.spec,
      };
      const patched = spawnSync('bash', ['-c', patch], { input: stringify(job), encoding: 'utf8' });
      expect([patched.status, patched.stderr]).toEqual([0, '']);
      const [container] = podSpecOf(parse(patched.stdout)).containers;
      const mount = container.volumeMounts.find((m: Json) => m.name === 'restore-target').mountPath as string;

      const bucket = path.join(tempDir('restored'), 'bucket');
      for (const file of ['media/a.jpg', 'restored/20261127T031500Z-3f955bc6/media/a.jpg', 'restored/20261128T031500Z-0a1b2c3d/x/y/z.pdf']) {
        fs.mkdirSync(path.dirname(path.join(bucket, file)), { recursive: true });
        fs.writeFileSync(path.join(bucket, file), file);
      }
      const [shell, flag, script] = container.command as string[];
      const ran = spawnSync(shell, [flag, script.split(mount).join(bucket)], { encoding: 'utf8' });
      expect(ran.status).toBe(0);
      expect(fs.existsSync(path.join(bucket, 'restored'))).toBe(false);
      expect(fs.readFileSync(path.join(bucket, 'media/a.jpg'), 'utf8')).toBe('media/a.jpg');
    },
  );
});

/** A kubectl command of the docs that writes: what it does, where, and the prose around it. */
interface DocWrite {
  readonly at: string;
  readonly command: string;
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  /** Undefined: a cluster-scoped resource. */
  readonly namespace?: string;
  readonly context: string;
}
/** What `kubectl delete <kind>` deletes: API group, resource, namespaced. A kind not here fails the test below until it is added. */
const DELETED_KINDS: Readonly<Record<string, readonly [string, string, boolean]>> = {
  pod: ['', 'pods', true],
  pvc: ['', 'persistentvolumeclaims', true],
  pv: ['', 'persistentvolumes', false],
  namespace: ['', 'namespaces', false],
  job: ['batch', 'jobs', true],
};
/** `-n $APP`, `-n <app>` and a fixture app's name stand for an app namespace; a namespaced command without -n means one too. */
const namespaceIn = (command: string): string => {
  const ns = /(?:-n|--namespace)[ =](\S+)/.exec(command)?.[1] ?? '<app>';
  return ['$APP', '<app>', ...APPS.map((a) => a.name)].includes(ns) ? APPS[0].name : ns;
};

/** The commands that create a job (directly, or as `create job --dry-run … | kubectl create -f -`) or delete something. */
function docWritesOf(file: string): DocWrite[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const paragraphAround = (i: number): string => {
    if (lines[i].startsWith('|')) return lines[i];
    let from = i;
    let to = i;
    while (from > 0 && lines[from - 1].trim() !== '' && !lines[from - 1].startsWith('#')) from--;
    while (to < lines.length - 1 && lines[to + 1].trim() !== '') to++;
    return lines.slice(from, to + 1).join('\n');
  };
  const found: { line: number; command: string; context: string }[] = [];
  let fence = -1;
  let logical: { line: number; text: string } | undefined;
  lines.forEach((line, i) => {
    if (/^\s*```/.test(line)) {
      fence = fence < 0 ? i : -1;
      return;
    }
    if (fence >= 0) {
      // A command block: one logical command across `\` and `|` continuations; its context is the prose before the block.
      if (logical && (logical.text.trimEnd().endsWith('\\') || /^\s*\|/.test(line))) logical.text += ` ${line.trim()}`;
      else logical = { line: i, text: line.trim() };
      const next = lines[i + 1] ?? '';
      if (!logical.text.trimEnd().endsWith('\\') && !/^\s*\|/.test(next)) {
        let before = fence - 1;
        while (before > 0 && lines[before].trim() === '') before--;
        found.push({ line: logical.line, command: logical.text, context: paragraphAround(before) });
        logical = undefined;
      }
      return;
    }
    for (const m of line.matchAll(/`([^`]*\bkubectl\b[^`]*)`/g)) found.push({ line: i, command: m[1], context: paragraphAround(i) });
  });
  return found.flatMap(({ line, command, context }) => {
    const at = `${path.relative(root, file)}:${line + 1}`;
    if (/\bkubectl\b.*\bcreate job\b/.test(command))
      return [{ at, command, verb: 'create', apiGroup: 'batch', resource: 'jobs', namespace: namespaceIn(command), context }];
    const kind = /\bkubectl\b.*?\bdelete (\S+)/.exec(command)?.[1];
    if (!kind) return [];
    const [apiGroup, resource, namespaced] = DELETED_KINDS[kind] ?? ['?', `unknown kind ${kind}: add it to DELETED_KINDS`, false];
    return [{ at, command, verb: 'delete', apiGroup, resource, namespace: namespaced ? namespaceIn(command) : undefined, context }];
  });
}

describe('every kubectl command of the docs that creates a job or deletes is one the platform admins may run, or its paragraph sends the reader to break-glass', () => {
  const writes = docs.flatMap(docWritesOf);
  const grants = () => grantsOf(fixtureObjectsOf('prod'));
  const admins = (w: DocWrite) => can(grants(), [PLATFORM_ADMINS_GROUP], w.verb, w.apiGroup, w.resource, w.namespace);

  test('the docs hold such commands, both ones the admins may run and ones only break-glass may', () => {
    expect(writes.filter(admins).length).toBeGreaterThan(0);
    expect(writes.filter((w) => !admins(w)).length).toBeGreaterThan(0);
  });

  test.each(writes.map((w) => [`${w.at} ${w.command}`, w] as const))('%s', (_name, w) => {
    expect(w.resource).not.toMatch(/^unknown kind/);
    expect(can(grants(), [BREAK_GLASS_GROUP], w.verb, w.apiGroup, w.resource, w.namespace)).toBe(true);
    if (!admins(w)) expect([w.command, /\[break-glass\]\(break-glass\.md\)/.test(w.context)]).toEqual([w.command, true]);
  });
});
