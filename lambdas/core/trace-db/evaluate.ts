// The trace-DB rule engine (docs/runbook-mapping.md): every rule over one snapshot, as plain data.
// Pure: the database comes in through the SqlDatabase port, time is injected, nothing is read from
// the environment. A snapshot that cannot be opened arrives as an OpenFailure and becomes a
// `db_integrity` signal; a broken schema becomes a `trace_db_schema` signal and no SQL rule runs.
// In both cases only the metadata rule (disk_usage) is still evaluated: a full disk is a likely cause.
import { redactText } from '../redact.ts';
import { oneLine, type EvaluationReport, type Signal } from '../signal.ts';
import { backupMetrics, backupStale } from './backup-stale.ts';
import { ANALYTICS_DRIFT, evaluateAnalyticsDrift, type AnalyticsInput } from './analytics-drift.ts';
import { billThreshold } from './bill-threshold.ts';
import { blastRadius, withBlastRadius } from './blast-radius.ts';
import { clockSkew } from './clock-skew.ts';
import { round } from './context.ts';
import type { NotEvaluated, RuleContext, RuleOutcome, SnapshotMeta, TraceDbMetrics, TraceDbRule, TraceDbRulesConfig } from './context.ts';
import { costProjection } from './cost-projection.ts';
import { DB_INTEGRITY, dbIntegrity, openFailureSignal } from './db-integrity.ts';
import { diskUsage } from './disk-usage.ts';
import { keySpendSpike } from './key-spend-spike.ts';
import { keyCompromise } from './key-compromise.ts';
import { keyOverCap } from './key-over-cap.ts';
import { latencyP95 } from './latency-p95.ts';
import { modelErrorRate } from './model-error-rate.ts';
import { providerUnavailable } from './provider-unavailable.ts';
import { quotaAlert } from './quota-alert.ts';
import { checkSchema, schemaSignal, TRACE_DB_SCHEMA } from './schema.ts';
import { snapshotStale } from './snapshot-stale.ts';
import { spendTotals } from './spend.ts';
import { isOpenFailure, type OpenFailure, type SqlDatabase } from './sql-port.ts';
import { parseInstant } from './time.ts';
import { addHealthy } from './healthy.ts';
import { badTimestamps } from './bad-timestamps.ts';
import { errorRateOverall } from './error-rate-overall.ts';
import { trafficStopped } from './traffic-stopped.ts';
import { keyCapProjection } from './key-cap-projection.ts';
import { fallbackSurge } from './fallback-surge.ts';
import { requestsHanging } from './requests-hanging.ts';
import { modelDeprecation } from './model-deprecation.ts';
import { keyWithoutCap } from './key-without-cap.ts';
import { SNAPSHOT_UNREADABLE, snapshotUnreadable, unreadableSignal } from './snapshot-unreadable.ts';
import { transferDamage } from './transfer-damage.ts';

/** In evaluation order: integrity first (a broken page explains every later failure). */
export const TRACE_DB_RULES: readonly TraceDbRule[] = [
  snapshotUnreadable,
  dbIntegrity,
  modelErrorRate,
  providerUnavailable,
  costProjection,
  billThreshold,
  keySpendSpike,
  keyCompromise,
  keyOverCap,
  quotaAlert,
  latencyP95,
  // Trust at the edges (rules added after the runbook's table).
  errorRateOverall,
  trafficStopped,
  badTimestamps,
  snapshotStale,
  clockSkew,
  diskUsage,
  backupStale,
  // Beyond the runbook: what LLM-gateway operators expect from their gateway's own alerting.
  keyCapProjection,
  fallbackSurge,
  requestsHanging,
  modelDeprecation,
  keyWithoutCap,
];

export interface EvaluateTraceDbOptions {
  now: Date;
  rules: TraceDbRulesConfig;
  meta?: SnapshotMeta;
  /** A monotonic clock in ms (e.g. performance.now) to fill `metrics.ruleDurationsMs`; core never reads one itself. */
  timer?: () => number;
  /** The gateway's /analytics/by_key answer for analytics_drift; absent: that rule does not run. */
  analytics?: AnalyticsInput;
}

export interface TraceDbEvaluation {
  /** Rule ids checked this run: an open incident of one of these absent from `signals` resolves. */
  evaluated: string[];
  /** Firing signals. */
  signals: Signal[];
  /** Per rule, subjects checked with enough data and found fine (the only evidence that resolves). */
  healthy: Record<string, string[]>;
  metrics: TraceDbMetrics;
  /** Rules that threw (bad SQL, unreadable page): not in `evaluated`, so nothing resolves by mistake. */
  errors: { rule: string; message: string }[];
  /** Rules that are on but could not judge this run, with the reason (`disk_usage`: no volume figure). */
  notEvaluated: Record<string, string>;
}

export function evaluateTraceDb(input: SqlDatabase | OpenFailure, options: EvaluateTraceDbOptions): TraceDbEvaluation {
  const { now, rules } = options;
  const meta = options.meta ?? {};
  const result: TraceDbEvaluation = { evaluated: [], signals: [], healthy: {}, metrics: {}, errors: [], notEvaluated: {} };
  const takenAt = parseInstant(meta.takenAt);
  if (takenAt !== undefined) result.metrics.snapshotAgeSeconds = Math.round((now.getTime() - takenAt) / 1000);
  Object.assign(result.metrics, backupMetrics(now, meta));

  const base = { now, nowMs: now.getTime(), rules, meta, memo: new Map<string, unknown>() };
  /** Rules that need no SQL (disk_usage reads the shipper's metadata) run even when the DB cannot. */
  const metaOnly = () => {
    const ctx: RuleContext = { ...base, db: NO_DB, hasKeyIdColumn: false };
    for (const rule of META_RULES) collect(result, rule, () => rule.evaluate(ctx));
  };

  if (isOpenFailure(input)) {
    const damage = rules.snapshot_unreadable.enabled ? transferDamage(meta, input.file, input.reason) : undefined;
    if (damage) {
      // Damaged on the way: a SEV3 to retry, and the database's own state stays unknown (db_integrity not evaluated).
      result.evaluated.push(SNAPSHOT_UNREADABLE);
      result.signals.push(unreadableSignal(now, meta, damage, { reason: input.reason, message: input.message }));
    } else if (rules.db_integrity.enabled) {
      result.evaluated.push(DB_INTEGRITY);
      result.signals.push(openFailureSignal(now, meta, input));
    }
    metaOnly();
    result.signals = withBlastRadius(result.signals, () => ({ unavailable: 'the trace DB could not be read' }));
    return result;
  }

  let schema: ReturnType<typeof checkSchema>;
  try {
    schema = checkSchema(input);
  } catch (error) {
    // Even the schema cannot be read: the file is damaged beyond a query (or cut short on the way).
    const damage = rules.snapshot_unreadable.enabled ? transferDamage(meta, input.file, 'unreadable') : undefined;
    if (damage) {
      result.evaluated.push(SNAPSHOT_UNREADABLE);
      result.signals.push(unreadableSignal(now, meta, damage, { reason: 'unreadable', message: errorLine(error) }));
    } else if (rules.db_integrity.enabled) {
      result.evaluated.push(DB_INTEGRITY);
      result.signals.push(openFailureSignal(now, meta, { kind: 'open-failure', reason: 'unreadable', message: errorLine(error) }));
    }
    metaOnly();
    result.signals = withBlastRadius(result.signals, () => ({ unavailable: 'the trace DB could not be read' }));
    return result;
  }
  if (!schema.ok) {
    // No SQL rule can run: none is evaluated, so none of their open incidents resolves.
    result.signals.push(schemaSignal(now, schema, listTables(input)));
    metaOnly();
    result.signals = withBlastRadius(result.signals, () => ({ unavailable: 'the trace DB has no usable events table' }));
    return result;
  }
  result.evaluated.push(TRACE_DB_SCHEMA);
  addHealthy(result, TRACE_DB_SCHEMA, ['events']);

  const ctx: RuleContext = { ...base, db: input, hasKeyIdColumn: schema.hasKeyIdColumn };
  const durations: Record<string, number> = {};
  for (const rule of TRACE_DB_RULES) {
    const started = options.timer?.();
    collect(result, rule, () => rule.evaluate(ctx));
    if (started !== undefined && options.timer) durations[rule.id] = round(options.timer() - started, 1);
  }

  if (options.analytics) {
    try {
      const drift = evaluateAnalyticsDrift(ctx, options.analytics);
      result.evaluated.push(...drift.evaluated);
      result.signals.push(...drift.signals);
      for (const [rule, subjects] of Object.entries(drift.healthy)) addHealthy(result, rule, subjects);
    } catch (error) {
      result.errors.push({ rule: ANALYTICS_DRIFT, message: errorLine(error) });
    }
  }

  // Spend is a dashboard number even when no budget or cap is configured (both rules off); when
  // either rule ran, this reuses its query's result.
  {
    const started = options.timer?.();
    try {
      const spend = spendTotals(ctx);
      result.metrics.spendTodayUsd = round(spend.todayUsd, 4);
      result.metrics.spendLastHourUsd = round(spend.lastHourUsd, 4);
      result.metrics.projectedDailySpendUsd = round(spend.projectedTodayUsd, 4);
    } catch (error) {
      result.errors.push({ rule: 'spend_metrics', message: errorLine(error) });
    }
    if (started !== undefined && options.timer) durations.spend_metrics = round(options.timer() - started, 1);
  }
  if (options.timer) result.metrics.ruleDurationsMs = durations;
  result.signals = withBlastRadius(result.signals, () => blastRadius(ctx));
  return result;
}

/** Rules that read only the snapshot metadata. */
const META_RULES: readonly TraceDbRule[] = [diskUsage, backupStale];

const NO_DB: SqlDatabase = {
  all() {
    throw new Error('no readable database');
  },
};

function collect(result: TraceDbEvaluation, rule: TraceDbRule, run: () => RuleOutcome | NotEvaluated | undefined): void {
  try {
    const outcome = run();
    if (!outcome) return;
    if ('notEvaluated' in outcome) {
      result.notEvaluated[rule.id] = outcome.notEvaluated;
      return;
    }
    result.evaluated.push(rule.id);
    result.signals.push(...outcome.signals);
    Object.assign(result.metrics, outcome.metrics);
    addHealthy(result, rule.id, outcome.healthy);
  } catch (error) {
    result.errors.push({ rule: rule.id, message: errorLine(error) });
  }
}

/** The detector's report for the router. */
export function toEvaluationReport(evaluation: TraceDbEvaluation, now: Date): EvaluationReport {
  return {
    source: 'trace-db',
    evaluatedAt: now.toISOString(),
    evaluated: [...evaluation.evaluated],
    healthy: structuredClone(evaluation.healthy ?? {}),
    signals: [...evaluation.signals],
    // Only when there is something to say: a report without it reads as before.
    ...(Object.keys(evaluation.notEvaluated ?? {}).length ? { notEvaluated: { ...evaluation.notEvaluated } } : {}),
  };
}

function listTables(db: SqlDatabase): string[] {
  try {
    return db.all(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name LIMIT 50`).map((r) => String(r.name));
  } catch {
    return [];
  }
}

function errorLine(error: unknown): string {
  return oneLine(redactText(error instanceof Error ? error.message : String(error)), 300);
}
