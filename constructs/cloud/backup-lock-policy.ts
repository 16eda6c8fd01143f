import type { PolicyStatement } from './iam-policy';
import { retentionCapDaysOf } from '../model/backup-lock';

/*
 * What the offsite lock renewal (constructs/platform/backup-lock-renewal.ts) may do, as data: the rules
 * (constructs/rules/cloud/backup-lock-rules.ts) read the same names on the thread that builds the charts.
 *
 * What AWS documents, and what follows for the role:
 * - Extending a lock needs nothing but s3:PutObjectRetention, in either mode: "You can extend a retention
 *   period ... submit a new lock request for the object version with a Retain Until Date that is later than
 *   the one currently configured ... Any user with permissions to place an object retention period can extend
 *   a retention period for an object version locked in either mode" (S3 User Guide, "How S3 Object Lock
 *   works", Retention periods: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html).
 *   Only shortening or removing a GOVERNANCE lock takes s3:BypassGovernanceRetention and the
 *   x-amz-bypass-governance-retention header ("Bypassing governance mode", object-lock-managing.html); a
 *   COMPLIANCE lock's mode cannot change and its period cannot shorten. So the role has no bypass, and the job
 *   passes the bucket's own mode, which the policy also pins (s3:object-lock-mode).
 * - s3:object-lock-remaining-retention-days is the number of days a request would leave the object locked;
 *   the User Guide caps retention with it ("Setting limits on retention periods", object-lock-managing.html,
 *   a Deny with NumericGreaterThan). Here it caps an Allow with NumericLessThanEquals, so the role cannot lock
 *   anything for longer than the lock plus a day, however it is misused: no cost bomb of years of storage.
 *   The Service Authorization Reference lists it, with s3:object-lock-mode, for PutObjectRetention
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 * - Placing a lock changes metadata only: "Updating an object version's metadata, as occurs when you place or
 *   alter an Object Lock, doesn't overwrite the object version or reset its Last-Modified timestamp"
 *   (object-lock-overview.html). Nothing is read or written through the bucket's KMS key, so the role has no
 *   KMS right and the offsite key policy names it nowhere.
 * - Listing is s3:ListBucket on the bucket (ListObjectsV2 returns the current versions that are not delete
 *   markers); no GetObject, no ListBucketVersions, no delete.
 */

/** What the role may do, and all it may do. */
export const BACKUP_LOCK_ACTIONS = { list: 's3:ListBucket', renew: 's3:PutObjectRetention' } as const;
/** The condition key that caps the days of retention a request may set. */
export const REMAINING_RETENTION_DAYS = 's3:object-lock-remaining-retention-days';
export const OBJECT_LOCK_MODE_KEY = 's3:object-lock-mode';

export interface BackupLockPolicyProps {
  /** The offsite bucket's ARN, literal (`arn:aws:s3:::<name>`): the name is derived, and the rules read it so. */
  readonly offsiteBucketArn: string;
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly objectLockDays: number;
}

/** List the offsite bucket; set the retention of its objects, in the bucket's mode, for at most the lock plus a day. */
export const backupLockStatements = (props: BackupLockPolicyProps): PolicyStatement[] => [
  { Sid: 'ListOffsiteBackups', Effect: 'Allow', Action: BACKUP_LOCK_ACTIONS.list, Resource: props.offsiteBucketArn },
  {
    Sid: 'RenewOffsiteLocks',
    Effect: 'Allow',
    Action: BACKUP_LOCK_ACTIONS.renew,
    Resource: `${props.offsiteBucketArn}/*`,
    Condition: {
      NumericLessThanEquals: { [REMAINING_RETENTION_DAYS]: String(retentionCapDaysOf(props.objectLockDays)) },
      StringEquals: { [OBJECT_LOCK_MODE_KEY]: props.objectLockMode },
    },
  },
];
