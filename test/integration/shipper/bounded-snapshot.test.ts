// The bounded snapshot (shipper/ship-snapshot.sh, docs/snapshot-format.md) gives the same alerts as the
// whole database it was cut from: the real script writes it locally (SNAPSHOT_FILE, pinned clock) from a
// generated 40-day history, and the same engine checks both files. The history module's answers (traffic
// a day and a week ago, models per key, month to date, latency baseline) are compared directly too.
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDatabase, readMeta } from '../../../cli/commands/check.ts';
import { openSqlJs, type SqlJsDatabase } from '../../../lambdas/adapters/sqljs-database.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { RuleContext } from '../../../lambdas/core/trace-db/context.ts';
import {
  callCount,
  keyModelHistory,
  latencyHistory,
  modelsByKey,
  rollupCutoff,
  spendHistory,
} from '../../../lambdas/core/trace-db/history.ts';
import { runShipper, sqlite, tempDir } from '../support/shipper-harness.ts';

const NOW = new Date('2026-11-20T15:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const dirs: string[] = [];

afterAll(() => {
  for (const path of dirs) rmSync(path, { recursive: true, force: true });
});

const config = parseConfig({
  rules: {
    bill_threshold: { monthlyHardCapUsd: 150, dailyHardCapUsd: 1000 },
    cost_projection: { dailyBudgetUsd: 20 },
  },
});

/**
 * 40 days of calls every 10 min for three keys (each on its own model, $0.02, 800-1199 ms), half of
 * them stamped with a +02:00 offset; then, in the last hour: key k-c spends $20 on a model it never
 * used, gpt-4.1 has an error burst of 10 in 60 slow calls, and k-b has three quota alerts.
 */
function longHistory(path: string, options: { days?: number; index?: string } = {}): void {
  const slots = Math.round(((options.days ?? 40) * DAY) / (10 * MIN));
  const now = NOW.toISOString();
  sqlite(
    path,
    'CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT NOT NULL, timestamp TEXT NOT NULL, payload TEXT NOT NULL);',
    options.index ?? 'CREATE INDEX events_type_ts ON events(type, timestamp);',
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${slots}),
       k(key, model) AS (VALUES ('k-a', 'gpt-4.1'), ('k-b', 'claude-sonnet-4-5'), ('k-c', 'gemini-2.5-flash'))
     INSERT INTO events (type, timestamp, payload)
     SELECT 'llm.call_completed',
            CASE WHEN i % 2 THEN strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (i * 600 + 180) || ' seconds')
                 ELSE strftime('%Y-%m-%dT%H:%M:%f+02:00', '${now}', '-' || (i * 600 + 180) || ' seconds', '+7200 seconds') END,
            json_object('model', model, 'gateway_key_id', key, 'stop_reason', 'end_turn', 'latency_ms', 800 + (i * 37) % 400,
                        'usage', json_object('cost_usd', 0.02))
     FROM n, k;`,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
     INSERT INTO events (type, timestamp, payload)
     SELECT 'llm.call_completed', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (i * 290) || ' seconds'),
            json_object('model', 'o3', 'gateway_key_id', 'k-c', 'stop_reason', 'end_turn', 'latency_ms', 900, 'usage', json_object('cost_usd', 2.0))
     FROM n;`,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
     INSERT INTO events (type, timestamp, payload)
     SELECT 'llm.call_completed', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (i * 7) || ' seconds'),
            json_object('model', 'gpt-4.1', 'gateway_key_id', 'k-a', 'stop_reason', CASE WHEN i % 6 = 0 THEN 'error' ELSE 'end_turn' END,
                        'latency_ms', 5000 + i, 'usage', json_object('cost_usd', 0.01))
     FROM n;`,
    `INSERT INTO events (type, timestamp, payload) VALUES
       ('quota.alert', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-120 seconds'), '{"gateway_key_id":"k-b","pct":80}'),
       ('quota.alert', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-240 seconds'), '{"gateway_key_id":"k-b","pct":85}'),
       ('quota.alert', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-360 seconds'), '{"gateway_key_id":"k-b","pct":90}');`,
  );
}

/**
 * On top of longHistory, for the rules beyond the runbook: k-cap (cap $30, issued 20 h ago) and k-far
 * (cap $1000) each spend $5 at 10:00 and $4 over the last hour; 60 routing decisions in 14 min with
 * anthropic:claude-sonnet-4-5 first, 15 of them served by openrouter at $0.02 against $0.01 (each call
 * joined by request id), and 60 with openai:gpt-4.1 first, one served by a fallback; three o1-pro calls
 * of 300 s or more and two slow o1 calls.
 */
function beyondTheRunbook(path: string): void {
  const now = NOW.toISOString();
  const ts = (seconds: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (${seconds}) || ' seconds')`;
  sqlite(
    path,
    `INSERT INTO events (type, timestamp, payload) VALUES
       ('key.issued', ${ts('72000')}, '{"gateway_key_id":"k-cap","daily_cap_usd":30}'),
       ('key.issued', ${ts('72000')}, '{"gateway_key_id":"k-far","daily_cap_usd":1000}');`,
    `WITH k(key) AS (VALUES ('k-cap'), ('k-far')), n(i) AS (VALUES (1), (2), (3), (4))
     INSERT INTO events (type, timestamp, payload)
     SELECT 'llm.call_completed', ${ts('i * 600')},
            json_object('model', 'claude-haiku-4-5', 'gateway_key_id', key, 'stop_reason', 'end_turn', 'latency_ms', 700, 'usage', json_object('cost_usd', 1.0))
     FROM k, n
     UNION ALL
     SELECT 'llm.call_completed', ${ts('18000')},
            json_object('model', 'claude-haiku-4-5', 'gateway_key_id', key, 'stop_reason', 'end_turn', 'latency_ms', 700, 'usage', json_object('cost_usd', 5.0))
     FROM k;`,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60),
       f(first_provider, first_model, fallbacks) AS (VALUES ('anthropic', 'claude-sonnet-4-5', 15), ('openai', 'gpt-4.1', 1))
     INSERT INTO events (type, timestamp, payload)
     SELECT 'route.decided', ${ts('i * 14')},
            json_object('request_id', first_model || '-' || i, 'gateway_key_id', 'k-a',
              'chain', CASE WHEN i <= fallbacks
                THEN json_array(json_object('provider', first_provider, 'model', first_model, 'verdict', 'unavailable'),
                                json_object('provider', 'openrouter', 'model', first_provider || '/' || first_model, 'verdict', 'ok'))
                ELSE json_array(json_object('provider', first_provider, 'model', first_model, 'verdict', 'ok')) END)
     FROM n, f
     UNION ALL
     SELECT 'llm.call_completed', ${ts('i * 14 - 1')},
            json_object('request_id', first_model || '-' || i, 'gateway_key_id', 'k-a', 'stop_reason', 'end_turn', 'latency_ms', 700,
              'model', CASE WHEN i <= fallbacks THEN first_provider || '/' || first_model ELSE first_model END,
              'provider', CASE WHEN i <= fallbacks THEN 'openrouter' ELSE first_provider END,
              'usage', json_object('cost_usd', CASE WHEN i <= fallbacks THEN 0.02 ELSE 0.01 END))
     FROM n, f;`,
    `WITH n(i, model) AS (VALUES (1, 'o1-pro'), (2, 'o1-pro'), (3, 'o1-pro'), (4, 'o1'), (5, 'o1'))
     INSERT INTO events (type, timestamp, payload)
     SELECT 'llm.call_completed', ${ts('i * 60')},
            json_object('model', model, 'gateway_key_id', 'k-far', 'stop_reason', 'end_turn', 'latency_ms', 300000 + i, 'usage', json_object('cost_usd', 0))
     FROM n;`,
  );
}

async function ship(source: string, env: Record<string, string> = {}) {
  const out = join(tempDir('bounded-out'), 'latest.db.gz');
  dirs.push(join(out, '..'));
  const run = await runShipper({
    METIS_DB: source,
    SNAPSHOT_FILE: out,
    SNAPSHOT_NOW: NOW.toISOString(),
    SNAPSHOT_BUCKET: undefined,
    ...env,
  });
  return { run, out, meta: `${out}.meta.json` };
}

/** What an alert is, without the run's wall-clock durations. */
function comparable(evaluation: Awaited<ReturnType<typeof checkDatabase>>) {
  const { ruleDurationsMs: _ignored, ...metrics } = evaluation.metrics;
  return { evaluated: evaluation.evaluated, signals: evaluation.signals, metrics, errors: evaluation.errors };
}

function context(db: SqlJsDatabase): RuleContext {
  return { db, now: NOW, nowMs: NOW.getTime(), rules: config.rules, meta: {}, hasKeyIdColumn: false, memo: new Map() };
}

describe('bounded snapshot versus the whole database', () => {
  it('gives the same alerts on a 40-day history: monthly cap over 20 days, key spike, error burst, quota, latency', async () => {
    const work = tempDir('bounded');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source);
    const { run, out, meta } = await ship(source);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^shipped file:\/\/\S+latest\.db\.gz bytes=\d+ integrity=ok taken-at=2026-11-20T15:00:00Z source=sqlite trim=off window=26h\n$/,
    );

    // The same shipper metadata for both: only the database differs.
    const whole = comparable(await checkDatabase(source, config, NOW, readMeta(meta)));
    const bounded = comparable(await checkDatabase(out, config, NOW, readMeta(meta)));
    expect(bounded).toEqual(whole);
    expect(whole.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort()).toEqual([
      'SEV1 bill_threshold:monthly',
      // k-c's spike is on a model it never used in 7 days: the compromise rule, beside the spike.
      'SEV1 key_compromise_suspected:k-c',
      // gpt-4.1's burst is also over 5 % of all calls in the window.
      'SEV2 error_rate_overall:all-models',
      'SEV2 model_error_rate:gpt-4.1',
      'SEV3 cost_projection:daily',
      'SEV3 key_spend_spike:k-c',
      'SEV3 latency_p95:gateway',
      'SEV3 quota_alert:k-b',
      // None of the three keys states a daily cap.
      'SEV4 key_without_cap:k-a',
      'SEV4 key_without_cap:k-b',
      'SEV4 key_without_cap:k-c',
    ]);
    const monthly = whole.signals.find((s) => s.dedupKey === 'bill_threshold:monthly')!;
    // 19 days and today's 89 slots (00:07 to 14:47) of $0.06 per 10 min, plus the spike and the burst.
    expect(monthly.details.value).toBeCloseTo((19 * 144 + 89) * 0.06 + 20 + 0.6, 4);
    expect(monthly.details.dataFrom).toBe('2026-11-01T00:07:00.000Z');

    // The snapshot holds 26 h of raw events, not 40 days.
    const body = gunzipSync(readFileSync(out));
    const whole40 = Number(sqlite(source, 'SELECT count(*) FROM events;'));
    const snapshotDb = join(work, 'bounded.db');
    writeFileSync(snapshotDb, body);
    const kept = Number(sqlite(snapshotDb, 'SELECT count(*) FROM events;'));
    expect(kept).toBe(
      Number(sqlite(source, `SELECT count(*) FROM events WHERE julianday(timestamp) >= julianday('2026-11-19T13:00:00Z');`)),
    );
    expect(kept).toBeLessThan(whole40 / 30);
    expect(JSON.parse(readFileSync(meta, 'utf8'))).toMatchObject({
      takenAt: '2026-11-20T15:00:00Z',
      integrity: 'ok',
      quickCheckAt: '2026-11-20T15:00:00Z',
      windowHours: 26,
      windowFrom: '2026-11-19T13:00:00Z',
      snapshotBytes: body.length,
    });
  });

  it('the rules beyond the runbook give the same alerts on both: cap projection, fallback surge, hanging requests, deprecation, uncapped keys', async () => {
    const work = tempDir('bounded-beyond');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source);
    beyondTheRunbook(source);
    const { run, out, meta } = await ship(source);
    expect(run.status).toBe(0);
    const beyond = parseConfig({
      rules: {
        // k-cap and k-far are new keys: their first hour is a "spike" from nothing, checked in the first test.
        key_spend_spike: { enabled: false },
        key_compromise_suspected: { enabled: false },
        model_deprecation: {
          models: [
            { model: 'gemini-2.5-flash', retiresOn: '2026-11-25', successor: 'gemini-3-flash' },
            { model: 'anthropic:claude-3-opus', retiresOn: '2026-12-31' },
          ],
        },
      },
    });
    const wholeRun = await checkDatabase(source, beyond, NOW, readMeta(meta));
    const boundedRun = await checkDatabase(out, beyond, NOW, readMeta(meta));
    const whole = comparable(wholeRun);
    expect(comparable(boundedRun)).toEqual(whole);
    expect(boundedRun.healthy).toEqual(wholeRun.healthy);
    const newRules = ['key_cap_projection', 'fallback_surge', 'requests_hanging', 'model_deprecation', 'key_without_cap'];
    for (const rule of newRules) expect(whole.evaluated).toContain(rule);
    expect(
      whole.signals
        .filter((s) => newRules.includes(s.rule))
        .map((s) => `${s.severity} ${s.dedupKey}`)
        .sort(),
    ).toEqual([
      'SEV3 fallback_surge:anthropic:claude-sonnet-4-5',
      'SEV3 key_cap_projection:k-cap 2026-11-20',
      'SEV3 model_deprecation:gemini-2.5-flash',
      'SEV3 requests_hanging:o1-pro',
      'SEV4 key_without_cap:k-a',
      'SEV4 key_without_cap:k-b',
      'SEV4 key_without_cap:k-c',
    ]);
    const projection = whole.signals.find((s) => s.rule === 'key_cap_projection')!;
    // $9 today, $4 in the last hour: 9 + 4 x 9 h = 45 > 30; the $21 left lasts 5 h 15 min.
    expect(projection.summary).toContain('the breaker will refuse k-cap at about 20:15 UTC');
    const surge = whole.signals.find((s) => s.rule === 'fallback_surge')!;
    expect(surge.details).toMatchObject({ decisions: 60, servedByFallback: 15, extraCostUsd: 0.15 });
    expect(wholeRun.healthy.fallback_surge).toEqual(['openai:gpt-4.1']);
    expect(wholeRun.healthy.model_deprecation).toEqual(['anthropic:claude-3-opus']);
  });

  it('answers every history question the same way from the rollups as from the raw rows', async () => {
    const work = tempDir('bounded-history');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source, { index: 'CREATE INDEX events_ts ON events(timestamp);' });
    const { run, out } = await ship(source);
    expect(run.status).toBe(0);
    const wholeDb = await openSqlJs(readFileSync(source));
    const boundedDb = await openSqlJs(gunzipSync(readFileSync(out)));
    const [w, b] = [context(wholeDb), context(boundedDb)];
    expect(rollupCutoff(w)).toBeUndefined();
    expect(rollupCutoff(b)).toEqual({
      windowFromMs: Date.parse('2026-11-19T13:00:00Z'),
      hourMs: Date.parse('2026-11-19T13:00:00Z'),
      tenMinutesMs: Date.parse('2026-11-19T13:00:00Z'),
      dayMs: Date.parse('2026-11-20T00:00:00Z'),
    });
    const ask = (ctx: RuleContext) => ({
      dayAgo: callCount(ctx, { fromMs: NOW.getTime() - DAY - 10 * MIN, toMs: NOW.getTime() - DAY }),
      weekAgo: callCount(ctx, { fromMs: NOW.getTime() - 7 * DAY - 10 * MIN, toMs: NOW.getTime() - 7 * DAY }),
      models: [...modelsByKey(ctx, { fromMs: NOW.getTime() - 7 * DAY - HOUR, toMs: NOW.getTime() - HOUR })]
        .map(([k, m]) => [k, [...m].sort()])
        .sort(),
      keys: keyModelHistory(ctx, { fromMs: NOW.getTime() - 169 * HOUR, toMs: NOW.getTime() - HOUR }),
      month: spendHistory(ctx, { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: NOW.getTime(), toInclusive: true }),
      latency: latencyHistory(ctx, { fromMs: NOW.getTime() - 7 * DAY - 10 * MIN, toMs: NOW.getTime() - 10 * MIN }),
    });
    const fromWhole = ask(w);
    const fromBounded = ask(b);
    expect(fromBounded.dayAgo).toBe(fromWhole.dayAgo);
    expect(fromBounded.weekAgo).toBe(fromWhole.weekAgo);
    expect(fromBounded.models).toEqual(fromWhole.models);
    expect(fromBounded.latency).toEqual(fromWhole.latency);
    expect(sortRows(fromBounded.keys.rows)).toEqual(sortRows(fromWhole.keys.rows).map(closeTo));
    expect(fromBounded.keys.firstMs).toBe(fromWhole.keys.firstMs);
    expect(fromBounded.month.totalUsd).toBeCloseTo(fromWhole.month.totalUsd, 9);
    expect(fromBounded.month.firstMs).toBe(fromWhole.month.firstMs);
    // Real values: three keys, one call each per 10 min; k-c never used o3 before the last hour.
    expect(fromWhole.dayAgo).toBe(3);
    expect(fromWhole.weekAgo).toBe(3);
    expect(fromWhole.models).toEqual([
      ['k-a', ['gpt-4.1']],
      ['k-b', ['claude-sonnet-4-5']],
      ['k-c', ['gemini-2.5-flash']],
    ]);
    expect(fromWhole.latency.calls).toBe(
      Number(
        sqlite(
          source,
          `SELECT count(*) FROM events WHERE julianday(timestamp) >= julianday('2026-11-13T14:00:00Z') AND julianday(timestamp) < julianday('2026-11-20T14:50:00Z');`,
        ),
      ),
    );
    expect(fromWhole.latency.p95Ms).toBe(1100); // 800-1199 ms rounded down to two digits
    wholeDb.close();
    boundedDb.close();
  });

  it('key_over_cap and a quiet model failing every call (minErrors) give the same alerts on both', async () => {
    const work = tempDir('bounded-cap');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source, { days: 9 });
    const now = NOW.toISOString();
    sqlite(
      source,
      // k-cap: $10 yesterday evening (inside the raw window, not today), a $5 daily cap stated by the soft
      // alert, then 30 calls of $0.25 today every 10 min: over the cap after the 20th, 10 more succeed.
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
       INSERT INTO events (type, timestamp, payload)
       SELECT 'llm.call_completed', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (17 * 3600 + i * 300) || ' seconds'),
              json_object('model', 'claude-haiku-4-5', 'provider', 'anthropic', 'gateway_key_id', 'k-cap', 'stop_reason', 'end_turn',
                          'latency_ms', 900, 'usage', json_object('cost_usd', 1.0))
       FROM n;`,
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29)
       INSERT INTO events (type, timestamp, payload)
       SELECT 'llm.call_completed', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (i * 600 + 30) || ' seconds'),
              json_object('model', 'claude-haiku-4-5', 'provider', 'anthropic', 'gateway_key_id', 'k-cap', 'stop_reason', 'end_turn',
                          'latency_ms', 900, 'usage', json_object('cost_usd', 0.25))
       FROM n;`,
      `INSERT INTO events (type, timestamp, payload) VALUES ('quota.alert', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-3 hours'),
         '{"gateway_key_id":"k-cap","kind":"daily_cap_soft","threshold_pct":80,"spent_usd":4.0,"cap_usd":5}');`,
      // m-quiet: 12 calls in the last 10 min, every one failing: below the 20-call minimum, above minErrors.
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
       INSERT INTO events (type, timestamp, payload)
       SELECT 'llm.call_completed', strftime('%Y-%m-%dT%H:%M:%fZ', '${now}', '-' || (i * 45) || ' seconds'),
              json_object('model', 'm-quiet', 'gateway_key_id', 'k-b', 'stop_reason', 'error', 'latency_ms', 900,
                          'usage', json_object('cost_usd', 0))
       FROM n;`,
    );
    const { run, out, meta } = await ship(source);
    expect(run.status).toBe(0);
    const whole = comparable(await checkDatabase(source, config, NOW, readMeta(meta)));
    const bounded = comparable(await checkDatabase(out, config, NOW, readMeta(meta)));
    expect(bounded).toEqual(whole);
    const fired = whole.signals.map((s) => `${s.severity} ${s.dedupKey}`);
    expect(fired).toContain('SEV2 key_over_cap:k-cap');
    expect(fired).toContain('SEV2 model_error_rate:m-quiet');
    const overCap = whole.signals.find((s) => s.dedupKey === 'key_over_cap:k-cap')!;
    // Yesterday's $10 is not today's spend: 30 x $0.25 today, over $5 after the 20th call.
    expect(overCap.details).toMatchObject({ spendTodayUsd: 7.5, dailyCapUsd: 5, callsSucceededAfterCap: 10 });
    expect((overCap.details.commands as { reissue: string }).reissue).toContain('--allow-model anthropic:claude-haiku-4-5 ');
    expect(whole.signals.find((s) => s.dedupKey === 'model_error_rate:m-quiet')!.details).toMatchObject({ calls: 12, errors: 12 });
  });

  it('a history shorter than the baselines takes the not-enough-data path on both, not a false alert', async () => {
    const work = tempDir('bounded-short');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source, { days: 0.02 }); // about 30 minutes of history
    const { run, out } = await ship(source);
    expect(run.status).toBe(0);
    const whole = comparable(await checkDatabase(source, config, NOW));
    const bounded = comparable(await checkDatabase(out, config, NOW));
    expect(bounded).toEqual(whole);
    expect(whole.evaluated).not.toContain('key_spend_spike');
    expect(whole.signals.map((s) => s.rule)).not.toContain('key_spend_spike');
  });

  it('reads a source without an index (slower, said on stderr) and reports the newest BACKUP_GLOB match', async () => {
    const work = tempDir('bounded-noindex');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source, { days: 9, index: 'SELECT 1;' });
    for (const [name, iso] of [
      ['metis-2026-11-18.db.gz', '2026-11-18T03:00:00Z'],
      ['metis-2026-11-19.db.gz', '2026-11-19T03:00:07Z'],
    ] as const) {
      writeFileSync(join(work, name), 'backup');
      utimesSync(join(work, name), new Date(iso), new Date(iso));
    }
    const { run, out, meta } = await ship(source, { BACKUP_GLOB: `${work}/metis-*.db.gz` });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^ship-snapshot: warning: the source's events table has no index on timestamp or \(type, timestamp\)/);
    expect(readMeta(meta)).toMatchObject({ lastBackupAt: '2026-11-19T03:00:07Z', windowHours: 26 });
    expect(comparable(await checkDatabase(out, config, NOW))).toEqual(comparable(await checkDatabase(source, config, NOW)));
  });

  it('a BACKUP_GLOB without a match is reported in the metadata, not a crash', async () => {
    const work = tempDir('bounded-nobackup');
    dirs.push(work);
    const source = join(work, 'metis.db');
    longHistory(source, { days: 1.2 });
    const { run, out, meta } = await ship(source, { BACKUP_GLOB: `${work}/backups/*.db.gz` });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`ship-snapshot: warning: no file matches BACKUP_GLOB ${work}/backups/*.db.gz\n`);
    const parsed = readMeta(meta);
    expect(parsed.lastBackupAt).toBeUndefined();
    expect(parsed.lastBackupError).toBe(`no file matches BACKUP_GLOB ${work}/backups/*.db.gz`);
    // And the checker says so: no backup at all is an alert, not silence.
    const backup = (await checkDatabase(out, config, NOW, parsed)).signals.filter((s) => s.rule === 'backup_stale');
    expect(backup.map((s) => s.severity)).toEqual(['SEV3']);
    expect(backup[0]!.summary).toContain(`no file matches BACKUP_GLOB ${work}/backups/*.db.gz`);
  });
});

function sortRows<T extends { key: string | null; model: string | null }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => `${a.key}/${a.model}`.localeCompare(`${b.key}/${b.model}`));
}

function closeTo(row: { costUsd: number }) {
  return { ...row, costUsd: expect.closeTo(row.costUsd, 9) };
}
