// Small hand-made trace DBs for the rule tests: rows are built relative to a fixed `now`; and what the
// rules name on the generated all-anomalies fixture.
import { openSqlJs, type SqlJsDatabase } from '../../../../lambdas/adapters/sqljs-database.ts';
import { parseConfig, type ConfigInput } from '../../../../lambdas/core/config.ts';
import type { SnapshotMeta, TraceDbRulesConfig } from '../../../../lambdas/core/trace-db/context.ts';
import { evaluateTraceDb, type TraceDbEvaluation } from '../../../../lambdas/core/trace-db/evaluate.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { ALL_ANOMALIES, buildTraceDb, type FixtureRow, type IndexStyle } from '../../../../tools/trace-db-fixture.ts';

export const NOW = new Date('2026-11-20T15:00:00.000Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;

export type Style = 'iso-z' | 'space' | 'python' | 'offset';

/** The timestamp `msBefore` ms before NOW, written in one of the ISO-8601 forms a gateway may use. */
export function at(msBefore: number, style: Style = 'iso-z'): string {
  const iso = new Date(NOW.getTime() - msBefore).toISOString();
  switch (style) {
    case 'iso-z':
      return iso;
    case 'space':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 'python':
      return `${iso.slice(0, 23)}000+00:00`;
    case 'offset': {
      // Same instant, written in UTC+02:00.
      const local = new Date(NOW.getTime() - msBefore + 2 * HOUR).toISOString();
      return `${local.slice(0, 19)}+02:00`;
    }
  }
}

export interface CallSpec {
  ago: number;
  model?: string;
  provider?: string;
  error?: boolean;
  cost?: number;
  latency?: number;
  key?: string;
  style?: Style;
}

export function call(spec: CallSpec): FixtureRow {
  const key = spec.key ?? 'gk_test';
  return {
    type: 'llm.call_completed',
    timestamp: at(spec.ago, spec.style),
    keyId: key,
    payload: JSON.stringify({
      gateway_key_id: key,
      model: spec.model ?? 'claude-haiku-4-5',
      provider: spec.provider ?? 'anthropic',
      stop_reason: spec.error ? 'error' : 'end_turn',
      usage: { input_tokens: 100, output_tokens: 50, cost_usd: spec.cost ?? 0.001 },
      latency_ms: spec.latency ?? 500,
    }),
  };
}

/** `n` calls spread evenly over [fromAgo, toAgo) before NOW; the first `errors` of them fail. */
export function calls(
  n: number,
  spec: Omit<CallSpec, 'ago' | 'error'> & { fromAgo: number; toAgo?: number; errors?: number },
): FixtureRow[] {
  const toAgo = spec.toAgo ?? 0;
  return Array.from({ length: n }, (_, i) =>
    call({ ...spec, ago: spec.fromAgo - ((spec.fromAgo - toAgo) * (i + 0.5)) / n, error: i < (spec.errors ?? 0) }),
  );
}

export interface Hop {
  provider: string;
  model: string;
  verdict: string;
}

export function route(ago: number, chain: Hop[] | unknown, extra: Record<string, unknown> = {}, style: Style = 'iso-z'): FixtureRow {
  return {
    type: 'route.decided',
    timestamp: at(ago, style),
    keyId: null,
    payload: JSON.stringify({ gateway_key_id: 'gk_route', pinned: false, chain, ...extra }),
  };
}

export function quota(ago: number, key: string, extra: Record<string, unknown> = {}): FixtureRow {
  return {
    type: 'quota.alert',
    timestamp: at(ago),
    keyId: key,
    payload: JSON.stringify({ gateway_key_id: key, threshold_pct: 80, ...extra }),
  };
}

export function raw(type: string, timestamp: string, payload: string, keyId: string | null = null): FixtureRow {
  return { type, timestamp, payload, keyId };
}

export async function openRows(rows: FixtureRow[], options: { keyIdColumn?: boolean; index?: IndexStyle } = {}): Promise<SqlJsDatabase> {
  return openSqlJs(await buildTraceDb(rows, options));
}

export function rulesWith(rules: ConfigInput['rules'] = {}): TraceDbRulesConfig {
  return parseConfig({ rules }).rules;
}

/** Every rule off except those named (so a test sees only the rule under test). */
export function only(ids: string[], overrides: Record<string, Record<string, unknown>> = {}): TraceDbRulesConfig {
  const base = rulesWith();
  const out: Record<string, unknown> = {};
  for (const [id, cfg] of Object.entries(base)) out[id] = { ...cfg, enabled: ids.includes(id), ...(overrides[id] ?? {}) };
  return out as TraceDbRulesConfig;
}

export async function evaluateRows(
  rows: FixtureRow[],
  options: { rules?: TraceDbRulesConfig; meta?: SnapshotMeta; now?: Date; keyIdColumn?: boolean } = {},
): Promise<TraceDbEvaluation> {
  const db = await openRows(rows, { keyIdColumn: options.keyIdColumn });
  try {
    return evaluateTraceDb(db, {
      now: options.now ?? NOW,
      rules: options.rules ?? rulesWith(),
      ...(options.meta ? { meta: options.meta } : {}),
    });
  } finally {
    db.close();
  }
}

export function byRule(result: TraceDbEvaluation, rule: string): Signal[] {
  return result.signals.filter((s) => s.rule === rule);
}

const A = ALL_ANOMALIES;

/**
 * `SEVn dedupKey` (sorted) of what the rules name on the generated all-anomalies fixture with
 * cost_projection.dailyBudgetUsd 5 and a fresh, healthy snapshot: one signal per injected anomaly.
 */
export const FIRING_ALL_ANOMALIES = [
  `SEV2 model_error_rate:${A.errorSpike.model}`,
  // The spike also lifts the share over all models past 5 %.
  'SEV2 error_rate_overall:all-models',
  `SEV2 provider_unavailable:${A.providerDownNoFailover.provider}:${A.providerDownNoFailover.model}`,
  `SEV3 provider_unavailable:${A.providerDownFailover.provider}:${A.providerDownFailover.model}`,
  `SEV3 key_spend_spike:${A.keySpendSpike.key}`,
  `SEV3 quota_alert:${A.quotaAlerts.key}`,
  'SEV3 latency_p95:gateway',
  'SEV3 cost_projection:daily',
  'SEV4 trace_db_clock_skew:trace-db',
  // Beyond the runbook: the failover anomaly is also a fallback surge from its first choice, and the
  // spike key is the one key issued without a daily cap (every regular key carries one).
  `SEV3 fallback_surge:${A.providerDownFailover.provider}:${A.providerDownFailover.model}`,
  `SEV4 key_without_cap:${A.keySpendSpike.key}`,
].sort();

/** The same with a snapshot taken 20 minutes before NOW on a 91 % full volume: also snapshot_stale and disk_usage. */
export const FIRING_ALL_ANOMALIES_STALE_FULL = [...FIRING_ALL_ANOMALIES, 'SEV3 snapshot_stale:trace-db', 'SEV3 disk_usage:trace-db'].sort();

/**
 * The shipper's bounded cut of a hand-made DB (docs/snapshot-format.md): only the events of the last
 * `windowHours` (26) before `now` stay raw and `metis_rollup_info` marks the snapshot bounded, with empty
 * rollups. Enough for rules whose windows lie inside the raw events: they must answer exactly as on the
 * whole DB. (test/integration/shipper/bounded-snapshot.test.ts runs the real shipper.)
 */
export async function openBoundedRows(
  rows: FixtureRow[],
  options: { windowHours?: number; now?: Date; keyIdColumn?: boolean } = {},
): Promise<SqlJsDatabase> {
  const db = await openRows(rows, { keyIdColumn: options.keyIdColumn });
  const now = options.now ?? NOW;
  const windowHours = options.windowHours ?? 26;
  const from = new Date(now.getTime() - windowHours * HOUR).toISOString().replace('.000Z', 'Z');
  db.all(`DELETE FROM events WHERE julianday(timestamp) < julianday(:from)`, { from });
  db.all(
    `CREATE TABLE metis_rollup_info AS SELECT 1 AS format_version, :now AS taken_at, :hours AS window_hours, :from AS window_from,
            :from AS hourly_from, :from AS daily_from`,
    { now: now.toISOString(), hours: windowHours, from },
  );
  db.all('CREATE TABLE metis_rollup_hourly (hour TEXT, key TEXT, model TEXT, calls INTEGER, errors REAL, cost_usd REAL, first_jd REAL)');
  db.all('CREATE TABLE metis_rollup_latency_hourly (hour TEXT, bin INTEGER, calls INTEGER)');
  db.all('CREATE TABLE metis_rollup_calls_10min (bucket TEXT, calls INTEGER)');
  db.all('CREATE TABLE metis_rollup_daily (day TEXT, key TEXT, calls INTEGER, cost_usd REAL, first_jd REAL)');
  return db;
}

/** The evaluation of the whole DB and of its bounded cut (same rules, same clock). */
export async function evaluateWholeAndBounded(
  rows: FixtureRow[],
  options: { rules: TraceDbRulesConfig; now?: Date; meta?: SnapshotMeta },
): Promise<{ whole: TraceDbEvaluation; bounded: TraceDbEvaluation }> {
  const run = async (db: SqlJsDatabase) => {
    try {
      return evaluateTraceDb(db, { now: options.now ?? NOW, rules: options.rules, ...(options.meta ? { meta: options.meta } : {}) });
    } finally {
      db.close();
    }
  };
  return { whole: await run(await openRows(rows)), bounded: await run(await openBoundedRows(rows, { now: options.now ?? NOW })) };
}
