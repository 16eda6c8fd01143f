import { buildAll } from '../constructs/synth/pipeline';
import { FIXTURE_INPUT, synthProblemsOf } from './support';

/** One synth reports every problem of the input at once: each validator runs, not only the first that fails. */
describe('all problems at once', () => {
  const [app] = FIXTURE_INPUT.apps;
  const [cluster] = FIXTURE_INPUT.clusters;
  const badPort = { ...app, port: 0 };
  const strayRelease = {
    ...FIXTURE_INPUT.releases,
    [cluster.env]: { apps: { ...FIXTURE_INPUT.releases[cluster.env].apps, 'no-such-app': FIXTURE_INPUT.releases[cluster.env].apps[app.name] } },
  };

  test('an app field and a releases file, each wrong, are both reported by one synth', () => {
    const onlyApp = synthProblemsOf(() => buildAll({ ...FIXTURE_INPUT, apps: FIXTURE_INPUT.apps.map((a) => (a === app ? badPort : a)) }));
    const onlyRelease = synthProblemsOf(() => buildAll({ ...FIXTURE_INPUT, releases: strayRelease }));
    expect(onlyApp.length).toBeGreaterThan(0);
    expect(onlyRelease.length).toBeGreaterThan(0);
    const both = synthProblemsOf(() => buildAll({ ...FIXTURE_INPUT, apps: FIXTURE_INPUT.apps.map((a) => (a === app ? badPort : a)), releases: strayRelease }));
    expect(both).toEqual(expect.arrayContaining([...onlyApp, ...onlyRelease]));
  });
});
