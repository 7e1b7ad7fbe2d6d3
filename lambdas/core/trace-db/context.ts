// What every trace-DB rule gets (the query port, injected time, its thresholds, the snapshot's
// metadata) and the helpers they share: window parameters, guarded JSON expressions, signal building.
import type { Config } from '../config.ts';
import type { Signal } from '../signal.ts';
import { firingSignal, type SignalSpec } from '../signal-builder.ts';
import type { SqlDatabase, SqlParams } from './sql-port.ts';
import { coarseLowerBound, MS_PER_MINUTE, toJulianDay } from './time.ts';
import { instantSql } from './instant-sql.ts';
import { FIRST_MOVE as RULE_FIRST_MOVE } from '../notify/first-move.ts';

export type TraceDbRulesConfig = Config['rules'];

/** Metadata the shipper attaches to the S3 object (docs/architecture.md, Snapshot shipping), or the CLI's `--meta` file. */
export interface SnapshotMeta {
  /** When `sqlite3 .backup` ran (ISO-8601). */
  takenAt?: string;
  /** Percentage of the trace-DB volume in use, 0-100. */
  volumeUsedPct?: number;
  /** Size of the live database file. */
  sourceBytes?: number;
  /** Size of its write-ahead log. */
  walBytes?: number;
  /** `ok` or the first error line of `PRAGMA quick_check` on the live database. */
  integrity?: string;
  // Bounded snapshots (docs/snapshot-format.md):
  /** Size of the shipped database file before gzip (a bounded snapshot is smaller than `sourceBytes`). */
  snapshotBytes?: number;
  /** When the quick_check behind `integrity` ran (the shipper may reuse a recent ok result). */
  quickCheckAt?: string;
  /** The raw-event window of a bounded snapshot, in hours, and its first instant; absent = whole database. */
  windowHours?: number;
  windowFrom?: string;
  /** Modification time of the newest of the gateway's daily backups (the shipper's BACKUP_GLOB). */
  lastBackupAt?: string;
  /** Why `lastBackupAt` is missing although BACKUP_GLOB is set (e.g. no file matches). */
  lastBackupError?: string;
}

/** Section names of the incident runbook, for `Signal.runbook`. */
export const RUNBOOK = {
  providerDown: 'Provider down',
  dbCorruption: 'Trace DB corruption or disk full',
  keyCompromise: 'Gateway key compromise',
  runawaySpend: 'Runaway key spend',
  severity: 'Severity',
  alertSources: 'Alert sources',
} as const;

/** Mid-sentence form of a rule's first move from the one table (notify/first-move.ts). */
const quoted = (rule: string): string => {
  const move = RULE_FIRST_MOVE[rule];
  if (move === undefined) throw new Error(`no first move for ${rule} in notify/first-move.ts`);
  return move.charAt(0).toLowerCase() + move.slice(1);
};

/** The first moves trace-DB summaries quote: the runbook's wording, as pages print it. */
export const FIRST_MOVE = {
  /** The provider-down move naming the dead `provider:model` and, when known, healthy alternatives. */
  providerDownFor: (subject: string, healthy: readonly string[]): string =>
    `flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider's canonical id${healthy.length ? ` (routing ok in the window: ${healthy.join(', ')})` : ''} ` +
    `and restart; keys that pin ${subject} keep failing until flipped`,
  keySpend: quoted('key_spend_spike'),
  dbDown: quoted('db_integrity'),
} as const;

export interface RuleContext {
  readonly db: SqlDatabase;
  readonly now: Date;
  readonly nowMs: number;
  readonly rules: TraceDbRulesConfig;
  readonly meta: SnapshotMeta;
  /** The events table has a `key_id` column (used when the payload has no `gateway_key_id`). */
  readonly hasKeyIdColumn: boolean;
  /** Results shared between rules in one run (e.g. the spend totals). */
  readonly memo: Map<string, unknown>;
}

/** Numbers for dashboards (EMF later): present when the rule that measures them ran. */
export interface TraceDbMetrics {
  /** model_error_rate's window, per `$.model`. */
  errorShareByModel?: Record<string, { calls: number; errors: number; share: number }>;
  spendTodayUsd?: number;
  spendLastHourUsd?: number;
  /** Spend today + last-hour spend x hours left today. */
  projectedDailySpendUsd?: number;
  monthToDateUsd?: number;
  latencyP95Ms?: number | null;
  latencyBaselineP95Ms?: number | null;
  latencyWindowCalls?: number;
  /** now - meta.takenAt. */
  snapshotAgeSeconds?: number;
  /** now - newest event at or before now. */
  newestEventAgeSeconds?: number;
  /** Events stamped later than now (beyond the 2-minute tolerance): ignored by every window. */
  futureEvents?: number;
  futureEventsMaxAheadSeconds?: number;
  /** Per-rule run time, when the caller passes a timer. */
  ruleDurationsMs?: Record<string, number>;
  /** Whether the shipper reports `lastBackupAt` (a dashboard shows "not watched" rather than green). */
  backupWatch?: 'watched' | 'not watched' | 'unreadable' | 'no backup';
  /** now - meta.lastBackupAt. */
  backupAgeSeconds?: number;
}

/** What one rule returns when it was evaluated; `undefined` means "not evaluated" (off, no data). */
export interface RuleOutcome {
  signals: Signal[];
  metrics?: TraceDbMetrics;
  /** Subjects checked with enough data and found fine: the evidence that resolves their open incidents. */
  healthy?: string[];
}

/**
 * A rule that is on but could not judge this run, and why (e.g. no volume figure in the metadata): not
 * in `evaluated` (nothing resolves), and the report says so instead of the rule going silently quiet.
 */
export interface NotEvaluated {
  notEvaluated: string;
}

export interface TraceDbRule {
  readonly id: string;
  /** `undefined`: not evaluated for an ordinary reason (off, no data yet); `NotEvaluated`: one worth reporting. */
  evaluate(ctx: RuleContext): RuleOutcome | NotEvaluated | undefined;
}

export function memo<T>(ctx: RuleContext, key: string, compute: () => T): T {
  if (ctx.memo.has(key)) return ctx.memo.get(key) as T;
  const value = compute();
  ctx.memo.set(key, value);
  return value;
}

/** Parameters of a window (from, now]: julian days for the exact test plus the coarse string bound. */
export function windowParams(ctx: RuleContext, fromMs: number): { day: string; from: number; now: number } {
  return { day: coarseLowerBound(fromMs), from: toJulianDay(fromMs), now: toJulianDay(ctx.nowMs) };
}

export function minutesAgo(ctx: RuleContext, minutes: number): number {
  return ctx.nowMs - minutes * MS_PER_MINUTE;
}

/** A windowed rule's window: where it starts and its SQL parameters (:day, :from, :now). */
export interface RuleWindow {
  fromMs: number;
  params: ReturnType<typeof windowParams>;
}

/**
 * A rule over the last minutes its config names: not evaluated when `enabled` is false, else `evaluate`
 * with its config and that window, so the switch and the window read alike in every such rule.
 */
export function windowedRule<K extends keyof TraceDbRulesConfig>(
  id: K,
  minutes: (cfg: TraceDbRulesConfig[K]) => number,
  evaluate: (ctx: RuleContext, cfg: TraceDbRulesConfig[K], window: RuleWindow) => RuleOutcome | undefined,
): TraceDbRule {
  return {
    id,
    evaluate(ctx) {
      const cfg = ctx.rules[id];
      if (!cfg.enabled) return undefined;
      const fromMs = minutesAgo(ctx, minutes(cfg));
      return evaluate(ctx, cfg, { fromMs, params: windowParams(ctx, fromMs) });
    },
  };
}

/**
 * Rows of `events` of one type whose timestamp lies in [:from, :now] as an instant. The string
 * test first (cheap, index-friendly), then julianday() which accepts 'T' or space, fractions, 'Z'
 * and offsets; unparseable timestamps give NULL and drop out; future (clock-skewed) rows drop out.
 */
export function inWindow(type: string): string {
  return `type = '${type}' AND timestamp >= :day AND ${instantSql()} BETWEEN :from AND :now`;
}

/** `json_extract(payload, path)` that yields NULL instead of an error on a malformed payload. */
export function jsonField(path: string): string {
  return `CASE WHEN json_valid(payload) THEN json_extract(payload, '${path}') END`;
}

/** The gateway key of an event: `$.gateway_key_id`, else the `key_id` column when there is one. Safe anywhere. */
export function keyExpr(ctx: RuleContext): string {
  return ctx.hasKeyIdColumn ? `COALESCE(${jsonField('$.gateway_key_id')}, key_id)` : jsonField('$.gateway_key_id');
}

/**
 * The same without the json_valid() guard, cheaper: only for the select list of a query whose WHERE
 * already has `json_valid(payload)` (select-list expressions run only for rows that passed WHERE;
 * never put it in a WHERE, where SQLite may evaluate it before the guard).
 */
export function keyExprValid(ctx: RuleContext): string {
  return ctx.hasKeyIdColumn ? `COALESCE(payload ->> '$.gateway_key_id', key_id)` : `payload ->> '$.gateway_key_id'`;
}

export function query(ctx: RuleContext, sql: string, params?: SqlParams): Record<string, unknown>[] {
  return ctx.db.all(sql, params);
}

export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'bigint' ? Number(value) : 0;
}

export function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function text(value: unknown, fallback = '(unknown)'): string {
  if (value === null || value === undefined || value === '') return fallback;
  return typeof value === 'string' ? value : String(value);
}

/** Round for display and details: money to 4 decimals (as the runbook's ROUND(..., 4)), ratios to 4. */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function usd(value: number): string {
  return `$${value >= 100 ? value.toFixed(0) : value.toFixed(2)}`;
}

export function pct(share: number): string {
  const p = share * 100;
  return `${p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

export type { SignalSpec };

/** A firing trace-DB signal (see firingSignal in ../signal-builder.ts). */
export function makeSignal(now: Date, spec: SignalSpec): Signal {
  return firingSignal('trace-db', now, spec);
}

/** A subject as signals carry it (the builder's form), so `healthy` lists match incidents. */
export { signalSubject } from '../signal-builder.ts';

/** `{ minutes, from, to }` as ISO text, for details. */
export function windowDetails(ctx: RuleContext, fromMs: number): { minutes: number; from: string; to: string } {
  return { minutes: Math.round((ctx.nowMs - fromMs) / MS_PER_MINUTE), from: new Date(fromMs).toISOString(), to: ctx.now.toISOString() };
}
