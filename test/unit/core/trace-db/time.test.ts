import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSqlJs } from '../../../../lambdas/adapters/sqljs-database.ts';
import {
  coarseLowerBound,
  fromJulianDay,
  parseInstant,
  startOfUtcDay,
  startOfUtcMonth,
  toJulianDay,
} from '../../../../lambdas/core/trace-db/time.ts';
import { buildTraceDb, generateEvents, generateTraceDb, type FixtureEvent } from '../../../../tools/trace-db-fixture.ts';
import { NOW } from './helpers.ts';

describe('time', () => {
  it("toJulianDay gives the very double SQLite's julianday() returns, whatever the ISO form", async () => {
    const db = await openSqlJs(await buildTraceDb([]));
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const iso = new Date(ms).toISOString();
        const forms = [iso, iso.replace('T', ' '), iso.replace('Z', '+00:00'), `${iso.slice(0, 23)}456+00:00`];
        const [row] = db.all('SELECT julianday(:a) AS a, julianday(:b) AS b, julianday(:c) AS c, julianday(:d) AS d', {
          a: forms[0],
          b: forms[1],
          c: forms[2],
          d: forms[3],
        });
        const jd = toJulianDay(ms);
        expect(row).toEqual({ a: jd, b: jd, c: jd, d: jd });
        expect(fromJulianDay(jd).getTime()).toBe(ms);
      }),
      { numRuns: 200 },
    );
    db.close();
  });

  it('parseInstant accepts T or space, fractions, Z, offsets and no zone (UTC); rejects the rest', () => {
    const t = Date.UTC(2026, 10, 20, 12, 0, 0);
    expect(parseInstant('2026-11-20T12:00:00Z')).toBe(t);
    expect(parseInstant('2026-11-20 12:00:00')).toBe(t);
    expect(parseInstant('2026-11-20T12:00:00.000000+00:00')).toBe(t);
    expect(parseInstant('2026-11-20T14:00:00+02:00')).toBe(t);
    expect(parseInstant('2026-11-20T07:00:00-0500')).toBe(t);
    expect(parseInstant('2026-11-20T12:00')).toBe(t);
    expect(parseInstant('yesterday')).toBeUndefined();
    expect(parseInstant('')).toBeUndefined();
    expect(parseInstant(undefined)).toBeUndefined();
  });

  it('day and month starts are UTC; the coarse string bound is a day early', () => {
    const ms = Date.parse('2026-11-01T00:30:00Z');
    expect(new Date(startOfUtcDay(ms)).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(new Date(startOfUtcMonth(Date.parse('2026-11-20T15:00:00Z'))).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(coarseLowerBound(ms)).toBe('2026-10-31');
    // A row stamped in UTC-12 the same instant still passes the string bound.
    expect('2026-10-31T12:30:00-12:00' >= coarseLowerBound(ms)).toBe(true);
  });
});

describe('fixture generator', () => {
  const opts = { events: 3000, days: 2, end: NOW, seed: 42, anomalies: 'all' as const };

  it('is deterministic by seed and close to the requested size, in time order, ending at `end` (bar the skewed rows)', () => {
    const a = [...generateEvents(opts)];
    const b = [...generateEvents(opts)];
    expect(b).toEqual(a);
    expect([...generateEvents({ ...opts, seed: 43 })]).not.toEqual(a);
    expect(Math.abs(a.length - 3000)).toBeLessThan(20);
    const ms = a.map((e) => e.ms);
    expect(ms).toEqual([...ms].sort((x, y) => x - y));
    const normal = a.filter((e) => e.ms <= NOW.getTime());
    expect(normal[0]!.ms).toBeGreaterThanOrEqual(NOW.getTime() - 2 * 86_400_000);
    expect(a.length - normal.length).toBe(10); // the clockSkew anomaly: 5 requests x 2 rows
    const types = new Set(a.map((e) => e.type));
    expect([...types].sort()).toEqual(['llm.call_completed', 'quota.alert', 'route.decided']);
  });

  it('writes realistic payloads: model, provider, stop_reason, usage.cost_usd, gateway_key_id, latency_ms, chains', () => {
    const events = [...generateEvents({ ...opts, anomalies: 'none' })];
    const call = events.find((e): e is FixtureEvent => e.type === 'llm.call_completed')!;
    const payload = JSON.parse(call.payload);
    expect(payload).toMatchObject({
      model: expect.any(String),
      provider: expect.any(String),
      stop_reason: expect.any(String),
      gateway_key_id: expect.stringMatching(/^gk_/),
      latency_ms: expect.any(Number),
      usage: { cost_usd: expect.any(Number) },
    });
    expect(call.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const routeEvent = events.find((e) => e.type === 'route.decided')!;
    expect(JSON.parse(routeEvent.payload).chain[0]).toMatchObject({
      provider: expect.any(String),
      model: expect.any(String),
      verdict: 'ok',
    });
  });

  it('builds a SQLite file with the events table, optional key_id column and index', async () => {
    const bytes = await generateTraceDb({ ...opts, events: 500, keyIdColumn: true, index: 'ts', timestamps: 'mixed' });
    const db = await openSqlJs(bytes);
    expect(db.all(`SELECT name FROM pragma_table_info('events') ORDER BY cid`).map((r) => r.name)).toEqual([
      'id',
      'type',
      'timestamp',
      'key_id',
      'payload',
    ]);
    expect(db.all(`SELECT name FROM sqlite_master WHERE type = 'index'`)).toEqual([{ name: 'idx_events_ts' }]);
    const [{ n, spaced } = {}] = db.all(`SELECT COUNT(*) AS n, SUM(timestamp LIKE '____-__-__ __:__:__') AS spaced FROM events`);
    expect(n).toBeGreaterThan(480);
    expect(spaced).toBeGreaterThan(0);
    db.close();
  });
});
