import { containerLogStreamOf, ELASTICSEARCH, EVENT_FIELDS, EVENTS_STREAM, LOG_FIELDS } from '../model/log-contract';
import { FLUX_NAMESPACE } from '../model/naming';
import { not, platformRuleId, term, terms, wildcard, type AlertRule, type PlatformRulePurpose } from './rule';

/** The objects cert-manager records Warning events on while it fails to issue or renew. */
export const CERT_MANAGER_KINDS = ['Certificate', 'CertificateRequest', 'Order', 'Challenge'] as const;

const base = (purpose: PlatformRulePurpose, title: string) => ({ id: platformRuleId(purpose), name: `platform: ${title}`, owner: { platform: purpose } });
/** Elasticsearch logs JSON; its text lands here after Fluent Bit merged the line below LOG_FIELDS.json. */
const ES_MESSAGE = `${LOG_FIELDS.json}.message`;

/** The rules about the platform itself. */
export function platformRules(): AlertRule[] {
  return [
    {
      ...base('certificate-failure', 'certificate issuance or renewal failing'),
      type: 'any',
      description: 'cert-manager recorded a Warning on a Certificate or its ACME request. Renewals start 30 days before expiry: act within days.',
      index: EVENTS_STREAM,
      filter: [terms(EVENT_FIELDS.kind, CERT_MANAGER_KINDS), term(EVENT_FIELDS.type, 'Warning')],
      queryKey: EVENT_FIELDS.name,
      realert: { hours: 6 },
    },
    {
      ...base('flux-failure', 'Flux reconciliation failing'),
      type: 'any',
      description: `A Flux object in ${FLUX_NAMESPACE} (Kustomization, HelmRelease, source) recorded a Warning: what is in git is not what runs.`,
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.namespace, FLUX_NAMESPACE), term(EVENT_FIELDS.type, 'Warning')],
      queryKey: EVENT_FIELDS.name,
      realert: { hours: 1 },
    },
    /*
     * ElastAlert2 reads documents only, and cluster health is no document. What it can read is the line
     * Elasticsearch itself logs on every change, "Cluster health status changed from [GREEN] to [YELLOW]
     * (reason: …)", shipped like any container log of its namespace. Limits: a RED cluster may fail to
     * index that very line until it recovers (Fluent Bit buffers it); and when Elasticsearch cannot be
     * reached at all, no rule runs: ElastAlert2's own error notification (notify_all_errors in the
     * add-on's config) reports the lost connection to the same receivers.
     */
    {
      ...base('elasticsearch-health', 'Elasticsearch health not green'),
      type: 'any',
      description: `The Elasticsearch cluster "${ELASTICSEARCH.name}" changed its health to yellow or red: replicas (yellow) or primaries (red) are unassigned.`,
      index: containerLogStreamOf(ELASTICSEARCH.namespace),
      filter: [wildcard(ES_MESSAGE, 'Cluster health status changed from *'), not(wildcard(ES_MESSAGE, '* to [GREEN]*'))],
      realert: { minutes: 30 },
    },
  ];
}
