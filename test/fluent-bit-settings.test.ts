import { configSectionsOf, fluentBitReleasesOf } from '../constructs/rules/log-buffer-rules';
import { fluentBitSettingProblems } from '../constructs/rules/fluent-bit-setting-rules';
import type { KubeObject } from '../constructs/model/kube-object';
import { containerLogStreamOf } from '../constructs/model/log-contract';
import { fixtureObjectsOf } from './support';
import { CLUSTERS } from './fixtures/specs/clusters';
import { rolloutTimeoutMinutes, ROUND_MINUTES } from '../constructs/platform/fluent-bit';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The settings whose Fluent Bit 3.1.0 defaults lose or hide records (fluent/fluent-bit@v3.1.0; each rule
 * names its source in constructs/rules/fluent-bit-setting-rules.ts), over the fixture cluster's releases.
 */
const releases = fluentBitReleasesOf(fixtureObjectsOf('staging'));
const release = (name: string): KubeObject => releases.find((r) => r.metadata.name === name)!;
const withConfig = (name: string, part: 'inputs' | 'filters' | 'outputs', change: (text: string) => string): KubeObject => {
  const copy = JSON.parse(JSON.stringify(release(name)));
  (copy.spec as Json).values.config[part] = change((copy.spec as Json).values.config[part]);
  return copy;
};
/** A setting of one section, as Fluent Bit reads it (keys case-insensitive). */
const settingOf = (r: KubeObject, section: string, plugin: string, key: string): readonly string[] | undefined =>
  configSectionsOf(r).find((s) => s.name === section && s.entries.name?.[0] === plugin)?.entries[key];

describe('Fluent Bit keeps the records its upstream defaults would lose or hide', () => {
  test('both releases are there and have none of these settings', () => {
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(['fluent-bit', 'fluent-bit-events']);
    expect(fluentBitSettingProblems(releases)).toEqual([]);
  });

  test('the events input keeps no DB, so every update of an Event ships (kubernetes_events.c, check_event_is_filtered, v3.1.0)', () => {
    const events = release('fluent-bit-events');
    expect(settingOf(events, 'INPUT', 'kubernetes_events', 'name')).toEqual(['kubernetes_events']);
    expect(settingOf(events, 'INPUT', 'kubernetes_events', 'db')).toBeUndefined();
    const withDb = withConfig('fluent-bit-events', 'inputs', (text) => text.replace(/(Tag\s+events\n)/, '$1    DB /var/fluent-bit/state/events.db\n'));
    expect(fluentBitSettingProblems([withDb])).toEqual([
      "HelmRelease flux-system/fluent-bit-events: its [INPUT] kubernetes_events sets DB /var/fluent-bit/state/events.db: Fluent Bit then ships each Event once by its uid and drops its updates (a repeated event's count), which the alert rules count",
    ]);
  });

  test.each(['fluent-bit', 'fluent-bit-events'])(
    '%s reads the whole bulk response of Elasticsearch, however many records a chunk holds (out_es/es.c, v3.1.0)',
    (name) => {
      const buffer = settingOf(release(name), 'OUTPUT', 'es', 'buffer_size');
      expect(buffer).toEqual(['False']);
      const problem = (value: string) =>
        fluentBitSettingProblems([
          withConfig(name, 'outputs', (text) => text.replace(/\n\s*Buffer_Size\s+\S+/, value === '' ? '' : `\n    Buffer_Size ${value}`)),
        ]);
      expect(problem('')).toEqual([expect.stringContaining(`${name}: its [OUTPUT] es leaves Buffer_Size at its default 512k: Elasticsearch's answer`)]);
      expect(problem('4M')).toEqual([expect.stringContaining(`${name}: its [OUTPUT] es sets Buffer_Size 4M: `)]);
      expect([problem('0'), problem('false')]).toEqual([[], []]);
    },
  );

  test('the kubernetes filter reads the whole pod from the API, however large (filter_kubernetes/kube_meta.c, v3.1.0)', () => {
    expect(settingOf(release('fluent-bit'), 'FILTER', 'kubernetes', 'buffer_size')).toEqual(['0']);
    const problem = (value: string) =>
      fluentBitSettingProblems([
        withConfig('fluent-bit', 'filters', (text) => text.replace(/\n\s*Buffer_Size\s+\S+/, value === '' ? '' : `\n    Buffer_Size ${value}`)),
      ]);
    expect(problem('')).toEqual([
      `HelmRelease flux-system/fluent-bit: its [FILTER] kubernetes leaves Buffer_Size at its default 32K: a pod whose API object is larger gets no kubernetes metadata: its lines go to ${containerLogStreamOf('unknown')}, out of its app's view and alert rules, and its parser annotation is not read`,
    ]);
    expect(problem('256K')).toEqual([expect.stringContaining('its [FILTER] kubernetes sets Buffer_Size 256K: ')]);
    expect([problem('0'), problem('False')]).toEqual([[], []]);
  });
});

describe("the container-logs DaemonSet's rollout fits its release's timeout", () => {
  /*
   * The chart puts `updateStrategy` on the DaemonSet as given (templates/daemonset.yaml, fluent/helm-charts@fluent-bit-0.47.0);
   * Helm waits until every pod is updated (helm/helm pkg/kube/ready.go, daemonSetReady), and a DaemonSet rounds a
   * percentage of maxUnavailable up (intstr.GetScaledValueFromIntOrPercent(…, true), the same file).
   */
  const logs = release('fluent-bit');
  const spec = logs.spec as Json;
  const cluster = CLUSTERS.find((c) => c.env === 'staging')!;

  test('a tenth of the nodes at a time, never a surge (two pods of a node would share the tail DB)', () => {
    expect(spec.values.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
  });

  test("the timeout holds every round of a rollout on the node pool's largest size, and grows with it", () => {
    const minutes = Number(/^(\d+)m$/.exec(spec.timeout)![1]);
    const max = cluster.nodePool.max;
    const perRound = Math.ceil((max * 10) / 100);
    expect(minutes).toBeGreaterThanOrEqual(5 + Math.ceil(max / perRound) * ROUND_MINUTES);
    expect(minutes).toBe(rolloutTimeoutMinutes(max));
    for (const nodes of [1, 3, 10, 40, 1000])
      expect(rolloutTimeoutMinutes(nodes)).toBeGreaterThanOrEqual(5 + Math.ceil(nodes / Math.ceil(nodes / 10)) * ROUND_MINUTES);
    expect(rolloutTimeoutMinutes(1000)).toBeGreaterThan(rolloutTimeoutMinutes(1));
  });
});
