import { CLUSTERS } from '../clusters';
import { podSpecOf } from '../constructs/rules/pod-template';
import { mountedFileProblems, podMountProblems, readable, runsAsOf } from '../constructs/rules/mounted-file-rules';
import type { KubeObject } from '../constructs/model/kube-object';
import { realObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };

/** The elasticsearch-setup CronJob's pod as main synthesized it before this rule (78dc68a): user 100, no fsGroup, the admin password 0440. */
const setupCronJobBefore = (): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'elasticsearch-setup', namespace: 'logging' },
  spec: {
    jobTemplate: {
      spec: {
        template: {
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'setup',
                securityContext: { ...hardened, runAsNonRoot: true, runAsUser: 100, runAsGroup: 100 },
                volumeMounts: [
                  { name: 'requests', mountPath: '/config', readOnly: true },
                  { name: 'es-admin', mountPath: '/run/es-admin', readOnly: true },
                  { name: 'es-ca', mountPath: '/run/es-ca', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'requests', configMap: { name: 'elasticsearch-setup' } },
              { name: 'es-admin', secret: { secretName: 'logs-es-elastic-user', defaultMode: 288 } },
              { name: 'es-ca', secret: { secretName: 'logs-es-http-certs-public', defaultMode: 292 } },
            ],
          },
        },
      },
    },
  },
});

describe('every file a container reads from a Secret or ConfigMap is readable by the user and groups it runs as', () => {
  test.each(CLUSTERS.map((c) => [c.env] as const))('every pod of %s passes', (env) => {
    const objects = realObjectsOf(env);
    const mounting = objects.filter((o) => (podSpecOf(o)?.volumes ?? []).some((v: Json) => v.secret || v.configMap || v.projected));
    expect(mounting.length).toBeGreaterThan(0);
    expect(mountedFileProblems(objects)).toEqual([]);
  });

  test("today's setup CronJob fails: root-owned 0440 and no fsGroup, so user 100 reads through the 'other' bits", () => {
    expect(mountedFileProblems([setupCronJobBefore()])).toEqual([
      'CronJob logging/elasticsearch-setup container setup: file /run/es-admin/* (volume "es-admin", Secret logs-es-elastic-user) has mode 0440, owner 0, group 0; ' +
        'it runs as uid 100, gid 100, groups [], so the other bits apply and forbid reading it',
    ]);
  });

  test('the same pod with fsGroup passes: the kubelet gives the files that group, and the process that group', () => {
    const fixed = setupCronJobBefore() as Json;
    fixed.spec.jobTemplate.spec.template.spec.securityContext.fsGroup = 100;
    expect(mountedFileProblems([fixed])).toEqual([]);
  });

  const pod = (securityContext: Json, container: Json, volume: Json, mount: Json = {}) => ({
    securityContext,
    containers: [{ name: 'c', securityContext: { ...hardened, ...container }, volumeMounts: [{ name: 'v', mountPath: '/m', ...mount }] }],
    volumes: [{ name: 'v', ...volume }],
  });
  test.each([
    [
      'an item mode for the owner only',
      pod({ runAsUser: 1000, fsGroup: 1000 }, {}, { secret: { secretName: 's', items: [{ key: 'k', path: 'k', mode: 0o400 }] } }),
      '/m/k',
      '0400',
      'group',
    ],
    [
      'fsGroup but a mode without group bits',
      pod({ runAsUser: 1000, fsGroup: 1000 }, {}, { secret: { secretName: 's', defaultMode: 0o404 } }),
      '/m/*',
      '0404',
      'group',
    ],
    ['no group at all and no world bits', pod({ runAsUser: 1000 }, {}, { configMap: { name: 'c', defaultMode: 0o640 } }), '/m/*', '0640', 'other'],
    [
      "a supplementary group that is not the files' group",
      pod({ runAsUser: 1000, supplementalGroups: [5] }, {}, { secret: { secretName: 's', defaultMode: 0o440 } }),
      '/m/*',
      '0440',
      'other',
    ],
    ['root without DAC_OVERRIDE and no owner bits', pod({}, { runAsUser: 0 }, { secret: { secretName: 's', defaultMode: 0o044 } }), '/m/*', '0044', 'owner'],
    [
      'a projected Secret under the projected defaultMode',
      pod({ runAsUser: 1000 }, {}, { projected: { defaultMode: 0o440, sources: [{ secret: { name: 's', items: [{ key: 'k', path: 'k' }] } }] } }),
      '/m/k',
      '0440',
      'other',
    ],
    [
      'a subPath mount of one key',
      pod({ runAsUser: 1000 }, {}, { secret: { secretName: 's', items: [{ key: 'k', path: 'k', mode: 0o600 }] } }, { mountPath: '/etc/k', subPath: 'k' }),
      '/etc/k',
      '0600',
      'other',
    ],
  ])('a broken copy fails: %s', (_name, spec, file, mode, through) => {
    const problems = podMountProblems('Pod x/y', spec);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`file ${file} `);
    expect(problems[0]).toContain(`mode ${mode},`);
    expect(problems[0]).toContain(`the ${through} bits apply`);
  });

  test.each([
    [
      'a group from runAsGroup 0 reads a root-group file through the group bits',
      pod({ runAsUser: 1000, runAsGroup: 0 }, {}, { secret: { secretName: 's', defaultMode: 0o440 } }),
    ],
    [
      'a supplementary group equal to fsGroup',
      pod({ runAsUser: 1000, fsGroup: 7, supplementalGroups: [7] }, {}, { secret: { secretName: 's', defaultMode: 0o040 } }),
    ],
    ['a container-level user overrides the pod-level one', pod({ runAsUser: 1000 }, { runAsUser: 0 }, { secret: { secretName: 's', defaultMode: 0o400 } })],
    ['the default mode 0644', pod({ runAsUser: 1000 }, {}, { configMap: { name: 'c' } })],
  ])('and these pass: %s', (_name, spec) => {
    expect(podMountProblems('Pod x/y', spec)).toEqual([]);
  });

  test('root that kept its capabilities reads any mode; the kubelet semantics in one table', () => {
    const file = { group: 100 };
    expect(readable(0o000, file.group, runsAsOf({}, { securityContext: { runAsUser: 0 } }))).toEqual({ ok: true, through: 'capability' });
    expect(readable(0o440, file.group, runsAsOf({ securityContext: { fsGroup: 100 } }, { securityContext: { runAsUser: 5 } }))).toEqual({
      ok: true,
      through: 'group',
    });
    expect(readable(0o440, file.group, runsAsOf({}, { securityContext: { runAsUser: 5 } }))).toEqual({ ok: false, through: 'other' });
  });
});
