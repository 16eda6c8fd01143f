/**
 * Synth benchmark: builds N copies of the real apps, in memory (no writes), and prints the time.
 * A Gateway holds at most 63 hosts (Gateway API's 64-listener cap), the platform endpoints' included,
 * so the apps are spread over as many clusters as that takes. Run: npm run bench -- 50 200 800. Figures only; tests never time.
 */
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { MAX_HOSTS_PER_CLUSTER } from '../constructs/policy/edge-validation';
import { buildAll } from '../constructs/synth/pipeline';

function scaledInput(count: number): { clusters: ClusterSpec[]; apps: AppSpec[] } {
  const base = CLUSTERS[0];
  const apps = Array.from({ length: count }, (_, i) => {
    const template = APPS[i % APPS.length];
    const name = `${template.name}-${i}`;
    return { ...template, name, hosts: { [base.env]: [`${name}.${base.domain}`] } };
  });
  const clusters: ClusterSpec[] = [];
  const perCluster = MAX_HOSTS_PER_CLUSTER - platformEndpointsOf({ cluster: base, apps: [] }, addOnsOf(base)).length;
  for (let start = 0; start < apps.length; start += perCluster) {
    const names = apps.slice(start, start + perCluster).map((a) => a.name);
    clusters.push({
      ...base,
      name: `bench-${clusters.length}`,
      apps: Object.fromEntries(names.map((n) => [n, {}])),
      appData: Object.fromEntries(names.map((n) => [n, 'live' as const])),
    });
  }
  return { clusters, apps };
}

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
console.log('apps\tclusters\tfiles\tobjects\tms\tms/app\theap MiB');
for (const count of counts.length > 0 ? counts : [25, 100, 400]) {
  const input = scaledInput(count);
  const started = process.hrtime.bigint();
  const files = buildAll(input);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const objects = files.reduce((n, f) => n + (f.objects?.length ?? 0), 0);
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`${count}\t${input.clusters.length}\t${files.length}\t${objects}\t${ms.toFixed(0)}\t${(ms / count).toFixed(2)}\t${heap.toFixed(0)}`);
}
