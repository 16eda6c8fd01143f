import { alertRulesOf } from '../alerts/cluster-rules';
import { APP_ACCESS_LEVELS } from '../model/access-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { kibanaHostOf } from '../model/log-contract';
import { backupBucketOf, bucketOf, GATEWAY, offsiteBackupBucketOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { renderShardLine } from '../logging/shard-budget';
import { logLayoutOf } from '../platform/eck-sizing';

/** Mermaid node ids must be plain words. */
const idOf = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The picture: Internet → the one Gateway → each app → its bucket → backups near and offsite; logs → Elasticsearch → Kibana, ElastAlert2 → admin. */
function diagram(cluster: ClusterSpec, apps: readonly ResolvedApp[]): string[] {
  const lines = [
    '```mermaid',
    'flowchart LR',
    '  internet((Internet)) --> nlb[NLB]',
    `  nlb --> gateway["Gateway ${GATEWAY.namespace}/${GATEWAY.name}<br/>TLS, HSTS, rate limits"]`,
  ];
  for (const app of apps) {
    const id = idOf(app.name);
    const edge = app.exposure === 'internal' ? ' -- "login + allowlist" --> ' : ' --> ';
    lines.push(`  gateway${edge}${id}["${app.name}<br/>${app.exposure}, ${app.scaling.min}-${app.scaling.max} pods"]`);
    // Every app has its bucket, mounted where it has storage, else reached through the S3 API where HTTPS lets it out; and is backed up.
    const bucket = `${id}_bucket[("${bucketOf(cluster.name, app.name)}")]`;
    lines.push(app.storage || app.outboundHttps ? `  ${id} -- "${bucketPathOf(app)}" --> ${bucket}` : `  ${bucket}`);
    lines.push(`  ${id}_bucket -- "restic ${app.backup.schedule}" --> backup_near`);
    lines.push(`  ${id} -. logs .-> fluentbit`);
  }
  lines.push(
    `  backup_near[("${backupBucketOf(cluster.name)}<br/>${cluster.region}")] -- replication --> backup_offsite[("${offsiteBackupBucketOf(cluster.name)}<br/>${cluster.offsiteRegion}, Object Lock")]`,
    '  gateway -. access log .-> fluentbit[Fluent Bit]',
    '  fluentbit --> es[(Elasticsearch)]',
    `  gateway -- "login + allowlist" --> kibana["Kibana<br/>${kibanaHostOf(cluster.domain)}"]`,
    '  kibana --> es',
    '  es --> elastalert[ElastAlert2]',
    `  elastalert --> admin((admin: ${cluster.alerting ? [...cluster.alerting.email.to, ...(cluster.alerting.chat ? [cluster.alerting.chat.service] : [])].join(', ') : 'no receivers'}))`,
    '```',
  );
  return lines;
}

/** The log layout's Elasticsearch: its nodes, and the shard estimate against their budget (docs/logs.md, "Shards"). */
function logsSection(cluster: ClusterSpec, apps: readonly ResolvedApp[]): string[] {
  const layout = logLayoutOf(cluster, apps);
  const nodes = cluster.elasticsearch?.dataNodes !== undefined ? 'set in the cluster spec' : 'derived from the app count';
  return [
    `Elasticsearch: ${layout.dataNodes} data nodes (${nodes}) of ${layout.memory} memory; every app has its own two log streams, each log shard ${layout.replicas} replica(s).`,
    '',
    `Shard estimate: ${renderShardLine(layout.estimate, layout.budget)}.`,
  ];
}

/** docs/overview/<env>.md: the cluster as a picture and a table per app, generated from the model. */
export function renderOverview(cluster: ClusterSpec, apps: readonly ResolvedApp[]): string {
  const sorted = [...apps].sort((a, b) => a.name.localeCompare(b.name));
  const rules = alertRulesOf(sorted);
  const who = (app: string) => {
    const levels = cluster.access.apps?.[app] ?? {};
    const named = APP_ACCESS_LEVELS.flatMap((level) => (levels[level] ?? []).map((p) => `${p} (${level.slice(0, -1)})`));
    return [...cluster.access.platformAdmins.map((p) => `${p} (admin)`), ...named].join(', ');
  };
  const rulesOf = new Map<string, typeof rules>();
  for (const r of rules) if ('app' in r.owner) rulesOf.set(r.owner.app, [...(rulesOf.get(r.owner.app) ?? []), r]);
  const sections = sorted.flatMap((app) => {
    const appRules = (rulesOf.get(app.name) ?? []).map((r) => r.name.replace(`${app.name}: `, ''));
    const backup = app.backup;
    return [
      `### ${app.name}`,
      '',
      app.description,
      '',
      '| | |',
      '|---|---|',
      `| hosts | ${app.hosts.map((h) => `\`${h}\``).join(', ')} |`,
      `| exposure | ${app.exposure === 'public' ? 'public' : 'internal: login and IP allowlist at the Gateway'} |`,
      `| replicas | ${app.scaling.min} to ${app.scaling.max} (CPU target ${app.scaling.targetCpuPercent ?? 70} %) |`,
      `| storage | ${storageCellOf(cluster, app)} |`,
      `| backup | at \`${backup.schedule}\` (cron, UTC)${backup.preBackup ? ', after its pre-backup hook' : ''}; keeps ${backup.retention.daily} daily, ${backup.retention.weekly} weekly, ${backup.retention.monthly} monthly; offsite copy in ${cluster.offsiteRegion} |`,
      `| alert rules | ${cell(appRules.join(', '))} |`,
      `| access | ${who(app.name)} |`,
      '',
    ];
  });
  return [
    `# ${cluster.name} (${cluster.env})`,
    '',
    'Generated by `npm run overview` (and by `npm run synth`) from `apps/` and `clusters/' + cluster.env + '/`. Do not edit.',
    '',
    `${apps.length} apps on ${cluster.nodePool.min} to ${cluster.nodePool.max} nodes (${cluster.nodePool.instanceTypes.join(', ')}, ${cluster.nodePool.capacityType.toLowerCase().replace('_', '-')}) in ${cluster.region}; domain \`${cluster.domain}\`; logs at \`https://${kibanaHostOf(cluster.domain)}\`.`,
    '',
    ...diagram(cluster, sorted),
    '',
    '## Logs',
    '',
    ...logsSection(cluster, sorted),
    '',
    '## Apps',
    '',
    ...sections,
    '## Platform alert rules',
    '',
    ...rules.filter((r) => !('app' in r.owner)).map((r) => `- ${r.name}: ${r.description}`),
    '',
  ].join('\n');
}

/** How the app reaches its bucket: its mount's driver, or the S3 API (HTTPS out). */
const bucketPathOf = (app: ResolvedApp): string => app.storage?.driver ?? 'S3 API';

function storageCellOf(cluster: ClusterSpec, app: ResolvedApp): string {
  const bucket = `\`${bucketOf(cluster.name, app.name)}\``;
  if (app.storage) return `\`${app.storage.mountPath}\` on bucket ${bucket} through ${app.storage.driver}`;
  return app.outboundHttps
    ? `none mounted; bucket ${bucket} through the S3 API`
    : `none mounted; bucket ${bucket}, which only its backup and restore jobs reach (no \`outboundHttps\`)`;
}
