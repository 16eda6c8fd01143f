import { semiSpaceMbOf } from '../constructs/synth/worker-semi-space';

// The size a worker's semi-spaces go back to: the process's own, as node reads its options (NODE_OPTIONS
// first, then the command line; V8 takes a flag's last value, with dashes or underscores, `=` or a space).
test.each([
  [[], 0],
  [['--max-semi-space-size=32'], 32],
  [['--max_semi_space_size', '16'], 16],
  [['--max-semi-space-size=8', '--require', './x.cjs', '--max-semi-space-size=32'], 32],
  [['--max-old-space-size=4096'], 0],
])('the semi-space size of node options %j is %d MiB', (options, mb) => {
  expect(semiSpaceMbOf(options)).toBe(mb);
});
