import { groupedBy } from '../constructs/model/grouped-by';
import { passScope } from '../constructs/model/pass-scope';

test('groupedBy keeps the groups in the order their keys first appear, and each group in the items order', () => {
  const grouped = groupedBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
  expect([...grouped.entries()]).toEqual([
    ['b', ['b1', 'b2']],
    ['a', ['a1', 'a2']],
    ['c', ['c1']],
  ]);
});

test('a pass scope keeps what is derived within a pass, a nested one included, and nothing outside it', () => {
  const scope = passScope<object, number>();
  const input = {};
  let builds = 0;
  const build = () => ++builds;
  expect(scope.kept(input, build)).toBe(1);
  expect(scope.kept(input, build)).toBe(2);
  const inPass = scope.within(() => [scope.kept(input, build), scope.within(() => scope.kept(input, build)), scope.kept({}, build)]);
  expect(inPass).toEqual([3, 3, 4]);
  // The pass is over: derived afresh again.
  expect(scope.kept(input, build)).toBe(5);
});

test('a pass scope ends its pass when the pass throws', () => {
  const scope = passScope<object, number>();
  const input = {};
  let builds = 0;
  expect(() =>
    scope.within(() => {
      scope.kept(input, () => ++builds);
      throw new Error('rule failed');
    }),
  ).toThrow('rule failed');
  expect(scope.kept(input, () => ++builds)).toBe(2);
});
