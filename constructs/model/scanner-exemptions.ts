/**
 * How an object says that it does not meet one check of a manifest scanner, and why. Each scanner reads
 * its own annotation on the object's metadata (sources at the tags in rules/scanner-checks.ts):
 * - kube-score: `kube-score/ignore: <id>,<id>` (scorecard/scorecard.go, scorecard/enabled.go);
 * - Polaris: `polaris.fairwinds.com/<check>-exempt: "true"` (pkg/validator/schema.go);
 * - kube-linter: `ignore-check.kube-linter.io/<check>: <anything>` (pkg/ignore/ignore.go).
 * kube-linter's value is free text, so it holds the reason; the other two take no text, so the reason
 * sits beside them in `exemption-reason.webapps.platform.io/<scanner>.<check>`. The policy rules
 * refuse an exemption without a reason, a reason without an exemption, and an exemption of a check
 * the object passes.
 */

import type { EnvName } from './app-spec';

export type Scanner = 'kube-score' | 'polaris' | 'kube-linter';

export interface ScannerExemption {
  readonly scanner: Scanner;
  /** The scanner's own check id, e.g. `container-image-pull-policy`. */
  readonly check: string;
  /** Why the object cannot or should not pass it: read by a reviewer, so a sentence, not a label. */
  readonly reason: string;
}

export const KUBE_SCORE_IGNORE = 'kube-score/ignore';
export const POLARIS_EXEMPT_ALL = 'polaris.fairwinds.com/exempt';
export const KUBE_LINTER_IGNORE_ALL = 'kube-linter.io/ignore-all';
export const POLARIS_EXEMPT = /^polaris\.fairwinds\.com\/(.+)-exempt$/;
export const KUBE_LINTER_IGNORE_PREFIX = 'ignore-check.kube-linter.io/';
export const EXEMPTION_REASON_PREFIX = 'exemption-reason.webapps.platform.io/';

export const polarisExemptKey = (check: string): string => `polaris.fairwinds.com/${check}-exempt`;
export const exemptionReasonKey = (scanner: Scanner, check: string): string => `${EXEMPTION_REASON_PREFIX}${scanner}.${check}`;

/** The annotations that carry these exemptions; merge them into the object's metadata.annotations. */
export function exemptionAnnotations(exemptions: readonly ScannerExemption[]): Record<string, string> | undefined {
  if (exemptions.length === 0) return undefined;
  const out: Record<string, string> = {};
  const ignored = exemptions.filter((e) => e.scanner === 'kube-score').map((e) => e.check);
  if (ignored.length > 0) out[KUBE_SCORE_IGNORE] = [...new Set(ignored)].sort().join(',');
  for (const e of exemptions) {
    if (e.scanner === 'kube-linter') out[`${KUBE_LINTER_IGNORE_PREFIX}${e.check}`] = e.reason;
    else {
      if (e.scanner === 'polaris') out[polarisExemptKey(e.check)] = 'true';
      out[exemptionReasonKey(e.scanner, e.check)] = e.reason;
    }
  }
  return out;
}

/** The exemptions every container we write takes, with the reasons that hold for all of them. */
export const PINNED_IMAGE_PULL: readonly ScannerExemption[] = (() => {
  const reason =
    'the image is pinned (apps by digest, tools by version), so IfNotPresent starts the same image; Always would make every ' +
    'pod start depend on the registry being up and count against its pull limits';
  return [
    { scanner: 'kube-score', check: 'container-image-pull-policy', reason },
    { scanner: 'polaris', check: 'pullPolicyNotAlways', reason },
  ];
})();

/**
 * Polaris wants one NetworkPolicy that names one of the pod's labels and has both ingress and egress rules.
 * A job that nothing may call has no ingress rule to list: an empty rule would admit everything.
 */
export const PER_FLOW_NETWORK_POLICIES: ScannerExemption = {
  scanner: 'polaris',
  check: 'missingNetworkPolicy',
  reason:
    "the namespace's default-deny policy isolates every pod, and the job's own policy selects it and lists both directions; " +
    'it admits nothing in, which Polaris reads as a missing ingress rule',
};

/** A helper object of an app (a backup CronJob) has its own name, but its instance label names the app. */
export const INSTANCE_IS_THE_APP: ScannerExemption = {
  scanner: 'polaris',
  check: 'metadataAndInstanceMismatched',
  reason:
    'app.kubernetes.io/instance names the app this object serves, as on every object of the app, so one label ' +
    "selector finds them all; Polaris wants the object's own name there",
};

/** kube-score wants uid and gid of at least this, away from the host's users (score/security/security.go). */
export const MIN_SCANNER_UID = 10000;

/** An app that runs below MIN_SCANNER_UID (its image needs it) says why in its spec; its pods carry that reason. */
export const lowUidExemptionsOf = (app: { readonly runAsUser: number; readonly runAsUserReason?: string }): ScannerExemption[] =>
  app.runAsUser >= MIN_SCANNER_UID
    ? []
    : [
        {
          scanner: 'kube-score',
          check: 'container-security-context-user-group-id',
          reason: `runs as uid/gid ${app.runAsUser} (the app spec's runAsUser): ${app.runAsUserReason ?? 'no reason given'}`,
        },
      ];

/** The app Deployment's replica count belongs to its HPA; kube-score requires the field unset, Polaris set. */
export const HPA_OWNS_REPLICAS: ScannerExemption = {
  scanner: 'polaris',
  check: 'deploymentMissingReplicas',
  reason:
    'the HPA sets the replicas (at least scaling.min); a spec.replicas here would reset them at every apply, which is ' +
    "kube-score's deployment-targeted-by-hpa-does-not-have-replicas-configured",
};

/** App pods spread with topologySpreadConstraints, which kube-score's anti-affinity check does not read. */
export const SPREAD_NOT_ANTI_AFFINITY: ScannerExemption = {
  scanner: 'kube-score',
  check: 'deployment-has-host-podantiaffinity',
  reason:
    'the pods spread over zones (DoNotSchedule) and nodes (ScheduleAnyway) with topologySpreadConstraints, which ' +
    'Kubernetes recommends over pod anti-affinity and which this check does not read',
};

/**
 * Outside prod an app may run one replica, to save cost: the HPA then carries the scanners' exemptions.
 * In prod it carries none, so synth stops on an HPA below 2 replicas there.
 */
export function scalingExemptionsOf(scaling: { readonly min: number; readonly max: number }, env: EnvName): ScannerExemption[] {
  if (env === 'prod') return [];
  const single = `the ${env} cluster spec runs this app on ${scaling.min} replica${scaling.min === 1 ? '' : 's'} to save cost outside prod, where at least 2 are required`;
  return [
    ...(scaling.min < 2
      ? [
          { scanner: 'kube-score' as const, check: 'horizontalpodautoscaler-replicas', reason: single },
          { scanner: 'polaris' as const, check: 'hpaMinAvailability', reason: single },
        ]
      : []),
    ...(scaling.max <= scaling.min
      ? [
          {
            scanner: 'polaris' as const,
            check: 'hpaMaxAvailability',
            reason: `the ${env} cluster spec pins this app to ${scaling.min} replica(s), outside prod only`,
          },
        ]
      : []),
  ];
}

/**
 * Every PDB we write lets a pod that is not ready be evicted even when the budget is spent: a crash-looping
 * pod must never block a node drain (https://kubernetes.io/docs/tasks/run-application/configure-pdb/).
 */
export const UNHEALTHY_POD_EVICTION = 'AlwaysAllow';
