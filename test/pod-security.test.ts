import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CLUSTERS } from '../clusters';
import type { PodSecurityLevel } from '../constructs/platform/chart-workload';
import {
  checksOf,
  POD_SECURITY_CHECKS,
  POD_SECURITY_POLICY_VERSION,
  podSecurityFailures,
  podSecurityProblems,
  type CheckId,
  type PodForSecurity,
} from '../constructs/rules/pod-security';

/* The Pod Security evaluator (constructs/rules/pod-security.ts, a port of kubernetes/pod-security-admission
   v0.35.6) against three tables: upstream's unit tests, upstream's generated pass and fail pods, and a table
   of our own with one pod per check, judged at both levels. */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const check = (id: CheckId) => POD_SECURITY_CHECKS.find((c) => c.id === id)!.check;
const c = (name: string, securityContext?: Json, extra: Json = {}): Json => ({ name, ...(securityContext === undefined ? {} : { securityContext }), ...extra });

test('the evaluator ports the policy version every cluster runs (re-port at the new tag when kubernetesVersion moves)', () => {
  expect(CLUSTERS.length).toBeGreaterThan(0);
  for (const cluster of CLUSTERS) expect(`${cluster.name}: ${cluster.kubernetesVersion}`).toBe(`${cluster.name}: ${POD_SECURITY_POLICY_VERSION}`);
});

test('each level runs the checks upstream registers for 1.35, in its order, with restricted overrides applied', () => {
  expect(checksOf('privileged')).toEqual([]);
  expect(checksOf('baseline').map((x) => x.id)).toEqual([
    'appArmorProfile',
    'capabilities_baseline',
    'hostNamespaces',
    'hostPathVolumes',
    'hostPorts',
    'hostProbesAndHostLifecycle',
    'privileged',
    'procMount',
    'seLinuxOptions',
    'seccompProfile_baseline',
    'sysctls',
    'windowsHostProcess',
  ]);
  expect(checksOf('restricted').map((x) => x.id)).toEqual([
    'appArmorProfile',
    'hostNamespaces',
    'hostPorts',
    'hostProbesAndHostLifecycle',
    'privileged',
    'seLinuxOptions',
    'sysctls',
    'windowsHostProcess',
    'allowPrivilegeEscalation',
    'capabilities_restricted',
    'procMount_restricted',
    'restrictedVolumes',
    'runAsNonRoot',
    'runAsUser',
    'seccompProfile_restricted',
  ]);
});

/**
 * Upstream's unit tests, case by case: kubernetes/pod-security-admission v0.35.6, policy/check_<id>_test.go,
 * each calling the check's newest version (the one 1.35 runs) on the pod and comparing reason and detail.
 * `null` expects the pod to be allowed. The pods are upstream's Go literals written as JSON.
 */
const UPSTREAM_UNIT_CASES: readonly (readonly [CheckId, string, PodForSecurity, { reason: string; detail: string } | null])[] = [
  // check_hostNamespaces_test.go
  [
    'hostNamespaces',
    'multiple host namespaces',
    { spec: { hostNetwork: true, hostIPC: true, hostPID: true } },
    { reason: 'host namespaces', detail: 'hostNetwork=true, hostPID=true, hostIPC=true' },
  ],
  // check_privileged_test.go
  [
    'privileged',
    'privileged',
    { spec: { containers: [c('a'), c('b', {}), c('c', { privileged: false }), c('d', { privileged: true }), c('e', { privileged: true })] } },
    { reason: 'privileged', detail: 'containers "d", "e" must not set securityContext.privileged=true' },
  ],
  // check_capabilities_baseline_test.go
  [
    'capabilities_baseline',
    'multiple containers',
    { spec: { containers: [c('a', { capabilities: { add: ['FOO', 'BAR'] } }), c('b', { capabilities: { add: ['BAR', 'BAZ'] } })] } },
    { reason: 'non-default capabilities', detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add' },
  ],
  // check_hostPathVolumes_test.go
  [
    'hostPathVolumes',
    'host path volumes',
    {
      spec: {
        volumes: [
          { name: 'a', hostPath: {} },
          { name: 'b', hostPath: {} },
          { name: 'c', emptyDir: {} },
        ],
      },
    },
    { reason: 'hostPath volumes', detail: 'volumes "a", "b"' },
  ],
  // check_hostPorts_test.go
  [
    'hostPorts',
    'one container, one host port',
    { spec: { containers: [c('a', undefined, { ports: [{ hostPort: 0 }] }), c('b', undefined, { ports: [{ hostPort: 0 }, { hostPort: 20 }] })] } },
    { reason: 'hostPort', detail: 'container "b" uses hostPort 20' },
  ],
  [
    'hostPorts',
    'multiple containers, multiple host port',
    {
      spec: {
        containers: [
          c('a', undefined, { ports: [{ hostPort: 0 }] }),
          c('b', undefined, { ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 20 }] }),
          c('c', undefined, { ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 30 }] }),
        ],
      },
    },
    { reason: 'hostPort', detail: 'containers "b", "c" use hostPorts 10, 20, 30' },
  ],
  // check_procMount_baseline_test.go
  [
    'procMount',
    'procMount',
    {
      spec: {
        hostUsers: true,
        containers: [c('a'), c('b', {}), c('c', { procMount: 'Default' }), c('d', { procMount: 'Unmasked' }), c('e', { procMount: 'other' })],
      },
    },
    { reason: 'procMount', detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"' },
  ],
  [
    'procMount',
    'procMount with userns',
    {
      spec: {
        hostUsers: false,
        containers: [c('a'), c('b', {}), c('c', { procMount: 'Default' }), c('d', { procMount: 'Unmasked' }), c('e', { procMount: 'other' })],
      },
    },
    null,
  ],
  // check_procMount_restricted_test.go (upstream runs it with hostUsers true and false; here with false)
  [
    'procMount_restricted',
    'procMount',
    {
      spec: {
        hostUsers: false,
        containers: [c('a'), c('b', {}), c('c', { procMount: 'Default' }), c('d', { procMount: 'Unmasked' }), c('e', { procMount: 'other' })],
      },
    },
    { reason: 'procMount', detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"' },
  ],
  // check_appArmorProfile_test.go
  [
    'appArmorProfile',
    'container with default AppArmor + extra annotations',
    { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/test': 'runtime/default', env: 'prod' } }, spec: {} },
    null,
  ],
  [
    'appArmorProfile',
    'container with local AppArmor + extra annotations',
    { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/test': 'localhost/sec-profile01', env: 'dev' } }, spec: {} },
    null,
  ],
  ['appArmorProfile', 'container with no AppArmor annotations', { metadata: { annotations: { env: 'dev' } }, spec: {} }, null],
  ['appArmorProfile', 'container with no annotations', { metadata: {}, spec: {} }, null],
  ['appArmorProfile', 'pod with runtime default', { spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } } }, null],
  ['appArmorProfile', 'container with localhost profile', { spec: { containers: [c('foo', { appArmorProfile: { type: 'RuntimeDefault' } })] } }, null],
  [
    'appArmorProfile',
    'unconfined pod',
    { spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } } } },
    { reason: 'forbidden AppArmor profile', detail: 'pod must not set AppArmor profile type to "Unconfined"' },
  ],
  [
    'appArmorProfile',
    'unconfined container',
    { spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [c('foo', { appArmorProfile: { type: 'Unconfined' } })] } },
    { reason: 'forbidden AppArmor profile', detail: 'container "foo" must not set AppArmor profile type to "Unconfined"' },
  ],
  [
    'appArmorProfile',
    'unconfined init container',
    {
      spec: {
        securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
        containers: [c('foo')],
        initContainers: [c('bar', { appArmorProfile: { type: 'Unconfined' } })],
      },
    },
    { reason: 'forbidden AppArmor profile', detail: 'container "bar" must not set AppArmor profile type to "Unconfined"' },
  ],
  [
    'appArmorProfile',
    'multiple containers',
    {
      metadata: {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/': 'bogus',
          'container.apparmor.security.beta.kubernetes.io/a': '',
          'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default',
          'container.apparmor.security.beta.kubernetes.io/c': 'localhost/',
          'container.apparmor.security.beta.kubernetes.io/d': 'localhost/foo',
          'container.apparmor.security.beta.kubernetes.io/e': 'unconfined',
          'container.apparmor.security.beta.kubernetes.io/f': 'unknown',
        },
      },
      spec: {},
    },
    {
      reason: 'forbidden AppArmor profiles',
      detail:
        'annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/="bogus"", ' +
        '"container.apparmor.security.beta.kubernetes.io/e="unconfined"", "container.apparmor.security.beta.kubernetes.io/f="unknown""',
    },
  ],
  // check_seLinuxOptions_test.go
  [
    'seLinuxOptions',
    'invalid pod and containers',
    {
      spec: {
        securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } },
        containers: [
          c('a', { seLinuxOptions: { type: 'container_t' } }),
          c('b', { seLinuxOptions: { type: 'container_init_t' } }),
          c('c', { seLinuxOptions: { type: 'container_kvm_t' } }),
          c('d', { seLinuxOptions: { type: 'container_engine_t' } }),
          c('e', { seLinuxOptions: { type: 'bar' } }),
          c('f', { seLinuxOptions: { user: 'bar' } }),
          c('g', { seLinuxOptions: { role: 'baz' } }),
        ],
      },
    },
    {
      reason: 'seLinuxOptions',
      detail: 'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
    },
  ],
  [
    'seLinuxOptions',
    'invalid pod',
    {
      spec: {
        securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } },
        containers: [
          c('a', { seLinuxOptions: { type: 'container_t' } }),
          c('b', { seLinuxOptions: { type: 'container_init_t' } }),
          c('c', { seLinuxOptions: { type: 'container_kvm_t' } }),
          c('d', { seLinuxOptions: { type: 'container_engine_t' } }),
        ],
      },
    },
    { reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set' },
  ],
  [
    'seLinuxOptions',
    'invalid containers',
    {
      spec: {
        securityContext: { seLinuxOptions: {} },
        containers: [
          c('a', { seLinuxOptions: { type: 'container_t' } }),
          c('b', { seLinuxOptions: { type: 'container_init_t' } }),
          c('c', { seLinuxOptions: { type: 'container_kvm_t' } }),
          c('d', { seLinuxOptions: { type: 'container_engine_t' } }),
          c('e', { seLinuxOptions: { type: 'bar' } }),
          c('f', { seLinuxOptions: { user: 'bar' } }),
          c('g', { seLinuxOptions: { role: 'baz' } }),
        ],
      },
    },
    {
      reason: 'seLinuxOptions',
      detail: 'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
    },
  ],
  [
    'seLinuxOptions',
    'bad type',
    { spec: { securityContext: { seLinuxOptions: { type: 'bad' } } } },
    { reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: type "bad"' },
  ],
  [
    'seLinuxOptions',
    'bad user',
    { spec: { securityContext: { seLinuxOptions: { user: 'bad' } } } },
    { reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: user may not be set' },
  ],
  [
    'seLinuxOptions',
    'bad role',
    { spec: { securityContext: { seLinuxOptions: { role: 'bad' } } } },
    { reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: role may not be set' },
  ],
  // check_seccompProfile_baseline_test.go (TestSeccompProfileBaseline_1_19; the 1.0 annotation check no longer applies at 1.35)
  [
    'seccompProfile_baseline',
    'pod seccomp invalid',
    { spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [c('a')] } },
    { reason: 'seccompProfile', detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"' },
  ],
  [
    'seccompProfile_baseline',
    'containers seccomp invalid',
    {
      spec: {
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          c('a'),
          c('b', {}),
          c('c', { seccompProfile: { type: 'Unconfined' } }),
          c('d', { seccompProfile: { type: 'Unconfined' } }),
          c('e', { seccompProfile: { type: 'RuntimeDefault' } }),
          c('f', { seccompProfile: { type: 'RuntimeDefault' } }),
        ],
      },
    },
    { reason: 'seccompProfile', detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"' },
  ],
  [
    'seccompProfile_baseline',
    'pod and containers seccomp invalid',
    {
      spec: {
        securityContext: { seccompProfile: { type: 'Unconfined' } },
        containers: [
          c('a'),
          c('b', {}),
          c('c', { seccompProfile: { type: 'Unconfined' } }),
          c('d', { seccompProfile: { type: 'Unconfined' } }),
          c('e', { seccompProfile: { type: 'RuntimeDefault' } }),
          c('f', { seccompProfile: { type: 'RuntimeDefault' } }),
        ],
      },
    },
    { reason: 'seccompProfile', detail: 'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"' },
  ],
  // check_seccompProfile_restricted_test.go (TestSeccompProfileRestricted_1_25)
  [
    'seccompProfile_restricted',
    'no explicit seccomp',
    { spec: { containers: [c('a')] } },
    { reason: 'seccompProfile', detail: 'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' },
  ],
  ['seccompProfile_restricted', 'no explicit seccomp, windows Pod', { spec: { os: { name: 'windows' }, containers: [c('a')] } }, null],
  [
    'seccompProfile_restricted',
    'no explicit seccomp, linux pod',
    { spec: { os: { name: 'linux' }, containers: [c('a')] } },
    { reason: 'seccompProfile', detail: 'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' },
  ],
  [
    'seccompProfile_restricted',
    'pod seccomp invalid',
    { spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [c('a')] } },
    { reason: 'seccompProfile', detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"' },
  ],
  [
    'seccompProfile_restricted',
    'containers seccomp invalid',
    {
      spec: {
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          c('a'),
          c('b', {}),
          c('c', { seccompProfile: { type: 'Unconfined' } }),
          c('d', { seccompProfile: { type: 'Unconfined' } }),
          c('e', { seccompProfile: { type: 'RuntimeDefault' } }),
          c('f', { seccompProfile: { type: 'RuntimeDefault' } }),
        ],
      },
    },
    { reason: 'seccompProfile', detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"' },
  ],
  [
    'seccompProfile_restricted',
    'pod nil, container fallthrough',
    {
      spec: {
        containers: [c('a'), c('b', {}), c('d', { seccompProfile: { type: 'RuntimeDefault' } }), c('e', { seccompProfile: { type: 'RuntimeDefault' } })],
      },
    },
    { reason: 'seccompProfile', detail: 'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' },
  ],
  // check_sysctls_test.go (TestSysctls_1_32)
  ['sysctls', 'forbidden sysctls', { spec: { securityContext: { sysctls: [{ name: 'a' }, { name: 'b' }] } } }, { reason: 'forbidden sysctls', detail: 'a, b' }],
  [
    'sysctls',
    'new supported sysctls: net.ipv4.tcp_rmem',
    { spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 16777216' }] } } },
    null,
  ],
  [
    'sysctls',
    'new supported sysctls: net.ipv4.tcp_wmem',
    { spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_wmem', value: '4096 65536 16777216' }] } } },
    null,
  ],
  // TestSysctls_1_29 and _1_27: the sysctls those versions added stay allowed
  [
    'sysctls',
    'new supported sysctls: net.ipv4.tcp_keepalive_time',
    { spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '7200' }] } } },
    null,
  ],
  [
    'sysctls',
    'new supported sysctls: net.ipv4.ip_local_reserved_ports',
    { spec: { securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1024-4999' }] } } },
    null,
  ],
  // check_restrictedVolumes_test.go
  [
    'restrictedVolumes',
    'host path volumes',
    {
      spec: {
        volumes: [
          { name: 'a1', emptyDir: {} },
          { name: 'a2', secret: {} },
          { name: 'a3', persistentVolumeClaim: {} },
          { name: 'a4', downwardAPI: {} },
          { name: 'a5', configMap: {} },
          { name: 'a6', projected: {} },
          { name: 'a7', csi: {} },
          { name: 'a8', ephemeral: {} },
          { name: 'a9', image: {} },
          { name: 'b1', hostPath: {} },
          { name: 'b2', gcePersistentDisk: {} },
          { name: 'b3', awsElasticBlockStore: {} },
          { name: 'b4', gitRepo: {} },
          { name: 'b5', nfs: {} },
          { name: 'b6', iscsi: {} },
          { name: 'b7', glusterfs: {} },
          { name: 'b8', rbd: {} },
          { name: 'b9', flexVolume: {} },
          { name: 'b10', cinder: {} },
          { name: 'b11', cephfs: {} },
          { name: 'b12', flocker: {} },
          { name: 'b13', fc: {} },
          { name: 'b14', azureFile: {} },
          { name: 'b15', vsphereVolume: {} },
          { name: 'b16', quobyte: {} },
          { name: 'b17', azureDisk: {} },
          { name: 'b18', photonPersistentDisk: {} },
          { name: 'b19', portworxVolume: {} },
          { name: 'b20', scaleIO: {} },
          { name: 'b21', storageos: {} },
          { name: 'c1' },
        ],
      },
    },
    {
      reason: 'restricted volume types',
      detail:
        'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1"' +
        ' use restricted volume types ' +
        '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", ' +
        '"hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"',
    },
  ],
  // check_allowPrivilegeEscalation_test.go (TestAllowPrivilegeEscalation_1_25)
  [
    'allowPrivilegeEscalation',
    'multiple containers',
    { spec: { containers: [c('a'), c('b', {}), c('c', { allowPrivilegeEscalation: true }), c('d', { allowPrivilegeEscalation: false })] } },
    { reason: 'allowPrivilegeEscalation != false', detail: 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false' },
  ],
  ['allowPrivilegeEscalation', 'windows pod, admit without checking privilegeEscalation', { spec: { os: { name: 'windows' }, containers: [c('a')] } }, null],
  [
    'allowPrivilegeEscalation',
    'linux pod, reject if security context is not set',
    { spec: { os: { name: 'linux' }, containers: [c('a')] } },
    { reason: 'allowPrivilegeEscalation != false', detail: 'container "a" must set securityContext.allowPrivilegeEscalation=false' },
  ],
  // check_runAsNonRoot_test.go
  [
    'runAsNonRoot',
    'no explicit runAsNonRoot',
    { spec: { containers: [c('a')] } },
    { reason: 'runAsNonRoot != true', detail: 'pod or container "a" must set securityContext.runAsNonRoot=true' },
  ],
  [
    'runAsNonRoot',
    'pod runAsNonRoot=false',
    { spec: { securityContext: { runAsNonRoot: false }, containers: [c('a')] } },
    { reason: 'runAsNonRoot != true', detail: 'pod must not set securityContext.runAsNonRoot=false' },
  ],
  [
    'runAsNonRoot',
    'containers runAsNonRoot=false',
    {
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [
          c('a'),
          c('b', {}),
          c('c', { runAsNonRoot: false }),
          c('d', { runAsNonRoot: false }),
          c('e', { runAsNonRoot: true }),
          c('f', { runAsNonRoot: true }),
        ],
      },
    },
    { reason: 'runAsNonRoot != true', detail: 'containers "c", "d" must not set securityContext.runAsNonRoot=false' },
  ],
  [
    'runAsNonRoot',
    'pod nil, container fallthrough',
    { spec: { containers: [c('a'), c('b', {}), c('d', { runAsNonRoot: true }), c('e', { runAsNonRoot: true })] } },
    { reason: 'runAsNonRoot != true', detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true' },
  ],
  ['runAsNonRoot', 'host users false allowed', { spec: { hostUsers: false } }, null],
  // check_runAsUser_test.go
  [
    'runAsUser',
    'pod runAsUser=0',
    { spec: { securityContext: { runAsUser: 0 }, containers: [c('a')] } },
    { reason: 'runAsUser=0', detail: 'pod must not set runAsUser=0' },
  ],
  ['runAsUser', 'pod runAsUser=non-zero', { spec: { securityContext: { runAsUser: 1000 }, containers: [c('a')] } }, null],
  ['runAsUser', 'pod runAsUser=nil', { spec: { securityContext: {}, containers: [c('a')] } }, null],
  [
    'runAsUser',
    'containers runAsUser=0',
    {
      spec: {
        securityContext: { runAsUser: 1000 },
        containers: [c('a'), c('b', {}), c('c', { runAsUser: 0 }), c('d', { runAsUser: 0 }), c('e', { runAsUser: 1 }), c('f', { runAsUser: 1 })],
      },
    },
    { reason: 'runAsUser=0', detail: 'containers "c", "d" must not set runAsUser=0' },
  ],
  [
    'runAsUser',
    'containers runAsUser=non-zero',
    { spec: { containers: [c('c', { runAsUser: 1 }), c('d', { runAsUser: 2 }), c('e', { runAsUser: 3 }), c('f', { runAsUser: 4 })] } },
    null,
  ],
  ['runAsUser', 'host users false allowed', { spec: { hostUsers: false } }, null],
  // check_capabilities_restricted_test.go (TestCapabilitiesRestricted_1_25)
  [
    'capabilities_restricted',
    'multiple containers',
    {
      spec: {
        containers: [
          c('a', { capabilities: { add: ['FOO', 'BAR'] } }),
          c('b', { capabilities: { add: ['BAR', 'BAZ'] } }),
          c('c', { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'], drop: ['ALL', 'FOO'] } }),
        ],
      },
    },
    {
      reason: 'unrestricted capabilities',
      detail:
        'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
    },
  ],
  ['capabilities_restricted', 'windows pod, admit without checking capabilities', { spec: { os: { name: 'windows' }, containers: [c('a')] } }, null],
  [
    'capabilities_restricted',
    'linux pod, reject if security context is not set',
    { spec: { os: { name: 'linux' }, containers: [c('a')] } },
    { reason: 'unrestricted capabilities', detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]' },
  ],
  // check_windowsHostProcess_test.go
  [
    'windowsHostProcess',
    'host process',
    {
      spec: {
        securityContext: { windowsOptions: { hostProcess: true } },
        containers: [
          c('a'),
          c('b', {}),
          c('c', { windowsOptions: {} }),
          c('d', { windowsOptions: { hostProcess: false } }),
          c('e', { windowsOptions: { hostProcess: true } }),
          c('f', { windowsOptions: { hostProcess: true } }),
        ],
      },
    },
    { reason: 'hostProcess', detail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true' },
  ],
  // check_hostProbesAndhostLifecycle_test.go
  [
    'hostProbesAndHostLifecycle',
    'valid pod with unset hosts',
    {
      spec: {
        containers: [c('a', undefined, { livenessProbe: { httpGet: {} }, readinessProbe: { tcpSocket: {} }, lifecycle: { postStart: { httpGet: {} } } })],
      },
    },
    null,
  ],
  [
    'hostProbesAndHostLifecycle',
    'invalid pod with local host IP as probe host',
    {
      spec: {
        containers: [
          c('a', undefined, {
            livenessProbe: { httpGet: { host: '127.0.0.1' } },
            readinessProbe: { tcpSocket: { host: '::1' } },
            startupProbe: { httpGet: { host: 'localhost' } },
          }),
        ],
      },
    },
    { reason: 'probe or lifecycle host', detail: 'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"' },
  ],
  [
    'hostProbesAndHostLifecycle',
    'invalid poststart tcpsocket host',
    { spec: { containers: [c('d', undefined, { lifecycle: { postStart: { tcpSocket: { host: 'invalid.host' } } } })] } },
    { reason: 'probe or lifecycle host', detail: 'container "d" uses probe or lifecycle host "invalid.host"' },
  ],
  [
    'hostProbesAndHostLifecycle',
    'invalid prestop httpget host',
    { spec: { containers: [c('e', undefined, { lifecycle: { preStop: { httpGet: { host: 'another.invalid.host' } } } })] } },
    { reason: 'probe or lifecycle host', detail: 'container "e" uses probe or lifecycle host "another.invalid.host"' },
  ],
  [
    'hostProbesAndHostLifecycle',
    'multiple containers with multiple invalid hosts',
    {
      spec: {
        containers: [
          c('valid'),
          c('invalid1', undefined, { livenessProbe: { httpGet: { host: 'a.com' } } }),
          c('invalid2', undefined, { lifecycle: { preStop: { tcpSocket: { host: 'b.com' } } }, startupProbe: { httpGet: { host: 'a.com' } } }),
        ],
      },
    },
    { reason: 'probe or lifecycle host', detail: 'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"' },
  ],
  [
    'hostProbesAndHostLifecycle',
    'invalid host in initcontainer',
    { spec: { initContainers: [c('init', undefined, { livenessProbe: { httpGet: { host: 'invalid.init.host' } } })] } },
    { reason: 'probe or lifecycle host', detail: 'container "init" uses probe or lifecycle host "invalid.init.host"' },
  ],
];

describe("upstream's unit tests (policy/check_*_test.go at v0.35.6)", () => {
  test('every check has at least one upstream case', () => {
    const covered = new Set(UPSTREAM_UNIT_CASES.map(([id]) => id));
    expect(POD_SECURITY_CHECKS.map((x) => x.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test.each(UPSTREAM_UNIT_CASES.map(([id, name, pod, expected]) => [`${id}: ${name}`, id, pod, expected] as const))('%s', (_label, id, pod, expected) => {
    const result = check(id)((pod.metadata ?? {}) as Json, pod.spec);
    if (expected === null) expect(result).toEqual({ allowed: true });
    else expect(result).toEqual({ allowed: false, ...expected });
  });
});

/**
 * The pods upstream generates for its admission integration test (test/fixtures_*.go → test/testdata), at
 * policy version 1.35: `pass` pods must be admitted at their level, `fail` pods rejected at it by their check.
 */
describe("upstream's generated pass and fail pods (test/testdata/<level>/v1.35 at v0.35.6)", () => {
  const fixtures = parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'pod-security', 'upstream-v1.35.yaml'), 'utf8')) as Record<string, PodForSecurity>;
  const entries = Object.entries(fixtures).map(([file, pod]) => {
    const [level, , outcome, name] = file.split('/');
    return { file, pod, level: level as PodSecurityLevel, outcome, name };
  });
  /** The file name's check ID, and the check that runs in its place at that level (restricted overrides). */
  const expectedCheck = (name: string, level: PodSecurityLevel): CheckId => {
    const id = POD_SECURITY_CHECKS.map((x) => x.id)
      .sort((a, b) => b.length - a.length)
      .find((candidate) => name.startsWith(candidate.toLowerCase()))!;
    return checksOf(level).find((x) => x.id === id || x.overrides?.includes(id))!.id;
  };

  test('the fixture holds pass and fail pods for both levels and every check', () => {
    expect(entries.length).toBeGreaterThan(100);
    for (const level of ['baseline', 'restricted'] as const) {
      const failing = new Set(entries.filter((e) => e.level === level && e.outcome === 'fail').map((e) => expectedCheck(e.name, level)));
      expect([...failing].sort()).toEqual(
        checksOf(level)
          .map((x) => x.id)
          .sort(),
      );
      expect(entries.some((e) => e.level === level && e.outcome === 'pass')).toBe(true);
    }
  });

  test.each(entries.filter((e) => e.outcome === 'pass').map((e) => [e.file, e] as const))('%s is admitted', (_file, e) => {
    expect(podSecurityProblems(e.pod, e.level)).toEqual([]);
  });

  test.each(entries.filter((e) => e.outcome === 'fail').map((e) => [e.file, e] as const))(
    '%s is rejected by its check, and admitted as privileged',
    (_file, e) => {
      const failed = podSecurityFailures(e.pod, e.level).map((f) => f.id);
      expect(failed).toContain(expectedCheck(e.name, e.level));
      expect(podSecurityProblems(e.pod, 'privileged')).toEqual([]);
    },
  );
});

/** A pod that meets `restricted`, as our own charts set it; each row below breaks one thing. */
function compliantPod(): Json {
  const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
  return {
    metadata: { annotations: {} },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'init', image: 'x', securityContext: structuredClone(hardened) }],
      containers: [{ name: 'app', image: 'x', securityContext: structuredClone(hardened), ports: [{ containerPort: 8080 }] }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

/** One pod per check: [what, how to break the compliant pod, admitted at baseline?, admitted at restricted?, a message it must print]. */
const LEVEL_TABLE: readonly (readonly [string, (pod: Json) => void, boolean, boolean, string])[] = [
  ['the compliant pod', () => {}, true, true, ''],
  ['hostNetwork', (p) => (p.spec.hostNetwork = true), false, false, 'host namespaces (hostNetwork=true)'],
  ['hostPID', (p) => (p.spec.hostPID = true), false, false, 'host namespaces (hostPID=true)'],
  ['hostIPC', (p) => (p.spec.hostIPC = true), false, false, 'host namespaces (hostIPC=true)'],
  [
    'a privileged container',
    (p) => (p.spec.containers[0].securityContext.privileged = true),
    false,
    false,
    'privileged (container "app" must not set securityContext.privileged=true)',
  ],
  [
    'a privileged init container',
    (p) => (p.spec.initContainers[0].securityContext.privileged = true),
    false,
    false,
    'container "init" must not set securityContext.privileged=true',
  ],
  [
    'a privileged ephemeral container',
    (p) => (p.spec.ephemeralContainers = [{ name: 'debug', securityContext: { privileged: true } }]),
    false,
    false,
    'container "debug" must not set securityContext.privileged=true',
  ],
  [
    'a capability outside the baseline set (NET_ADMIN)',
    (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN']),
    false,
    false,
    'container "app" must not include "NET_ADMIN" in securityContext.capabilities.add',
  ],
  [
    'a baseline capability other than NET_BIND_SERVICE (CHOWN)',
    (p) => (p.spec.containers[0].securityContext.capabilities.add = ['CHOWN']),
    true,
    false,
    'unrestricted capabilities (container "app" must not include "CHOWN" in securityContext.capabilities.add)',
  ],
  ['NET_BIND_SERVICE added, ALL dropped', (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']), true, true, ''],
  [
    'capabilities not dropped',
    (p) => delete p.spec.containers[0].securityContext.capabilities,
    true,
    false,
    'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
  ],
  [
    'a hostPath volume',
    (p) => p.spec.volumes.push({ name: 'host', hostPath: { path: '/var/log' } }),
    false,
    false,
    'volume "host" uses restricted volume type "hostPath"',
  ],
  ['a hostPort', (p) => (p.spec.containers[0].ports[0].hostPort = 8080), false, false, 'hostPort (container "app" uses hostPort 8080)'],
  [
    'an AppArmor annotation set to unconfined',
    (p) => (p.metadata.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined'),
    false,
    false,
    'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
  ],
  [
    'an AppArmor field set to Unconfined',
    (p) => (p.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }),
    false,
    false,
    'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")',
  ],
  ['AppArmor RuntimeDefault', (p) => (p.spec.securityContext.appArmorProfile = { type: 'RuntimeDefault' }), true, true, ''],
  [
    'an SELinux type outside the container types (spc_t)',
    (p) => (p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }),
    false,
    false,
    'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")',
  ],
  ['an SELinux level', (p) => (p.spec.securityContext.seLinuxOptions = { level: 's0:c123,c456' }), true, true, ''],
  [
    'an unmasked /proc',
    (p) => (p.spec.containers[0].securityContext.procMount = 'Unmasked'),
    false,
    false,
    'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
  ],
  [
    'seccomp Unconfined',
    (p) => (p.spec.securityContext.seccompProfile = { type: 'Unconfined' }),
    false,
    false,
    'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
  ],
  [
    'no seccomp profile',
    (p) => delete p.spec.securityContext.seccompProfile,
    true,
    false,
    'seccompProfile (pod or containers "init", "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  ],
  [
    'seccomp RuntimeDefault on every container instead of the pod',
    (p) => {
      delete p.spec.securityContext.seccompProfile;
      for (const x of [...p.spec.initContainers, ...p.spec.containers]) x.securityContext.seccompProfile = { type: 'RuntimeDefault' };
    },
    true,
    true,
    '',
  ],
  ['seccomp Localhost', (p) => (p.spec.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }), true, true, ''],
  ['a safe sysctl', (p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }]), true, true, ''],
  [
    'an unsafe sysctl',
    (p) => (p.spec.securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1024' }]),
    false,
    false,
    'forbidden sysctls (net.core.somaxconn)',
  ],
  [
    'an NFS volume',
    (p) => p.spec.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }),
    true,
    false,
    'restricted volume types (volume "share" uses restricted volume type "nfs")',
  ],
  [
    'a CSI, projected, configMap and secret volume',
    (p) => p.spec.volumes.push({ name: 'a', csi: { driver: 's3' } }, { name: 'b', projected: { sources: [] } }),
    true,
    true,
    '',
  ],
  ['a volume with no source (the API server makes it an emptyDir)', (p) => p.spec.volumes.push({ name: 'scratch' }), true, true, ''],
  [
    'privilege escalation not forbidden',
    (p) => delete p.spec.containers[0].securityContext.allowPrivilegeEscalation,
    true,
    false,
    'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
  ],
  [
    'runAsNonRoot unset',
    (p) => delete p.spec.securityContext.runAsNonRoot,
    true,
    false,
    'runAsNonRoot != true (pod or containers "init", "app" must set securityContext.runAsNonRoot=true)',
  ],
  [
    'runAsNonRoot on every container instead of the pod',
    (p) => {
      delete p.spec.securityContext.runAsNonRoot;
      for (const x of [...p.spec.initContainers, ...p.spec.containers]) x.securityContext.runAsNonRoot = true;
    },
    true,
    true,
    '',
  ],
  ['runAsUser 0', (p) => (p.spec.containers[0].securityContext.runAsUser = 0), true, false, 'runAsUser=0 (container "app" must not set runAsUser=0)'],
  ['a probe with a host', (p) => (p.spec.containers[0].readinessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }), false, false, 'probe or lifecycle host'],
];

describe('one pod per check, judged at both levels', () => {
  test.each(LEVEL_TABLE.map(([what, breakIt, baseline, restricted, message]) => [what, breakIt, baseline, restricted, message] as const))(
    '%s',
    (_what, breakIt, baseline, restricted, message) => {
      const pod = compliantPod();
      breakIt(pod);
      const atBaseline = podSecurityProblems(pod, 'baseline');
      const atRestricted = podSecurityProblems(pod, 'restricted');
      expect(atBaseline.length === 0).toBe(baseline);
      expect(atRestricted.length === 0).toBe(restricted);
      expect(podSecurityProblems(pod, 'privileged')).toEqual([]);
      if (message) expect([...atBaseline, ...atRestricted].join('\n')).toContain(message);
    },
  );
});
