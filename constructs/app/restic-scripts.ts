/*
 * The shell the backup jobs run in the restic image (busybox sh). Plain POSIX sh, so the backup drill
 * can run the very same text with Debian's sh and restic. Every job ends with exactly one JSON line on
 * stdout, `{"event":"webapps.backup",...}`, which the alert rules match on.
 *
 * Paths appear only as the pod's mount paths (/backup, /restic, /restore, /tmp), never computed.
 */

/** Where each job mounts what. The drill maps these to local folders, as kubelet mounts volumes. */
export const BACKUP_PATHS = {
  data: '/backup/data',
  hook: '/backup/hook',
  cache: '/restic/cache',
  secret: '/restic/secret',
  restoreTarget: '/restore/data',
  tmp: '/tmp',
} as const;
export const PASSWORD_FILE = `${BACKUP_PATHS.secret}/password`;

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
  printf '{"event":"webapps.backup","job":"%s","app":"%s","status":"%s","duration_seconds":%s%s}\\n' \\
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
const UNLOCK = 'restic unlock >&2 || fail $?\n';

/**
 * The backup. `--host` is the app, not the pod's name, so each run finds the previous snapshot as its
 * parent; with `--ignore-inode` (FUSE inode numbers and ctimes are not stable) an unchanged file is not
 * read again.
 */
export function backupScript(paths: readonly string[]): string {
  return `${PRELUDE}restic cat config >/dev/null 2>&1 || restic init >&2 || fail $?
${UNLOCK}summary=$(with_lock_retry restic backup --quiet --json --host "$APP" --ignore-inode ${paths.join(' ')}) || fail $?
snapshot=$(printf '%s\\n' "$summary" | sed -n 's/.*"snapshot_id":"\\([0-9a-f]*\\)".*/\\1/p' | tail -n 1)
field() { v=$(printf '%s\\n' "$summary" | sed -n "s/.*\\"$1\\":\\([0-9]*\\).*/\\1/p" | tail -n 1); printf '%s' "\${v:-0}"; }
report success ",\\"snapshot\\":\\"$snapshot\\",\\"bytes_added\\":$(field data_added),\\"files_new\\":$(field files_new),\\"files_changed\\":$(field files_changed)"
`;
}

export interface RetentionPolicy {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

/** Retention: forget what the policy does not keep, and prune the data only those snapshots used. */
export function retentionScript(keep: RetentionPolicy): string {
  // restic reads `--keep-x 0` as "no rule", so only the non-zero rules are passed.
  const rules = (['daily', 'weekly', 'monthly'] as const).filter((k) => keep[k] > 0).map((k) => `--keep-${k} ${keep[k]}`);
  return `${PRELUDE}${UNLOCK}with_lock_retry restic forget --quiet --host "$APP" ${rules.join(' ')} --prune >&2 || fail $?
report success ""
`;
}

/** The check: the repository's structure, and a sample of the data read back and verified. */
export function checkScript(readDataSubset: string): string {
  return `${PRELUDE}${UNLOCK}with_lock_retry restic check --read-data-subset=${readDataSubset} >&2 || fail $?
report success ""
`;
}

/**
 * The restore. `RESTORE_SNAPSHOT` (default `latest`) picks the snapshot; `RESTORE_MODE=side` (default)
 * writes below `restored/<time>-<snapshot>/` in the app's bucket, `in-place` writes over the live files,
 * `list` only prints the snapshots.
 * It streams a tar through `restic dump`, because `restic restore` writes files out of order and
 * Mountpoint accepts only sequential writes.
 */
export function restoreScript(source: string, target: string): string {
  return `${PRELUDE}${UNLOCK}if [ "\${RESTORE_MODE:-side}" = list ]; then
  restic snapshots --host "$APP" >&2 || fail $?
  report success ""
  exit 0
fi
snapshot=\${RESTORE_SNAPSHOT:-latest}
id=$(restic snapshots --json --host "$APP" "$snapshot" | sed -n 's/.*"id":"\\([0-9a-f]*\\)".*/\\1/p' | head -n 1)
[ -n "$id" ] || { echo "no snapshot \\"$snapshot\\" of $APP" >&2; fail 3; }
case "\${RESTORE_MODE:-side}" in
  side) into="${target}/restored/$(date -u +%Y%m%dT%H%M%SZ)-$(printf '%s' "$id" | cut -c1-8)" ;;
  in-place) into="${target}" ;;
  *) echo "RESTORE_MODE must be side, in-place or list, not \${RESTORE_MODE}" >&2; fail 2 ;;
esac
mkdir -p "$into" || fail $?
depth=$(printf '%s' "${source}" | tr -cd / | wc -c)
{ restic dump "$id" "${source}"; echo $? >${BACKUP_PATHS.tmp}/dump.rc; } | tar -x -m -o -C "$into" --strip-components="$depth"
untar=$?
dumped=$(cat ${BACKUP_PATHS.tmp}/dump.rc)
[ "$dumped" -eq 0 ] || fail "$dumped"
[ "$untar" -eq 0 ] || fail "$untar"
report success ",\\"snapshot\\":\\"$id\\",\\"target\\":\\"$into\\""
`;
}
