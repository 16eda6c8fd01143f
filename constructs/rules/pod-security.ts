import type { PodSecurityLevel } from '../platform/chart-workload';

/*
 * The Pod Security Standards, judged the way the API server's PodSecurity admission plugin judges a pod.
 *
 * A port of kubernetes/pod-security-admission at tag v0.35.6 (commit 2c255e8b3bd4d862d66469840c2554941955600c),
 * the release of Kubernetes 1.35, the version our clusters run (clusters/<env>/cluster.ts, kubernetesVersion):
 *   policy/check_*.go   one function below per check, named after its check ID, at the newest version of the
 *                       check that applies to policy version 1.35 ("latest" on a 1.35 API server);
 *   policy/registry.go  which checks each level runs (restricted = every baseline check it does not override,
 *                       plus its own) and their order (baseline IDs sorted, then restricted IDs sorted);
 *   policy/helpers.go, policy/visitor.go, policy/checks.go   quoting, plurals, containers visited (init,
 *                       regular, ephemeral), and the message: `<reason> (<detail>)`, joined by the admission
 *                       plugin into `violates PodSecurity "<level>:<version>": ...`.
 * Messages are upstream's, word for word, so they can be compared with what `kubectl apply` prints.
 * One liberty: Go's %q is rendered with JSON.stringify (the two differ only for non-ASCII and control bytes).
 * test/pod-security.test.ts replays upstream's unit tests (policy/check_*_test.go) and its generated pass and
 * fail pods (test/testdata/{baseline,restricted}/v1.35).
 */

/** The Kubernetes minor version whose policy this file ports; a test holds every cluster to it. */
export const POD_SECURITY_POLICY_VERSION = '1.35';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** Set, as Go sees a pointer: neither absent nor JSON null. */
const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** A pod as PodSecurity sees it: its metadata (annotations) and its spec, plain JSON as rendered. */
export interface PodForSecurity {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> } & Readonly<Record<string, unknown>>;
  readonly spec: Json;
}

export interface CheckResult {
  readonly allowed: boolean;
  readonly reason?: string;
  readonly detail?: string;
}

export type CheckId =
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'hostProbesAndHostLifecycle'
  | 'privileged'
  | 'procMount'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'sysctls'
  | 'windowsHostProcess'
  | 'allowPrivilegeEscalation'
  | 'capabilities_restricted'
  | 'procMount_restricted'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seccompProfile_restricted';

export interface PodSecurityCheck {
  readonly id: CheckId;
  readonly level: 'baseline' | 'restricted';
  /** Baseline checks this restricted check replaces at the restricted level. */
  readonly overrides?: readonly CheckId[];
  readonly check: (meta: Readonly<Record<string, Json>>, spec: Json) => CheckResult;
}

const ALLOWED: CheckResult = { allowed: true };
const forbid = (reason: string, detail: string): CheckResult => ({ allowed: false, reason, detail });

// helpers.go and visitor.go
const joinQuote = (items: readonly string[]): string => (items.length === 0 ? '' : `"${items.join('", "')}"`);
const pluralize = (singular: string, plural: string, count: number): string => (count === 1 ? singular : plural);
const goQuote = (s: string): string => JSON.stringify(s);
/** sets.NewString(...).List(): unique, sorted by byte order. */
const sortedSet = (items: Iterable<string>): string[] => [...new Set(items)].sort();
const relaxForUserNamespace = (spec: Json): boolean => spec?.hostUsers === false;
const isWindows = (spec: Json): boolean => spec?.os?.name === 'windows';
function containersOf(spec: Json): Json[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}
const containerSet = (names: readonly string[]): string => `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;

// check_hostNamespaces.go (1.0)
function hostNamespaces(_meta: Json, spec: Json): CheckResult {
  const found: string[] = [];
  if (spec?.hostNetwork === true) found.push('hostNetwork=true');
  if (spec?.hostPID === true) found.push('hostPID=true');
  if (spec?.hostIPC === true) found.push('hostIPC=true');
  return found.length > 0 ? forbid('host namespaces', found.join(', ')) : ALLOWED;
}

// check_privileged.go (1.0)
function privileged(_meta: Json, spec: Json): CheckResult {
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.privileged === true)
    .map((c) => c.name);
  return bad.length > 0 ? forbid('privileged', `${containerSet(bad)} must not set securityContext.privileged=true`) : ALLOWED;
}

// check_capabilities_baseline.go (1.0)
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
function capabilitiesBaseline(_meta: Json, spec: Json): CheckResult {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of containersOf(spec)) {
    const added: string[] = c.securityContext?.capabilities?.add ?? [];
    const forbidden = added.filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (forbidden.length > 0) {
      bad.push(c.name);
      caps.push(...forbidden);
    }
  }
  return bad.length > 0
    ? forbid('non-default capabilities', `${containerSet(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`)
    : ALLOWED;
}

// check_hostPathVolumes.go (1.0)
function hostPathVolumes(_meta: Json, spec: Json): CheckResult {
  const bad = (spec?.volumes ?? []).filter((v: Json) => isSet(v.hostPath)).map((v: Json) => v.name as string);
  return bad.length > 0 ? forbid('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`) : ALLOWED;
}

// check_hostPorts.go (1.0)
function hostPorts(_meta: Json, spec: Json): CheckResult {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of containersOf(spec)) {
    const used = (c.ports ?? []).filter((p: Json) => (p.hostPort ?? 0) !== 0).map((p: Json) => String(p.hostPort));
    if (used.length > 0) {
      bad.push(c.name);
      ports.push(...used);
    }
  }
  if (bad.length === 0) return ALLOWED;
  const list = sortedSet(ports);
  return forbid(
    'hostPort',
    `${containerSet(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
  );
}

// check_hostProbesAndhostLifecycle.go (1.34)
function hostProbesAndHostLifecycle(_meta: Json, spec: Json): CheckResult {
  const bad = new Set<string>();
  const hosts = new Set<string>();
  const hostsOf = (handler: Json): string[] =>
    handler ? [handler.httpGet?.host, handler.tcpSocket?.host].filter((h): h is string => typeof h === 'string' && h !== '') : [];
  for (const c of containersOf(spec)) {
    const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
    for (const handler of handlers) {
      const found = hostsOf(handler);
      if (found.length > 0) {
        bad.add(c.name);
        found.forEach((h) => hosts.add(h));
      }
    }
  }
  if (bad.size === 0) return ALLOWED;
  const names = sortedSet(bad);
  const list = sortedSet(hosts);
  return forbid(
    'probe or lifecycle host',
    `${containerSet(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', list.length)} ${joinQuote(list)}`,
  );
}

// check_appArmorProfile.go (1.0): the fields and the deprecated beta annotations
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorType = (type: unknown): boolean => type === 'RuntimeDefault' || type === 'Localhost';
const allowedAppArmorAnnotation = (value: string): boolean => value === '' || value === 'runtime/default' || value.startsWith('localhost/');
function appArmorProfile(meta: Json, spec: Json): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec?.securityContext?.appArmorProfile;
  if (isSet(podProfile) && !allowedAppArmorType(podProfile.type)) {
    setters.push('pod');
    values.push(String(podProfile.type ?? ''));
  }
  const bad: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.appArmorProfile;
    if (isSet(profile) && !allowedAppArmorType(profile.type)) {
      bad.push(c.name);
      values.push(String(profile.type ?? ''));
    }
  }
  if (bad.length > 0) setters.push(containerSet(bad));
  const annotations = Object.entries((meta?.annotations ?? {}) as Record<string, string>)
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAppArmorAnnotation(String(v)))
    .map(([k, v]) => `${k}=${goQuote(String(v))}`)
    .sort();
  const list = [...sortedSet(values), ...annotations];
  if (annotations.length > 0) setters.push(pluralize('annotation', 'annotations', annotations.length));
  if (setters.length === 0) return ALLOWED;
  return forbid(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
  );
}

// check_seLinuxOptions.go (1.31)
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
function seLinuxOptions(_meta: Json, spec: Json): CheckResult {
  const setters: string[] = [];
  const types: string[] = [];
  let setUser = false;
  let setRole = false;
  const valid = (opts: Json): boolean => {
    let ok = true;
    const type = opts.type ?? '';
    if (!SELINUX_TYPES.has(type)) {
      ok = false;
      types.push(type);
    }
    if ((opts.user ?? '') !== '') {
      ok = false;
      setUser = true;
    }
    if ((opts.role ?? '') !== '') {
      ok = false;
      setRole = true;
    }
    return ok;
  };
  const podOptions = spec?.securityContext?.seLinuxOptions;
  if (isSet(podOptions) && !valid(podOptions)) setters.push('pod');
  const bad = containersOf(spec)
    .filter((c) => isSet(c.securityContext?.seLinuxOptions) && !valid(c.securityContext.seLinuxOptions))
    .map((c) => c.name);
  if (bad.length > 0) setters.push(containerSet(bad));
  if (setters.length === 0) return ALLOWED;
  const data: string[] = [];
  const list = sortedSet(types);
  if (list.length > 0) data.push(`${pluralize('type', 'types', list.length)} ${joinQuote(list)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return forbid('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
}

// check_procMount_baseline.go (1.35: relaxed for pods in a user namespace) and check_procMount_restricted.go
function procMountAlways(_meta: Json, spec: Json): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of containersOf(spec)) {
    const procMount = c.securityContext?.procMount;
    if (isSet(procMount) && procMount !== 'Default') {
      bad.push(c.name);
      types.push(procMount);
    }
  }
  return bad.length > 0 ? forbid('procMount', `${containerSet(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`) : ALLOWED;
}
const procMountBaseline = (meta: Json, spec: Json): CheckResult => (relaxForUserNamespace(spec) ? ALLOWED : procMountAlways(meta, spec));

// check_seccompProfile_baseline.go (1.19: the fields; the 1.0 annotation check no longer applies)
const validSeccomp = (type: unknown): boolean => type === 'Localhost' || type === 'RuntimeDefault';
function seccompProfileBaseline(_meta: Json, spec: Json): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec?.securityContext?.seccompProfile;
  if (isSet(podProfile) && !validSeccomp(podProfile.type)) {
    setters.push('pod');
    values.push(String(podProfile.type ?? ''));
  }
  const bad: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.seccompProfile;
    if (isSet(profile) && !validSeccomp(profile.type)) {
      bad.push(c.name);
      values.push(String(profile.type ?? ''));
    }
  }
  if (bad.length > 0) setters.push(containerSet(bad));
  return setters.length > 0
    ? forbid('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`)
    : ALLOWED;
}

// check_seccompProfile_restricted.go (1.25: Windows pods exempt)
function seccompProfileRestricted(_meta: Json, spec: Json): CheckResult {
  if (isWindows(spec)) return ALLOWED;
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  const podProfile = spec?.securityContext?.seccompProfile;
  if (isSet(podProfile)) {
    if (!validSeccomp(podProfile.type)) {
      setters.push('pod');
      values.push(String(podProfile.type ?? ''));
    } else {
      podSet = true;
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.seccompProfile;
    if (isSet(profile)) {
      if (!validSeccomp(profile.type)) {
        explicit.push(c.name);
        values.push(String(profile.type ?? ''));
      }
    } else if (!podSet) {
      implicit.push(c.name);
    }
  }
  if (explicit.length > 0) setters.push(containerSet(explicit));
  if (setters.length > 0) {
    return forbid('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`);
  }
  if (implicit.length > 0) {
    return forbid('seccompProfile', `pod or ${containerSet(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  }
  return ALLOWED;
}

// check_sysctls.go (1.32)
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
function sysctls(_meta: Json, spec: Json): CheckResult {
  const bad = (spec?.securityContext?.sysctls ?? []).map((s: Json) => s.name as string).filter((name: string) => !SAFE_SYSCTLS.has(name));
  return bad.length > 0 ? forbid('forbidden sysctls', bad.join(', ')) : ALLOWED;
}

// check_windowsHostProcess.go (1.0)
function windowsHostProcess(_meta: Json, spec: Json): CheckResult {
  const setters: string[] = [];
  if (spec?.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
    .map((c) => c.name);
  if (bad.length > 0) setters.push(containerSet(bad));
  return setters.length > 0 ? forbid('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
}

// check_allowPrivilegeEscalation.go (1.25: Windows pods exempt)
function allowPrivilegeEscalation(_meta: Json, spec: Json): CheckResult {
  if (isWindows(spec)) return ALLOWED;
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => c.name);
  return bad.length > 0 ? forbid('allowPrivilegeEscalation != false', `${containerSet(bad)} must set securityContext.allowPrivilegeEscalation=false`) : ALLOWED;
}

// check_capabilities_restricted.go (1.25: Windows pods exempt)
function capabilitiesRestricted(_meta: Json, spec: Json): CheckResult {
  if (isWindows(spec)) return ALLOWED;
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  for (const c of containersOf(spec)) {
    const caps = c.securityContext?.capabilities;
    if (!isSet(caps)) {
      missingDropAll.push(c.name);
      continue;
    }
    if (!(caps.drop ?? []).includes('ALL')) missingDropAll.push(c.name);
    const bad = (caps.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (bad.length > 0) {
      addingForbidden.push(c.name);
      forbidden.push(...bad);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containerSet(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0) {
    details.push(`${containerSet(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`);
  }
  return details.length > 0 ? forbid('unrestricted capabilities', details.join('; ')) : ALLOWED;
}

// check_restrictedVolumes.go (1.0)
const ALLOWED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
/** The restricted volume sources upstream names, in the order of its switch. */
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];
function restrictedVolumes(_meta: Json, spec: Json): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const volume of spec?.volumes ?? []) {
    if (ALLOWED_VOLUME_SOURCES.some((source) => isSet(volume[source]))) continue;
    bad.push(volume.name);
    types.push(RESTRICTED_VOLUME_SOURCES.find((source) => isSet(volume[source])) ?? 'unknown');
  }
  if (bad.length === 0) return ALLOWED;
  const list = sortedSet(types);
  return forbid(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
  );
}

// check_runAsNonRoot.go (1.35: relaxed for pods in a user namespace)
function runAsNonRoot(_meta: Json, spec: Json): CheckResult {
  if (relaxForUserNamespace(spec)) return ALLOWED;
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = spec?.securityContext?.runAsNonRoot;
  if (isSet(podValue)) {
    if (podValue !== true) setters.push('pod');
    else podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const value = c.securityContext?.runAsNonRoot;
    if (isSet(value)) {
      if (value !== true) explicit.push(c.name);
    } else if (!podNonRoot) {
      implicit.push(c.name);
    }
  }
  if (explicit.length > 0) setters.push(containerSet(explicit));
  if (setters.length > 0) return forbid('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length > 0) return forbid('runAsNonRoot != true', `pod or ${containerSet(implicit)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
}

// check_runAsUser.go (1.35: relaxed for pods in a user namespace)
function runAsUser(_meta: Json, spec: Json): CheckResult {
  if (relaxForUserNamespace(spec)) return ALLOWED;
  const setters: string[] = [];
  if (spec?.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.runAsUser === 0)
    .map((c) => c.name);
  if (bad.length > 0) setters.push(containerSet(bad));
  return setters.length > 0 ? forbid('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : ALLOWED;
}

/** Every check that applies at policy version 1.35, with its level and the baseline checks it overrides. */
export const POD_SECURITY_CHECKS: readonly PodSecurityCheck[] = [
  { id: 'appArmorProfile', level: 'baseline', check: appArmorProfile },
  { id: 'capabilities_baseline', level: 'baseline', check: capabilitiesBaseline },
  { id: 'hostNamespaces', level: 'baseline', check: hostNamespaces },
  { id: 'hostPathVolumes', level: 'baseline', check: hostPathVolumes },
  { id: 'hostPorts', level: 'baseline', check: hostPorts },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', check: hostProbesAndHostLifecycle },
  { id: 'privileged', level: 'baseline', check: privileged },
  { id: 'procMount', level: 'baseline', check: procMountBaseline },
  { id: 'seLinuxOptions', level: 'baseline', check: seLinuxOptions },
  { id: 'seccompProfile_baseline', level: 'baseline', check: seccompProfileBaseline },
  { id: 'sysctls', level: 'baseline', check: sysctls },
  { id: 'windowsHostProcess', level: 'baseline', check: windowsHostProcess },
  { id: 'allowPrivilegeEscalation', level: 'restricted', check: allowPrivilegeEscalation },
  { id: 'capabilities_restricted', level: 'restricted', overrides: ['capabilities_baseline'], check: capabilitiesRestricted },
  { id: 'procMount_restricted', level: 'restricted', overrides: ['procMount'], check: procMountAlways },
  { id: 'restrictedVolumes', level: 'restricted', overrides: ['hostPathVolumes'], check: restrictedVolumes },
  { id: 'runAsNonRoot', level: 'restricted', check: runAsNonRoot },
  { id: 'runAsUser', level: 'restricted', check: runAsUser },
  { id: 'seccompProfile_restricted', level: 'restricted', overrides: ['seccompProfile_baseline'], check: seccompProfileRestricted },
];

/** The checks a level runs, in upstream's order (registry.go). */
export function checksOf(level: PodSecurityLevel): PodSecurityCheck[] {
  if (level === 'privileged') return [];
  const byId = (a: PodSecurityCheck, b: PodSecurityCheck) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const baseline = POD_SECURITY_CHECKS.filter((c) => c.level === 'baseline').sort(byId);
  if (level === 'baseline') return baseline;
  const restricted = POD_SECURITY_CHECKS.filter((c) => c.level === 'restricted').sort(byId);
  const overridden = new Set(restricted.flatMap((c) => c.overrides ?? []));
  return [...baseline.filter((c) => !overridden.has(c.id)), ...restricted];
}

/**
 * The two API-server defaults that change what PodSecurity sees, applied as the API server applies them
 * before admission (kubernetes/kubernetes pkg/apis/core/v1/defaults.go at v1.35): a volume with no source
 * becomes an emptyDir (SetDefaults_Volume), and on the host network every container port without a
 * hostPort gets its containerPort as hostPort (SetDefaults_Pod, defaultHostNetworkPorts).
 */
export function withApiDefaults(spec: Json): Json {
  const sources = [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES];
  const volumes = spec?.volumes?.map((v: Json) => (sources.some((s) => isSet(v[s])) ? v : { ...v, emptyDir: {} }));
  const hostPorts = (containers: Json[] | undefined) =>
    containers?.map((c) => ({ ...c, ports: c.ports?.map((p: Json) => ((p.hostPort ?? 0) === 0 ? { ...p, hostPort: p.containerPort } : p)) }));
  return {
    ...spec,
    ...(volumes ? { volumes } : {}),
    ...(spec?.hostNetwork === true ? { containers: hostPorts(spec.containers), initContainers: hostPorts(spec.initContainers) } : {}),
  };
}

/** The checks the pod fails at the level, with upstream's reason and detail. */
export function podSecurityFailures(pod: PodForSecurity, level: PodSecurityLevel): { id: CheckId; reason: string; detail: string }[] {
  const meta = (pod.metadata ?? {}) as Record<string, Json>;
  const spec = withApiDefaults(pod.spec ?? {});
  return checksOf(level).flatMap(({ id, check }) => {
    const result = check(meta, spec);
    return result.allowed ? [] : [{ id, reason: result.reason || 'unknown forbidden reason', detail: result.detail ?? '' }];
  });
}

/**
 * Why PodSecurity at `level` (policy version 1.35) would reject the pod: one line per failed check, as
 * `<reason> (<detail>)`, the detail naming the containers and the field. Empty when it is admitted.
 */
export function podSecurityProblems(pod: PodForSecurity, level: PodSecurityLevel): string[] {
  return podSecurityFailures(pod, level).map(({ reason, detail }) => (detail ? `${reason} (${detail})` : reason));
}
