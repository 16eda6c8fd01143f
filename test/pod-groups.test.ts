import { podGroupsOf, type PodGroup } from '../constructs/platform/pod-groups';
import { SynthError } from '../constructs/model/spec-error';

/* An add-on's own pods (its setup Jobs) get the egress its `ownPodEgress` names, and a name no pod has stops synth. */
const job: PodGroup = { name: 'setup', namespace: 'logging', podLabels: { 'app.kubernetes.io/name': 'setup' }, ports: [] };

test('an own pod gets the egress named for it; the others keep their namespace egress', () => {
  const other: PodGroup = { ...job, name: 'other', podLabels: { 'app.kubernetes.io/name': 'other' } };
  const groups = podGroupsOf('logging', [], [job, other], { setup: { egressApiServer: true } });
  expect(groups.map((g) => [g.name, g.egress])).toEqual([
    ['other', undefined],
    ['setup', { egressApiServer: true }],
  ]);
});

test('an own pod egress that names no pod of the namespace is an error, not a pod left with its namespace egress', () => {
  const call = () => podGroupsOf('logging', [], [job], { setpu: { egressApiServer: true } });
  expect(call).toThrow(SynthError);
  expect(call).toThrow('namespace logging: field "ownPodEgress" = setpu: no object of ours runs pods of that name there');
});
