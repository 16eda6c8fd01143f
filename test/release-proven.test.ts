/**
 * Prod runs only what ran in staging, checked by synth on every change of a releases file (not only by
 * `npm run release`): a version new in prod must be one staging ran and did not roll back from, while what
 * prod ran before stays allowed. Fixture releases of the fixture app shop, not the repo's apps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { advance, HISTORY_LIMIT, releasesFileOf, renderReleasesFile, type AppRelease, type Releases, type ReleaseVersion } from '../constructs/model/releases';
import { SynthError } from '../constructs/model/spec-error';
import { RefError } from '../constructs/synth/output-tree';
import { checkInput } from '../constructs/synth/pipeline';
import { envsToRead, readBaseReleases, readReleases } from '../constructs/synth/releases-io';
import { envsOf } from '../constructs/synth/synth-envs';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { provenReleaseProblems } from '../constructs/validation/proven-releases';
import { FIXTURE_INPUT, FIXTURE_RELEASES } from './fixtures/specs';
import { REPO_ROOT, scopedTempDirs } from './support';

const v = (n: number, extra: Partial<ReleaseVersion> = {}): ReleaseVersion => ({
  tag: `4.0.${n}`,
  digest: `sha256:${n.toString(16).padStart(64, 'f')}`,
  ...extra,
});
/** An entry as the commands write it: the versions released in order, oldest first. */
const released = (...versions: ReleaseVersion[]): AppRelease => versions.reduce<AppRelease | undefined>((e, next) => advance(e, next), undefined)!;
const rolledBack = (entry: AppRelease): AppRelease => advance(entry, entry.history[0], { rollback: true });

/** The fixture releases with shop's entries replaced (undefined: none) in staging and prod. */
function releasesWith(shop: { staging?: AppRelease; prod?: AppRelease }): Releases {
  const withShop = (env: 'staging' | 'prod', entry: AppRelease | undefined) => {
    const { shop: _old, ...others } = FIXTURE_RELEASES[env].apps;
    return { ...FIXTURE_RELEASES[env], apps: { ...others, ...(entry ? { shop: entry } : {}) } };
  };
  return { ...FIXTURE_RELEASES, staging: withShop('staging', shop.staging), prod: withShop('prod', shop.prod) };
}

/** What synth says of the change from `base` to `now`: its input checks, with the base. */
function synthProblems(now: Releases, base: Releases): string[] {
  try {
    checkInput({ ...FIXTURE_INPUT, releases: now, baseReleases: base });
  } catch (error) {
    if (error instanceof SynthError) return error.problems.map(String);
    throw error;
  }
  return [];
}
const problems = (now: Releases, base: Releases): string[] => provenReleaseProblems(FIXTURE_INPUT.apps, now, base).map(String);

const AT = 'file "clusters/prod/releases.json", env "prod", app "shop": field "current" = ';
const NEW_IN_PROD = 'is new in prod (neither its current version nor in its history before this change), and prod runs only what ran in staging: ';

describe('a version new in prod must have run in staging, and synth refuses it otherwise', () => {
  test('a prod version staging rolled back from fails synth: the prod PR merged after staging rolled back from its version', () => {
    // The PR was opened while staging ran 4.0.2; staging rolled back from it on main since.
    const base = releasesWith({ staging: rolledBack(released(v(1), v(2))), prod: released(v(1)) });
    const merged = releasesWith({ staging: base.staging.apps.shop, prod: released(v(1), v(2)) });
    expect(synthProblems(merged, base)).toEqual([
      `${AT}{"tag":"4.0.2","digest":"${v(2).digest}"}: ${NEW_IN_PROD}` +
        `staging rolled back from 4.0.2 (${v(2).digest.slice(0, 19)}…) (clusters/staging/releases.json, history marks it rolledBack): ` +
        'a version staging rolled back from never reaches prod; release a fixed version to staging, then promote it: npm run promote -- --app shop',
    ]);
  });

  test('a version staging never ran fails, and so does a digest staging ran under another tag (a hand edit of the prod file)', () => {
    const base = releasesWith({ staging: released(v(1), v(2)), prod: released(v(1)) });
    const never = v(9);
    expect(synthProblems(releasesWith({ staging: released(v(1), v(2)), prod: released(v(1), never) }), base)).toEqual([
      `${AT}{"tag":"4.0.9","digest":"${never.digest}"}: ${NEW_IN_PROD}` +
        `the digest ${never.digest} of shop never ran in staging: it is neither staging's current version nor in its history (clusters/staging/releases.json); ` +
        'release it to staging first, then promote it: npm run promote -- --app shop',
    ]);
    const retagged = { ...v(2), tag: '9.9.9' };
    expect(problems(releasesWith({ staging: released(v(1), v(2)), prod: released(v(1), retagged) }), base)).toEqual([
      `${AT}{"tag":"9.9.9","digest":"${v(2).digest}"}: ${NEW_IN_PROD}` +
        `staging ran the digest ${v(2).digest} of shop as tag 4.0.2, not 9.9.9 (clusters/staging/releases.json): ` +
        `name the tag staging ran, ghcr.io/acme-web/shop:4.0.2@${v(2).digest}, or promote it: npm run promote -- --app shop`,
    ]);
  });

  test('a version staging ran and kept passes: its current version, or one in its history', () => {
    const staging = released(v(1), v(2), v(3));
    const base = releasesWith({ staging, prod: released(v(1)) });
    for (const next of [v(3), v(2)]) expect(synthProblems(releasesWith({ staging, prod: released(v(1), next) }), base)).toEqual([]);
  });

  test('a rollback in prod to its own earlier version passes, though staging no longer holds it or rolled back from it', () => {
    // Staging moved on by more than its history keeps, and rolled back from 4.0.2 as well.
    const staging = rolledBack(released(...[10, 11, 12, 13, 14, 15].map((n) => v(n)), v(2)));
    expect(staging.history[0]).toEqual({ ...v(2), rolledBack: true });
    expect(staging.history.length).toBe(HISTORY_LIMIT);
    expect(staging.history.some((x) => x.digest === v(1).digest)).toBe(false);
    const prod = released(v(1), v(2), v(10));
    const base = releasesWith({ staging, prod });
    for (const to of [1, 2]) {
      const back = advance(prod, prod.history[to - 1], { rollback: true });
      expect(synthProblems(releasesWith({ staging, prod: back }), base)).toEqual([]);
      // The undo of that rollback (a second --rollback) goes to a version prod's history marks rolledBack: allowed too.
      const undone = advance(back, back.history[0], { rollback: true });
      expect(synthProblems(releasesWith({ staging, prod: undone }), releasesWith({ staging, prod: back }))).toEqual([]);
    }
  });

  test('what prod already runs passes whatever staging did since: it rolled back from it, or released it out of its history', () => {
    const prod = released(v(1), v(2));
    const before = releasesWith({ staging: released(v(1), v(2)), prod });
    // Staging rolls back from the version prod runs: that change must not fail (then roll prod back too).
    expect(synthProblems(releasesWith({ staging: rolledBack(released(v(1), v(2))), prod }), before)).toEqual([]);
    // Staging releases more versions than its history keeps: 4.0.2 leaves it.
    const busy = released(v(1), v(2), ...[20, 21, 22, 23, 24, 25].map((n) => v(n)));
    expect([busy.current, ...busy.history].some((x) => x.digest === v(2).digest)).toBe(false);
    expect(synthProblems(releasesWith({ staging: busy, prod }), before)).toEqual([]);
  });

  test("the first release of an app in prod is staging's version; an app only prod runs keeps its version, and gets no unproven new one", () => {
    const staging = released(v(1), v(2));
    const noProd = releasesWith({ staging });
    expect(synthProblems(releasesWith({ staging, prod: released(v(2)) }), noProd)).toEqual([]);
    expect(problems(releasesWith({ staging, prod: released(v(7)) }), noProd)).toHaveLength(1);
    // A prod file the base did not have at all (a new env): every version in it is new.
    const { prod: _prod, ...withoutProd } = noProd;
    expect(problems(releasesWith({ staging, prod: released(v(2)) }), withoutProd)).toEqual([]);
    expect(problems(releasesWith({ staging, prod: released(v(7)) }), withoutProd)).toHaveLength(1);

    const prodOnly = releasesWith({ prod: released(v(5)) });
    expect(problems(prodOnly, prodOnly)).toEqual([]);
    expect(problems(releasesWith({ prod: released(v(5), v(6)) }), prodOnly)).toEqual([
      expect.stringContaining(`the digest ${v(6).digest} of shop never ran in staging`),
    ]);
  });

  test('without a base the change cannot be told, and the check is not made; staging, which has no proving env, is never judged', () => {
    const base = releasesWith({ staging: released(v(1)), prod: released(v(1)) });
    const bad = releasesWith({ staging: released(v(1)), prod: released(v(1), v(9)) });
    expect(synthProblems(bad, base)).toHaveLength(1);
    expect(() => checkInput({ ...FIXTURE_INPUT, releases: bad })).not.toThrow();
    expect(problems(releasesWith({ staging: released(v(1), v(8)), prod: released(v(1)) }), base)).toEqual([]);
  });

  test('an entry synth refuses for its form is left to that check: one problem, not two', () => {
    const base = releasesWith({ staging: released(v(1)), prod: released(v(1)) });
    const broken = releasesWith({ staging: released(v(1)), prod: { current: { tag: 'latest', digest: v(9).digest }, history: [] } });
    expect(problems(broken, base)).toEqual([]);
    expect(synthProblems(broken, base)).toEqual([expect.stringContaining('field "current.tag" = "latest"')]);
  });
});

describe('the base synth judges the change against: the releases files at a git ref', () => {
  const temp = scopedTempDirs();
  const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const hasGit = spawnSync('git', ['--version']).status === 0;

  test('the last commit by default, another ref when named, and none outside a git repository', () => {
    expect(hasGit).toBe(true);
    const root = temp('releases-base');
    const write = (env: string, shop: AppRelease) => {
      fs.mkdirSync(path.join(root, 'clusters', env), { recursive: true });
      fs.writeFileSync(path.join(root, releasesFileOf(env)), renderReleasesFile({ apps: { shop } }));
    };
    expect(readBaseReleases(root, ['staging', 'prod'])).toBeUndefined();
    git(root, 'init', '-q');
    write('staging', released(v(1)));
    git(root, 'add', '.');
    git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'staging only');
    write('prod', released(v(1)));
    git(root, 'add', '.');
    git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'prod too');
    write('prod', released(v(1), v(2))); // not committed

    expect(readBaseReleases(root, ['staging', 'prod'])).toEqual({ staging: { apps: { shop: released(v(1)) } }, prod: { apps: { shop: released(v(1)) } } });
    // The first commit had no prod file: every prod version is new against it.
    expect(readBaseReleases(root, ['staging', 'prod'], 'HEAD^1')!.prod).toEqual({ apps: {} });
    expect(() => readBaseReleases(root, ['prod'], 'no-such-ref')).toThrow(RefError);
    expect(() => readBaseReleases(root, ['prod'], 'no-such-ref')).toThrow(`field "--base" = "no-such-ref": is not a commit in the git repository at ${root}`);
    // The working tree's prod file is new against HEAD: v(2) never ran in staging.
    expect(problems(readReleases(root, ['staging', 'prod']), readBaseReleases(root, ['staging', 'prod'])!)).toHaveLength(1);
  });

  test("the repo's own releases files pass against its last commit, as npm run synth judges them", () => {
    const envs = envsToRead(envsOf(CLUSTERS));
    const base = readBaseReleases(REPO_ROOT, envs);
    // In a copy without git (the add-an-app flow runs the suite in one) npm run synth makes no such check either.
    if (base === undefined) expect(fs.existsSync(path.join(REPO_ROOT, '.git'))).toBe(false);
    else expect(provenReleaseProblems(APPS, readReleases(REPO_ROOT, envs), base).map(String)).toEqual([]);
  });
});
