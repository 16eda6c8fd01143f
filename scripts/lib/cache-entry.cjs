/**
 * Writes a cache entry whole: under a temporary name, then renamed, since processes and threads may write
 * the same entry at once and a reader must never see half of one. A cache that cannot be written costs
 * only time, so a failure is dropped.
 */
const fs = require('node:fs');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

function writeCacheEntry(entry, data) {
  const temporary = `${entry}.${process.pid}-${threadId}`;
  try {
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, entry);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

module.exports = { writeCacheEntry };
