/**
 * Synth benchmark: builds N copies of the real apps into one cluster, in memory (no writes), and
 * prints the time per stage. Run: npm run bench -- 50 200 800
 * Figures only; the tests never assert on time.
 */
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { buildAll } from '../constructs/synth/pipeline';

function scaledInput(count: number): { clusters: ClusterSpec[]; apps: AppSpec[] } {
  const base = CLUSTERS[0];
  const apps = Array.from({ length: count }, (_, i) => {
    const template = APPS[i % APPS.length];
    const name = `${template.name}-${i}`;
    return { ...template, name, hosts: { [base.env]: [`${name}.${base.domain}`] } };
  });
  return { clusters: [{ ...base, apps: Object.fromEntries(apps.map((a) => [a.name, {}])) }], apps };
}

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
console.log('apps\tfiles\tobjects\tms\tms/app\theap MiB');
for (const count of counts.length > 0 ? counts : [25, 100, 400]) {
  const input = scaledInput(count);
  const started = process.hrtime.bigint();
  const files = buildAll(input);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const objects = files.reduce((n, f) => n + (f.objects?.length ?? 0), 0);
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`${count}\t${files.length}\t${objects}\t${ms.toFixed(0)}\t${(ms / count).toFixed(2)}\t${heap.toFixed(0)}`);
}
