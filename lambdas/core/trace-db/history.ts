// The history questions the trace-DB rules ask (spend baselines, models a key used, traffic a day and
// a week ago, month to date, latency baseline), answered from the shipper's rollup tables when the
// snapshot is bounded (docs/snapshot-format.md) and from the raw events otherwise. Both paths cut
// history at the same bucket boundaries, so a rule gives the same alert on a bounded snapshot as on
// the whole database it was cut from.
//
// A range [from, to) is read as: whole buckets (hour, 10 min, day) that start at or after `from`
// (floored to the grain) and lie before the snapshot's rollup cutoff, from the rollups; everything
// from the cutoff up to `to`, from the raw rows. A whole database has no cutoff: all of it is raw.
import { llmCalls } from './calls.ts';
import { memo, num, query, type RuleContext } from './context.ts';
import { fromJulianDay, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, parseInstant, toJulianDay } from './time.ts';

export const ROLLUP_TABLES = {
  info: 'metis_rollup_info',
  hourly: 'metis_rollup_hourly',
  latency: 'metis_rollup_latency_hourly',
  tenMinutes: 'metis_rollup_calls_10min',
  daily: 'metis_rollup_daily',
} as const;

export const TEN_MINUTES_MS = 10 * MS_PER_MINUTE;

/** Where a bounded snapshot's raw rows start; buckets before it are in the rollups. */
export interface RollupCutoff {
  /** The first raw event instant the snapshot holds (the shipper's `now - WINDOW_HOURS`). */
  windowFromMs: number;
  /** Rollup buckets start before these instants; raw rows answer from them on. */
  hourMs: number;
  tenMinutesMs: number;
  dayMs: number;
}

export interface Range {
  fromMs: number;
  toMs: number;
  /** `to` itself belongs to the range (windows that end at now); default exclusive. */
  toInclusive?: boolean;
}

export interface KeyModelUsage {
  key: string | null;
  model: string | null;
  calls: number;
  errors: number;
  costUsd: number;
}

export interface KeyModelHistory {
  rows: KeyModelUsage[];
  /** The earliest call in the range (ms), undefined when there is none. */
  firstMs: number | undefined;
}

export interface KeySpend {
  key: string | null;
  calls: number;
  costUsd: number;
}

export interface SpendHistory {
  byKey: KeySpend[];
  totalUsd: number;
  firstMs: number | undefined;
}

export interface LatencyHistory {
  /** Calls with a numeric, non-negative latency. */
  calls: number;
  /** Nearest-rank p95 of the latencies rounded down to two significant digits; null with no calls. */
  p95Ms: number | null;
}

/** The rollup cutoff of a bounded snapshot, or undefined for a whole database. */
export function rollupCutoff(ctx: RuleContext): RollupCutoff | undefined {
  return memo(ctx, 'history:cutoff', () => {
    const exists = query(ctx, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name`, { name: ROLLUP_TABLES.info });
    if (exists.length === 0) return undefined;
    const [row] = query(ctx, `SELECT window_from FROM ${ROLLUP_TABLES.info} LIMIT 1`);
    const windowFromMs = parseInstant(typeof row?.window_from === 'string' ? row.window_from : undefined);
    if (windowFromMs === undefined) throw new Error(`${ROLLUP_TABLES.info} has no readable window_from`);
    return {
      windowFromMs,
      hourMs: ceilTo(windowFromMs, MS_PER_HOUR),
      tenMinutesMs: ceilTo(windowFromMs, TEN_MINUTES_MS),
      dayMs: ceilTo(windowFromMs, MS_PER_DAY),
    };
  });
}

/** Calls, errors and spend per key and model over the range (hourly grain): baselines, models a key used. */
export function keyModelHistory(ctx: RuleContext, range: Range): KeyModelHistory {
  const parts = split(ctx, range, MS_PER_HOUR, 'hourMs');
  // key_spend_spike's baseline and key_compromise_suspected's usual models ask for the same hours (their
  // ranges floor to the same grain): the 7-day aggregate over the hourly rollup is read once per run.
  return memo(ctx, `history:key-model:${JSON.stringify(parts)}`, () => readKeyModelHistory(ctx, parts));
}

function readKeyModelHistory(ctx: RuleContext, parts: Parts): KeyModelHistory {
  const rows = rowsOfBothParts(
    ctx,
    parts,
    `SELECT key, model, SUM(calls) AS calls, SUM(errors) AS errors, TOTAL(cost_usd) AS cost, MIN(first_jd) AS first_jd
     FROM ${ROLLUP_TABLES.hourly} WHERE hour >= :from AND hour < :to GROUP BY key, model`,
    (where) => `SELECT key, model, COUNT(*) AS calls, TOTAL(error) AS errors, TOTAL(cost) AS cost, MIN(jd) AS first_jd
     FROM ${llmCalls(ctx)} WHERE ${where} GROUP BY key, model`,
  );
  const merged = new Map<string, KeyModelUsage>();
  for (const r of rows) {
    const key = nullableText(r.key);
    const model = nullableText(r.model);
    const id = JSON.stringify([key, model]);
    const row = merged.get(id) ?? { key, model, calls: 0, errors: 0, costUsd: 0 };
    row.calls += num(r.calls);
    row.errors += num(r.errors);
    row.costUsd += num(r.cost);
    merged.set(id, row);
  }
  return { rows: [...merged.values()], firstMs: firstCallMs(rows) };
}

/** The models each key called in the range (hourly grain): a key calling models it never used is suspicious. */
export function modelsByKey(ctx: RuleContext, range: Range): Map<string | null, Set<string | null>> {
  const out = new Map<string | null, Set<string | null>>();
  for (const r of keyModelHistory(ctx, range).rows) {
    const set = out.get(r.key) ?? new Set<string | null>();
    set.add(r.model);
    out.set(r.key, set);
  }
  return out;
}

/** Spend and calls per key over the range (daily grain): month to date, the month's top keys. */
export function spendHistory(ctx: RuleContext, range: Range): SpendHistory {
  const rows = rowsOfBothParts(
    ctx,
    split(ctx, range, MS_PER_DAY, 'dayMs'),
    `SELECT key, SUM(calls) AS calls, TOTAL(cost_usd) AS cost, MIN(first_jd) AS first_jd
     FROM ${ROLLUP_TABLES.daily} WHERE day >= :from AND day < :to GROUP BY key`,
    (where) => `SELECT key, COUNT(*) AS calls, TOTAL(cost) AS cost, MIN(jd) AS first_jd FROM ${llmCalls(ctx)} WHERE ${where} GROUP BY key`,
  );
  const merged = new Map<string, KeySpend>();
  for (const r of rows) {
    const key = nullableText(r.key);
    const id = JSON.stringify(key);
    const row = merged.get(id) ?? { key, calls: 0, costUsd: 0 };
    row.calls += num(r.calls);
    row.costUsd += num(r.cost);
    merged.set(id, row);
  }
  const byKey = [...merged.values()];
  return { byKey, totalUsd: byKey.reduce((sum, k) => sum + k.costUsd, 0), firstMs: firstCallMs(rows) };
}

/** All calls (every model) in the range at a 10-minute grain: traffic then versus now. */
export function callCount(ctx: RuleContext, range: Range): number {
  const parts = split(ctx, range, TEN_MINUTES_MS, 'tenMinutesMs');
  let calls = 0;
  if (parts.rollup) {
    const [r] = query(
      ctx,
      `SELECT SUM(calls) AS calls FROM ${ROLLUP_TABLES.tenMinutes} WHERE bucket >= :from AND bucket < :to`,
      parts.rollup,
    );
    calls += num(r?.calls);
  }
  if (parts.raw) {
    const [r] = query(ctx, `SELECT COUNT(*) AS calls FROM ${llmCalls(ctx)} WHERE ${rawWhere(parts.raw)}`, parts.raw);
    calls += num(r?.calls);
  }
  return calls;
}

/** The latency p95 baseline over the range (hourly grain), from two-significant-digit bins on both paths. */
export function latencyHistory(ctx: RuleContext, range: Range): LatencyHistory {
  const rows = rowsOfBothParts(
    ctx,
    split(ctx, range, MS_PER_HOUR, 'hourMs'),
    `SELECT bin, SUM(calls) AS calls FROM ${ROLLUP_TABLES.latency} WHERE hour >= :from AND hour < :to GROUP BY bin`,
    (where) => `SELECT ${latencyBinSql('latency')} AS bin, COUNT(*) AS calls FROM ${llmCalls(ctx)}
     WHERE ${where} AND ${VALID_LATENCY} GROUP BY bin`,
  );
  const bins = new Map<number, number>();
  for (const r of rows) bins.set(num(r.bin), (bins.get(num(r.bin)) ?? 0) + num(r.calls));
  return nearestRankP95(bins);
}

/** A latency usable for percentiles: a number, not negative. */
export const VALID_LATENCY = `typeof(latency) IN ('integer', 'real') AND latency >= 0`;

/**
 * SQL for a latency rounded down to two significant digits (1234.5 -> 1200, 87.9 -> 87): the p95
 * baseline's histogram bins, written without math functions so sql.js and any sqlite3 agree.
 */
export function latencyBinSql(x: string): string {
  const int = `CAST(${x} AS INTEGER)`;
  const scale = `CAST('1' || substr('0000000000000000000', 1, max(length(CAST(${int} AS TEXT)) - 2, 0)) AS INTEGER)`;
  return `((${int} / ${scale}) * ${scale})`;
}

function nearestRankP95(bins: Map<number, number>): LatencyHistory {
  const sorted = [...bins.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const calls = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (calls === 0) return { calls: 0, p95Ms: null };
  const rank = Math.ceil((calls * 95) / 100);
  let seen = 0;
  for (const [bin, n] of sorted) {
    seen += n;
    if (seen >= rank) return { calls, p95Ms: bin };
  }
  return { calls, p95Ms: sorted[sorted.length - 1]![0] };
}

interface Parts {
  /** Bucket-label bounds [from, to) for the rollup table, when any bucket is needed from it. */
  rollup?: { from: string; to: string };
  /** Julian-day bounds for the raw rows, when any are needed. */
  raw?: { from: number; to: number; inclusive: boolean };
}

function split(ctx: RuleContext, range: Range, grainMs: number, cutoffField: 'hourMs' | 'tenMinutesMs' | 'dayMs'): Parts {
  const fromMs = floorTo(range.fromMs, grainMs);
  const cutoff = rollupCutoff(ctx)?.[cutoffField] ?? -Infinity;
  const parts: Parts = {};
  // Rollup buckets lie wholly before both the cutoff and `to`.
  const rollupTo = Math.min(cutoff, floorTo(range.toMs, grainMs));
  if (rollupTo > fromMs) parts.rollup = { from: bucketLabel(fromMs, grainMs), to: bucketLabel(rollupTo, grainMs) };
  const rawFrom = Math.max(fromMs, cutoff);
  if (rawFrom < range.toMs || (range.toInclusive && rawFrom <= range.toMs))
    parts.raw = { from: toJulianDay(rawFrom), to: toJulianDay(range.toMs), inclusive: range.toInclusive === true };
  return parts;
}

/**
 * The rows a range's two parts answer, rollup buckets first: `rollupSql` over the bucket labels, `rawSql`
 * over the raw rows with the range's condition on `jd`. The callers fold them alike, so a bucket counts the
 * same whichever part holds it.
 */
function rowsOfBothParts(ctx: RuleContext, parts: Parts, rollupSql: string, rawSql: (where: string) => string): Record<string, unknown>[] {
  return [
    ...(parts.rollup ? query(ctx, rollupSql, parts.rollup) : []),
    ...(parts.raw ? query(ctx, rawSql(rawWhere(parts.raw)), parts.raw) : []),
  ];
}

/** The earliest call of rows that carry `first_jd` (ms), undefined when none does. */
function firstCallMs(rows: Record<string, unknown>[]): number | undefined {
  let first: number | undefined;
  for (const r of rows) if (typeof r.first_jd === 'number') first = first === undefined ? r.first_jd : Math.min(first, r.first_jd);
  return first === undefined ? undefined : jdToMs(first);
}

function rawWhere(raw: { inclusive: boolean }): string {
  return `jd >= :from AND jd ${raw.inclusive ? '<=' : '<'} :to`;
}

/** The label the shipper gives a bucket: `YYYY-MM-DDTHH:MM:00Z` (hours, 10 min) or `YYYY-MM-DD` (days). */
export function bucketLabel(ms: number, grainMs: number): string {
  const iso = new Date(ms).toISOString();
  return grainMs === MS_PER_DAY ? iso.slice(0, 10) : `${iso.slice(0, 16)}:00Z`;
}

function floorTo(ms: number, grainMs: number): number {
  return Math.floor(ms / grainMs) * grainMs;
}

function ceilTo(ms: number, grainMs: number): number {
  return Math.ceil(ms / grainMs) * grainMs;
}

function jdToMs(jd: number): number {
  return fromJulianDay(jd).getTime();
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : typeof value === 'string' ? value : String(value);
}
