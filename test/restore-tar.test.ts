import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESTIC_IMAGE, TAR_CONTAINER, TAR_IMAGE } from '../constructs/app/backup-jobs';
import { BACKUP_CONTAINER } from '../constructs/model/backup-job';
import { podSpecOf } from '../constructs/rules/pod-template';
import { fixtureObjectsOf, tempDir } from './support';
import { requireTool } from './tool';
import upstream from './fixtures/restore-tar/upstream.json';

/*
 * Why the restore extracts with GNU tar in a container of its own (constructs/app/restic-scripts.ts): restic's
 * tar stream gives a file of 8 GiB or more its size only in a PAX record, which the restic image's busybox tar
 * does not read. The stream starts with the header real restic wrote (test/fixtures/restore-tar/upstream.json);
 * the file's body is a hole in a sparse archive, so no test writes gigabytes, and both tars list the archive,
 * seeking past the body rather than reading it.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const hasBusybox = requireTool('busybox', 'apt-get install -y busybox');
const BLOCK = 512;
const head = Buffer.from(upstream.observed.headBase64, 'base64');
const BIG = 'tmp/bigcheck/data/big.img';
const SMALL = 'tmp/bigcheck/data/small.txt';

/** A ustar header of a regular file (POSIX pax, ustar Interchange Format), its checksum computed over the block. */
function ustarHeader(name: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const put = (offset: number, length: number, text: string) => block.write(text.padEnd(length, '\0').slice(0, length), offset, 'latin1');
  const octal = (offset: number, length: number, value: number) => put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  put(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 1_700_000_000);
  put(148, 8, ' '.repeat(8));
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  const sum = block.reduce((a, b) => a + b, 0);
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/**
 * restic's header of the 8 GiB + 1 file, its body (a hole but for `starts` at its start), then a small file and the
 * end of the archive. Only a body that starts with data is given to busybox: on one that starts with zeros it sees
 * the end of the archive (and the files after it silently missing), then reads the whole hole, 8 GiB, to the end.
 */
function archive(starts: string): string {
  const file = path.join(tempDir('restore-tar'), 'stream.tar');
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, head, 0, head.length, 0);
    fs.writeSync(fd, Buffer.from(starts), 0, starts.length, head.length);
    const next = head.length + Math.ceil(upstream.observed.size / BLOCK) * BLOCK;
    const small = Buffer.from('hi\n');
    fs.writeSync(fd, ustarHeader(SMALL, small.length), 0, BLOCK, next);
    fs.writeSync(fd, small, 0, small.length, next + BLOCK);
    fs.ftruncateSync(fd, next + 2 * BLOCK + 2 * BLOCK);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** `tar -tv` of the archive: each entry's name and size, and the exit status. */
function list(tar: readonly string[], file: string): { entries: [string, number][]; status: number | null; stderr: string } {
  const result = spawnSync(tar[0], [...tar.slice(1), '-t', '-v', '-f', file], { encoding: 'utf8' });
  const entries = result.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l): [string, number] => {
      const fields = l.trim().split(/\s+/);
      return [fields[fields.length - 1], Number(fields[2])];
    });
  return { entries, status: result.status, stderr: result.stderr };
}

test('the fixture holds what restic wrote: a PAX size record, and a ustar size field of zero', () => {
  expect(head.length).toBe(3 * BLOCK);
  expect(head.subarray(156, 157).toString()).toBe('x');
  expect(head.subarray(BLOCK, BLOCK + upstream.observed.paxRecord.length).toString()).toBe(upstream.observed.paxRecord);
  expect(upstream.observed.paxRecord).toBe(`${upstream.observed.paxRecord.length} size=${upstream.observed.size}\n`);
  expect(head.subarray(2 * BLOCK, 2 * BLOCK + BIG.length).toString()).toBe(BIG);
  expect(head.subarray(2 * BLOCK + 124, 2 * BLOCK + 135).toString()).toBe(upstream.observed.ustarSizeField);
  expect(upstream.observed.size).toBeGreaterThan(8 * 2 ** 30 - 1);
});

test('GNU tar reads the PAX size: it lists the 8 GiB + 1 file at its size and the file after it', () => {
  const { entries, status, stderr } = list(['tar'], archive(''));
  expect([status, stderr]).toEqual([0, '']);
  expect(entries).toEqual([
    [BIG, upstream.observed.size],
    [SMALL, 3],
  ]);
});

(hasBusybox ? test : test.skip)(
  "busybox tar, the restic image's, takes the size from the ustar field: the file is empty, its data read as a header, and the old pipeline died",
  () => {
    const { entries, status, stderr } = list(['busybox', 'tar'], archive('not a tar header'));
    expect(entries).toEqual([[BIG, 0]]);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/invalid tar magic|corrupted/);
  },
);

test('the restore runs no tar in the restic image; it extracts with GNU tar in a Debian image, beside it', () => {
  expect(upstream.source.restic.tag).toBe(`v${RESTIC_IMAGE.split(':')[1]}`);
  expect(TAR_IMAGE).toMatch(/^docker\.io\/library\/debian:[a-z]+-\d{8}-slim$/);
  const restore = fixtureObjectsOf('prod').find((o) => o.kind === 'CronJob' && o.metadata.name === 'shop-restore')!;
  const pod = podSpecOf(restore);
  const byName = (name: string): Json => pod.containers.find((c: Json) => c.name === name);
  expect(pod.containers.map((c: Json) => c.name)).toEqual([BACKUP_CONTAINER, TAR_CONTAINER]);
  expect(byName(BACKUP_CONTAINER).image).toBe(RESTIC_IMAGE);
  expect(byName(BACKUP_CONTAINER).command.join(' ')).not.toMatch(/\btar -/);
  expect(byName(TAR_CONTAINER).image).toBe(TAR_IMAGE);
  expect(byName(TAR_CONTAINER).command.join(' ')).toMatch(/\btar -x /);
});
