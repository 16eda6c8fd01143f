import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import {
  advance,
  HISTORY_LIMIT,
  pinnedImageOf,
  placeholderVersionOf,
  releasesFileOf,
  renderReleasesFile,
  type ReleasesFile,
  type ReleaseVersion,
} from '../constructs/model/releases';
import { appReleaseProblems } from '../constructs/validation/release-validation';
import { readReleases as readReleasesFromDisk } from '../constructs/synth/releases-io';
import { writeOutput } from '../constructs/synth/write-output';
import { promoteCli, releaseCli, type Console } from '../scripts/lib/commands';
import { release, ReleaseError, type Repo } from '../scripts/lib/release';
import { LOCK_FILE } from '../scripts/lib/repo-lock';
import { fixtureFile } from './fixtures/specs';
import { fixtureOutput, REPO_ROOT, synthProblemsOf, tempDir, treeHash } from './support';

/** A copy of what the commands read and write, from the fixture specs: the cluster folders (specs, releases) and the generated files. */
function repoCopy(prefix: string): Repo {
  const root = tempDir(prefix);
  fs.cpSync(fixtureFile('clusters'), path.join(root, 'clusters'), { recursive: true });
  writeOutput(root, fixtureOutput());
  return { root, clusters: CLUSTERS, apps: APPS };
}

/** Runs a command line, capturing what it prints. */
function run(cli: typeof releaseCli, argv: string[], repo: Repo): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const console: Console = { log: (t) => out.push(t), error: (t) => err.push(t) };
  const code = cli(argv, repo, console);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const readReleases = (repo: Repo, env: string): ReleasesFile => JSON.parse(fs.readFileSync(path.join(repo.root, releasesFileOf(env)), 'utf8'));
const deploymentImage = (repo: Repo, env: string, app: string): string => {
  const docs = parseAllDocuments(fs.readFileSync(path.join(repo.root, `dist/${env}/apps/${app}.yaml`), 'utf8'));
  const deployment = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS()).find((o) => o?.kind === 'Deployment');
  return deployment.spec.template.spec.containers[0].image;
};
const hashOf = (repo: Repo, ...parts: string[]): string => treeHash(path.join(repo.root, ...parts));

const REPOSITORY = 'ghcr.io/acme-web/shop';
const NEW: ReleaseVersion = { tag: '3.9.0', digest: `sha256:${'a1'.repeat(32)}` };
const NEWER: ReleaseVersion = { tag: '3.9.1', digest: `sha256:${'c3'.repeat(32)}` };
const version = (n: number): ReleaseVersion => ({ tag: `1.0.${n}`, digest: `sha256:${n.toString(16).padStart(64, '0')}` });

describe('release, promote and rollback', () => {
  const repo = repoCopy('release');
  afterAll(() => fs.rmSync(repo.root, { recursive: true, force: true }));

  test('a release, its promotion and a rollback each update the releases file, the history and the synthesized Deployment', () => {
    const stagingBefore = readReleases(repo, 'staging').apps.shop;
    const prodBefore = readReleases(repo, 'prod').apps.shop;
    const oldImage = pinnedImageOf(REPOSITORY, stagingBefore.current);
    const newImage = pinnedImageOf(REPOSITORY, NEW);
    const prodUntouched = [hashOf(repo, 'dist', 'prod'), fs.readFileSync(path.join(repo.root, releasesFileOf('prod')), 'utf8')];

    // Release to staging: the new version is current, the old one heads the history, prod is untouched.
    const released = run(releaseCli, ['--env', 'staging', '--app', 'shop', '--image', newImage], repo);
    expect(released.err).toBe('');
    expect(released.code).toBe(0);
    expect(readReleases(repo, 'staging').apps.shop).toEqual({ current: NEW, history: [stagingBefore.current, ...stagingBefore.history] });
    expect(deploymentImage(repo, 'staging', 'shop')).toBe(newImage);
    expect([hashOf(repo, 'dist', 'prod'), fs.readFileSync(path.join(repo.root, releasesFileOf('prod')), 'utf8')]).toEqual(prodUntouched);
    expect(released.out).toContain('staging: shop 3.8.2 (sha256:');
    expect(released.out).toContain('  ~ Deployment shop/shop\n');
    expect(released.out).toContain(`      spec.template.spec.containers[0].image: ${oldImage} -> ${newImage}\n`);
    expect(released.out).toMatch(/^staging: 3 apps, \d+ objects, \d+ cloud resources, \d+ added, \d+ removed, \d+ changed$/m);
    expect(released.out).toMatch(/^prod: 3 apps, /m);

    // Promote: prod runs what staging runs, and keeps its own previous version.
    const promoted = run(promoteCli, ['--app', 'shop'], repo);
    expect(promoted.code).toBe(0);
    expect(readReleases(repo, 'prod').apps.shop).toEqual({ current: NEW, history: [prodBefore.current, ...prodBefore.history] });
    expect(deploymentImage(repo, 'prod', 'shop')).toBe(newImage);

    // A newer release in prod (it ran in staging first), then a rollback: the previous version is current again, the rolled-back one heads the history, once.
    const newerImage = pinnedImageOf(REPOSITORY, NEWER);
    expect(run(releaseCli, ['--env', 'staging', '--app', 'shop', '--image', newerImage], repo).code).toBe(0);
    expect(run(releaseCli, ['--env', 'prod', '--app', 'shop', '--image', newerImage], repo).code).toBe(0);
    const rolledBack = run(releaseCli, ['--env', 'prod', '--app', 'shop', '--rollback'], repo);
    expect(rolledBack.code).toBe(0);
    // The version rolled back from heads the history, marked: the env left it by a rollback.
    expect(readReleases(repo, 'prod').apps.shop).toEqual({ current: NEW, history: [{ ...NEWER, rolledBack: true }, prodBefore.current] });
    expect(deploymentImage(repo, 'prod', 'shop')).toBe(newImage);
    expect(rolledBack.out).toContain(`spec.template.spec.containers[0].image: ${newerImage} -> ${newImage}`);
    expect(fs.readdirSync(repo.root).filter((f) => f.startsWith('.dist-') || f === LOCK_FILE)).toEqual([]);

    // The seeded placeholder further back is no version to roll back to.
    const toPlaceholder = run(releaseCli, ['--env', 'prod', '--app', 'shop', '--to', '2'], repo);
    expect(toPlaceholder.code).toBe(2);
    expect(toPlaceholder.err).toContain('field "history[1]" = {"tag":"3.8.2","digest":"sha256:4cfa7b97');

    // Releasing what already runs changes nothing.
    const before = treeHash(repo.root);
    const again = run(releaseCli, ['--env', 'prod', '--app', 'shop', '--image', newImage], repo);
    expect(again).toEqual({ code: 0, out: 'prod: shop already runs 3.9.0 (sha256:a1a1a1a1a1a1…); nothing changed', err: '' });
    expect(treeHash(repo.root)).toBe(before);
  });
});

describe('prod runs only what ran in staging', () => {
  const repo = repoCopy('release-proven');
  afterAll(() => fs.rmSync(repo.root, { recursive: true, force: true }));
  const neverInStaging = pinnedImageOf(REPOSITORY, { tag: '3.9.2', digest: `sha256:${'d4'.repeat(32)}` });

  test('a prod release of a digest staging never ran is refused, naming the app, the env, the digest and the way through staging', () => {
    const before = treeHash(repo.root);
    expect(() => release(repo, { env: 'prod', app: 'shop', image: neverInStaging })).toThrow(ReleaseError);
    expect(() => release(repo, { env: 'prod', app: 'shop', image: neverInStaging })).toThrow(
      `file "clusters/prod/releases.json", env "prod", app "shop": field "--image" = "${neverInStaging}": ` +
        `the digest sha256:${'d4'.repeat(32)} of shop never ran in staging: it is neither staging's current version nor in its history (clusters/staging/releases.json); ` +
        'release it to staging first, then promote it: npm run promote -- --app shop',
    );
    expect(treeHash(repo.root)).toBe(before);
  });

  test("a digest that is staging's current version, or in its history, may be released to prod", () => {
    expect(release(repo, { env: 'staging', app: 'shop', image: pinnedImageOf(REPOSITORY, NEW) }).written).toBe(true);
    expect(release(repo, { env: 'staging', app: 'shop', image: pinnedImageOf(REPOSITORY, NEWER) }).written).toBe(true);
    expect(release(repo, { env: 'prod', app: 'shop', image: pinnedImageOf(REPOSITORY, NEW) }).release.current).toEqual(NEW);
    expect(release(repo, { env: 'prod', app: 'shop', image: pinnedImageOf(REPOSITORY, NEWER) }).release.current).toEqual(NEWER);
  });

  test('a staging digest under another tag is refused, naming the tag staging ran: the PR title and the Deployment show only tags staging ran', () => {
    // NEWER is staging's current version, NEW is in its history (the test above).
    const before = treeHash(repo.root);
    for (const [ran, tag] of [
      [NEWER, '9.9.9'],
      [NEW, '3.9.1'],
    ] as const) {
      const image = pinnedImageOf(REPOSITORY, { tag, digest: ran.digest });
      expect(() => release(repo, { env: 'prod', app: 'shop', image })).toThrow(
        `file "clusters/prod/releases.json", env "prod", app "shop": field "--image" = "${image}": ` +
          `staging ran the digest ${ran.digest} of shop as tag ${ran.tag}, not ${tag} (clusters/staging/releases.json): ` +
          `name the tag staging ran, ${REPOSITORY}:${ran.tag}@${ran.digest}, or promote it: npm run promote -- --app shop`,
      );
    }
    expect(treeHash(repo.root)).toBe(before);
  });

  test('a version staging rolled back from is marked in its history and never reaches prod, until staging releases it again', () => {
    const bad: ReleaseVersion = { tag: '3.9.3', digest: `sha256:${'e5'.repeat(32)}` };
    const badImage = pinnedImageOf(REPOSITORY, bad);
    expect(release(repo, { env: 'staging', app: 'shop', image: badImage }).written).toBe(true);
    expect(release(repo, { env: 'staging', app: 'shop', rollback: 1 }).release.current).toEqual(NEWER);
    expect(readReleases(repo, 'staging').apps.shop.history[0]).toEqual({ ...bad, rolledBack: true });

    const before = treeHash(repo.root);
    const refused = run(releaseCli, ['--env', 'prod', '--app', 'shop', '--image', badImage], repo);
    expect(refused).toEqual({
      code: 2,
      out: '',
      err:
        `release failed, nothing changed: file "clusters/prod/releases.json", env "prod", app "shop": field "--image" = "${badImage}": ` +
        'staging rolled back from 3.9.3 (sha256:e5e5e5e5e5e5…) (clusters/staging/releases.json, history marks it rolledBack): ' +
        'a version staging rolled back from never reaches prod; release a fixed version to staging, then promote it: npm run promote -- --app shop',
    });
    expect(treeHash(repo.root)).toBe(before);
    // The versions staging did not roll back from still may go to prod.
    expect(release(repo, { env: 'prod', app: 'shop', image: pinnedImageOf(REPOSITORY, NEW) }).written).toBe(true);

    // Released to staging again (it was fixed elsewhere, or the rollback was a mistake): current, unmarked, promotable.
    expect(release(repo, { env: 'staging', app: 'shop', image: badImage }).release.current).toEqual(bad);
    expect(readReleases(repo, 'staging').apps.shop.history.some((v) => v.rolledBack)).toBe(false);
    expect(release(repo, { env: 'prod', app: 'shop', image: badImage }).release.current).toEqual(bad);
  });

  test('staging may still roll back from the version prod runs: synth judges what changes in prod, and prod did not change', () => {
    const prodRuns = readReleases(repo, 'prod').apps.shop.current;
    expect(readReleases(repo, 'staging').apps.shop.current).toEqual(prodRuns);
    const outcome = release(repo, { env: 'staging', app: 'shop', rollback: 1 });
    expect(outcome.written).toBe(true);
    expect(readReleases(repo, 'staging').apps.shop.history[0]).toEqual({ ...prodRuns, rolledBack: true });
    // Prod keeps it until someone rolls prod back, which stays allowed too.
    expect(release(repo, { env: 'prod', app: 'shop', rollback: 1 }).written).toBe(true);
  });
});

describe('an app named in prod before its first staging release', () => {
  const repo = repoCopy('release-prod-first');
  afterAll(() => fs.rmSync(repo.root, { recursive: true, force: true }));
  const shop = APPS.find((a) => a.name === 'shop')!;
  const blog = {
    ...shop,
    name: 'blog',
    imageRepository: 'ghcr.io/acme-web/blog',
    hosts: { staging: ['blog.staging.example.com'], prod: ['blog.example.com'] },
    scaling: { min: 2, max: 3 },
    privateServices: undefined,
    secrets: [],
    storage: undefined,
    backup: undefined,
  };
  /** The fixture clusters with blog in staging, and in prod too when asked (apps and appData), as a person adds it by hand. */
  const withBlog = (inProd: boolean): Repo => ({
    ...repo,
    apps: [...APPS, blog],
    clusters: CLUSTERS.map((c) =>
      c.env === 'staging' || inProd ? { ...c, apps: { ...c.apps, blog: {} }, appData: { ...c.appData, blog: 'live' as const } } : c,
    ),
  });
  const image = pinnedImageOf(blog.imageRepository, NEW);
  const prodBlog =
    'file "clusters/prod/releases.json", env "prod", app "blog": field "apps.blog" = undefined: is missing: the env runs this app, so it needs a release; ';

  beforeAll(() => {
    // What new-app leaves: blog in staging with the placeholder version.
    const file = path.join(repo.root, releasesFileOf('staging'));
    const staging = JSON.parse(fs.readFileSync(file, 'utf8')) as ReleasesFile;
    fs.writeFileSync(file, renderReleasesFile({ ...staging, apps: { ...staging.apps, blog: advance(undefined, placeholderVersionOf(blog.imageRepository)) } }));
  });

  test('its release to staging is refused with advice that works: out of prod, release to staging, back in prod, promote', () => {
    const before = treeHash(repo.root);
    const refused = run(releaseCli, ['--env', 'staging', '--app', 'blog', '--image', image], withBlog(true));
    expect(refused).toEqual({
      code: 2,
      out: '',
      err:
        `release failed, nothing changed: invalid releases:\n  - ${prodBlog}prod runs only what ran in staging, and clusters/staging/releases.json holds no real release of it yet, ` +
        'so release and promote both refuse it here. Take it out of clusters/prod/cluster.ts (apps, and appData and access.apps where they name it), ' +
        'release it to staging (npm run release -- --env staging --app blog --image <repository>:<tag>@sha256:<digest>), ' +
        'then name it in clusters/prod/cluster.ts again and run npm run promote -- --app blog',
    });
    expect(treeHash(repo.root)).toBe(before);

    expect(run(releaseCli, ['--env', 'staging', '--app', 'blog', '--image', image], withBlog(false)).code).toBe(0);
    const promoted = run(promoteCli, ['--app', 'blog'], withBlog(true));
    expect([promoted.code, promoted.err]).toEqual([0, '']);
    expect(readReleases(repo, 'prod').apps.blog).toEqual({ current: NEW, history: [] });
    expect(deploymentImage(repo, 'prod', 'blog')).toBe(image);
  });

  test('once staging runs a real release, the advice is to promote it', () => {
    const { [`blog`]: _dropped, ...prodApps } = readReleases(repo, 'prod').apps;
    fs.writeFileSync(path.join(repo.root, releasesFileOf('prod')), renderReleasesFile({ ...readReleases(repo, 'prod'), apps: prodApps }));
    const refused = run(releaseCli, ['--env', 'staging', '--app', 'blog', '--image', pinnedImageOf(blog.imageRepository, NEWER)], withBlog(true));
    expect(refused.err).toBe(
      `release failed, nothing changed: invalid releases:\n  - ${prodBlog}prod runs only what ran in staging: give it the version staging runs with npm run promote -- --app blog`,
    );
  });
});

describe('the history of an app', () => {
  test(`keeps the last ${HISTORY_LIMIT} versions, newest first`, () => {
    let release = advance(undefined, version(0));
    for (let n = 1; n <= 8; n++) release = advance(release, version(n));
    expect(release.current).toEqual(version(8));
    expect(release.history).toEqual([7, 6, 5, 4, 3].map(version));
  });

  test('holds each version once: a rollback moves the current version to the front', () => {
    const release = advance(advance(advance(undefined, version(1)), version(2)), version(3));
    expect(advance(release, version(1))).toEqual({ current: version(1), history: [version(3), version(2)] });
  });

  test('a rollback marks the version it leaves, history keeps the mark, and a release of that version again drops it', () => {
    const three = advance(advance(advance(undefined, version(1)), version(2)), version(3));
    const rolledBack = advance(three, version(2), { rollback: true });
    expect(rolledBack).toEqual({ current: version(2), history: [{ ...version(3), rolledBack: true }, version(1)] });
    const next = advance(rolledBack, version(4));
    expect(next).toEqual({ current: version(4), history: [version(2), { ...version(3), rolledBack: true }, version(1)] });
    expect(advance(next, version(3))).toEqual({ current: version(3), history: [version(4), version(2), version(1)] });
    // The file keeps the mark, and only on the entries that carry it.
    const text = renderReleasesFile({ apps: { shop: next } });
    expect((JSON.parse(text) as ReleasesFile).apps.shop).toEqual(next);
    expect(text.match(/"rolledBack": true/g)).toHaveLength(1);
    expect(appReleaseProblems(next, { env: 'staging', app: 'shop' })).toEqual([]);
  });

  test.each([
    ['the current version marked', { current: { ...version(2), rolledBack: true }, history: [version(1)] }, 'current.rolledBack'],
    ['a mark that is not true', { current: version(2), history: [{ ...version(1), rolledBack: 'yes' }] }, 'history[0].rolledBack'],
  ])('the synth rules refuse %s', (_case, entry, field) => {
    expect(appReleaseProblems(entry, { env: 'staging', app: 'shop' }).map((p) => p.field)).toEqual([field]);
  });
});

describe('bad input: one clear line, exit code 2, every file untouched', () => {
  const repo = repoCopy('release-bad');
  const before = treeHash(repo.root);
  afterAll(() => fs.rmSync(repo.root, { recursive: true, force: true }));

  const digest = `sha256:${'b2'.repeat(32)}`;
  const stagingShop = 'file "clusters/staging/releases.json", env "staging", app "shop"';
  const withoutProdBackoffice: Repo = {
    ...repo,
    clusters: CLUSTERS.map((c) => (c.env === 'prod' ? { ...c, apps: Object.fromEntries(Object.entries(c.apps).filter(([n]) => n !== 'backoffice')) } : c)),
  };
  const CASES: ReadonlyArray<readonly [string, typeof releaseCli, string[], Repo | undefined, string]> = [
    [
      'an unknown app',
      releaseCli,
      ['--env', 'staging', '--app', 'blog', '--image', `ghcr.io/acme-web/blog:1.0.0@${digest}`],
      undefined,
      'release failed, nothing changed: file "clusters/staging/releases.json", env "staging", app "blog": field "--app" = "blog": is not an app in apps/ (known: backoffice, legacy-site, shop)',
    ],
    [
      'an app the env does not run',
      releaseCli,
      ['--env', 'prod', '--app', 'backoffice', '--image', `ghcr.io/acme-web/backoffice:1.15.0@${digest}`],
      withoutProdBackoffice,
      'release failed, nothing changed: file "clusters/prod/releases.json", env "prod", app "backoffice": field "--app" = "backoffice": is not run in prod: clusters/prod/cluster.ts lists legacy-site, shop',
    ],
    [
      'an unknown env',
      releaseCli,
      ['--env', 'dev', '--app', 'shop', '--image', `${REPOSITORY}:3.9.0@${digest}`],
      undefined,
      'release failed, nothing changed: field "--env" = "dev": must be one of staging, prod',
    ],
    [
      'another repository',
      releaseCli,
      ['--env', 'staging', '--app', 'shop', '--image', `ghcr.io/someone-else/shop:3.9.0@${digest}`],
      undefined,
      `release failed, nothing changed: ${stagingShop}: field "--image" = "ghcr.io/someone-else/shop:3.9.0@${digest}": the repository "ghcr.io/someone-else/shop" is not the app's imageRepository "ghcr.io/acme-web/shop"`,
    ],
    [
      'a malformed digest',
      releaseCli,
      ['--env', 'staging', '--app', 'shop', '--image', `${REPOSITORY}:3.9.0@sha256:abc123`],
      undefined,
      `release failed, nothing changed: ${stagingShop}: field "--image" = "${REPOSITORY}:3.9.0@sha256:abc123": the digest "sha256:abc123" must be "sha256:" followed by 64 lower-case hex digits`,
    ],
    [
      'no digest',
      releaseCli,
      ['--env', 'staging', '--app', 'shop', '--image', `${REPOSITORY}:3.9.0`],
      undefined,
      `release failed, nothing changed: ${stagingShop}: field "--image" = "${REPOSITORY}:3.9.0": must be <repository>:<tag>@sha256:<64 hex digits>: a release names its digest`,
    ],
    [
      'the tag latest',
      releaseCli,
      ['--env', 'staging', '--app', 'shop', '--image', `${REPOSITORY}:latest@${digest}`],
      undefined,
      `release failed, nothing changed: ${stagingShop}: field "--image" = "${REPOSITORY}:latest@${digest}": the tag must not be "latest": name the version`,
    ],
    [
      'a rollback with no history',
      releaseCli,
      ['--env', 'prod', '--app', 'backoffice', '--rollback'],
      undefined,
      'release failed, nothing changed: file "clusters/prod/releases.json", env "prod", app "backoffice": field "history" = []: holds no previous version to roll back to',
    ],
    [
      '--to that is no number',
      releaseCli,
      ['--env', 'staging', '--app', 'shop', '--to', 'two'],
      undefined,
      `release failed, nothing changed: ${stagingShop}: field "--to" = "two": must be a whole number from 1: 1 is the newest version in history`,
    ],
    [
      'an image and a rollback at once',
      releaseCli,
      ['--env', 'staging', '--app', 'shop', '--rollback', '--image', `${REPOSITORY}:3.9.0@${digest}`],
      undefined,
      'release failed, nothing changed: give exactly one of --image, --rollback and --to; usage: npm run release -- --env <env> --app <app> (--image <repository>:<tag>@sha256:<digest> | --rollback | --to <n>)',
    ],
    [
      'a promotion to an env that does not run the app',
      promoteCli,
      ['--app', 'backoffice'],
      withoutProdBackoffice,
      'promote failed, nothing changed: file "clusters/prod/releases.json", env "prod", app "backoffice": field "--app" = "backoffice": is not run in prod: clusters/prod/cluster.ts lists legacy-site, shop',
    ],
  ];

  test.each(CASES)('%s', (_case, cli, argv, custom, expected) => {
    expect(run(cli, argv, custom ?? repo)).toEqual({ code: 2, out: '', err: expected });
    expect(treeHash(repo.root)).toBe(before);
  });
});

describe('a releases file that was edited by hand is refused, naming the file, env, app, field and value; every file untouched', () => {
  const repo = repoCopy('release-edited');
  afterAll(() => fs.rmSync(repo.root, { recursive: true, force: true }));

  const file = (env: string) => path.join(repo.root, releasesFileOf(env));
  const seeded = (env: string): string => fs.readFileSync(path.join(REPO_ROOT, releasesFileOf(env)), 'utf8');
  /** The env's seeded file with shop's entry replaced. */
  const withShop = (env: string, current: ReleaseVersion, history: ReleaseVersion[]): string =>
    renderReleasesFile({ ...JSON.parse(seeded(env)), apps: { ...JSON.parse(seeded(env)).apps, shop: { current, history } } });
  const seededShop = (): ReleaseVersion => JSON.parse(seeded('prod')).apps.shop.current;
  const at = (env: string) => `file "clusters/${env}/releases.json", env "${env}", app "shop"`;
  const image = `${REPOSITORY}:3.9.0@sha256:${'b2'.repeat(32)}`;

  const CASES: ReadonlyArray<readonly [string, string, () => string, string[], RegExp]> = [
    [
      'the app repeated (JSON.parse would keep only the second)',
      'staging',
      () => seeded('staging').replace('"shop": {', `"shop": ${JSON.stringify({ current: NEW, history: [] })},\n    "shop": {`),
      ['--env', 'staging', '--app', 'shop', '--image', image],
      /^release failed, nothing changed: invalid releases:\n {2}- file "clusters\/staging\/releases.json", env "staging", app "shop": field "apps\.shop" = \{"current":\{"tag":"3\.8\.2",.*\}: is repeated \(lines \d+ and \d+\)/,
    ],
    [
      'a digest repeated inside one version',
      'prod',
      () => seeded('prod').replace(/("shop": \{\n\s+"current": \{\n\s+"tag": "3\.8\.2",\n)/, `$1        "digest": "${NEW.digest}",\n`),
      ['--env', 'prod', '--app', 'shop', '--image', image],
      /app "shop": field "apps\.shop\.current\.digest" = "sha256:4cfa7b97[0-9a-f]+": is repeated \(lines \d+ and \d+\)/,
    ],
    [
      'a history that holds the current version',
      'staging',
      () => withShop('staging', NEW, [NEW, version(1)]),
      ['--env', 'staging', '--app', 'shop', '--image', image],
      new RegExp(`${at('staging')}: field "history\\[0\\]" = \\{"tag":"3\\.9\\.0","digest":"sha256:a1a1[a1]+"\\}: is the current version 3\\.9\\.0`),
    ],
    [
      'a history that holds one version twice (a rollback would skip nothing)',
      'prod',
      () => withShop('prod', NEW, [version(2), version(1), version(2)]),
      ['--env', 'prod', '--app', 'shop', '--rollback'],
      new RegExp(`${at('prod')}: field "history\\[2\\]" = \\{"tag":"1\\.0\\.2",[^}]*\\}: repeats history\\[0\\]`),
    ],
    [
      "a rollback to new-app's placeholder",
      'staging',
      () => withShop('staging', NEW, [placeholderVersionOf(REPOSITORY)]),
      ['--env', 'staging', '--app', 'shop', '--rollback'],
      new RegExp(
        `${at('staging')}: field "history\\[0\\]" = \\{"tag":"0\\.0\\.0",[^}]*\\}: is a placeholder, not a real image \\(the tag 0\\.0\\.0 is the placeholder npm run new-app writes\\): a rollback never deploys it; history holds no real version further back$`,
      ),
    ],
    [
      'a rollback to a seeded placeholder, with a real version further back',
      'prod',
      () => withShop('prod', NEW, [seededShop(), version(1)]),
      ['--env', 'prod', '--app', 'shop', '--rollback'],
      new RegExp(
        `${at('prod')}: field "history\\[0\\]" = \\{"tag":"3\\.8\\.2",[^}]*\\}: is a placeholder, not a real image \\(its digest is one of the placeholders the releases files were seeded with\\): a rollback never deploys it; --to 2 rolls back to 1\\.0\\.1 `,
      ),
    ],
  ];

  test.each(CASES)('%s', (_case, env, edit, argv, expected) => {
    const original = fs.readFileSync(file(env), 'utf8');
    fs.writeFileSync(file(env), edit());
    try {
      const before = treeHash(repo.root);
      const result = run(releaseCli, argv, repo);
      expect(result.err).toMatch(expected);
      expect([result.code, result.out]).toEqual([2, '']);
      expect(treeHash(repo.root)).toBe(before);
      expect(fs.existsSync(path.join(repo.root, LOCK_FILE))).toBe(false);
    } finally {
      fs.writeFileSync(file(env), original);
    }
  });

  test.each([
    ["new-app's placeholder", () => placeholderVersionOf(REPOSITORY), /the tag 0\.0\.0 is the placeholder npm run new-app writes/],
    ['a seeded placeholder', () => seededShop(), /its digest is one of the placeholders the releases files were seeded with/],
  ])('promote refuses %s: it never reaches prod', (_case, current, reason) => {
    const original = fs.readFileSync(file('staging'), 'utf8');
    fs.writeFileSync(file('staging'), withShop('staging', current(), []));
    try {
      const before = treeHash(repo.root);
      const result = run(promoteCli, ['--app', 'shop'], repo);
      expect(result.err).toMatch(reason);
      expect(result.err).toMatch(
        /app "shop": field "current" = \{"tag":"[^"]+",[^}]*\}: is a placeholder, not a real image .*release a real image to staging first, then promote it/,
      );
      expect([result.code, result.out]).toEqual([2, '']);
      expect(treeHash(repo.root)).toBe(before);
    } finally {
      fs.writeFileSync(file('staging'), original);
    }
  });

  test.each([
    [
      'the app repeated',
      `{"apps": {"shop": {"current": ${JSON.stringify(NEW)}, "history": []}, "shop": {"current": ${JSON.stringify(NEWER)}, "history": []}}}`,
    ],
    ['a key repeated at the top', `{"apps": {}, "$comment": "one", "$comment": "two"}`],
    // Keys and values with quotes and colons inside, around the repeat: counting keys must not be fooled.
    ['a key repeated beside strings that hold quotes and colons', `{"apps": {}, "$comment": "a \\": b", "$comment": "c\\\\", "x\\"y": [":", "\\":"]}`],
  ])('synth refuses it too: %s', (_case, text) => {
    const original = fs.readFileSync(file('staging'), 'utf8');
    fs.writeFileSync(file('staging'), text);
    try {
      expect(synthProblemsOf(() => readReleasesFromDisk(repo.root, ['staging']))).toEqual([
        expect.stringMatching(
          /^file "clusters\/staging\/releases\.json", env "staging"(, app "shop")?: field "(apps\.shop|\$comment)" = .*: is repeated \(lines 1 and 1\)/,
        ),
      ]);
    } finally {
      fs.writeFileSync(file('staging'), original);
    }
  });

  test.each([
    ['the current version in history', { current: NEW, history: [version(1), NEW] }, 'history[1]'],
    ['a version twice in history', { current: NEW, history: [version(1), version(1)] }, 'history[1]'],
  ])('the synth rules refuse %s', (_case, entry, field) => {
    const problems = appReleaseProblems(entry, { file: releasesFileOf('staging'), env: 'staging', app: 'shop' });
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(appReleaseProblems(advance(advance(undefined, version(1)), NEW), { env: 'staging', app: 'shop' })).toEqual([]);
  });
});
