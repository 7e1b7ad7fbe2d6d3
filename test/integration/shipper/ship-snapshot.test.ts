// shipper/ship-snapshot.sh end to end: the real script (under dash when installed) against real SQLite
// files and moto S3, with the AWS CLI pointed at moto through AWS_ENDPOINT_URL.
//
// AWS CLI v1 and moto: `aws --endpoint-url http://127.0.0.1:PORT s3 cp` already uses path-style
// addressing (the CLI forces path style whenever --endpoint-url is given, checked with --debug:
// ForcePathStyle True), so no AWS_CONFIG_FILE with `addressing_style = path` is needed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3SnapshotSource } from '../../../lambdas/adapters/s3-snapshot-source.ts';
import { perFileName } from '../support/aws.ts';
import {
  createTraceDb,
  dfPercent,
  EVENTS_DDL,
  getShipped,
  isEmptyDir,
  listKeys,
  posixShell,
  runShipper,
  s3Client,
  SHIPPER_SCRIPT,
  sqlite,
  startWriter,
  tempDir,
  type ShipperRun,
  type Writer,
} from '../support/shipper-harness.ts';

const BUCKET = perFileName('metis-snapshots-it');
const s3 = s3Client();
const dirs: string[] = [];
const writers: Writer[] = [];

function dir(label: string): string {
  const path = tempDir(label);
  dirs.push(path);
  return path;
}

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.stop()));
});

afterAll(() => {
  for (const path of dirs) rmSync(path, { recursive: true, force: true });
});

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const METADATA_VALUE = /^[\x20-\x7e]{1,200}$/;

/** Parses the one stdout line of a successful run. */
function shippedLine(run: ShipperRun): {
  target: string;
  bytes: number;
  integrity: string;
  takenAt: string;
  source: string;
  trim: string;
  window: string;
} {
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const match =
    /^shipped (s3:\/\/\S+) bytes=(\d+) integrity=(ok|"[^"]*") taken-at=(\S+) source=(sqlite|raw) trim=(.*) window=(\d+h|all)$/.exec(
      lines[0]!,
    );
  expect(match, `unexpected log line: ${lines[0]}`).not.toBeNull();
  const [, target, bytes, integrity, takenAt, source, trim, window] = match!;
  return {
    window: window!,
    target: target!,
    bytes: Number(bytes),
    integrity: integrity!.replace(/^"|"$/g, ''),
    takenAt: takenAt!,
    source: source!,
    trim: trim!,
  };
}

function expectTakenAtWithin(takenAt: string | undefined, run: ShipperRun): void {
  expect(takenAt).toMatch(ISO_SECONDS);
  const ms = Date.parse(takenAt!);
  // taken-at has whole seconds: compare against the run's window floored to the second.
  expect(ms).toBeGreaterThanOrEqual(Math.floor(run.startedAt / 1000) * 1000);
  expect(ms).toBeLessThanOrEqual(run.endedAt);
}

/** Writes the gunzipped object to disk so the sqlite3 CLI can inspect it. */
function restore(body: Buffer, into: string): string {
  const path = join(into, 'restored.db');
  writeFileSync(path, body);
  return path;
}

describe('ship-snapshot.sh under an active writer', () => {
  it('ships a consistent, checked copy while another process keeps inserting in WAL mode', async () => {
    const work = dir('active');
    const scratch = dir('active-work');
    const db = join(work, 'metis.db');
    // ~60 MB in 512-byte pages: about 1 200 of the 100-page steps the CLI's .backup copies at a time. A
    // plain .backup restarts whenever the writer commits between two steps and, measured here, does
    // not finish until the writer stops; the script's single read transaction copies it in < 1 s.
    createTraceDb(db, 120_000, { pageSize: 512 });
    const writer = startWriter(db, work, 20);
    writers.push(writer);
    // The writer is really writing before the shipper starts.
    const deadline = Date.now() + 10_000;
    while (Number(sqlite(db, "SELECT count(*) FROM events WHERE json_extract(payload, '$.writer') IS NOT NULL;")) < 20) {
      expect(Date.now(), 'writer never committed a row').toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const rowsBefore = Number(sqlite(db, 'SELECT count(*) FROM events;'));

    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'active', WORK_DIR: scratch });

    // The writer outlived the run: the copy was taken under concurrent commits, not after them.
    expect(writer.running()).toBe(true);
    await writer.stop();
    const rowsAtEnd = Number(sqlite(db, 'SELECT count(*) FROM events;'));

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const line = shippedLine(run);
    expect(line).toMatchObject({
      target: `s3://${BUCKET}/active/latest.db.gz`,
      integrity: 'ok',
      source: 'sqlite',
      trim: 'off',
      window: '26h',
    });
    expect(await listKeys(s3, BUCKET, 'active/')).toEqual(['active/latest.db.gz']);

    const shipped = await getShipped(s3, BUCKET, 'active/latest.db.gz');
    expect(line.bytes).toBe(shipped.gzipped.length);
    expect(shipped.contentType).toBe('application/gzip');
    const copy = restore(shipped.body, dir('active-restored'));
    expect(sqlite(copy, 'PRAGMA quick_check;')).toBe('ok');
    // Self-contained: the copy is in rollback-journal mode, so reading it needs no -wal/-shm.
    expect(sqlite(copy, 'PRAGMA journal_mode;')).toBe('delete');
    const shippedRows = Number(sqlite(copy, 'SELECT count(*) FROM events;'));
    expect(shippedRows).toBeGreaterThanOrEqual(rowsBefore);
    expect(shippedRows).toBeLessThanOrEqual(rowsAtEnd);
    // Rows still in the source's -wal at backup time are in the copy (the writer's inserts).
    expect(Number(sqlite(copy, "SELECT count(*) FROM events WHERE json_extract(payload, '$.writer') IS NOT NULL;"))).toBeGreaterThanOrEqual(
      20,
    );

    const meta = shipped.metadata;
    expect(Object.keys(meta).sort()).toEqual([
      'integrity',
      'quick-check-at',
      'snapshot-bytes',
      'source-bytes',
      'taken-at',
      'volume-used-pct',
      'wal-bytes',
      'window-from',
      'window-hours',
    ]);
    for (const value of Object.values(meta)) expect(value).toMatch(METADATA_VALUE);
    expect(meta.integrity).toBe('ok');
    expectTakenAtWithin(meta['taken-at'], run);
    expect(meta['taken-at']).toBe(line.takenAt);
    expect(meta['volume-used-pct']).toMatch(/^\d{1,3}$/);
    const pct = Number(meta['volume-used-pct']);
    expect(pct).toBeGreaterThanOrEqual(0);
    expect(pct).toBeLessThanOrEqual(100);
    expect(Math.abs(pct - dfPercent(work))).toBeLessThanOrEqual(1);
    expect(meta['source-bytes']).toMatch(/^\d+$/);
    expect(Number(meta['source-bytes'])).toBeGreaterThan(50_000_000);
    expect(Number(meta['source-bytes'])).toBeLessThanOrEqual(statSync(db).size);
    expect(meta['wal-bytes']).toMatch(/^\d+$/);
    expect(Number(meta['wal-bytes'])).toBeGreaterThanOrEqual(0);
    // The trace-check Lambda's reader takes every value (it drops the ones that do not parse).
    const fetched = await new S3SnapshotSource({ client: s3, bucket: BUCKET, key: 'active/latest.db.gz' }).fetch();
    if (fetched.kind !== 'object') throw new Error(`S3SnapshotSource: ${fetched.kind}`);
    // The bounded snapshot (default WINDOW_HOURS=26): the quick_check of the source ran this time.
    expect(meta['quick-check-at']).toBe(meta['taken-at']);
    expect(meta['window-hours']).toBe('26');
    expect(Date.parse(meta['taken-at']!) - Date.parse(meta['window-from']!)).toBe(26 * 3_600_000);
    expect(Number(meta['snapshot-bytes'])).toBe(shipped.body.length);
    expect(fetched.meta).toEqual({
      takenAt: meta['taken-at'],
      volumeUsedPct: pct,
      sourceBytes: Number(meta['source-bytes']),
      walBytes: Number(meta['wal-bytes']),
      integrity: 'ok',
      snapshotBytes: shipped.body.length,
      quickCheckAt: meta['taken-at'],
      windowHours: 26,
      windowFrom: meta['window-from'],
    });
    // The scratch directory was removed by the script's trap.
    // Only the cached quick_check result of the source stays (QUICK_CHECK_STATE's default).
    expect(readdirSync(scratch)).toEqual(['metis-snapshot.quick-check']);
  });
});

describe('ship-snapshot.sh TRIM_HOURS', () => {
  const HOUR = 3_600_000;
  const isoZ = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const spaced = (ms: number): string => isoZ(ms).replace('T', ' ').replace('Z', '');
  /** The same instant as wall-clock time at a fixed UTC offset, e.g. 2026-11-20T17:00:00+05:00. */
  const atOffset = (ms: number, hours: number): string => {
    const wall = new Date(ms + hours * HOUR).toISOString().slice(0, 19);
    const sign = hours < 0 ? '-' : '+';
    return `${wall}${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`;
  };

  it('keeps only the last N hours in the copy, comparing instants, and never touches the source', async () => {
    const work = dir('trim');
    const scratch = dir('trim-work');
    const db = join(work, 'metis.db');
    const now = Date.now();
    const rows: Array<[name: string, timestamp: string, keep: boolean]> = [
      ['iso-recent', isoZ(now - 20 * 60_000), true],
      // Space-separated: as text it sorts before any 'T' timestamp of the same day.
      ['space-recent', spaced(now - 20 * 60_000), true],
      ['fraction-offset-recent', isoZ(now - 30 * 60_000).replace('Z', '.123456+00:00'), true],
      // 20 minutes ago, written in UTC-5: as text it looks 5 hours old.
      ['minus5-recent', atOffset(now - 20 * 60_000, -5), true],
      ['iso-old', isoZ(now - 3 * HOUR), false],
      ['space-old', spaced(now - 3 * HOUR), false],
      // 3 hours ago, written in UTC+5: as text it looks 2 hours in the future.
      ['plus5-old', atOffset(now - 3 * HOUR, 5), false],
      ['fraction-old', isoZ(now - 25 * HOUR).replace('Z', '.5Z'), false],
      // Documented: a timestamp that does not parse is kept (julianday() is NULL, never "older").
      ['unparseable', 'not-a-time', true],
    ];
    sqlite(
      db,
      'PRAGMA journal_mode=WAL;',
      `${EVENTS_DDL};`,
      ...rows.map(
        ([name, timestamp]) => `INSERT INTO events VALUES ('llm.call_completed', '${timestamp}', json_object('name', '${name}'));`,
      ),
      // Bulk of old rows, so the trim frees pages and VACUUM has something to reclaim.
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
       INSERT INTO events SELECT 'llm.call_completed', '${isoZ(now - 48 * HOUR)}', json_object('name', 'bulk-old', 'pad', hex(randomblob(100))) FROM n;`,
    );
    const sourceHash = createHash('sha256').update(readFileSync(db)).digest('hex');
    const sourceRows = sqlite(db, 'SELECT count(*) FROM events;');

    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'trim', TRIM_HOURS: '1', WORK_DIR: scratch });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const deleted = rows.filter(([, , keep]) => !keep).length + 3000;
    expect(shippedLine(run)).toMatchObject({ integrity: 'ok', source: 'sqlite', trim: `1h deleted=${deleted}` });

    const shipped = await getShipped(s3, BUCKET, 'trim/latest.db.gz');
    const copy = restore(shipped.body, dir('trim-restored'));
    const kept = sqlite(copy, "SELECT json_extract(payload, '$.name') FROM events ORDER BY rowid;").split('\n');
    expect(kept).toEqual(rows.filter(([, , keep]) => keep).map(([name]) => name));
    expect(sqlite(copy, 'PRAGMA quick_check;')).toBe('ok');
    // VACUUM ran: no free pages left behind by the DELETE.
    expect(sqlite(copy, 'PRAGMA freelist_count;')).toBe('0');
    expect(shipped.body.length).toBeLessThan(statSync(db).size);
    expect(shipped.metadata.integrity).toBe('ok');

    // The source is byte-for-byte what it was, every row still there.
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(sourceHash);
    expect(sqlite(db, 'SELECT count(*) FROM events;')).toBe(sourceRows);
    expect(isEmptyDir(scratch)).toBe(true);
  });

  it('rejects a TRIM_HOURS that is not a positive whole number with exit 2 and uploads nothing', async () => {
    const work = dir('trim-bad');
    const db = join(work, 'metis.db');
    createTraceDb(db, 10);
    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'trim-bad', TRIM_HOURS: '1.5' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(["ship-snapshot: error: TRIM_HOURS must be a positive whole number of hours, got '1.5'"]);
    expect(await listKeys(s3, BUCKET, 'trim-bad/')).toEqual([]);
  });
});

describe('ship-snapshot.sh with a broken source', () => {
  it('ships a file that is not SQLite as-is (gzipped) with integrity naming the error, exit 0', async () => {
    const work = dir('notdb');
    const db = join(work, 'metis.db');
    const original = Buffer.concat([
      Buffer.from('this is not a SQLite database\n'.repeat(200)),
      Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1f, 0x8b]),
    ]);
    writeFileSync(db, original);

    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'notdb' });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const line = shippedLine(run);
    expect(line.source).toBe('raw');
    expect(line.integrity).toMatch(/not a database/);

    const shipped = await getShipped(s3, BUCKET, 'notdb/latest.db.gz');
    expect(shipped.body.equals(original)).toBe(true);
    // The object is the gzip of the original bytes (the reader detects gzip by its magic bytes).
    expect(shipped.gzipped.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(true);
    expect(shipped.gzipped.length).toBe(line.bytes);
    expect(shipped.metadata.integrity).not.toBe('ok');
    expect(shipped.metadata.integrity).toMatch(/not a database/);
    expect(shipped.metadata.integrity).toBe(line.integrity);
    expect(shipped.metadata['source-bytes']).toBe(String(original.length));
    expect(shipped.metadata['wal-bytes']).toBe('0');
    for (const value of Object.values(shipped.metadata)) expect(value).toMatch(METADATA_VALUE);
    expectTakenAtWithin(shipped.metadata['taken-at'], run);
    const fetched = await new S3SnapshotSource({ client: s3, bucket: BUCKET, key: 'notdb/latest.db.gz' }).fetch();
    expect(fetched.kind === 'object' ? fetched.meta.integrity : fetched.kind).toBe(line.integrity);
  });

  it("ships a SQLite file whose pages are corrupt with integrity = quick_check's first error, exit 0", async () => {
    const work = dir('corrupt');
    const db = join(work, 'metis.db');
    createTraceDb(db, 3_000);
    sqlite(db, 'PRAGMA journal_mode=DELETE;');
    const pageSize = Number(sqlite(db, 'PRAGMA page_size;'));
    const pages = Number(sqlite(db, 'PRAGMA page_count;'));
    expect(pages).toBeGreaterThan(40);
    // Overwrite the middle of a table page far from page 1 (the schema stays readable).
    const bytes = readFileSync(db);
    bytes.fill(0xff, pageSize * 20 + 100, pageSize * 20 + 400);
    writeFileSync(db, bytes);

    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'corrupt', TRIM_HOURS: '24' });

    expect(run.status).toBe(0);
    // The trim is skipped on a corrupt copy (shipped whole, for forensics), with one warning.
    expect(run.stderr.trim().split('\n')).toEqual([
      'ship-snapshot: warning: integrity is not ok; TRIM_HOURS ignored, the whole copy is shipped',
    ]);
    const line = shippedLine(run);
    expect(line).toMatchObject({ source: 'sqlite', trim: 'skipped' });
    const shipped = await getShipped(s3, BUCKET, 'corrupt/latest.db.gz');
    const integrity = shipped.metadata.integrity ?? '';
    expect(integrity).not.toBe('ok');
    expect(integrity).toMatch(METADATA_VALUE);
    // The first real error, not quick_check's "*** in database main ***" header.
    expect(integrity).not.toMatch(/^\*\*\*/);
    expect(integrity).toMatch(/page/i);
    expect(line.integrity).toBe(integrity);
    const copy = restore(shipped.body, dir('corrupt-restored'));
    expect(sqlite(copy, 'PRAGMA quick_check;')).not.toBe('ok');
  });

  it('fails with exit 3 and one stderr line naming the path when the DB is missing; uploads nothing', async () => {
    const work = dir('missing');
    const db = join(work, 'nope', 'metis.db');
    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'missing' });
    expect(run.status).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([`ship-snapshot: error: source database ${db} does not exist`]);
    expect(await listKeys(s3, BUCKET, 'missing/')).toEqual([]);
  });

  it('fails with exit 3 when METIS_DB is a directory; uploads nothing', async () => {
    const work = dir('isdir');
    const run = await runShipper({ METIS_DB: work, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'isdir' });
    expect(run.status).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([`ship-snapshot: error: source database ${work} is not a regular file`]);
    expect(await listKeys(s3, BUCKET, 'isdir/')).toEqual([]);
  });
});

describe('ship-snapshot.sh configuration and upload failures', () => {
  it('fails with exit 2 when SNAPSHOT_BUCKET is not set', async () => {
    const work = dir('nobucket');
    const db = join(work, 'metis.db');
    createTraceDb(db, 10);
    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: undefined });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^ship-snapshot: error: SNAPSHOT_BUCKET is not set/);
  });

  it('fails with exit 5 and one stderr line naming the target when the upload fails; cleans up', async () => {
    const work = dir('upload-fail');
    const scratch = dir('upload-fail-work');
    const db = join(work, 'metis.db');
    createTraceDb(db, 10);
    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: 'no-such-bucket-here', SNAPSHOT_PREFIX: 'x', WORK_DIR: scratch });
    expect(run.status).toBe(5);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ship-snapshot: error: upload to s3:\/\/no-such-bucket-here\/x\/latest\.db\.gz failed: .*NoSuchBucket/);
    // Only the cached quick_check result of the source stays (QUICK_CHECK_STATE's default).
    expect(readdirSync(scratch)).toEqual(['metis-snapshot.quick-check']);
  });
});

describe('ship-snapshot.sh stopped mid-run', () => {
  it('exits 143 on SIGTERM and removes its scratch directory', async () => {
    const work = dir('term');
    const scratch = dir('term-work');
    const db = join(work, 'metis.db');
    createTraceDb(db, 20_000);
    const run = await runShipper(
      { METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: 'term', WORK_DIR: scratch },
      {
        onSpawn: (child) => {
          // SIGTERM once the scratch directory exists (the backup is under way), as Kubernetes does
          // when activeDeadlineSeconds runs out: the signal reaches the script, not its children.
          const poll = setInterval(() => {
            if (!isEmptyDir(scratch)) {
              clearInterval(poll);
              child.kill('SIGTERM');
            }
          }, 5);
          child.once('close', () => clearInterval(poll));
        },
      },
    );
    expect(run.status).toBe(143);
    expect(run.stdout).toBe('');
    expect(isEmptyDir(scratch)).toBe(true);
  });
});

describe('ship-snapshot.sh is POSIX sh', () => {
  it('starts with #!/bin/sh and set -eu, and passes sh -n (and dash -n when dash is installed)', () => {
    const text = readFileSync(SHIPPER_SCRIPT, 'utf8');
    expect(text.split('\n')[0]).toBe('#!/bin/sh');
    expect(text).toMatch(/^set -eu$/m);
    for (const shell of new Set(['sh', posixShell()])) {
      const checked = spawnSync(shell, ['-n', SHIPPER_SCRIPT], { encoding: 'utf8' });
      expect({ shell, status: checked.status, stderr: checked.stderr }).toEqual({ shell, status: 0, stderr: '' });
    }
  });

  it('ships a snapshot when run by the shell named explicitly (dash when installed), with defaults for the prefix', async () => {
    const work = dir('dash');
    const db = join(work, 'metis.db');
    createTraceDb(db, 100);
    const run = await runShipper({ METIS_DB: db, SNAPSHOT_BUCKET: BUCKET, SNAPSHOT_PREFIX: undefined }, { shell: posixShell() });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(shippedLine(run).target).toBe(`s3://${BUCKET}/metis/latest.db.gz`);
    const shipped = await getShipped(s3, BUCKET, 'metis/latest.db.gz');
    expect(sqlite(restore(shipped.body, dir('dash-restored')), 'SELECT count(*) FROM events;')).toBe('100');
  });
});
