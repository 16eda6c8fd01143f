import { render } from '../constructs/synth/render';
import { fixtureOutput } from './support';

// Snapshots show a reviewer the whole rendered change; the behaviour is asserted in the other tests. They render the
// fixture clusters (test/fixtures/specs), never the repo's own, so adding or changing an app touches no snapshot.
describe('synthesized manifests', () => {
  for (const file of fixtureOutput().filter((f) => !f.path.includes('/terraform/'))) {
    test(`${file.path} matches its snapshot`, () => {
      expect(render(file)).toMatchSnapshot();
    });
  }
});
