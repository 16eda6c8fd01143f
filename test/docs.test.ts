import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { defaultAddOns } from '../constructs/platform/default-add-ons';
import { CLUSTERS } from '../clusters';

/*
 * The docs cannot rot silently: every `npm run <script>` they mention exists in package.json, every
 * repository path they name exists (placeholders such as <env> and <app> expanded to the real ones),
 * and every relative link points at a file.
 */

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
