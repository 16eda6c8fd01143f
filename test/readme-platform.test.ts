import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { clusterAppsOf } from '../constructs/model/resolve';
import type { ChartWorkload, Replicas } from '../constructs/platform/chart-workload';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { REPO_ROOT } from './support';

/* The README's platform table says, per add-on, the pods its chart and operator run, their Pod Security
   level and replicas, exactly as the add-ons declare them (every env, and GeeseFS on, so csi-s3 counts). */

const replicasText = (r: Replicas) => (r === 'perNode' ? 'one per node' : typeof r === 'number' ? `${r}` : `${r.min}–${r.max} (HPA)`);
const nameOf = (w: ChartWorkload) => (w.name.endsWith('-') ? `${w.name}…` : w.name);

/** The README cell of each add-on: `kind name: level, replicas`, the replicas per env where they differ. */
function expectedCells(): Map<string, string> {
  const byAddOn = new Map<string, Map<string, Map<string, string>>>();
  for (const cluster of CLUSTERS) {
    const apps = clusterAppsOf(cluster, APPS).map((a) => (a.storage ? { ...a, storage: { ...a.storage, driver: 'geesefs' as const } } : a));
    const ctx = { cluster, apps };
    for (const addOn of addOnsOf(ctx)) {
      const workloads = byAddOn.get(addOn.name) ?? new Map<string, Map<string, string>>();
      for (const w of addOn.workloads(ctx)) {
        const key = `${w.kind} ${nameOf(w)}: ${w.podSecurity}`;
        workloads.set(key, (workloads.get(key) ?? new Map()).set(cluster.env, replicasText(w.settings.replicas)));
      }
      byAddOn.set(addOn.name, workloads);
    }
  }
  const cells = new Map<string, string>();
  for (const [addOn, workloads] of byAddOn) {
    const lines = [...workloads].map(([key, perEnv]) => {
      const values = new Set(perEnv.values());
      return `${key}, ${values.size === 1 ? [...values][0] : [...perEnv].map(([env, v]) => `${v} (${env})`).join(' / ')}`;
    });
    cells.set(addOn, lines.join('<br>'));
  }
  return cells;
}

/** The README platform table's rows: first column (add-on names) → pods column. */
function readmeCells(): Map<string, string> {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The platform and the edge'));
  const lines = section.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| add-on'));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
  const cells = new Map<string, string>();
  for (const row of lines.slice(start + 2, end)) {
    const columns = row.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
    for (const name of columns[0].split(',').map((n) => n.trim())) cells.set(name, columns[2]);
  }
  return cells;
}

test("the README's platform table lists every add-on's pods with their level and replicas, as declared", () => {
  const expected = expectedCells();
  expect(expected.size).toBeGreaterThan(0);
  const written = readmeCells();
  const mismatches = [...expected].filter(([addOn, cell]) => written.get(addOn) !== cell).map(([addOn, cell]) => `| ${addOn} | … | ${cell} | …`);
  expect(mismatches).toEqual([]);
});
