import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { bucketOf } from '../constructs/model/naming';
import { resolveApp } from '../constructs/model/resolve';
import { overviewFile, overviewFileOf } from '../constructs/reports/overview-files';
import { realOutput } from './support';

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('docs/overview/%s.md', (env, cluster) => {
  const text = overviewFile(cluster, APPS).text!;
  const apps = Object.keys(cluster.apps).map((name) =>
    resolveApp(
      APPS.find((a) => a.name === name)!,
      cluster,
    ),
  );

  test('synth writes the same page as npm run overview', () => {
    expect(realOutput().find((f) => f.path === overviewFileOf(env))?.text).toBe(text);
  });

  test('the diagram has the one Gateway, every app behind it, and the backup path of every app, with storage or without', () => {
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(text)![1];
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid.match(/internet\(\(Internet\)\) --> /g)).toHaveLength(1);
    for (const app of apps) {
      const id = app.name.replace(/[^A-Za-z0-9]/g, '_');
      expect(mermaid).toContain(app.exposure === 'internal' ? `gateway -- "login + allowlist" --> ${id}[` : `gateway --> ${id}[`);
      // Every app has its bucket, mounted (its driver) or through the S3 API where HTTPS lets it out, and every bucket is backed up.
      const bucket = `${id}_bucket[("${bucketOf(cluster.name, app.name)}")]`;
      if (app.storage || app.outboundHttps) expect(mermaid).toContain(`${id} -- "${app.storage?.driver ?? 'S3 API'}" --> ${bucket}`);
      else expect(mermaid).not.toContain(`${id} -- "S3 API" -->`);
      expect(mermaid).toContain(bucket);
      expect(mermaid).toContain(`${id}_bucket -- "restic ${app.backup.schedule}" --> backup_near`);
    }
    expect(mermaid).toMatch(/backup_near\[.*-- replication --> backup_offsite/);
    expect(mermaid).toMatch(/elastalert --> admin/);
  });

  test('each app has its table: hosts, exposure, replicas, storage, backup, alerts, access', () => {
    for (const app of apps) {
      const section = text.split(`### ${app.name}\n`)[1].split('\n### ')[0];
      for (const host of app.hosts) expect(section).toContain(`\`${host}\``);
      expect(section).toContain(`| replicas | ${app.scaling.min} to ${app.scaling.max}`);
      expect(section).toMatch(new RegExp(`\\| backup \\| at \`${app.backup.schedule.replace(/\*/g, '\\*')}\``));
      for (const admin of cluster.access.platformAdmins) expect(section).toContain(`${admin} (admin)`);
    }
  });
});
