// analytics_drift (SEV2, the runbook's "per-key analytics rollup wrong by >= 10 %"): the gateway's
// `/analytics/by_key` against the trace DB, per key, over the same window. On-call confirms a spend spike
// in /analytics/by_key before revoking a key, so a wrong rollup misleads exactly that decision.
//
// The window ends `settleMinutes` before the snapshot was taken (both sides have had time to write and
// roll up) and spans `windowMinutes`. A key is compared when either side counts at least `minCalls` calls;
// it fires when calls or cost differ from the trace DB by `threshold` (0.10) or more of the trace DB's
// value. An endpoint that is down or answers something that is not a by-key table is `analytics_unavailable`
// (SEV3) and leaves analytics_drift unevaluated: never a false drift, never a false resolve.
// Pure: the fetched body comes in as data (lambdas/adapters/http-analytics-source.ts fetches it).
import type { Config } from '../config.ts';
import { llmCalls } from './calls.ts';
import type { Signal } from '../signal.ts';
import { makeSignal, num, query, round, RUNBOOK, text, usd, type RuleContext } from './context.ts';
import { MS_PER_MINUTE, parseInstant, toJulianDay } from './time.ts';

export const ANALYTICS_DRIFT = 'analytics_drift';
export const ANALYTICS_UNAVAILABLE = 'analytics_unavailable';
/** Beyond this many drifting keys the report names the busiest and does not count the rule as evaluated. */
export const MAX_DRIFT_SIGNALS = 50;

export type AnalyticsConfig = NonNullable<Config['analytics']>;
export type AnalyticsFields = Pick<AnalyticsConfig, 'keyField' | 'callsField' | 'costField'>;

export interface AnalyticsWindow {
  fromMs: number;
  toMs: number;
}

/** What the adapter brings back: the parsed JSON body, or why there is none (status, timeout, not JSON). */
export type AnalyticsFetch = { kind: 'body'; body: unknown } | { kind: 'unavailable'; reason: string };

export interface AnalyticsInput {
  config: AnalyticsConfig;
  window: AnalyticsWindow;
  fetched: AnalyticsFetch;
  /** Where it was fetched from, for the summary (already without credentials). */
  url: string;
}

/** The compared window: `windowMinutes` ending `settleMinutes` before the snapshot (or `now` without one). */
export function analyticsWindow(
  now: Date,
  takenAt: string | undefined,
  config: Pick<AnalyticsConfig, 'windowMinutes' | 'settleMinutes'>,
): AnalyticsWindow {
  const taken = parseInstant(takenAt);
  const reference = taken !== undefined && taken <= now.getTime() ? taken : now.getTime();
  const toMs = reference - config.settleMinutes * MS_PER_MINUTE;
  return { fromMs: toMs - config.windowMinutes * MS_PER_MINUTE, toMs };
}

export interface KeyTotals {
  calls: number;
  costUsd: number;
}

/**
 * The rows of a by-key answer: a JSON array of rows, or an object holding one (`{ "data": [...] }`,
 * `{ "rows": [...] }`, ...: the first array property whose rows carry `keyField`). Calls and cost may be
 * numbers or numeric strings; a key listed twice is summed. Anything else is a reason string.
 */
export function parseAnalyticsRows(body: unknown, fields: AnalyticsFields): Map<string, KeyTotals> | string {
  const rows = Array.isArray(body) ? body : findRowArray(body, fields.keyField);
  if (rows === undefined) return `expected a JSON array of rows or an object holding one (rows with "${fields.keyField}")`;
  const totals = new Map<string, KeyTotals>();
  for (const [index, row] of rows.entries()) {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return `row ${index}: not an object`;
    const record = row as Record<string, unknown>;
    const key = record[fields.keyField];
    if (typeof key !== 'string' || key === '') return `row ${index}: "${fields.keyField}" is not a non-empty string`;
    const calls = numeric(record[fields.callsField]);
    if (calls === undefined || calls < 0) return `row ${index}: "${fields.callsField}" is not a number >= 0`;
    const cost = numeric(record[fields.costField]);
    if (cost === undefined || cost < 0) return `row ${index}: "${fields.costField}" is not a number >= 0`;
    const sum = totals.get(key) ?? { calls: 0, costUsd: 0 };
    totals.set(key, { calls: sum.calls + calls, costUsd: sum.costUsd + cost });
  }
  return totals;
}

function findRowArray(body: unknown, keyField: string): unknown[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  for (const value of Object.values(body as Record<string, unknown>)) {
    if (!Array.isArray(value)) continue;
    if (value.length === 0 || (value[0] !== null && typeof value[0] === 'object' && keyField in (value[0] as object))) return value;
  }
  return undefined;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** |analytics - trace| / trace; Infinity when the trace DB has none and analytics has some; 0 when both have none. */
export function relativeDrift(analytics: number, trace: number): number {
  if (trace === 0) return analytics === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(analytics - trace) / trace;
}

/** Float noise must not decide a boundary: 22 vs 20 calls is exactly 10 %. */
const EPSILON = 1e-9;

export interface KeyComparison {
  key: string;
  traceDb: KeyTotals;
  analytics: KeyTotals;
  callsDrift: number;
  costDrift: number;
  drifting: boolean;
}

/** Pure comparison of the two tables, busiest keys first; keys under `minCalls` on both sides are left out. */
export function compareByKey(
  trace: ReadonlyMap<string, KeyTotals>,
  analytics: ReadonlyMap<string, KeyTotals>,
  rule: { threshold: number; minCalls: number },
): KeyComparison[] {
  const none: KeyTotals = { calls: 0, costUsd: 0 };
  const keys = [...new Set([...trace.keys(), ...analytics.keys()])];
  return keys
    .map((key) => {
      const t = trace.get(key) ?? none;
      const a = analytics.get(key) ?? none;
      const callsDrift = relativeDrift(a.calls, t.calls);
      // Sub-cent totals are rounding, not drift.
      const costDrift = Math.max(a.costUsd, t.costUsd) < 0.01 ? 0 : relativeDrift(round(a.costUsd, 6), round(t.costUsd, 6));
      const drifting = callsDrift >= rule.threshold - EPSILON || costDrift >= rule.threshold - EPSILON;
      return { key, traceDb: t, analytics: a, callsDrift, costDrift, drifting };
    })
    .filter((c) => Math.max(c.traceDb.calls, c.analytics.calls) >= rule.minCalls)
    .sort(
      (x, y) => Math.max(y.traceDb.calls, y.analytics.calls) - Math.max(x.traceDb.calls, x.analytics.calls) || x.key.localeCompare(y.key),
    );
}

const byKeySql = (calls: string) => `
SELECT key, COUNT(*) AS calls, TOTAL(CASE WHEN typeof(cost) IN ('integer', 'real') THEN cost END) AS cost
FROM ${calls}
WHERE jd > :from AND jd <= :to AND key IS NOT NULL
GROUP BY key`;

/** The trace DB's side: calls and cost per key over (from, to]. */
export function traceTotalsByKey(ctx: RuleContext, window: AnalyticsWindow): Map<string, KeyTotals> {
  const rows = query(ctx, byKeySql(llmCalls(ctx)), { from: toJulianDay(window.fromMs), to: toJulianDay(window.toMs) });
  return new Map(rows.map((r) => [text(r.key), { calls: num(r.calls), costUsd: num(r.cost) }]));
}

/**
 * The rule for one run (it needs the fetched answer, so it is not one of the static TRACE_DB_RULES).
 * `evaluated` lists analytics_unavailable whenever the rule ran, analytics_drift only when the answer was
 * usable and every drifting key has its signal.
 */
/** The one subject of analytics_unavailable: the endpoint. */
const UNAVAILABLE_SUBJECT = 'by_key';

export function evaluateAnalyticsDrift(
  ctx: RuleContext,
  input: AnalyticsInput,
): { evaluated: string[]; signals: Signal[]; healthy: Record<string, string[]> } {
  const cfg = ctx.rules.analytics_drift;
  if (!cfg.enabled) return { evaluated: [], signals: [], healthy: {} };
  const parsed = input.fetched.kind === 'body' ? parseAnalyticsRows(input.fetched.body, input.config) : undefined;
  if (parsed === undefined || typeof parsed === 'string') {
    const reason = typeof parsed === 'string' ? `malformed answer: ${parsed}` : (input.fetched as { reason: string }).reason;
    return { evaluated: [ANALYTICS_UNAVAILABLE], signals: [unavailableSignal(ctx, input, reason)], healthy: {} };
  }
  const compared = compareByKey(traceTotalsByKey(ctx, input.window), parsed, cfg);
  const drifting = compared.filter((c) => c.drifting);
  const signals = drifting.slice(0, MAX_DRIFT_SIGNALS).map((c) => driftSignal(ctx, input, c, cfg));
  const judged = drifting.length <= MAX_DRIFT_SIGNALS;
  const evaluated = judged ? [ANALYTICS_UNAVAILABLE, ANALYTICS_DRIFT] : [ANALYTICS_UNAVAILABLE];
  // Evidence for resolves: the endpoint answered a by-key table, and each compared key that agrees.
  const healthy: Record<string, string[]> = { [ANALYTICS_UNAVAILABLE]: [UNAVAILABLE_SUBJECT] };
  if (judged) healthy[ANALYTICS_DRIFT] = compared.filter((c) => !c.drifting).map((c) => c.key);
  return { evaluated, signals, healthy };
}

function windowText(window: AnalyticsWindow): string {
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  return `${hhmm(window.fromMs)}-${hhmm(window.toMs)} UTC`;
}

function pctText(drift: number, analytics: number, trace: number): string {
  if (!Number.isFinite(drift)) return 'trace DB has none';
  const sign = analytics >= trace ? '+' : '-';
  return `${sign}${(drift * 100).toFixed(drift >= 0.1 ? 0 : 1)}%`;
}

function driftSignal(ctx: RuleContext, input: AnalyticsInput, c: KeyComparison, cfg: { threshold: number; minCalls: number }) {
  const { analytics: a, traceDb: t } = c;
  return makeSignal(ctx.now, {
    rule: ANALYTICS_DRIFT,
    subject: c.key,
    severity: 'SEV2',
    runbook: RUNBOOK.runawaySpend,
    summary:
      `Analytics rollup wrong for key ${c.key}: /analytics/by_key says ${a.calls} calls / ${usd(a.costUsd)}, the trace DB ${t.calls} calls / ${usd(t.costUsd)} ` +
      `over ${windowText(input.window)} (calls ${pctText(c.callsDrift, a.calls, t.calls)}, cost ${pctText(c.costDrift, a.costUsd, t.costUsd)}; threshold ${Math.round(cfg.threshold * 100)}%). ` +
      'First move: do not confirm spend or revocations in /analytics/by_key until it agrees again; the trace DB numbers in details are the reference. Check the rollup job and the last gateway deploy.',
    details: {
      key: c.key,
      window: {
        from: new Date(input.window.fromMs).toISOString(),
        to: new Date(input.window.toMs).toISOString(),
        minutes: input.config.windowMinutes,
      },
      analytics: { calls: a.calls, costUsd: round(a.costUsd, 4) },
      traceDb: { calls: t.calls, costUsd: round(t.costUsd, 4) },
      callsDriftPct: Number.isFinite(c.callsDrift) ? round(c.callsDrift * 100, 2) : null,
      costDriftPct: Number.isFinite(c.costDrift) ? round(c.costDrift * 100, 2) : null,
      threshold: cfg.threshold,
      minCalls: cfg.minCalls,
      endpoint: input.url,
    },
  });
}

function unavailableSignal(ctx: RuleContext, input: AnalyticsInput, reason: string) {
  return makeSignal(ctx.now, {
    rule: ANALYTICS_UNAVAILABLE,
    subject: UNAVAILABLE_SUBJECT,
    severity: 'SEV3',
    runbook: RUNBOOK.runawaySpend,
    summary: `/analytics/by_key could not be compared with the trace DB (${reason}): analytics_drift is not checked meanwhile, and on-call cannot confirm key spend there. Endpoint: ${input.url}`,
    details: {
      endpoint: input.url,
      reason,
      window: { from: new Date(input.window.fromMs).toISOString(), to: new Date(input.window.toMs).toISOString() },
    },
  });
}
