import * as path from 'node:path';
import type { KubeObject } from '../constructs/model/kube-object';
import { STATE_DIR } from '../constructs/platform/fluent-bit';
import { configSectionsOf, fluentBitReleasesOf } from '../constructs/rules/log-buffer-rules';
import { CHART_FIXTURES_DIR, readChartFixture } from '../scripts/lib/chart-fixture';
import { mergeValues } from '../scripts/lib/chart-values';
import { fixtureObjectsOf, REPO_ROOT } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * What Fluent Bit's pod mounts, rendered from a release's values over the chart's defaults at the pinned
 * version (test/fixtures/charts/fluent-bit), the way templates/_pod.tpl of fluent/helm-charts@fluent-bit-0.47.0
 * lists them: config, luascripts (with luaScripts or hotReload), daemonSetVolumes (a DaemonSet only), extraVolumes.
 */
const chartDefaults = readChartFixture(path.join(REPO_ROOT, CHART_FIXTURES_DIR), 'fluent-bit')!.defaults;

interface Mount {
  readonly mountPath: string;
  readonly readOnly: boolean;
  readonly volume: Json;
}

function mountsOf(releaseValues: Record<string, unknown>): Mount[] {
  const v = mergeValues(chartDefaults, releaseValues) as Json;
  const lua = Object.keys(v.luaScripts ?? {}).length > 0 || v.hotReload?.enabled === true;
  const daemon = v.kind === 'DaemonSet';
  const volumes: Json[] = [
    { name: 'config', configMap: {} },
    ...(lua ? [{ name: 'luascripts', configMap: {} }] : []),
    ...(daemon ? (v.daemonSetVolumes ?? []) : []),
    ...(v.extraVolumes ?? []),
  ];
  const mounts: Json[] = [
    { name: 'config', mountPath: '/fluent-bit/etc/conf' },
    ...(lua ? [{ name: 'luascripts', mountPath: '/fluent-bit/scripts' }] : []),
    ...(daemon ? (v.daemonSetVolumeMounts ?? []) : []),
    ...(v.extraVolumeMounts ?? []),
  ];
  return mounts.map((m) => {
    const volume = volumes.find((vol) => vol.name === m.name);
    if (!volume) throw new Error(`mount ${m.mountPath} names no volume "${m.name}"`);
    // The kubelet mounts these read-only whatever the mount says.
    const alwaysReadOnly = ['configMap', 'secret', 'projected', 'downwardAPI'].some((k) => k in volume);
    return { mountPath: m.mountPath, readOnly: m.readOnly === true || alwaysReadOnly, volume };
  });
}

/** The mount a path is on (the deepest), or undefined: then it is on the image's read-only root. */
const mountOf = (mounts: readonly Mount[], file: string): Mount | undefined =>
  mounts.filter((m) => file === m.mountPath || file.startsWith(`${m.mountPath}/`)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];

const writableHostPaths = (mounts: readonly Mount[]): string[] => mounts.filter((m) => m.volume.hostPath && !m.readOnly).map((m) => m.volume.hostPath.path);

const releases = fluentBitReleasesOf(fixtureObjectsOf('staging'));
const release = (name: string): KubeObject => releases.find((r) => r.metadata.name === name)!;
const valuesOf = (r: KubeObject): Record<string, unknown> => (r.spec as Json).values;
const withoutKeys = (values: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(values).filter(([k]) => !keys.includes(k)));

describe('the container-logs shipper can write on its node only in its own state folder', () => {
  const mounts = mountsOf(valuesOf(release('fluent-bit')));

  test('every host folder it mounts but its state folder is read-only', () => {
    expect(mounts.filter((m) => m.volume.hostPath).length).toBeGreaterThan(1);
    expect(writableHostPaths(mounts)).toEqual([STATE_DIR]);
  });

  test("the chart's own mounts would fail it: /var/log writable (values.yaml daemonSetVolumeMounts, fluent-bit-0.47.0)", () => {
    const chartMounts = mountsOf(withoutKeys(valuesOf(release('fluent-bit')), 'daemonSetVolumes', 'daemonSetVolumeMounts'));
    expect(writableHostPaths(chartMounts).sort()).toEqual(['/var/log', STATE_DIR].sort());
  });

  test('the kubelet creates no host folder for it but its state folder: every other has a type that must exist', () => {
    const untyped = (ms: readonly Mount[]) =>
      ms.filter((m) => m.volume.hostPath && !['Directory', 'File'].includes(m.volume.hostPath.type)).map((m) => m.volume.hostPath.path);
    expect(untyped(mounts)).toEqual([STATE_DIR]);
    const chartMounts = mountsOf(withoutKeys(valuesOf(release('fluent-bit')), 'daemonSetVolumes', 'daemonSetVolumeMounts'));
    expect(untyped(chartMounts).sort()).toEqual(['/var/lib/docker/containers', '/var/log', STATE_DIR].sort());
  });

  test('it reads the container logs and the files their links point to: /var/log/containers/*.log into /var/log/pods', () => {
    const tail = configSectionsOf(release('fluent-bit')).find((s) => s.name === 'INPUT' && s.entries.name?.[0] === 'tail')!;
    const [pattern] = tail.entries.path;
    expect(pattern).toBe('/var/log/containers/*.log');
    for (const folder of [path.posix.dirname(pattern), '/var/log/pods']) expect(mountOf(mounts, folder)?.volume.hostPath?.path).toBe('/var/log');
  });
});

describe.each(['fluent-bit', 'fluent-bit-events'])('%s writes only where it can, and reads only what it mounts', (name) => {
  const mounts = mountsOf(valuesOf(release(name)));
  const sections = configSectionsOf(release(name));
  const settings = (section: string, key: string) => sections.filter((s) => s.name === section).flatMap((s) => s.entries[key] ?? []);

  // Its root is read-only (readOnlyRootFilesystem); the tail DB's -wal and -shm files sit beside the DB (in_tail, db.journal_mode WAL, v3.1.0).
  test('its buffer (storage.path) and every input DB are on a writable volume', () => {
    const writes = [...settings('SERVICE', 'storage.path'), ...settings('INPUT', 'db').map((db) => path.posix.dirname(db))];
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((w) => !mountOf(mounts, w) || mountOf(mounts, w)!.readOnly)).toEqual([]);
  });

  test('its Lua scripts and the CA are on read-only mounts it has', () => {
    const reads = [...settings('FILTER', 'script'), ...settings('OUTPUT', 'tls.ca_file')];
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((r) => !mountOf(mounts, r)?.readOnly)).toEqual([]);
  });
});
