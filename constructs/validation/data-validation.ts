import { STORAGE_DRIVERS, type AppSpec } from '../model/app-spec';
import { isPinned, parseImage } from '../model/image';
import { parseQuantity } from '../model/quantity';
import { cronScheduleProblem } from './cron-schedule';
import { mountPathProblem } from './mount-paths';
import { SpecProblem } from '../model/spec-error';

/** What `restic check --read-data-subset` accepts: a percentage, `n/t`, or a size. */
const READ_DATA_SUBSET = /^((100|[1-9]?[0-9])(\.[0-9]+)?%|[1-9][0-9]*\/[1-9][0-9]*|[1-9][0-9]*[kKmMgGtT])$/;
/** Paths the backup jobs mount their own volumes at; the app's data never lives there. */
const RESERVED_PATHS = ['/backup', '/restic', '/restore'];

/** The app file's storage and backup sections: where the bucket mounts, with which driver, and how it is backed up. */
export function checkDataPath(app: AppSpec): SpecProblem[] {
  const at = { app: app.name };
  const problems: SpecProblem[] = [];
  const say = (field: string, value: unknown, message: string) => problems.push(new SpecProblem(at, field, value, message));
  const { storage, backup } = app;
  if (storage) {
    const path = storage.mountPath;
    // The path's form is checkMountPaths's (mount-paths.ts); here only what the backup jobs need of it.
    if (mountPathProblem(path) === undefined && RESERVED_PATHS.some((r) => path === r || path.startsWith(`${r}/`)))
      say('storage.mountPath', path, `must not lie under ${RESERVED_PATHS.join(', ')}: the backup jobs mount there`);
    if (storage.driver !== undefined && !STORAGE_DRIVERS.includes(storage.driver))
      say('storage.driver', storage.driver, `must be one of ${STORAGE_DRIVERS.join(', ')}`);
    if (storage.cacheSize !== undefined) {
      const bytes = parseQuantity(storage.cacheSize);
      if (bytes === undefined || bytes < 2 ** 20) say('storage.cacheSize', storage.cacheSize, 'must be a size of at least 1Mi, e.g. "2Gi"');
      if (storage.driver === 'geesefs') say('storage.cacheSize', storage.cacheSize, 'is a Mountpoint disk cache; GeeseFS caches in memory on its own');
    }
  }
  if (!backup) return problems;
  // Every app is backed up, with storage or without (its bucket, and what a pre-backup hook dumps).
  for (const field of ['schedule', 'retentionSchedule', 'checkSchedule'] as const) {
    const value = backup[field];
    const problem = value === undefined ? undefined : cronScheduleProblem(value);
    if (problem) say(`backup.${field}`, value, problem);
  }
  const retention = backup.retention ?? {};
  for (const field of ['daily', 'weekly', 'monthly'] as const) {
    const value = retention[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      say(`backup.retention.${field}`, value, 'must be a whole number of snapshots, 0 or more');
  }
  if (retention.daily === 0 && retention.weekly === 0 && retention.monthly === 0) {
    say('backup.retention', retention, 'keeps no snapshot at all: forget would delete every backup');
  }
  if (backup.checkReadDataSubset !== undefined && !READ_DATA_SUBSET.test(backup.checkReadDataSubset)) {
    say('backup.checkReadDataSubset', backup.checkReadDataSubset, 'must be a percentage ("10%"), a part ("1/7") or a size ("50G")');
  }
  if (backup.preBackup) {
    const image = parseImage(backup.preBackup.image);
    if (!image || !isPinned(image))
      say('backup.preBackup.image', backup.preBackup.image, 'must be a valid image pinned to a tag other than "latest" or to a digest');
    if (backup.preBackup.command.length === 0) say('backup.preBackup.command', backup.preBackup.command, 'must not be empty');
  }
  return problems;
}
