/*
 * The shell the backup jobs run in the restic image (busybox sh), and the restore's extraction in the tar
 * image (Debian's sh and GNU tar). Plain POSIX sh, so the backup drill can run the very same text with
 * Debian's sh and restic. Every job ends with exactly one JSON line on
 * stdout, `{"webapps_report":{"event":"webapps.backup",...}}` (REPORT_KEY, model/log-contract.ts: all its
 * fields below one key the apps leave alone), which the alert rules match on; its `status` is `success`,
 * `failure` (the job fails), or for a backup `partial` (a snapshot without some files; the job succeeds).
 *
 * Paths appear only as the pod's mount paths (/backup, /restic, /restore, /tmp), never computed.
 */

import { BACKUP_EVENT, REPORT_KEY } from '../model/log-contract';

/** Where each job mounts what. The drill maps these to local folders, as kubelet mounts volumes. */
export const BACKUP_PATHS = {
  data: '/backup/data',
  hook: '/backup/hook',
  cache: '/restic/cache',
  secret: '/restic/secret',
  restoreTarget: '/restore/data',
  tmp: '/tmp',
  /** restic's own temporary files, its packs before upload above all (TMPDIR, backup-jobs.ts). */
  resticTmp: '/restic/tmp',
  /** Where the restore's two containers meet: the FIFO the dump streams through, and the files of the handoff. */
  handoff: '/restore/handoff',
} as const;
export const PASSWORD_FILE = `${BACKUP_PATHS.secret}/password`;
/** The password a key rotation adds (docs/rotate-a-secret.md); empty in normal times. */
export const NEXT_PASSWORD_FILE = `${BACKUP_PATHS.secret}/nextPassword`;

/**
 * How long a job waits, at most, for another job's repository lock (prune and check hold it exclusively):
 * 12 tries 5 minutes apart. The pause can be shortened through the env var LOCK_WAIT_SECONDS, which no
 * CronJob sets: the backup drill does, to see a lock go stale within seconds.
 */
const LOCK_WAIT_TRIES = 12;
const LOCK_WAIT_SECONDS = 300;

/*
 * Every restic call gets the repository password by `--password-file` (a global flag in restic 0.18.1,
 * cmd/restic/global.go). restic would read RESTIC_PASSWORD_FILE as well, but an env var named like a
 * password trips the scanners' secret-env checks however harmless its value, so the path is in the script.
 */
const PRELUDE = `set -u
restic() { command restic --password-file ${PASSWORD_FILE} "$@"; }
started=$(date +%s)
report() {
  printf '{"${REPORT_KEY}":{"event":"${BACKUP_EVENT}","job":"%s","app":"%s","status":"%s","duration_seconds":%s%s}}\\n' \\
    "$JOB" "$APP" "$1" "$(( $(date +%s) - started ))" "$2"
}
fail() { report failure ",\\"exit_code\\":$1"; exit "$1"; }
# Runs restic; while another job holds the repository lock, waits, removes the locks that went stale
# meanwhile, and tries again.
with_lock_retry() {
  tries=0
  while :; do
    if "$@" 2>${BACKUP_PATHS.tmp}/restic.err; then cat ${BACKUP_PATHS.tmp}/restic.err >&2; return 0; else rc=$?; fi
    cat ${BACKUP_PATHS.tmp}/restic.err >&2
    grep -q 'already locked' ${BACKUP_PATHS.tmp}/restic.err || return $rc
    tries=$((tries + 1))
    [ "$tries" -lt ${LOCK_WAIT_TRIES} ] || return $rc
    sleep "\${LOCK_WAIT_SECONDS:-${LOCK_WAIT_SECONDS}}"
    restic unlock >&2 || return $?
  done
}
`;
/*
 * Removes only stale locks, never a live one. restic v0.18.1 (internal/restic/lock.go, Stale) counts a lock
 * of another host, i.e. of another pod, as stale only 30 minutes after it was written or last refreshed, and
 * an exclusive lock (prune, and check: cmd/restic/cmd_check.go) is refused while any other lock is there,
 * stale or not (checkForOtherLocks). So a lock a killed job left is gone only if unlock runs again after it
 * aged: with_lock_retry unlocks before every retry, not only here at the start.
 */
const UNLOCK_INLINE = 'restic unlock >&2 || fail $?';
const UNLOCK = `${UNLOCK_INLINE}\n`;

/**
 * The exit code of `restic backup` when it could not read some files but saved the snapshot of the rest
 * (restic v0.18.1: doc/075_scripting.rst, "Exit codes"; cmd/restic/cmd_backup.go, ErrInvalidSourceData, returned
 * after the summary is printed; the same in 0.14.0). Routine on GeeseFS, where a rename is a copy and a delete,
 * so a file the backup listed can be gone when it comes to read it.
 */
export const RESTIC_PARTIAL_BACKUP = 3;

/**
 * The backup. `--host` is the app, not the pod's name, so each run finds the previous snapshot as its
 * parent; with `--ignore-inode` (FUSE inode numbers and ctimes are not stable) an unchanged file is not
 * read again. A snapshot saved without some files is no failure: it reports `partial`, with the snapshot
 * and how many files restic could not read (its JSON errors on stderr, above the report, name them), and
 * the job succeeds, so no retry backs the whole bucket up again and the failure alert stays quiet; a
 * warning of its own watches it (alerts/app-rules.ts). A one-off run with `KEY_ROTATION=add` backs nothing
 * up: it adds the store entry's `nextPassword` as a key of the repository, the first step of a password rotation.
 *
 * A new app's first run finds no repository: `restic cat config` fails, and `restic init` makes it. Init goes on
 * only where S3 answers 404 for the missing `config`, which it does only to a role that may list that key; the
 * backup role may (REPOSITORY_LISTINGS in cloud/backup-job-identities.ts has the sources, and the cross-check
 * holds the role to it). Any other failure of `cat config` (a wrong password, a refused read) makes init refuse
 * too, as it finds the config or fails the same way, so the job fails and a repository is never made twice.
 */
export function backupScript(paths: readonly string[]): string {
  return `${PRELUDE}${ADD_NEXT_KEY}restic cat config >/dev/null 2>&1 || restic init >&2 || fail $?
${UNLOCK}summary=$(with_lock_retry restic backup --quiet --json --host "$APP" --ignore-inode ${paths.join(' ')}); rc=$?
snapshot=$(printf '%s\\n' "$summary" | sed -n 's/.*"snapshot_id":"\\([0-9a-f]*\\)".*/\\1/p' | tail -n 1)
if [ "$rc" -eq ${RESTIC_PARTIAL_BACKUP} ] && [ -n "$snapshot" ]; then
  status=partial
  partial=",\\"exit_code\\":$rc,\\"unreadable\\":$(grep '"message_type":"error"' ${BACKUP_PATHS.tmp}/restic.err | grep -c '"during":"archival"')"
else
  [ "$rc" -eq 0 ] || fail "$rc"
  status=success
  partial=""
fi
field() { v=$(printf '%s\\n' "$summary" | sed -n "s/.*\\"$1\\":\\([0-9]*\\).*/\\1/p" | tail -n 1); printf '%s' "\${v:-0}"; }
report "$status" ",\\"snapshot\\":\\"$snapshot\\",\\"bytes_added\\":$(field data_added),\\"files_new\\":$(field files_new),\\"files_changed\\":$(field files_changed)$partial"
`;
}

/**
 * The `job` of a key rotation's report: not the job it runs in, so that adding a key is no successful
 * backup to the alert rules, and its failure no failed scheduled job (alerts/app-rules.ts).
 */
export const KEY_ROTATION_JOB = 'key-rotation';

/*
 * Key rotation (docs/rotate-a-secret.md). restic keeps one master key and wraps it once per password, in
 * keys/: the backup role may add there, and only the retention role may delete (cloud/backup-job-roles.ts).
 * Adding is idempotent: a next password that opens the repository already is not added again. A run with
 * KEY_ROTATION set does only that and ends; any other value fails, so a typo never runs a plain job.
 */
const ADD_NEXT_KEY = `if [ -n "\${KEY_ROTATION:-}" ]; then
  JOB=${KEY_ROTATION_JOB}
  [ "$KEY_ROTATION" = add ] || { echo "KEY_ROTATION of the backup job must be add, not $KEY_ROTATION" >&2; fail 2; }
  [ -s ${NEXT_PASSWORD_FILE} ] || { echo "the store entry has no nextPassword: add it, wait for the Secret, then run this job" >&2; fail 2; }
  ${UNLOCK_INLINE}
  if ! command restic --password-file ${NEXT_PASSWORD_FILE} cat config >/dev/null 2>&1; then
    with_lock_retry restic key add --host "$APP" --user rotation --new-password-file ${NEXT_PASSWORD_FILE} >&2 || fail $?
  fi
  command restic --password-file ${NEXT_PASSWORD_FILE} cat config >/dev/null || fail $?
  report success ",\\"key_rotation\\":\\"added\\""
  exit 0
fi
`;

/**
 * The last step of a rotation, on the retention job (`KEY_ROTATION=remove-old`): removes every key but the
 * one the password file opens. Refused while the Secret still holds a nextPassword: the password file must
 * be the new one first, or the old password would be the one kept.
 */
const REMOVE_OLD_KEYS = `if [ -n "\${KEY_ROTATION:-}" ]; then
  JOB=${KEY_ROTATION_JOB}
  [ "$KEY_ROTATION" = remove-old ] || { echo "KEY_ROTATION of the retention job must be remove-old, not $KEY_ROTATION" >&2; fail 2; }
  [ ! -s ${NEXT_PASSWORD_FILE} ] || { echo "the store entry still has nextPassword: make password the new one and drop nextPassword, wait for the Secret, then run this job" >&2; fail 2; }
  ${UNLOCK_INLINE}
  keys=$(restic key list --json) || fail $?
  removed=0
  for id in $(printf '%s\\n' "$keys" | tr '{' '\\n' | grep '"current":false' | sed -n 's/.*"id":"\\([0-9a-f]*\\)".*/\\1/p'); do
    with_lock_retry restic key remove "$id" >&2 || fail $?
    removed=$((removed + 1))
  done
  report success ",\\"key_rotation\\":\\"removed\\",\\"keys_removed\\":$removed"
  exit 0
fi
`;

export interface RetentionPolicy {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

/** Retention: forget what the policy does not keep, and prune the data only those snapshots used. */
export function retentionScript(keep: RetentionPolicy): string {
  // restic reads `--keep-x 0` as "no rule", so only the non-zero rules are passed.
  const rules = (['daily', 'weekly', 'monthly'] as const).filter((k) => keep[k] > 0).map((k) => `--keep-${k} ${keep[k]}`);
  return `${PRELUDE}${REMOVE_OLD_KEYS}${UNLOCK}with_lock_retry restic forget --quiet --host "$APP" ${rules.join(' ')} --prune >&2 || fail $?
report success ""
`;
}

/** The check: the repository's structure, and a sample of the data read back and verified. */
export function checkScript(readDataSubset: string): string {
  return `${PRELUDE}${UNLOCK}with_lock_retry restic check --read-data-subset=${readDataSubset} >&2 || fail $?
report success ""
`;
}

/*
 * The restore runs in two containers of one pod, which meet in an emptyDir (BACKUP_PATHS.handoff): `restic dump`
 * in the restic container writes a tar stream into a FIFO, and GNU tar in the tar container reads it and writes
 * the files, each once, start to end, as Mountpoint requires (`restic restore` writes out of order). Not the
 * restic image's tar: it is busybox's, which reads no PAX `size` record, and restic's tar stream gives every file
 * of 8 GiB or more its size only there (test/fixtures/upstream/restore-tar.json has the sources).
 *
 * The handoff, each file written whole (mv) by one side:
 * - `stream`, the FIFO, made by the tar container: the restic container waits for it, never writes a plain file;
 * - `plan`, by the restic container: the folder to extract into and the components to strip, or `none`;
 * - `opened`, by the tar container once both ends of the FIFO are open;
 * - `dump.rc` and `tar.rc`: each side's exit status, which the other reads.
 * No side waits on the other for ever: each wait ends after HANDOFF_WAIT_SECONDS, or at once when the other side
 * has ended. A tar that dies mid-stream gives restic EPIPE, and the job fails at once; a restic that dies leaves
 * tar an EOF and no `dump.rc`, and the tar container fails. Only a container killed in the instant between the
 * plan and its open of the FIFO would leave the other blocked in that open, until the job's deadline. The report comes only from the restic container, and says success only when both
 * the dump and the extraction did.
 */
const HANDOFF = {
  stream: `${BACKUP_PATHS.handoff}/stream`,
  plan: `${BACKUP_PATHS.handoff}/plan`,
  opened: `${BACKUP_PATHS.handoff}/opened`,
  dumpRc: `${BACKUP_PATHS.handoff}/dump.rc`,
  tarRc: `${BACKUP_PATHS.handoff}/tar.rc`,
} as const;
/** Long enough for the other container's image to be pulled and its bucket mounted; the drill shortens it (env HANDOFF_WAIT_SECONDS). */
const HANDOFF_WAIT_SECONDS = 1800;
/** `wait_for <test> <path> [<gone>]`: polls until `[ <test> <path> ]`; 1 after HANDOFF_WAIT_SECONDS, or at once once `<gone>` exists. */
const WAIT_FOR = `wait_for() {
  waited=0
  until [ "$1" "$2" ]; do
    if [ -e "\${3:-/nonexistent}" ] || [ "$waited" -ge "\${HANDOFF_WAIT_SECONDS:-${HANDOFF_WAIT_SECONDS}}" ]; then return 1; fi
    sleep 1
    waited=$((waited + 1))
  done
}
put() { printf '%s\\n' "$2" >"$1.tmp" && mv "$1.tmp" "$1"; }
`;

/**
 * The restore's restic container. `RESTORE_SNAPSHOT` (default `latest`) picks the snapshot; `RESTORE_MODE=side`
 * (default) writes below `restored/<time>-<snapshot>/` in the app's bucket, `in-place` writes over the live files,
 * `list` only prints the snapshots. `RESTORE_PATH` picks which of `sources` (default the first) to restore; any
 * but the first only beside the live files, e.g. what a pre-backup hook wrote.
 */
export function restoreScript(sources: readonly string[], target: string): string {
  const [main, ...others] = sources;
  return `${PRELUDE}${WAIT_FOR}# Whatever ends this script before the plan, the tar container learns there is nothing to extract.
trap '[ -e ${HANDOFF.plan} ] || put ${HANDOFF.plan} none' EXIT
${UNLOCK}if [ "\${RESTORE_MODE:-side}" = list ]; then
  restic snapshots --host "$APP" >&2 || fail $?
  report success ""
  exit 0
fi
from=${main}
[ -z "\${RESTORE_PATH:-}" ] || from=$RESTORE_PATH
case "$from" in
  ${main}) ;;
${others
  .map(
    (o) => `  ${o}) [ "\${RESTORE_MODE:-side}" = side ] || { echo "RESTORE_PATH=$from restores beside the live files only: RESTORE_MODE=side" >&2; fail 2; } ;;
`,
  )
  .join('')}  *) echo "RESTORE_PATH must be one of ${sources.join(' ')}, not $from" >&2; fail 2 ;;
esac
snapshot=\${RESTORE_SNAPSHOT:-latest}
id=$(restic snapshots --json --host "$APP" "$snapshot" | sed -n 's/.*"id":"\\([0-9a-f]*\\)".*/\\1/p' | head -n 1)
[ -n "$id" ] || { echo "no snapshot \\"$snapshot\\" of $APP" >&2; fail 3; }
case "\${RESTORE_MODE:-side}" in
  side) into="${target}/restored/$(date -u +%Y%m%dT%H%M%SZ)-$(printf '%s' "$id" | cut -c1-8)" ;;
  in-place) into="${target}" ;;
  *) echo "RESTORE_MODE must be side, in-place or list, not \${RESTORE_MODE}" >&2; fail 2 ;;
esac
wait_for -p ${HANDOFF.stream} ${HANDOFF.tarRc} || { echo "the tar container made no ${HANDOFF.stream}" >&2; fail 4; }
put ${HANDOFF.plan} "$(printf '%s\\n%s' "$into" "$(printf '%s' "$from" | tr -cd / | wc -c)")"
restic dump "$id" "$from" >${HANDOFF.stream} &
dumper=$!
# The FIFO's open blocks until tar opens it too: a tar container that died before never would.
wait_for -e ${HANDOFF.opened} ${HANDOFF.tarRc} || { echo "the tar container did not open ${HANDOFF.stream}" >&2; kill "$dumper"; fail 4; }
wait "$dumper"
dumped=$?
put ${HANDOFF.dumpRc} "$dumped"
# A dump that failed fails the job at once: tar may have died without a word (EPIPE), and has nothing left to do.
[ "$dumped" -eq 0 ] || { echo "restic dump exited $dumped; tar exited $(cat ${HANDOFF.tarRc} 2>/dev/null || echo '(no status yet)')" >&2; fail "$dumped"; }
wait_for -e ${HANDOFF.tarRc} || { echo "the tar container did not end" >&2; fail 4; }
untar=$(cat ${HANDOFF.tarRc})
[ "$untar" -eq 0 ] || { echo "tar exited $untar" >&2; fail "$untar"; }
report success ",\\"snapshot\\":\\"$id\\",\\"target\\":\\"$into\\""
`;
}

/**
 * The restore's tar container: GNU tar extracts the stream the restic container dumps (the handoff above). It
 * prints no report; it fails when tar did, or when the stream ended without restic's dump succeeding.
 */
export function extractScript(): string {
  return `set -u
${WAIT_FOR}rc=1
trap 'put ${HANDOFF.tarRc} "$rc"' EXIT
mkfifo ${HANDOFF.stream} || exit "$rc"
wait_for -e ${HANDOFF.plan} || { echo "the restic container wrote no plan" >&2; exit "$rc"; }
into=$(sed -n 1p ${HANDOFF.plan})
depth=$(sed -n 2p ${HANDOFF.plan})
if [ "$into" = none ]; then rc=0; exit "$rc"; fi
exec 3<${HANDOFF.stream}
put ${HANDOFF.opened} yes
mkdir -p "$into" || { rc=$?; exit "$rc"; }
tar -x -m -o -f - -C "$into" --strip-components="$depth" <&3
rc=$?
exec 3<&-
put ${HANDOFF.tarRc} "$rc"
wait_for -e ${HANDOFF.dumpRc} || { echo "the stream ended, but restic never said how its dump ended" >&2; [ "$rc" -ne 0 ] || rc=1; exit "$rc"; }
dumped=$(cat ${HANDOFF.dumpRc})
[ "$dumped" -eq 0 ] || { echo "restic dump exited $dumped: the stream was not whole" >&2; [ "$rc" -ne 0 ] || rc=1; }
exit "$rc"
`;
}
