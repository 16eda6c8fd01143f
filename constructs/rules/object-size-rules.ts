import { describe, type KubeObject } from '../model/kube-object';

/*
 * Every object must fit what the API server stores. A ConfigMap's or Secret's data may hold at most 1 MiB:
 * ValidateConfigMap and ValidateSecret sum the bytes of the values (a Secret's and binaryData's decoded)
 * and refuse more than core.MaxSecretSize (kubernetes pkg/apis/core/validation/validation.go,
 * pkg/apis/core/types.go). Any object is refused by etcd above its request limit, 1.5 MiB by default
 * (etcd's --max-request-bytes), which EKS keeps; the managedFields of Flux's server-side apply and the
 * status its controllers write come on top of what synth writes, so an object may take 1 MiB of it.
 * A list or a text that grows with the apps is what passes these first: at a thousand apps, ElastAlert2's
 * rules alone were some 4 MB (alerts/rule-config-maps.ts).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** core.MaxSecretSize: the most a ConfigMap's or Secret's data may hold. */
export const MAX_DATA_BYTES = 1024 * 1024;
/** The most an object may take as synth writes it, leaving the rest of etcd's 1.5 MiB to what the cluster adds. */
export const MAX_OBJECT_BYTES = 1024 * 1024;

const utf8Bytes = (values: Record<string, string> | undefined): number => Object.values(values ?? {}).reduce((n, v) => n + Buffer.byteLength(v), 0);
const decodedBytes = (values: Record<string, string> | undefined): number =>
  Object.values(values ?? {}).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);

/** The bytes of data the API server counts for a ConfigMap or Secret; undefined for any other kind. */
export function dataBytesOf(obj: KubeObject): number | undefined {
  const o = obj as Json;
  if (obj.kind === 'ConfigMap') return utf8Bytes(o.data) + decodedBytes(o.binaryData);
  if (obj.kind === 'Secret') return decodedBytes(o.data) + utf8Bytes(o.stringData);
  return undefined;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

export function objectSizeProblems(objects: readonly KubeObject[]): string[] {
  // A loop: this rule judges every object, one at a time (rules/object-verdicts.ts).
  const problems: string[] = [];
  for (const obj of objects) {
    const data = dataBytesOf(obj);
    if (data !== undefined && data > MAX_DATA_BYTES) {
      problems.push(`${describe(obj)}: its data is ${mib(data)}, more than the ${mib(MAX_DATA_BYTES)} the API server takes; split it`);
    }
    const bytes = Buffer.byteLength(JSON.stringify(obj));
    if (bytes > MAX_OBJECT_BYTES) {
      problems.push(
        `${describe(obj)}: it is ${mib(bytes)}, more than the ${mib(MAX_OBJECT_BYTES)} an object may take of etcd's 1.5 MiB request limit; split it`,
      );
    }
  }
  return problems;
}
