import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotBytes, isGzip, SnapshotDecodeError, SnapshotError } from '../../../../lambdas/adapters/snapshot-bytes.ts';
import { openSnapshot, openSqlJs } from '../../../../lambdas/adapters/sqljs-database.ts';
import { evaluateTraceDb } from '../../../../lambdas/core/trace-db/evaluate.ts';
import { isOpenFailure } from '../../../../lambdas/core/trace-db/sql-port.ts';
import { buildTraceDb, generateTraceDb, mulberry32 } from '../../../../tools/trace-db-fixture.ts';
import { byRule, call, calls, evaluateRows, MIN, NOW, only, rulesWith } from './helpers.ts';

const smallDb = () => buildTraceDb(calls(30, { fromAgo: 9 * MIN }));

describe('snapshot bytes', () => {
  it('detects gzip by its magic bytes and inflates it; anything else passes through unchanged', async () => {
    const plain = await smallDb();
    expect(isGzip(plain)).toBe(false);
    expect(decodeSnapshotBytes(plain)).toBe(plain);
    const gz = gzipSync(plain);
    expect(isGzip(gz)).toBe(true);
    expect(Buffer.from(decodeSnapshotBytes(gz)).equals(Buffer.from(plain))).toBe(true);
  });

  it('a truncated gzip is a typed error with reason truncated_gzip; a damaged one corrupt_gzip; empty and oversized are named', async () => {
    const gz = gzipSync(await smallDb());
    const truncated = gz.subarray(0, Math.floor(gz.length / 2));
    expect(() => decodeSnapshotBytes(truncated)).toThrow(SnapshotDecodeError);
    try {
      decodeSnapshotBytes(truncated);
    } catch (error) {
      expect((error as SnapshotDecodeError).reason).toBe('truncated_gzip');
      expect((error as SnapshotDecodeError).cause).toBeInstanceOf(Error);
    }
    const damaged = Buffer.from(gz);
    damaged[damaged.length - 6]! ^= 0xff; // CRC32
    expect(() => decodeSnapshotBytes(damaged)).toThrow(expect.objectContaining({ reason: 'corrupt_gzip' }));
    expect(() => decodeSnapshotBytes(new Uint8Array())).toThrow(expect.objectContaining({ reason: 'empty' }));
    expect(() => decodeSnapshotBytes(gz, { maxBytes: 1000 })).toThrow(expect.objectContaining({ reason: 'too_large' }));
    expect(new SnapshotDecodeError('x', 'truncated_gzip')).toBeInstanceOf(SnapshotError);
  });

  it('a gzip cut short while the shipper reported integrity=ok is snapshot_unreadable SEV3 (retry), not a SEV1 scale-to-zero', async () => {
    const gz = gzipSync(await smallDb());
    const opened = await openSnapshot(gz.subarray(0, gz.length - 100));
    expect(opened).toMatchObject({ kind: 'open-failure', reason: 'truncated_gzip' });
    const result = evaluateTraceDb(opened as never, {
      now: NOW,
      rules: rulesWith(),
      meta: { integrity: 'ok', takenAt: '2026-11-20T14:59:00Z' },
    });
    // db_integrity is not evaluated: the database's own state is unknown, so nothing of it resolves either.
    expect(result.evaluated).toEqual(['snapshot_unreadable']);
    expect(result.signals.map((s) => [s.dedupKey, s.severity])).toEqual([['snapshot_unreadable:trace-db', 'SEV3']]);
    expect(result.signals[0]!.details).toMatchObject({ damage: 'the gzip stream is cut short', openFailure: { reason: 'truncated_gzip' } });
    expect(result.signals[0]!.summary).toContain('check the shipper');
    expect(result.signals[0]!.summary).not.toContain('scale the gateway to zero');
  });

  it('a SQLite file shorter than its header declares, shipped with integrity=ok, is snapshot_unreadable; a failed shipper check keeps db_integrity SEV1', async () => {
    const db = await smallDb();
    const cut = db.subarray(0, Math.floor(db.length / 2 / 4096) * 4096 + 100);
    const meta = { integrity: 'ok', sourceBytes: db.length, takenAt: '2026-11-20T14:59:00Z' };
    const opened = await openSnapshot(cut);
    const fired = (m: typeof meta | { integrity: string }) =>
      evaluateTraceDb(opened as never, { now: NOW, rules: rulesWith(), meta: m }).signals.map((s) => `${s.severity} ${s.rule}`);
    expect(fired(meta).filter((s) => /unreadable|integrity/.test(s))).toEqual(['SEV3 snapshot_unreadable']);
    expect(
      fired({ ...meta, integrity: 'Page 7: btreeInitPage() returns error code 11' }).filter((s) => /unreadable|integrity/.test(s)),
    ).toEqual(['SEV1 db_integrity']);
    if (!isOpenFailure(opened)) opened.close();
  });

  it('openSnapshot: a complete snapshot that is not SQLite stays db_integrity SEV1 even with integrity=ok', async () => {
    const bytes = new TextEncoder().encode('not a database at all\n'.repeat(50));
    const opened = await openSnapshot(gzipSync(bytes));
    expect(isOpenFailure(opened)).toBe(true);
    const result = evaluateTraceDb(opened as never, {
      now: NOW,
      rules: rulesWith(),
      meta: { integrity: 'ok', sourceBytes: bytes.length, takenAt: '2026-11-20T14:59:00Z' },
    });
    expect(result.evaluated).toEqual(['db_integrity']);
    expect(result.signals).toHaveLength(1);
    const [s] = result.signals;
    expect(s).toMatchObject({
      rule: 'db_integrity',
      subject: 'trace-db',
      severity: 'SEV1',
      dedupKey: 'db_integrity:trace-db',
      runbook: 'Trace DB corruption or disk full',
    });
    expect(s!.details).toMatchObject({
      openFailure: { reason: 'not_sqlite' },
      shipperIntegrity: 'ok',
      snapshotTakenAt: '2026-11-20T14:59:00Z',
    });
    expect(s!.summary).toContain('scale the gateway to zero');
    expect(s!.summary).toContain('before any restore');
    expect(result.metrics.snapshotAgeSeconds).toBe(60);
  });

  it('a gzipped snapshot opens and evaluates like the plain file', async () => {
    const opened = await openSnapshot(gzipSync(await buildTraceDb(calls(30, { fromAgo: 9 * MIN, errors: 3 }))));
    if (isOpenFailure(opened)) throw new Error(opened.message);
    const result = evaluateTraceDb(opened, { now: NOW, rules: only(['model_error_rate']) });
    opened.close();
    expect(byRule(result, 'model_error_rate')[0]?.details).toMatchObject({ calls: 30, errors: 3 });
  });
});

describe('sql.js adapter', () => {
  it('random bytes are not a SQLite database: OpenFailure not_sqlite, and SnapshotError from openSqlJs', async () => {
    const rand = mulberry32(7);
    const junk = Uint8Array.from({ length: 8192 }, () => Math.floor(rand() * 256));
    await expect(openSqlJs(junk)).rejects.toMatchObject({ name: 'SnapshotError', reason: 'not_sqlite' });
    const opened = await openSnapshot(junk);
    expect(opened).toMatchObject({ kind: 'open-failure', reason: 'not_sqlite' });
    const result = evaluateTraceDb(opened as never, { now: NOW, rules: rulesWith() });
    expect(result.signals.map((s) => [s.rule, s.severity])).toEqual([['db_integrity', 'SEV1']]);
    // Disabled: nothing evaluated, nothing fired.
    expect(evaluateTraceDb(opened as never, { now: NOW, rules: only([]) })).toMatchObject({ evaluated: [], signals: [] });
  });

  it('opens a snapshot taken with sqlite3 .backup of a WAL-mode database (header bytes 18-19 = 2)', async () => {
    const bytes = await buildTraceDb(calls(30, { fromAgo: 9 * MIN, errors: 3 }));
    bytes[18] = 2;
    bytes[19] = 2;
    const db = await openSqlJs(bytes);
    const result = evaluateTraceDb(db, { now: NOW, rules: only(['model_error_rate', 'db_integrity']) });
    db.close();
    expect(result.errors).toEqual([]);
    expect(result.evaluated).toContain('db_integrity');
    expect(byRule(result, 'db_integrity')).toEqual([]);
    expect(byRule(result, 'model_error_rate')[0]?.details).toMatchObject({ calls: 30, errors: 3 });
  });

  it('binds named parameters with or without the colon, positional ones, and closes', async () => {
    const db = await openSqlJs(await smallDb());
    expect(db.all('SELECT :a AS a, $b AS b, :c AS c, :d AS d', { a: 1, $b: 'two', c: true, d: null })).toEqual([
      { a: 1, b: 'two', c: 1, d: null },
    ]);
    expect(db.all('SELECT ? + ? AS sum', [2, 3])).toEqual([{ sum: 5 }]);
    expect(db.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 30 }]);
    expect(db.sizeBytes).toBeGreaterThan(0);
    db.close();
    db.close();
    expect(() => db.all('SELECT 1')).toThrow(/closed/);
  });
});

describe('db_integrity', () => {
  it('a DB with a corrupted page fails quick_check: SEV1 with the error lines', async () => {
    const bytes = await generateTraceDb({ events: 400, days: 1, end: NOW, seed: 3, anomalies: 'none' });
    const pageSize = (bytes[16]! << 8) | bytes[17]!;
    // Overwrite the cell pointers of page 2 (the events table's root page).
    for (let i = 0; i < 64; i++) bytes[pageSize + 8 + i] = 0xff;
    const db = await openSqlJs(bytes);
    const result = evaluateTraceDb(db, { now: NOW, rules: only(['db_integrity']) });
    db.close();
    expect(result.evaluated).toContain('db_integrity');
    const [s] = byRule(result, 'db_integrity');
    expect(s).toMatchObject({ severity: 'SEV1', subject: 'trace-db' });
    const lines = s!.details.quickCheck as string[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines[0]).toMatch(/page 2/);
    expect(s!.summary).toContain('fails PRAGMA quick_check');
    expect(s!.summary).toContain('scale the gateway to zero');
  });

  it('a healthy DB is evaluated and quiet; the shipper reporting a broken live DB fires', async () => {
    const rows = [call({ ago: MIN })];
    const healthy = await evaluateRows(rows, { rules: only(['db_integrity']), meta: { integrity: 'ok' } });
    expect(healthy.evaluated).toContain('db_integrity');
    expect(healthy.signals).toEqual([]);
    const shipper = await evaluateRows(rows, { rules: only(['db_integrity']), meta: { integrity: 'database disk image is malformed' } });
    expect(byRule(shipper, 'db_integrity')[0]).toMatchObject({ severity: 'SEV1' });
    expect(byRule(shipper, 'db_integrity')[0]!.details).toMatchObject({
      quickCheck: ['ok'],
      shipperIntegrity: 'database disk image is malformed',
    });
  });
});
