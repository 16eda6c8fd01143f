import { CLUSTERS } from '../clusters';
import { BUFFER_LIMITS, EVENTS_STATE_SIZE, MAX_CHUNKS_UP } from '../constructs/platform/fluent-bit';
import { bufferNeedOf, DB_ALLOWANCE, fluentBitBytes, logBufferProblems, parseClassicConfig } from '../constructs/rules/log-buffer-rules';
import { parseQuantity } from '../constructs/model/quantity';
import type { KubeObject } from '../constructs/model/kube-object';
import { realObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const releasesOf = (env: string) => realObjectsOf(env).filter((o) => o.kind === 'HelmRelease' && (o.spec as Json).chart.spec.chart === 'fluent-bit') as Json[];
const withValues = (release: Json, change: (values: Json) => void): KubeObject => {
  const copy = JSON.parse(JSON.stringify(release));
  change(copy.spec.values);
  return copy;
};

describe("Fluent Bit's buffers fit the volumes that hold them", () => {
  test.each(CLUSTERS.map((c) => [c.env, c] as const))('both releases of %s fit', (env, cluster) => {
    const releases = releasesOf(env);
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(['fluent-bit', 'fluent-bit-events']);
    expect(logBufferProblems(releases, cluster)).toEqual([]);
  });

  test('the events pod: its 512M queue, 32 chunks up and the databases within its 1Gi emptyDir', () => {
    const events = releasesOf('staging').find((r) => r.metadata.name === 'fluent-bit-events');
    const sections = parseClassicConfig(Object.values(events.spec.values.config).join('\n'));
    const need = bufferNeedOf(sections);
    expect(need.bytes).toBe(fluentBitBytes(BUFFER_LIMITS.events)! + MAX_CHUNKS_UP * 2_048_000 + DB_ALLOWANCE);
    expect(need.bytes).toBeLessThanOrEqual(parseQuantity(EVENTS_STATE_SIZE)!);
  });

  const cluster = CLUSTERS.find((c) => c.env === 'staging')!;
  test('the events pod as it was fails: a 2G queue on a 1Gi emptyDir', () => {
    const events = releasesOf('staging').find((r) => r.metadata.name === 'fluent-bit-events');
    const before = withValues(events, (v) => {
      v.config.outputs = v.config.outputs.replace(/storage\.total_limit_size\s+\S+/, 'storage.total_limit_size 2G');
    });
    expect(logBufferProblems([before], cluster)).toEqual([
      `HelmRelease flux-system/fluent-bit-events: its buffer needs up to 2132.6 MB (storage.total_limit_size 2G + 32 chunks up of 2.0 MB + 64 MiB for its databases), but it is on emptyDir "state", sizeLimit 1Gi, which holds 1073.7 MB`,
    ]);
  });

  test('a node whose disk is too small for the container-logs buffer fails, naming the disk', () => {
    const logs = releasesOf('staging').find((r) => r.metadata.name === 'fluent-bit');
    const small = { ...cluster, nodePool: { ...cluster.nodePool, diskGiB: 20 } };
    expect(logBufferProblems([logs], small)).toEqual([
      'HelmRelease flux-system/fluent-bit: its buffer needs up to 2133.6 MB (storage.total_limit_size 2G + storage.total_limit_size 1M + 32 chunks up of 2.0 MB + 64 MiB for its databases), ' +
        'but it is on hostPath /var/fluent-bit/state, whose budget is 5% of nodePool.diskGiB 20, which holds 1073.7 MB',
    ]);
  });

  test.each([
    [
      'an unbounded queue',
      (v: Json) => (v.config.outputs = v.config.outputs.replace(/\s+storage\.total_limit_size\s+\S+/, '')),
      'output es has no storage.total_limit_size: its queue is unbounded',
    ],
    [
      'a default chunks-up count',
      (v: Json) => (v.config.service = v.config.service.replace(/\s+storage\.max_chunks_up\s+\S+/, '')),
      'its buffer needs up to 1173.3 MB (storage.total_limit_size 844M + 128 chunks up',
    ],
    [
      'an emptyDir without a limit',
      (v: Json) => (v.extraVolumes[0] = { name: 'state', emptyDir: {} }),
      'its buffer (storage.path /var/fluent-bit/state/buffer) is on emptyDir "state" without a sizeLimit',
    ],
    ['a buffer on no volume', (v: Json) => (v.extraVolumeMounts = v.extraVolumeMounts.filter((m: Json) => m.name !== 'state')), 'is on no volume'],
  ])('a broken copy fails: %s', (_name, change, expected) => {
    const events = releasesOf('staging').find((r) => r.metadata.name === 'fluent-bit-events');
    const broken = withValues(events, (v) => {
      // A queue that fits with 32 chunks up (844 + 65.5 + 67.1 MB), but not with the default 128 (+ 262 MB).
      v.config.outputs = v.config.outputs.replace(/storage\.total_limit_size\s+\S+/, 'storage.total_limit_size 844M');
      change(v);
    });
    expect(logBufferProblems([broken], cluster)).toEqual([expect.stringContaining(expected)]);
  });

  test("Fluent Bit's sizes are decimal (src/flb_utils.c)", () => {
    expect([fluentBitBytes('2G'), fluentBitBytes('512M'), fluentBitBytes('16MB'), fluentBitBytes('1.5K'), fluentBitBytes('10')]).toEqual([
      2e9, 512e6, 16e6, 1500, 10,
    ]);
    expect(fluentBitBytes('2Gi')).toBeUndefined();
  });
});
