import type { ClusterSpec } from '../model/cluster-spec';
import { parseQuantity } from '../model/quantity';
import { NODE_BUFFER_SHARE } from '../platform/fluent-bit';
import { describe, type KubeObject } from '../model/kube-object';
import { ofKind } from './objects-of-kind';

/*
 * Fluent Bit's filesystem buffer must fit the volume that holds it, or a long Elasticsearch outage fills
 * the volume: an emptyDir past its sizeLimit gets the pod evicted and the buffer lost; a hostPath fills
 * the node's disk. What Fluent Bit 3.1 may put under `storage.path`:
 *  - each output's queue, at most its `storage.total_limit_size` (oldest chunks are dropped beyond it);
 *  - the chunks its inputs are still filling: up to `storage.max_chunks_up` (default 128) of up to
 *    2,048,000 bytes each (include/fluent-bit/flb_input_chunk.h, FLB_INPUT_CHUNK_FS_MAX_SIZE), which
 *    also covers what memory buffers (Mem_Buf_Limit, storage.backlog.mem_limit) hold, as every chunk of a
 *    filesystem input is a file;
 *  - the inputs' databases (the tail offsets), for which DB_ALLOWANCE is kept on every release.
 * Sizes in Fluent Bit's config are decimal (src/flb_utils.c, flb_utils_size_to_bytes: K = 1000).
 * The volume: an emptyDir's sizeLimit; a hostPath's budget is NODE_BUFFER_SHARE of the node's disk.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHUNK_BYTES = 2_048_000;
const DEFAULT_MAX_CHUNKS_UP = 128;
export const DB_ALLOWANCE = 64 * 2 ** 20;
const GiB = 2 ** 30;

/** One section of Fluent Bit's classic config format; a key may repeat. */
export interface ConfigSection {
  readonly name: string;
  readonly entries: Readonly<Record<string, readonly string[]>>;
}

/** Parses the classic format: `[SECTION]` headers, then `key value` lines (keys compared case-insensitively). */
export function parseClassicConfig(text: string): ConfigSection[] {
  const sections: { name: string; entries: Record<string, string[]> }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([A-Z_]+)\]$/i.exec(line);
    if (header) {
      sections.push({ name: header[1].toUpperCase(), entries: {} });
      continue;
    }
    const [key, ...rest] = line.split(/\s+/);
    const section = sections[sections.length - 1];
    if (!section) continue;
    (section.entries[key.toLowerCase()] ??= []).push(rest.join(' '));
  }
  return sections;
}

/** Fluent Bit's size: a number with an optional K, M or G (and B), decimal; undefined when it is not one. */
export function fluentBitBytes(size: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([KMG]?)B?$/i.exec(size.trim());
  if (!match) return undefined;
  const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9 }[match[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.floor(Number(match[1]) * scale);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** What a Fluent Bit release may write under storage.path, and the parts of that sum. */
export function bufferNeedOf(sections: readonly ConfigSection[]): { bytes: number; parts: string[]; problems: string[] } {
  const service = sections.find((s) => s.name === 'SERVICE')?.entries ?? {};
  const outputs = sections.filter((s) => s.name === 'OUTPUT');
  const problems: string[] = [];
  const parts: string[] = [];
  let bytes = 0;
  for (const out of outputs) {
    const limit = out.entries['storage.total_limit_size']?.[0];
    const size = limit === undefined ? undefined : fluentBitBytes(limit);
    if (size === undefined) {
      problems.push(
        `output ${out.entries.name?.[0] ?? '?'} has ${limit === undefined ? 'no storage.total_limit_size: its queue is unbounded' : `storage.total_limit_size ${limit}, not a size`}`,
      );
      continue;
    }
    bytes += size;
    parts.push(`storage.total_limit_size ${limit}`);
  }
  const upRaw = service['storage.max_chunks_up']?.[0];
  const up = upRaw === undefined ? DEFAULT_MAX_CHUNKS_UP : Number(upRaw);
  bytes += up * CHUNK_BYTES + DB_ALLOWANCE;
  parts.push(`${up} chunks up of ${mb(CHUNK_BYTES)}`, `${DB_ALLOWANCE / 2 ** 20} MiB for its databases`);
  return { bytes, parts, problems };
}

/** The volume that holds `path` in a Fluent Bit release's values, and how many bytes it may take. */
function volumeBudgetOf(values: Json, path: string, cluster: ClusterSpec): { bytes?: number; what: string } {
  const mount = (values.extraVolumeMounts ?? [])
    .filter((m: Json) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
    .sort((a: Json, b: Json) => b.mountPath.length - a.mountPath.length)[0];
  const volume = mount && (values.extraVolumes ?? []).find((v: Json) => v.name === mount.name);
  if (!volume) return { what: `no volume (storage.path ${path} would be on the read-only root)` };
  if (volume.emptyDir) {
    const limit = volume.emptyDir.sizeLimit;
    return limit
      ? { bytes: parseQuantity(limit), what: `emptyDir "${volume.name}", sizeLimit ${limit}` }
      : { what: `emptyDir "${volume.name}" without a sizeLimit` };
  }
  if (volume.hostPath) {
    const bytes = Math.floor(cluster.nodePool.diskGiB * GiB * NODE_BUFFER_SHARE);
    return { bytes, what: `hostPath ${volume.hostPath.path}, whose budget is ${NODE_BUFFER_SHARE * 100}% of nodePool.diskGiB ${cluster.nodePool.diskGiB}` };
  }
  return { what: `volume "${volume.name}", which is neither an emptyDir nor a hostPath` };
}

/** The HelmReleases of the fluent-bit chart among objects. */
export const fluentBitReleasesOf = (objects: readonly KubeObject[]): readonly KubeObject[] =>
  ofKind(objects, 'HelmRelease').filter((o) => (o.spec as Json)?.chart?.spec?.chart === 'fluent-bit');

/** The sections of a fluent-bit release's config (the chart's values.config: service, inputs, filters, outputs). */
export function configSectionsOf(release: KubeObject): ConfigSection[] {
  const config = (release.spec as Json)?.values?.config ?? {};
  return parseClassicConfig([config.service, config.inputs, config.filters, config.outputs].filter(Boolean).join('\n'));
}

/** Every Fluent Bit release: bounded queues whose worst case fits the volume that holds them. */
export function logBufferProblems(objects: readonly KubeObject[], cluster: ClusterSpec): string[] {
  const problems: string[] = [];
  for (const release of fluentBitReleasesOf(objects)) {
    const values = (release.spec as Json).values ?? {};
    const sections = configSectionsOf(release);
    const storagePath = sections.find((s) => s.name === 'SERVICE')?.entries['storage.path']?.[0];
    if (!storagePath) continue; // memory buffers only: nothing on disk
    const need = bufferNeedOf(sections);
    problems.push(...need.problems.map((p) => `${describe(release)}: ${p}`));
    const volume = volumeBudgetOf(values, storagePath, cluster);
    if (volume.bytes === undefined) problems.push(`${describe(release)}: its buffer (storage.path ${storagePath}) is on ${volume.what}`);
    else if (need.bytes > volume.bytes)
      problems.push(
        `${describe(release)}: its buffer needs up to ${mb(need.bytes)} (${need.parts.join(' + ')}), but it is on ${volume.what}, which holds ${mb(volume.bytes)}`,
      );
  }
  return problems;
}
