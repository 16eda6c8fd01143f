import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { pinnedImageOf } from '../constructs/model/releases';
import { diffOutputs, formatDiffMarkdown, formatDiffText, type OutputTree } from '../constructs/synth/output-diff';
import { renderedTree, sourcesOf, treeAtRef, treeOnDisk } from '../constructs/synth/output-tree';
import { writeOutput } from '../constructs/synth/write-output';
import { diffCli, type Console } from '../scripts/lib/commands';
import { fixtureFile } from './fixtures/specs';
import { FIXTURE_RELEASES, fixtureObjectsOf, fixtureOutput, tempDir } from './support';

const fresh = renderedTree(fixtureOutput());
/** The tree with one file's bytes changed, or the file gone (edit returns undefined). */
const edited = (tree: OutputTree, file: string, edit: (text: string) => string | undefined): OutputTree =>
  new Map(
    [...tree].flatMap(([p, t]) => {
      if (p !== file) return [[p, t] as const];
      const next = edit(t);
      return next === undefined ? [] : [[p, next] as const];
    }),
  );

const shopImage = pinnedImageOf('ghcr.io/acme-web/shop', FIXTURE_RELEASES.staging.apps.shop.current);
const olderImage = shopImage.replace(/:[^:@]+@/, ':3.7.0@');
const SHOP = 'dist/staging/apps/shop.yaml';
const withOlderShop = (tree: OutputTree) => edited(tree, SHOP, (t) => t.replace(`image: ${shopImage}\n`, `image: ${olderImage}\n`));

describe('the rendered diff', () => {
  test('the output against itself: no change, and each env counts its apps and objects', () => {
    const diffs = diffOutputs(fresh, fresh);
    expect(diffs.map((d) => d.env)).toEqual(CLUSTERS.map((c) => c.env));
    for (const d of diffs) {
      const cluster = CLUSTERS.find((c) => c.env === d.env)!;
      expect({ added: d.added, removed: d.removed, changed: d.changed }).toEqual({ added: [], removed: [], changed: [] });
      expect(d.apps).toBe(Object.keys(cluster.apps).length);
      expect(d.objects).toBe(fixtureObjectsOf(d.env).length);
      expect(d.resources).toBeGreaterThan(0);
    }
  });

  test('a changed field is reported as exactly that field, in its cluster only', () => {
    expect(withOlderShop(fresh).get(SHOP)).not.toBe(fresh.get(SHOP));
    const [staging, prod] = diffOutputs(withOlderShop(fresh), fresh);
    expect(staging.changed).toEqual([{ id: 'Deployment shop/shop', fields: [`spec.template.spec.containers[0].image: ${olderImage} -> ${shopImage}`] }]);
    expect([staging.added, staging.removed, prod.added, prod.removed, prod.changed]).toEqual([[], [], [], [], []]);
  });

  test('objects added and removed, and Terraform resources by type.address', () => {
    const backofficeObjects = fixtureOutput().find((f) => f.path === 'dist/prod/apps/backoffice.yaml')!.objects!;
    let before = edited(fresh, 'dist/prod/apps/backoffice.yaml', () => undefined);
    before = edited(before, 'dist/prod/apps/shop.yaml', (t) => `${t}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leftover\n  namespace: shop\n`);
    before = edited(before, 'dist/prod/terraform/main.tf.json', (t) => {
      const json = JSON.parse(t);
      json.resource.aws_s3_bucket.app_data_shop.force_destroy = true;
      delete json.resource.aws_s3_bucket.app_data_shop.lifecycle;
      return JSON.stringify(json);
    });
    const prod = diffOutputs(before, fresh).find((d) => d.env === 'prod')!;
    expect(prod.added).toEqual(backofficeObjects.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`));
    expect(prod.removed).toEqual(['ConfigMap shop/leftover']);
    expect(prod.changed).toEqual([
      { id: 'aws_s3_bucket.app_data_shop', fields: ['force_destroy: true -> false', 'lifecycle: (none) -> {"prevent_destroy":true}'] },
    ]);
  });

  test('text and Markdown are deterministic and carry the summary line and the field change', () => {
    const diffs = diffOutputs(withOlderShop(fresh), fresh);
    expect(formatDiffText(diffOutputs(withOlderShop(fresh), fresh))).toBe(formatDiffText(diffs));
    const text = formatDiffText(diffs);
    expect(text).toMatch(/^staging: 3 apps, \d+ objects, \d+ cloud resources, 0 added, 0 removed, 1 changed\n {2}~ Deployment shop\/shop\n {6}spec\.template/);
    const markdown = formatDiffMarkdown(diffs);
    expect(markdown).toBe(formatDiffMarkdown(diffOutputs(withOlderShop(fresh), fresh)));
    expect(markdown).toMatch(/^- \*\*staging\*\*: 3 apps, \d+ objects, \d+ cloud resources, 0 added, 0 removed, 1 changed$/m);
    expect(markdown).toContain('| changed | `Deployment shop/shop` |');
    expect(markdown).toContain(`  spec.template.spec.containers[0].image: ${olderImage} -> ${shopImage}\n`);
    expect(formatDiffMarkdown(diffOutputs(fresh, fresh))).toContain('No change to the rendered output.');
  });
});

describe('the rendered diff with the objects the new files were rendered from', () => {
  const sources = sourcesOf(fixtureOutput());
  const shopYaml = fresh.get(SHOP)!;
  const cases: Array<[string, OutputTree, OutputTree]> = [
    ['no change', fresh, fresh],
    ['one field changed', withOlderShop(fresh), fresh],
    ['a file gone and an object left over', edited(fresh, SHOP, () => undefined), fresh],
    [
      'an object removed from a file',
      edited(fresh, SHOP, (t) => `${t}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leftover\n  namespace: shop\n`),
      fresh,
    ],
    // The Deployment's id is now first met in the new file, so the unchanged file's copy is compared by value.
    ['an id met in a new file too', fresh, new Map([['dist/staging/apps/aaa.yaml', withOlderShop(fresh).get(SHOP)!], ...fresh])],
  ];

  test.each(cases)('%s: the same diff as parsing every file back', (_, before, after) => {
    expect(sources.size).toBeGreaterThan(0);
    expect(shopYaml).toContain('kind: Deployment');
    expect(diffOutputs(before, after, sources)).toEqual(diffOutputs(before, after));
  });

  test('an id met in a new file too: the copy in the unchanged file is compared field by field', () => {
    const [, before, after] = cases[cases.length - 1];
    const staging = diffOutputs(before, after, sources).find((d) => d.env === 'staging')!;
    expect(staging.changed).toEqual([{ id: 'Deployment shop/shop', fields: [`spec.template.spec.containers[0].image: ${shopImage} -> ${olderImage}`] }]);
  });
});

describe('npm run diff', () => {
  const root = tempDir('diff');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const repo = { root, clusters: CLUSTERS, apps: APPS };
  const run = (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const console: Console = { log: (t) => out.push(t), error: (t) => err.push(t) };
    return { code: diffCli(argv, repo, console), out: out.join('\n'), err: err.join('\n') };
  };

  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'core.hooksPath=/dev/null', ...args], {
      stdio: 'pipe',
    });

  test('outside a git repository it compares with the files on disk, and says so', () => {
    fs.cpSync(fixtureFile('clusters'), path.join(root, 'clusters'), { recursive: true });
    writeOutput(root, fixtureOutput());
    fs.writeFileSync(path.join(root, SHOP), withOlderShop(fresh).get(SHOP)!);
    const result = run(['--exit-code']);
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(result.out.split('\n')[0]).toBe(`compared with the files on disk (${root} is not the top of a git repository with a commit)`);
    expect(result.out).toContain(`  ~ Deployment shop/shop\n      spec.template.spec.containers[0].image: ${olderImage} -> ${shopImage}\n`);
  });

  test('by default it compares with the last commit, so a change shows after npm run synth too, and says so', () => {
    // The last commit holds the older image; synth has since written the fresh output to disk.
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'rendered with the older image');
    writeOutput(root, fixtureOutput());
    expect(treeAtRef(root, 'HEAD', fresh.keys()).get(SHOP)).toBe(withOlderShop(fresh).get(SHOP));

    const result = run(['--exit-code']);
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(result.out.split('\n')[0]).toBe('compared with HEAD, the last commit (--ref <git ref> compares with another)');
    expect(result.out).toContain(`  ~ Deployment shop/shop\n      spec.template.spec.containers[0].image: ${olderImage} -> ${shopImage}\n`);
    expect(result.out).toMatch(/^prod: 3 apps, \d+ objects, \d+ cloud resources, 0 added, 0 removed, 0 changed$/m);

    const markdown = run(['--markdown']);
    expect(markdown.out).toMatch(/^### Rendered changes\n\nCompared with `HEAD`, the last commit\.\n\n- \*\*staging\*\*/);
  });

  test('with --ref it compares with the files at that ref, and names it', () => {
    git('add', '-A');
    git('commit', '-q', '-m', 'rendered fresh');
    // In a clean checkout, every generated file at HEAD is the file on disk, byte for byte.
    expect(treeAtRef(root, 'HEAD', fresh.keys())).toEqual(treeOnDisk(root, fresh.keys()));
    const head = run(['--exit-code']);
    expect([head.code, head.out.split('\n')[0]]).toEqual([0, 'compared with HEAD, the last commit (--ref <git ref> compares with another)']);
    const previous = run(['--ref', 'HEAD~1', '--exit-code']);
    expect([previous.code, previous.out.split('\n')[0]]).toEqual([1, 'compared with HEAD~1']);
    expect(previous.out).toContain(`spec.template.spec.containers[0].image: ${olderImage} -> ${shopImage}`);
    expect(run(['--ref', 'HEAD~1', '--markdown']).out).toContain('Compared with `HEAD~1`.');
  });

  test('a ref that is no commit: one line, exit code 2', () => {
    expect(run(['--ref', 'no-such-ref'])).toEqual({
      code: 2,
      out: '',
      err: `diff failed, nothing changed: field "--ref" = "no-such-ref": is not a commit in the git repository at ${root}`,
    });
  });
});
