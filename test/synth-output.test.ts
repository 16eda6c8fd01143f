import { render } from '../constructs/synth/render';
import { realOutput } from './support';

// Snapshots show a reviewer the whole rendered change; the behaviour is asserted in the other tests.
describe('synthesized manifests', () => {
  for (const file of realOutput().filter((f) => !f.path.includes('/terraform/'))) {
    test(`${file.path} matches its snapshot`, () => {
      expect(render(file)).toMatchSnapshot();
    });
  }
});
