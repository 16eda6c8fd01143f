import { ES_SERVICE_USERS } from '../logging/elasticsearch-users';
import { appLogsRoleOf, SUPERUSER_ROLE } from '../logging/kibana-access';
import { appLogPolicyOf, DEFAULT_POLICY } from '../logging/log-retention';
import { containerLogStreamOf, EVENTS_STREAM, gatewayAccessStreamOf, UNROUTED_NAMESPACE } from '../model/log-contract';
import { namespaceOf, PLATFORM_STORE_FOLDER, platformSecretKeyOf, secretStoreKeyOf } from '../model/naming';
import { defaultAddOns } from '../platform/default-add-ons';
import { SYSTEM_NAMESPACES } from '../platform/platform-namespaces';
import type { AddOn } from '../platform/add-on';
import { groupedBy } from '../model/grouped-by';

/** Names that begin like the platform's own: any app name starting so is refused. */
const RESERVED_PREFIXES: readonly (readonly [string, string])[] = [
  ['kube-', 'Kubernetes keeps the namespaces starting with "kube-" (kube-system, kube-public, kube-node-lease) for itself'],
  [
    PLATFORM_STORE_FOLDER,
    `names starting with "${PLATFORM_STORE_FOLDER}" are the platform's: its keys in the secret store are webapps/<env>/${PLATFORM_STORE_FOLDER}/…, where an app's are webapps/<env>/<app>/…`,
  ],
];

/** The Elasticsearch names the platform itself uses; an app's own (streams, role, ILM policy) must be none of them. */
function platformElasticsearchNames(): Map<string, string> {
  return new Map([
    [gatewayAccessStreamOf(UNROUTED_NAMESPACE), 'the data stream of the requests no route matched'],
    [EVENTS_STREAM, "the Kubernetes events' data stream"],
    [DEFAULT_POLICY, "the env's default ILM policy"],
    [SUPERUSER_ROLE, "Elasticsearch's superuser role"],
    ...ES_SERVICE_USERS.flatMap((u) => [[u.role, `the role of the ${u.username} service user`] as const, [u.username, 'a platform service user'] as const]),
  ]);
}

/** The default add-ons by namespace, and the platform's Elasticsearch names: made once, since synth asks for every app. */
let addOnsByNamespace: Map<string, AddOn[]> | undefined;
let platformNames: Map<string, string> | undefined;

/**
 * Why an app may not have this name, or undefined if it may: the name becomes a namespace, a folder of
 * the secret store and Elasticsearch names, so it must not be, or begin like, one the system or the
 * platform uses. Each reason says whose the name is.
 */
export function reservedNameReason(name: string): string | undefined {
  for (const [prefix, why] of RESERVED_PREFIXES) if (name.startsWith(prefix)) return why;
  const namespace = namespaceOf(name);
  if (namespace in SYSTEM_NAMESPACES) return `"${namespace}" is ${SYSTEM_NAMESPACES[namespace]}`;
  const addOns = (addOnsByNamespace ??= groupedBy(defaultAddOns(), (a) => a.namespace)).get(namespace) ?? [];
  if (addOns.length > 0) return `"${namespace}" is the namespace of the ${addOns.map((a) => a.name).join(' and ')} add-on`;
  const probe = 'secret';
  if (secretStoreKeyOf('staging', name, probe) === platformSecretKeyOf('staging', probe)) return "its secret store folder is the platform's";
  const platform = (platformNames ??= platformElasticsearchNames());
  for (const own of [containerLogStreamOf(namespace), gatewayAccessStreamOf(namespace), appLogsRoleOf(name), appLogPolicyOf(name)]) {
    const whose = platform.get(own);
    if (whose) return `its Elasticsearch name "${own}" is ${whose}`;
  }
  return undefined;
}
