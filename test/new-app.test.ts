import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeNewApp, newApp, NewAppError } from '../scripts/new-app';
import { freeAppName } from './free-app-name';
import { fixtureRepoCopy, scopedTempDirs, treeHash, changedBetween, filesBelow } from './support';

const tempDir = scopedTempDirs();

/** Every file new-app may touch: the apps, the cluster specs and releases, and the generated output. */
const inputsAndOutput = (root: string): string => ['apps', 'clusters', 'dist', 'docs'].map((d) => treeHash(path.join(root, d))).join();
const read = (root: string, file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

// On a copy of the repo whose apps and clusters are the fixture specs, so no user's app changes what it finds.

/** Every file below the folders new-app may touch. */
const filesOf = (root: string): Map<string, string> => filesBelow(root, ['apps', 'clusters', 'dist', 'docs']);

describe('npm run new-app -- <name>', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepoCopy(path.join(tempDir('new-app'), 'repo'));
  });

  test('a new app is scaffolded, registered in staging and synthesized, with the summary to show for it', () => {
    const prodBefore = treeHash(path.join(root, 'dist', 'prod'));
    const filesBefore = filesOf(root);
    const result = newApp(root, 'blog');
    expectEveryChangeNamed(result, changedBetween(filesBefore, filesOf(root)));

    expect(result.files).toEqual(expect.arrayContaining(['apps/blog.ts', 'apps/index.ts', 'clusters/staging/cluster.ts']));
    expect(read(root, 'apps/blog.ts')).toContain("name: 'blog',");
    expect(read(root, 'apps/blog.ts')).toContain("staging: ['blog.staging.example.com']");
    expect(read(root, 'apps/index.ts')).toMatch(/import \{ blog \} from '\.\/blog';[\s\S]*export const APPS[^\n]*\bblog\b/);
    expect(read(root, 'clusters/staging/cluster.ts')).toMatch(/\n {4}blog: \{\},\n {2}\},\n {2}appData: \{[^}]*\n {4}blog: 'live',\n {2}\},/);
    if (fs.existsSync(path.join(root, 'clusters/staging/releases.json'))) {
      expect(JSON.parse(read(root, 'clusters/staging/releases.json')).apps.blog.current).toEqual({
        tag: '0.0.0',
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
    }
    expect(read(root, 'dist/staging/apps/blog.yaml')).toContain('name: blog');
    expect(result.summary).toMatch(/^staging: 4 apps, \d+ objects, \d+ files changed/);
    expect(treeHash(path.join(root, 'dist', 'prod'))).toBe(prodBefore);
  });

  test('a second app, with its own description and first image: its output names every file it changed too', () => {
    const filesBefore = filesOf(root);
    const image = `ghcr.io/acme-web/wiki:1.2.0@sha256:${'d4'.repeat(32)}`;
    const result = newApp(root, 'wiki', { description: 'wiki: the staff handbook', image });
    expectEveryChangeNamed(result, changedBetween(filesBefore, filesOf(root)));
    expect(result.generated).toEqual(expect.arrayContaining(['dist/staging/apps/wiki.yaml', 'dist/staging/apps/kustomization.yaml']));
    expect(read(root, 'dist/staging/apps/wiki.yaml')).toContain(`image: ${image}\n`);
  });

  /** The result lists exactly the files that changed, and the printed lines name each one. */
  function expectEveryChangeNamed(result: ReturnType<typeof newApp>, changed: string[]): void {
    expect(changed.length).toBeGreaterThan(3);
    expect([...result.files, ...result.generated].sort()).toEqual(changed);
    const printed = describeNewApp(result).join('\n');
    for (const file of changed) expect([file, printed.includes(file)]).toEqual([file, true]);
  }

  test.each([
    ['an app repeated', (t: string) => t.replace('"shop": {', '"shop": {"current": {}, "history": []},\n    "shop": {'), 'field "apps.shop" = {"current":'],
    ['a key repeated at the top', (t: string) => t.replace('"apps": {', '"apps": {},\n  "apps": {'), 'field "apps" = {"backoffice":'],
  ])('a staging releases file with %s is refused, naming it, and no file changes', (_case, edit, field) => {
    const file = path.join(root, 'clusters/staging/releases.json');
    const original = read(root, 'clusters/staging/releases.json');
    fs.writeFileSync(file, edit(original));
    try {
      const before = inputsAndOutput(root);
      expect(() => newApp(root, 'notes')).toThrow(NewAppError);
      let message = '';
      try {
        newApp(root, 'notes');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('file "clusters/staging/releases.json", env "staging"');
      expect(message).toContain(field);
      expect(message).toMatch(/: is repeated \(lines \d+ and \d+\): a JSON reader keeps only the last one[^\n]*\nfix clusters\/staging\/releases\.json first$/);
      expect(inputsAndOutput(root)).toBe(before);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test.each([
    ['Blog', 'must be a DNS label'],
    ['2fa', 'must be a DNS label'],
    ['web_shop', 'must be a DNS label'],
    ['shop-', 'must be a DNS label'],
    ['a'.repeat(41), 'at most 40 characters'],
    ['shop', 'is taken: apps/shop.ts exists'],
    ['logging', 'name "logging": is reserved: "logging" is the namespace of the eck-operator add-on; pick another name'],
    ['kube-tools', 'is reserved: Kubernetes keeps the namespaces starting with "kube-"'],
    ['flux-system', `is reserved: "flux-system" is Flux's namespace`],
    ['default', `is reserved: "default" is Kubernetes' default namespace`],
    ['platform-admin', 'is reserved: names starting with "platform" are the platform\'s'],
    ['unrouted', 'is reserved: its Elasticsearch name "logs-gateway.unrouted-default" is the data stream of the requests no route matched'],
    ['logs', 'its staging host logs.staging.example.com is already in use'],
  ])('the name %j is refused (%s) and no file changes', (name, message) => {
    const before = inputsAndOutput(root);
    expect(() => newApp(root, name)).toThrow(NewAppError);
    expect(() => newApp(root, name)).toThrow(message);
    expect(inputsAndOutput(root)).toBe(before);
  });

  test("a retired app's name, kept by its note in appData, is refused naming the retirement, and a free name skips it", () => {
    const file = path.join(root, 'clusters/prod/cluster.ts');
    const original = read(root, 'clusters/prod/cluster.ts');
    expect(freeAppName(root, 'gone')).toBe('gone');
    // What npm run retire leaves of an app: its name only in appData, as a retirement note.
    const retired = original.replace(/\n {2}appData: \{\n/, "\n  appData: {\n    gone: { retiredOn: '2026-11-30', reason: 'moved to a SaaS' },\n");
    expect(retired).not.toBe(original);
    fs.writeFileSync(file, retired);
    try {
      const before = inputsAndOutput(root);
      expect(() => newApp(root, 'gone')).toThrow(
        'name "gone": belongs to an app retired on 2026-11-30 (its note in appData of clusters/prod/cluster.ts): the name stays reserved while that note exists',
      );
      expect(freeAppName(root, 'gone')).toBe('gone1');
      expect(inputsAndOutput(root)).toBe(before);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test('when the staging synth fails, every file is put back', () => {
    const broken = fixtureRepoCopy(path.join(tempDir('new-app-broken'), 'repo'));
    const cluster = path.join(broken, 'clusters/staging/cluster.ts');
    fs.writeFileSync(cluster, read(broken, 'clusters/staging/cluster.ts').replace(/min: 3, max: 5/, 'min: 2, max: 5'));
    const before = inputsAndOutput(broken);
    expect(() => newApp(broken, 'blog')).toThrow(/synth of staging failed[\s\S]*field "nodePool.min" = 2/);
    expect(inputsAndOutput(broken)).toBe(before);
  });
});
