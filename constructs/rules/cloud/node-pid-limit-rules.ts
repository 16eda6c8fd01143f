import { parseAllDocuments } from 'yaml';
import { type Json } from '../../cloud/terraform-json';

/*
 * Each node's kubelet bounds the PIDs of a pod. The launch template's user data is read as nodeadm reads it
 * (amazon-eks-ami v20260724, nodeadm/internal/configprovider/mime.go): a MIME multipart document whose
 * `application/node.eks.aws` parts are NodeConfigs, merged in order, a later value over an earlier one.
 * EKS merges its own part into a managed node group's user data only when ours is MIME multipart.
 */

/** The most PIDs the rule lets a pod have: at the 58 pods of our largest node, still far under kernel.pid_max. */
export const MAX_POD_PIDS_LIMIT = 32768;
const NODE_CONFIG_TYPE = 'application/node.eks.aws';

const headersAndBody = (text: string): { headers: Map<string, string>; body: string } => {
  const split = /\r?\n\r?\n/.exec(text);
  const head = split ? text.slice(0, split.index) : text;
  const headers = new Map(
    head
      .split(/\r?\n/)
      .map((line) => /^([A-Za-z-]+):\s*(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1].toLowerCase(), m[2].trim()]),
  );
  return { headers, body: split ? text.slice(split.index + split[0].length) : '' };
};

/** The kubelet's podPidsLimit that a launch template's base64 user data sets, or why none can be read. */
export function podPidsLimitOf(userData: unknown): { limit?: unknown; problem?: string } {
  if (typeof userData !== 'string' || userData === '') return { problem: 'has no user data' };
  const { headers, body } = headersAndBody(Buffer.from(userData, 'base64').toString('utf8'));
  const contentType = headers.get('content-type') ?? '';
  const boundary = /^multipart\/[^;]+;.*\bboundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return { problem: `user data is not a MIME multipart document (Content-Type "${contentType}"), which EKS cannot merge its own part into` };
  let limit: unknown;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const { headers: partHeaders, body: partBody } = headersAndBody(part.replace(/^\r?\n/, ''));
    if ((partHeaders.get('content-type') ?? '').split(';')[0].trim() !== NODE_CONFIG_TYPE) continue;
    for (const doc of parseAllDocuments(partBody)) {
      const config = doc.toJS() as Json;
      if (config?.kind !== 'NodeConfig') continue;
      const value = config?.spec?.kubelet?.config?.podPidsLimit;
      if (value !== undefined) limit = value;
    }
  }
  return { limit };
}

/** The problems of one node group's launch template: its user data must set a podPidsLimit within bounds, on an AL2023 image. */
export function podPidsLimitProblems(amiType: unknown, userData: unknown): string[] {
  const { limit, problem } = podPidsLimitOf(userData);
  if (problem) return [`${problem}: no podPidsLimit bounds a pod's processes`];
  const problems: string[] = [];
  if (!String(amiType).startsWith('AL2023_')) problems.push(`its AMI type ${String(amiType)} does not read nodeadm's NodeConfig`);
  if (!(Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= MAX_POD_PIDS_LIMIT))
    problems.push(
      `its user data sets podPidsLimit ${JSON.stringify(limit ?? 'unset')}, not a whole number from 1 to ${MAX_POD_PIDS_LIMIT}: a pod could take every PID of its node`,
    );
  return problems;
}
