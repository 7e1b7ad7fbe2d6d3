import { describe, expect, it } from 'vitest';
import { openSqlJs } from '../../../../lambdas/adapters/sqljs-database.ts';
import { evaluateTraceDb, toEvaluationReport, TRACE_DB_RULES } from '../../../../lambdas/core/trace-db/evaluate.ts';
import type { SqlDatabase } from '../../../../lambdas/core/trace-db/sql-port.ts';
import { buildTraceDb, generateTraceDb } from '../../../../tools/trace-db-fixture.ts';
import { byRule, call, calls, evaluateRows, FIRING_ALL_ANOMALIES_STALE_FULL, MIN, NOW, only, openRows, rulesWith } from './helpers.ts';

const DEFAULT_EVALUATED = [
  'trace_db_schema',
  'snapshot_unreadable',
  'db_integrity',
  'model_error_rate',
  'provider_unavailable',
  'key_spend_spike',
  'key_compromise_suspected',
  'key_over_cap',
  'quota_alert',
  'latency_p95',
  'error_rate_overall',
  'traffic_stopped',
  'trace_db_bad_timestamps',
  'snapshot_stale',
  'trace_db_clock_skew',
];

/** Evaluated after disk_usage (model_deprecation is off while no model is listed). */
const BEYOND_RUNBOOK = ['key_cap_projection', 'fallback_surge', 'requests_hanging', 'key_without_cap'];

describe('trace_db_schema', () => {
  it('no events table: one SEV2 signal naming it, nothing evaluated (only the metadata rule, when there is metadata)', async () => {
    const db = await openSqlJs(await buildTraceDb([]));
    db.all('DROP TABLE events');
    db.all('CREATE TABLE traces (id INTEGER)');
    const result = evaluateTraceDb(db, { now: NOW, rules: rulesWith() });
    const withMeta = evaluateTraceDb(db, { now: NOW, rules: rulesWith(), meta: { volumeUsedPct: 95 } });
    db.close();
    expect(withMeta.evaluated).toEqual(['disk_usage']);
    expect(withMeta.signals.map((s) => s.dedupKey)).toEqual(['trace_db_schema:events', 'disk_usage:trace-db']);
    expect(result.evaluated).toEqual([]);
    expect(result.signals).toHaveLength(1);
    expect(result.signals[0]).toMatchObject({
      rule: 'trace_db_schema',
      subject: 'events',
      severity: 'SEV2',
      dedupKey: 'trace_db_schema:events',
    });
    expect(result.signals[0]!.details).toMatchObject({ missing: ['type', 'timestamp', 'payload'], tables: ['traces'] });
    expect(result.signals[0]!.summary).toContain('there is no events table');
  });

  it('a schema that cannot even be read is a db_integrity SEV1 (unreadable)', () => {
    const damaged: SqlDatabase = {
      all() {
        throw new Error('database disk image is malformed');
      },
    };
    const result = evaluateTraceDb(damaged, { now: NOW, rules: rulesWith() });
    expect(result.evaluated).toEqual(['db_integrity']);
    expect(result.signals.map((s) => [s.dedupKey, s.severity, s.details.openFailure])).toEqual([
      ['db_integrity:trace-db', 'SEV1', { reason: 'unreadable', message: 'database disk image is malformed' }],
    ]);
  });

  it('missing columns are named; key_id is optional', async () => {
    const db = await openSqlJs(await buildTraceDb([]));
    db.all('DROP TABLE events');
    db.all('CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT, ts TEXT, key_id TEXT)');
    const result = evaluateTraceDb(db, { now: NOW, rules: rulesWith() });
    db.close();
    expect(result.evaluated).toEqual([]);
    expect(result.signals.map((s) => [s.rule, s.details.missing])).toEqual([['trace_db_schema', ['timestamp', 'payload']]]);
    expect(result.signals[0]!.summary).toContain('lacks columns timestamp, payload');
  });
});

describe('evaluateTraceDb', () => {
  it('an empty DB evaluates every default rule, fires nothing and reports zero metrics', async () => {
    const result = await evaluateRows([]);
    expect(result.evaluated).toEqual([...DEFAULT_EVALUATED.filter((r) => r !== 'snapshot_stale'), ...BEYOND_RUNBOOK]);
    expect(result.signals).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.metrics).toMatchObject({
      errorShareByModel: {},
      spendTodayUsd: 0,
      projectedDailySpendUsd: 0,
      latencyP95Ms: null,
      futureEvents: 0,
    });
  });

  it('every rule can be switched off: only the schema and clock checks remain', async () => {
    const result = await evaluateRows(calls(40, { fromAgo: 9 * MIN, errors: 20 }), { rules: only([]) });
    expect(result.evaluated).toEqual(['trace_db_schema', 'trace_db_clock_skew']);
    expect(result.signals).toEqual([]);
  });

  it('a rule that throws is reported in errors and left out of evaluated; the others still run', async () => {
    const db = await openRows(calls(30, { fromAgo: 9 * MIN, errors: 6 }));
    const flaky: SqlDatabase = {
      all: (sql, params) =>
        sql.includes('quick_check')
          ? (() => {
              throw new Error('disk I/O error');
            })()
          : db.all(sql, params),
    };
    const broken: SqlDatabase = {
      all: (sql, params) =>
        sql.includes('pragma_table_info')
          ? db.all(sql, params)
          : sql.includes('route.decided')
            ? (() => {
                throw new Error('boom sk-live-abcdefghijklmnopqrstu');
              })()
            : db.all(sql, params),
    };
    const a = evaluateTraceDb(flaky, { now: NOW, rules: rulesWith() });
    // quick_check failing is itself an integrity failure, not an engine error.
    expect(byRule(a, 'db_integrity')[0]?.details.quickCheck).toEqual(['quick_check failed: disk I/O error']);
    const b = evaluateTraceDb(broken, { now: NOW, rules: rulesWith() });
    db.close();
    expect(b.evaluated).not.toContain('provider_unavailable');
    expect(b.evaluated).toContain('model_error_rate');
    // Both rules that read route.decided fail alone, redacted.
    expect(b.errors).toEqual([
      { rule: 'provider_unavailable', message: 'boom [REDACTED]' },
      { rule: 'fallback_surge', message: 'boom [REDACTED]' },
    ]);
    expect(byRule(b, 'model_error_rate')).toHaveLength(1);
  });

  it('re-evaluating the open snapshot reuses the extracted calls, and sees rows added since', async () => {
    const db = await openRows(calls(30, { fromAgo: 9 * MIN }));
    const log: string[] = [];
    const spy: SqlDatabase = {
      all: (sql, params) => {
        log.push(sql);
        return db.all(sql, params);
      },
    };
    const first = evaluateTraceDb(spy, { now: NOW, rules: only(['model_error_rate']) });
    expect(first.signals).toEqual([]);
    expect(log.filter((s) => /INSERT INTO temp\.metis_alerts_llm_calls\s/.test(s))).toHaveLength(1);
    log.length = 0;
    const later = new Date(NOW.getTime() + 2 * MIN);
    expect(evaluateTraceDb(spy, { now: later, rules: only(['model_error_rate']) }).metrics.errorShareByModel).toEqual({
      'claude-haiku-4-5': { calls: 27, errors: 0, share: 0 },
    });
    expect(log.filter((s) => /INSERT INTO temp\.metis_alerts_llm_calls\s/.test(s))).toHaveLength(0);
    // New rows on the same connection invalidate the extraction.
    const more = call({ ago: MIN, error: true });
    for (let i = 0; i < 10; i++)
      db.all('INSERT INTO events (type, timestamp, payload) VALUES (:t, :ts, :p)', { t: more.type, ts: more.timestamp, p: more.payload });
    const third = evaluateTraceDb(spy, { now: NOW, rules: only(['model_error_rate']) });
    db.close();
    expect(byRule(third, 'model_error_rate')[0]?.details).toMatchObject({ calls: 40, errors: 10 });
  });

  it('records rule durations only when given a timer, and builds the report for the router', async () => {
    let t = 0;
    const db = await openRows([]);
    const result = evaluateTraceDb(db, { now: NOW, rules: rulesWith(), timer: () => (t += 5) });
    db.close();
    expect(result.metrics.ruleDurationsMs).toMatchObject({ db_integrity: 5, model_error_rate: 5, spend_metrics: 5 });
    expect(toEvaluationReport(result, NOW)).toEqual({
      source: 'trace-db',
      evaluatedAt: NOW.toISOString(),
      evaluated: result.evaluated,
      // An empty DB: only what needs no traffic is known fine; no model, provider or key is named healthy.
      healthy: {
        trace_db_schema: ['events'],
        snapshot_unreadable: ['trace-db'],
        db_integrity: ['trace-db'],
        trace_db_bad_timestamps: ['trace-db'],
        trace_db_clock_skew: ['trace-db'],
      },
      signals: [],
      // No metadata: the disk rule says why it could not judge, and is not in `evaluated`.
      notEvaluated: { disk_usage: 'no volume figure in the metadata' },
    });
    expect(result.evaluated).not.toContain('disk_usage');
    expect(TRACE_DB_RULES.map((r) => r.id)).toContain('disk_usage');
  });

  it('on the generated fixture with every anomaly, each rule names the injected subject', async () => {
    const bytes = await generateTraceDb({ events: 6000, days: 2, end: NOW, seed: 11, anomalies: 'all' });
    const db = await openSqlJs(bytes);
    const rules = rulesWith({ cost_projection: { dailyBudgetUsd: 5 } });
    const result = evaluateTraceDb(db, { now: NOW, rules, meta: { takenAt: '2026-11-20T14:40:00Z', volumeUsedPct: 91, integrity: 'ok' } });
    db.close();
    expect(result.errors).toEqual([]);
    expect(result.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort()).toEqual(FIRING_ALL_ANOMALIES_STALE_FULL);
    // The snapshot is 20 minutes old: traffic_stopped does not judge a stale snapshot (snapshot_stale does).
    const notStale = DEFAULT_EVALUATED.filter((r) => r !== 'traffic_stopped');
    expect(result.evaluated).toEqual([...notStale.slice(0, 5), 'cost_projection', ...notStale.slice(5), 'disk_usage', ...BEYOND_RUNBOOK]);
    for (const s of result.signals) {
      expect(s.summary.length).toBeLessThanOrEqual(1024);
      expect(s.summary).not.toMatch(/[\n\r]/);
      expect(s.observedAt).toBe(NOW.toISOString());
      expect(s.runbook).toBeTruthy();
    }
  });

  it('on the same fixture without anomalies nothing fires', async () => {
    const bytes = await generateTraceDb({ events: 6000, days: 2, end: NOW, seed: 11, anomalies: 'none' });
    const db = await openSqlJs(bytes);
    const result = evaluateTraceDb(db, {
      now: NOW,
      rules: rulesWith(),
      meta: { takenAt: '2026-11-20T14:59:00Z', volumeUsedPct: 40, integrity: 'ok' },
    });
    db.close();
    expect(result.signals).toEqual([]);
    expect(result.evaluated).toEqual([...DEFAULT_EVALUATED, 'disk_usage', ...BEYOND_RUNBOOK]);
  });
});

describe('snapshot metadata', () => {
  it('an unopenable snapshot still reports disk usage from its metadata', () => {
    const result = evaluateTraceDb(
      { kind: 'open-failure', reason: 'not_sqlite', message: 'file is not a database' },
      { now: NOW, rules: rulesWith(), meta: { volumeUsedPct: 99 } },
    );
    expect(result.evaluated).toEqual(['db_integrity', 'disk_usage']);
    expect(result.signals.map((s) => [s.dedupKey, s.severity])).toEqual([
      ['db_integrity:trace-db', 'SEV1'],
      ['disk_usage:trace-db', 'SEV3'],
    ]);
  });
});

describe('snapshot_stale and disk_usage', () => {
  it('snapshot_stale uses the shipper time (SEV3 past maxAgeMinutes), else the newest event', async () => {
    const rows = [call({ ago: 30 * MIN })];
    const byMeta = await evaluateRows(rows, { rules: only(['snapshot_stale']), meta: { takenAt: '2026-11-20T14:45:00+00:00' } });
    const [s] = byRule(byMeta, 'snapshot_stale');
    expect(s).toMatchObject({ severity: 'SEV3', subject: 'trace-db', dedupKey: 'snapshot_stale:trace-db' });
    expect(s!.details).toMatchObject({
      value: 15,
      threshold: 10,
      basis: 'snapshot',
      newestEventAt: '2026-11-20T14:30:00.000Z',
      newestEventAgeMinutes: 30,
    });
    expect(byMeta.metrics).toMatchObject({ snapshotAgeSeconds: 900, newestEventAgeSeconds: 1800 });
    // A fresh snapshot of a quiet gateway is not stale.
    const fresh = await evaluateRows(rows, { rules: only(['snapshot_stale']), meta: { takenAt: '2026-11-20T14:55:00Z' } });
    expect(fresh.signals).toEqual([]);
    // Without metadata, the newest event decides; exactly maxAgeMinutes is not stale.
    const byEvent = await evaluateRows(rows, { rules: only(['snapshot_stale']) });
    expect(byRule(byEvent, 'snapshot_stale')[0]?.details).toMatchObject({ basis: 'newest event', value: 30 });
    const boundary = await evaluateRows([call({ ago: 10 * MIN })], { rules: only(['snapshot_stale']) });
    expect(boundary.signals).toEqual([]);
    const configured = await evaluateRows(rows, { rules: only(['snapshot_stale'], { snapshot_stale: { maxAgeMinutes: 45 } }) });
    expect(configured.signals).toEqual([]);
  });

  it('snapshot_stale finds the newest event even when it is older than a day, and is not evaluated on an empty DB without metadata', async () => {
    const old = await evaluateRows([call({ ago: 50 * 60 * MIN })], { rules: only(['snapshot_stale']) });
    expect(byRule(old, 'snapshot_stale')[0]?.details).toMatchObject({ value: 3000, newestEventAt: '2026-11-18T13:00:00.000Z' });
    const empty = await evaluateRows([], { rules: only(['snapshot_stale']) });
    expect(empty.evaluated).not.toContain('snapshot_stale');
  });

  it('disk_usage fires SEV3 at >= 80 % from the shipper metadata and is not evaluated without it', async () => {
    const at80 = await evaluateRows([], {
      rules: only(['disk_usage']),
      meta: { volumeUsedPct: 80, walBytes: 150_000_000, sourceBytes: 2_000_000_000 },
    });
    const [s] = byRule(at80, 'disk_usage');
    expect(s).toMatchObject({ severity: 'SEV3', subject: 'trace-db', dedupKey: 'disk_usage:trace-db' });
    expect(s!.details).toMatchObject({ value: 80, threshold: 80, walBytes: 150_000_000, sourceBytes: 2_000_000_000 });
    expect(s!.summary).toContain('WAL 150 MB');
    expect(s!.summary).toContain('scale the gateway to zero');
    expect((await evaluateRows([], { rules: only(['disk_usage']), meta: { volumeUsedPct: 79.9 } })).signals).toEqual([]);
    expect(
      (await evaluateRows([], { rules: only(['disk_usage'], { disk_usage: { thresholdPct: 95 } }), meta: { volumeUsedPct: 90 } })).signals,
    ).toEqual([]);
    const none = await evaluateRows([], { rules: only(['disk_usage']) });
    expect(none.evaluated).not.toContain('disk_usage');
  });

  it('disk_usage at 100 % is SEV2 "full" with the scale-to-zero first move; 99.9 % stays SEV3 "near full"', async () => {
    const full = await evaluateRows([], { rules: only(['disk_usage']), meta: { volumeUsedPct: 100, walBytes: 2_000_000 } });
    const [s, ...rest] = byRule(full, 'disk_usage');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ severity: 'SEV2', dedupKey: 'disk_usage:trace-db', runbook: 'Trace DB corruption or disk full' });
    expect(s!.summary).toMatch(/^Trace-DB volume full \(100 % used, WAL 2 MB\)/);
    expect(s!.summary).toContain('scale the gateway to zero');
    expect(s!.details).toMatchObject({ value: 100, threshold: 100, state: 'full' });
    const near = await evaluateRows([], { rules: only(['disk_usage']), meta: { volumeUsedPct: 99.9 } });
    expect(byRule(near, 'disk_usage').map((x) => [x.severity, x.details.state])).toEqual([['SEV3', 'near full']]);
    expect(byRule(near, 'disk_usage')[0]!.summary).toContain('near full: 100 % used');
  });

  it('disk_usage without a usable volume figure is reported under notEvaluated with the reason, never silently skipped', async () => {
    const noFigure = await evaluateRows([], { rules: only(['disk_usage']), meta: { takenAt: NOW.toISOString(), integrity: 'ok' } });
    expect(noFigure.evaluated).not.toContain('disk_usage');
    expect(noFigure.notEvaluated).toEqual({ disk_usage: 'no volume figure in the metadata' });
    expect(toEvaluationReport(noFigure, NOW).notEvaluated).toEqual({ disk_usage: 'no volume figure in the metadata' });
    const bogus = await evaluateRows([], { rules: only(['disk_usage']), meta: { volumeUsedPct: 140 } });
    expect(bogus.notEvaluated).toEqual({ disk_usage: 'the volume figure 140 is not a percentage (0-100)' });
    expect(bogus.signals).toEqual([]);
    // Off is off: nothing to report; a report with nothing to say carries no notEvaluated at all.
    const off = await evaluateRows([], { rules: only([]) });
    expect(off.notEvaluated).toEqual({});
    expect(Object.keys(toEvaluationReport(off, NOW))).not.toContain('notEvaluated');
    // Also when the snapshot cannot be opened (the metadata rules still run).
    const broken = evaluateTraceDb(
      { kind: 'open-failure', reason: 'empty', message: 'empty file' },
      { now: NOW, rules: only(['disk_usage']), meta: {} },
    );
    expect(broken.notEvaluated).toEqual({ disk_usage: 'no volume figure in the metadata' });
  });
});
