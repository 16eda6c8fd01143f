/**
 * Downloads a pinned chart's package the way Helm does: from a Helm repository through its index.yaml
 * (the entry's URL, resolved against the repository, and its sha256 digest checked), or from an OCI
 * registry through the distribution API (anonymous bearer token, the manifest's Helm chart layer,
 * its digest checked). Needs the network: it runs on a developer's machine or in CI. Loopback
 * registries are spoken to over plain HTTP (as `helm --plain-http`), for tests.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import type { ChartSource } from '../../constructs/platform/add-on';

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface DownloadedChart {
  readonly tgz: Buffer;
  readonly url: string;
  readonly sha256: string;
}

export class DownloadError extends Error {}

export type Fetch = (url: string, init?: { headers?: Record<string, string> }) => Promise<Response>;

export async function downloadChart(source: ChartSource, fetchFn: Fetch = fetch): Promise<DownloadedChart> {
  return source.repository.startsWith('oci://') ? fromOciRegistry(source, fetchFn) : fromHelmRepository(source, fetchFn);
}

async function fromHelmRepository(source: ChartSource, fetchFn: Fetch): Promise<DownloadedChart> {
  const base = source.repository.endsWith('/') ? source.repository : `${source.repository}/`;
  const indexUrl = new URL('index.yaml', base).toString();
  const index = parse((await get(fetchFn, indexUrl)).toString('utf8')) as { entries?: Record<string, { version: string; urls?: string[]; digest?: string }[]> };
  const entries = index?.entries?.[source.chart];
  if (!entries) throw new DownloadError(`${indexUrl} lists no chart named ${source.chart}`);
  const entry = entries.find((e) => String(e.version) === source.version);
  if (!entry?.urls?.length) {
    throw new DownloadError(
      `${indexUrl} has no ${source.chart} ${source.version} (it has ${entries
        .map((e) => e.version)
        .slice(0, 10)
        .join(', ')}, …)`,
    );
  }
  const url = new URL(entry.urls[0], base).toString();
  const tgz = await get(fetchFn, url);
  return { tgz, url, sha256: verified(tgz, entry.digest, url) };
}

async function fromOciRegistry(source: ChartSource, fetchFn: Fetch): Promise<DownloadedChart> {
  const [host, ...rest] = source.repository.slice('oci://'.length).replace(/\/$/, '').split('/');
  const name = [...rest, source.chart].join('/');
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
  const registry = `${loopback ? 'http' : 'https'}://${host === 'docker.io' ? 'registry-1.docker.io' : host}`;
  const manifestUrl = `${registry}/v2/${name}/manifests/${source.version}`;
  let headers: Record<string, string> = { Accept: OCI_MANIFEST };
  let response = await send(fetchFn, manifestUrl, headers);
  if (response.status === 401) {
    headers = { ...headers, Authorization: `Bearer ${await bearerToken(fetchFn, response.headers.get('www-authenticate'), name)}` };
    response = await send(fetchFn, manifestUrl, headers);
  }
  const manifest = JSON.parse((await body(response, manifestUrl)).toString('utf8')) as { layers?: { mediaType: string; digest: string }[] };
  const layer = manifest.layers?.find((l) => l.mediaType === HELM_CHART_LAYER);
  if (!layer) throw new DownloadError(`${manifestUrl}: the manifest has no layer of type ${HELM_CHART_LAYER}`);
  const url = `${registry}/v2/${name}/blobs/${layer.digest}`;
  const tgz = await body(await send(fetchFn, url, headers.Authorization ? { Authorization: headers.Authorization } : {}), url);
  return { tgz, url, sha256: verified(tgz, layer.digest.replace(/^sha256:/, ''), url) };
}

/** An anonymous pull token from the realm the registry's 401 names. */
async function bearerToken(fetchFn: Fetch, challenge: string | null, name: string): Promise<string> {
  const params = Object.fromEntries([...(challenge ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!/^Bearer /i.test(challenge ?? '') || !params.realm)
    throw new DownloadError(`the registry asks for credentials this command does not have: ${challenge}`);
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('scope', `repository:${name}:pull`);
  const token = JSON.parse((await get(fetchFn, url.toString())).toString('utf8')) as { token?: string; access_token?: string };
  const value = token.token ?? token.access_token;
  if (!value) throw new DownloadError(`${url}: no token in the answer`);
  return value;
}

async function get(fetchFn: Fetch, url: string): Promise<Buffer> {
  return body(await send(fetchFn, url, {}), url);
}

async function send(fetchFn: Fetch, url: string, headers: Record<string, string>): Promise<Response> {
  try {
    return await fetchFn(url, { headers });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new DownloadError(
      `${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}; this command needs the network: run it on a developer's machine or in CI, or use --from`,
    );
  }
}

async function body(response: Response, url: string): Promise<Buffer> {
  if (!response.ok) throw new DownloadError(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

function verified(tgz: Buffer, digest: string | undefined, url: string): string {
  const sha256 = createHash('sha256').update(tgz).digest('hex');
  if (digest !== undefined && digest !== sha256) throw new DownloadError(`${url}: sha256 ${sha256} is not the published digest ${digest}`);
  return sha256;
}
