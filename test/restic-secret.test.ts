import { RESTIC_SECRET_TEMPLATE } from '../constructs/app/backup-jobs';
import { BACKUP_PATHS, NEXT_PASSWORD_FILE, PASSWORD_FILE } from '../constructs/app/restic-scripts';
import { backupJobNameOf, type BackupJob } from '../constructs/model/backup-job';
import type { KubeObject } from '../constructs/model/kube-object';
import { namespaceOf, resticSecretOf, secretStoreKeyOf } from '../constructs/model/naming';
import { podSpecOf } from '../constructs/rules/pod-template';
import { byKind, FIXTURE_CLUSTERS, fixtureObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The restic Secret is rendered by External Secrets from the store entry's JSON. What v0.19.2 does with it
 * (external-secrets/external-secrets@v0.19.2):
 * - pkg/controllers/externalsecret/externalsecret_controller_template.go, ApplyTemplate: with template.data
 *   and no mergePolicy Merge, the Secret holds the template's keys alone, not the fetched `storeEntry`;
 * - pkg/template/v2/template.go: templates run with `missingkey=error` over the fetched keys, with sprig v3
 *   (`dig`) and the operator's own `fromYaml`, which parses the JSON into a map.
 * So a missing `password` fails the sync (the Secret keeps its last value) and a missing `nextPassword`
 * renders empty, where a `property: nextPassword` reference would fail the whole Secret.
 */
const ESO_V0_19_2_FUNCTIONS = new Set(['fromYaml', 'dig']);

const backupApps = FIXTURE_CLUSTERS.flatMap((cluster) =>
  byKind(fixtureObjectsOf(cluster.env), 'ExternalSecret')
    .filter((o) => o.metadata.name === resticSecretOf(o.metadata.namespace!))
    .map((secret) => ({ env: cluster.env, app: secret.metadata.namespace!, secret: secret as Json, objects: fixtureObjectsOf(cluster.env) })),
);

test('the fixtures have apps with backups in every env', () => {
  expect(new Set(backupApps.map((a) => a.env))).toEqual(new Set(FIXTURE_CLUSTERS.map((c) => c.env)));
});

test.each(backupApps.map((a) => [`${a.env}/${a.app}`, a] as const))(
  "%s: the restic Secret reads the app's own store entry whole, and renders password and nextPassword from it",
  (_name, { env, app, secret }) => {
    expect(secret.spec.data).toEqual([{ secretKey: 'storeEntry', remoteRef: { key: secretStoreKeyOf(env as never, app, 'restic') } }]);
    expect(secret.spec.dataFrom).toBeUndefined();
    expect(secret.spec.target.template.mergePolicy).toBeUndefined();
    expect(secret.spec.target.template.data).toEqual(RESTIC_SECRET_TEMPLATE);
    // The bare words of each template, once quoted strings are gone, are the functions it calls.
    const functions = Object.values(RESTIC_SECRET_TEMPLATE).flatMap((t) =>
      [...t.replace(/"[^"]*"/g, '').matchAll(/(?<![.\w])([a-zA-Z]\w*)/g)].map((m) => m[1]),
    );
    expect(new Set(functions)).toEqual(ESO_V0_19_2_FUNCTIONS);
    for (const f of functions) expect(ESO_V0_19_2_FUNCTIONS).toContain(f);
    // password is read strictly, so a store entry without it fails loudly; nextPassword has a default.
    expect(RESTIC_SECRET_TEMPLATE.password).toMatch(/\)\.password \}\}$/);
    expect(RESTIC_SECRET_TEMPLATE.nextPassword).toMatch(/^\{\{ dig "nextPassword" "" /);
  },
);

test.each(backupApps.map((a) => [`${a.env}/${a.app}`, a] as const))(
  '%s: every password file a restic job reads is a key of that Secret, mounted where the script looks',
  (_name, { app, objects }) => {
    const keys = Object.keys(RESTIC_SECRET_TEMPLATE);
    for (const job of ['backup', 'retention', 'check', 'restore'] as BackupJob[]) {
      const cron = objects.find(
        (o: KubeObject) => o.kind === 'CronJob' && o.metadata.namespace === namespaceOf(app) && o.metadata.name === backupJobNameOf(app, job),
      );
      const pod = podSpecOf(cron!);
      const volume = pod.volumes.find((v: Json) => v.secret?.secretName === resticSecretOf(app));
      expect(volume.secret.items).toBeUndefined(); // every key lands as a file
      const [container] = pod.containers;
      expect(container.volumeMounts).toContainEqual(expect.objectContaining({ name: volume.name, mountPath: BACKUP_PATHS.secret, readOnly: true }));
      const script = container.command.join(' ');
      const read = [PASSWORD_FILE, NEXT_PASSWORD_FILE].filter((f) => script.includes(f));
      expect(read).toContain(PASSWORD_FILE);
      for (const file of read) expect(keys).toContain(file.slice(BACKUP_PATHS.secret.length + 1));
    }
  },
);
