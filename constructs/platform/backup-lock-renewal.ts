import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { hardenedContainer, restrictedPod } from '../blocks/hardened-container';
import { BACKUP_LOCK, renewalIntervalDaysOf, renewalScheduleOf } from '../model/backup-lock';
import { cloudSettingsOf, type ClusterSpec } from '../model/cluster-spec';
import { BACKUP_LOCK_EVENT, REPORT_KEY } from '../model/log-contract';
import { offsiteBackupBucketOf } from '../model/naming';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { exemptionAnnotations, PER_FLOW_NETWORK_POLICIES, PINNED_IMAGE_PULL } from '../model/scanner-exemptions';
import type { WorkloadEgress } from './network-needs';

/**
 * The AWS CLI's official image, pinned. aws/aws-cli@2.36.7 docker/Dockerfile: Amazon Linux 2023 with
 * `findutils` (GNU xargs) and `jq` installed besides the CLI, coreutils' `date` and bash from the base
 * image, ENTRYPOINT ["/usr/local/bin/aws"] (which `command` below replaces), no USER (root: the pod sets its own).
 */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.36.7';
/** A uid of its own, above the 10000 the scanners want; the image has no user of its own to reuse. */
const RENEWAL_USER = 10300;
/** PutObjectRetention calls at once: each is an `aws` process of its own, whose start (Python) costs more CPU than the call. */
const PARALLEL_CALLS = 8;
/** Keys per listing page (`--max-items`); ListObjectsV2 returns at most 1,000 per request anyway. */
const PAGE_ITEMS = 1000;
/** Where the pod may write: HOME and TMPDIR. */
const SCRATCH = '/tmp';

const labels = { 'app.kubernetes.io/name': BACKUP_LOCK.name, 'app.kubernetes.io/instance': BACKUP_LOCK.name, 'app.kubernetes.io/part-of': 'platform' };

/**
 * Its pods' egress, narrower than its namespace's (External Secrets also calls the Kubernetes API): DNS, S3 of
 * the offsite region on 443 (through the NAT: the VPC's gateway endpoint serves its own region only), the
 * Pod Identity agent. The same three rules as the apps' restic jobs (blocks/egress-rules.ts, bucketClientEgress).
 */
export const BACKUP_LOCK_EGRESS: WorkloadEgress = { egressInternet: [{ port: 443, name: 'S3 (offsite region)' }], awsCredentials: true };

/**
 * The renewal script (bash, in the AWS CLI image). It lists the bucket's current objects a page at a time
 * (ListObjectsV2 skips noncurrent versions and delete markers: a pack restic pruned is left to expire), and
 * sets each one's retention to `RETAIN_UNTIL`, PARALLEL calls at a time, in the bucket's own mode.
 *
 * RETAIN_UNTIL is the midnight (UTC) after the day LOCK_DAYS from the run's day: later than the default
 * lock of every object written before that midnight, so no call would shorten a lock (which S3 refuses
 * without a bypass the role does not have), and at most LOCK_DAYS + 1 days away, the role's cap. Objects
 * written on the run's day itself are skipped (`recent`): their own lock runs at least as long, and an
 * object replicated late may carry a later one. A key whose current version went away since the listing
 * (a prune: NoSuchKey, or MethodNotAllowed on a delete marker) counts as `gone`; every other refusal counts
 * as `failed`, is printed, and fails the run. Its last line is always a JSON report (BACKUP_LOCK_EVENT)
 * that the platform alert rules read. RUN_DATE (YYYY-MM-DD) stands in for today, for the tests.
 */
export function renewalScript(): string {
  return `set -euo pipefail
started=$(date -u +%s)
today=\${RUN_DATE:-$(date -u +%F)}
RETAIN_UNTIL=$(date -u -d "$today + $((LOCK_DAYS + 1)) days" +%Y-%m-%dT00:00:00Z)
export BUCKET MODE RETAIN_UNTIL
work=$(mktemp -d)
: > "$work/results"
: > "$work/recent"
step=list
count() { grep -c "^$1" "$work/results" || true; }
report() { # status, exit code
  printf '{"${REPORT_KEY}":{"event":"${BACKUP_LOCK_EVENT}","status":"%s","step":"%s","bucket":"%s","mode":"%s","retain_until":"%s","extended":%d,"gone":%d,"recent":%d,"failed":%d,"duration_seconds":%d,"exit_code":%d}}\\n' \\
    "$1" "$step" "$BUCKET" "$MODE" "$RETAIN_UNTIL" "$(count extended)" "$(count gone)" "$(awk '{ n += $1 } END { print n + 0 }' "$work/recent")" \\
    "$(count failed)" "$(( $(date -u +%s) - started ))" "$2"
}
trap 'code=$?; [ "$code" -eq 0 ] || report failure "$code"' EXIT

# One page of the current objects at a time: the keys written before today, and how many were written today.
list_keys() {
  local token='' page
  local -a args
  while :; do
    args=(s3api list-objects-v2 --bucket "$BUCKET" --max-items ${PAGE_ITEMS} --output json)
    [ -z "$token" ] || args+=(--starting-token "$token")
    # Explicit returns: errexit is off where this runs, in the pipeline below.
    page=$(aws "\${args[@]}") || return
    jq -r --arg today "$today" '.Contents[]? | select(.LastModified[0:10] < $today) | .Key' <<<"$page" || return
    jq -r --arg today "$today" '[.Contents[]? | select(.LastModified[0:10] >= $today)] | length' <<<"$page" >> "$work/recent" || return
    token=$(jq -r '.NextToken // empty' <<<"$page") || return
    if [ -z "$token" ]; then touch "$work/listed"; return 0; fi
  done
}

renew() {
  local out
  if out=$(aws s3api put-object-retention --bucket "$BUCKET" --key "$1" --retention "Mode=$MODE,RetainUntilDate=$RETAIN_UNTIL" 2>&1); then
    echo extended
  else
    case "$out" in
      *'(NoSuchKey)'* | *'(MethodNotAllowed)'*) echo gone ;;
      *) printf 'failed\\t%s\\t%s\\n' "$1" "$(printf '%s' "$out" | tr '\\n\\t' '  ')" ;;
    esac
  fi
}
export -f renew

echo "renewing the Object Lock of the current objects of s3://$BUCKET to $RETAIN_UNTIL ($MODE)"
set +e
list_keys | xargs -r -d '\\n' -n 1 -P "$PARALLEL" bash -c 'renew "$1"' _ >> "$work/results"
codes=("\${PIPESTATUS[@]}")
set -e
if [ ! -e "$work/listed" ]; then exit "$(( codes[0] == 0 ? 1 : codes[0] ))"; fi
step=renew
[ "\${codes[1]}" -eq 0 ] || exit "\${codes[1]}"
failed=$(count failed)
if [ "$failed" -gt 0 ]; then
  echo "$failed objects kept their old lock; the first of them:" >&2
  grep '^failed' "$work/results" | head -n 20 | cut -f 2- >&2
  exit 1
fi
step=done
report success 0
`;
}

export interface BackupLockRenewalProps {
  readonly cluster: ClusterSpec;
}

/**
 * The CronJob that renews the Object Lock of the current offsite backups, and its ServiceAccount, which EKS
 * Pod Identity binds to a role that may only list the offsite bucket and extend its objects' retention
 * (constructs/cloud/backup-lock-policy.ts). Its pods get their own NetworkPolicy from the platform's
 * (BACKUP_LOCK_EGRESS). A failed run, or a run that never reports success, fires a platform alert.
 */
export class BackupLockRenewal extends Construct {
  constructor(scope: Construct, id: string, props: BackupLockRenewalProps) {
    super(scope, id);
    const { cluster } = props;
    const vault = cloudSettingsOf(cluster).backupVault;
    const { namespace } = BACKUP_LOCK;
    const interval = renewalIntervalDaysOf(vault.objectLockDays);

    // Pod Identity hands the role to the pod through a token the EKS webhook projects; the API token is not needed.
    new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: BACKUP_LOCK.serviceAccount, namespace, labels },
      automountServiceAccountToken: false,
    });
    const env = {
      BUCKET: offsiteBackupBucketOf(cluster.name),
      MODE: vault.objectLockMode,
      LOCK_DAYS: String(vault.objectLockDays),
      PARALLEL: String(PARALLEL_CALLS),
      AWS_REGION: cluster.offsiteRegion,
      AWS_RETRY_MODE: 'standard',
      AWS_MAX_ATTEMPTS: '5',
      AWS_PAGER: '',
      HOME: SCRATCH,
      TMPDIR: SCRATCH,
    };
    new ApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: BACKUP_LOCK.name, namespace, labels, annotations: exemptionAnnotations([...PINNED_IMAGE_PULL, PER_FLOW_NETWORK_POLICIES]) },
      spec: {
        schedule: renewalScheduleOf(vault.objectLockDays),
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 6 * 3600,
        successfulJobsHistoryLimit: 2,
        failedJobsHistoryLimit: 2,
        jobTemplate: {
          metadata: { labels },
          spec: {
            // A failed run alerts at once; the AWS CLI retries what is transient, and an operator starts it again.
            backoffLimit: 0,
            // Done before the next run is due.
            activeDeadlineSeconds: (interval * 24 - 1) * 3600,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: BACKUP_LOCK.serviceAccount,
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                priorityClassName: PLATFORM_PRIORITY,
                securityContext: restrictedPod(RENEWAL_USER),
                containers: [
                  {
                    name: 'renew',
                    image: AWS_CLI_IMAGE,
                    imagePullPolicy: 'IfNotPresent',
                    command: ['/bin/bash', '-c', renewalScript()],
                    env: Object.entries(env).map(([name, value]) => ({ name, value })),
                    resources: {
                      requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '64Mi' },
                      limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '512Mi' },
                    },
                    securityContext: hardenedContainer({ user: RENEWAL_USER }),
                    volumeMounts: [{ name: 'scratch', mountPath: SCRATCH }],
                  },
                ],
                // The results file holds a short line per object.
                volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '256Mi' } }],
              },
            },
          },
        },
      },
    });
  }
}
