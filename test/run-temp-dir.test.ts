import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { removeRunTempDir, RUN_TEMP_PREFIX, useRunTempDir } from './run-temp-dir';

test("a test's temp folders are made in the run's own folder", () => {
  expect(path.basename(os.tmpdir()).startsWith(RUN_TEMP_PREFIX)).toBe(true);
  expect(path.basename(path.dirname(fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'))))).toBe(path.basename(os.tmpdir()));
});

test('the run folder, and all made in it, is removed at the end of the run', () => {
  const env = { ...process.env };
  try {
    useRunTempDir();
    // Jest gives each test file a copy of process.env, which os.tmpdir() does not read: TMPDIR is read here.
    const dir = process.env.TMPDIR!;
    expect(path.dirname(dir)).toBe(os.tmpdir());
    fs.mkdirSync(path.join(fs.mkdtempSync(path.join(dir, 'left-')), 'deep'));
    removeRunTempDir();
    expect(fs.existsSync(dir)).toBe(false);
  } finally {
    process.env = env;
  }
});
