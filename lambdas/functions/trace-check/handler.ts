// The trace-check Lambda's logic: fetch the snapshot (reusing the open database while the ETag is
// unchanged), run every trace-DB rule, put the evaluation report on the bus, log the dashboard's numbers.
// No custom metric: no alarm reads these numbers and the dashboard queries the log lines (Logs Insights),
// so a metric per number (and per model) would only add to the monthly bill.
import type { ReportPublisher, SnapshotSource } from '../../core/ports.ts';
import type { SnapshotMeta, TraceDbRulesConfig } from '../../core/trace-db/context.ts';
import { evaluateTraceDb, toEvaluationReport, type TraceDbEvaluation } from '../../core/trace-db/evaluate.ts';
import type { Logger } from '../../core/logger.ts';
import { missingSnapshotEvaluation } from '../../core/trace-db/missing-snapshot.ts';
import { isOpenFailure, type OpenFailure, type SqlDatabase } from '../../core/trace-db/sql-port.ts';
import { analyticsInput, type AnalyticsDeps } from './analytics.ts';
import { DASHBOARD_MESSAGES, modelErrorShareRecords, traceNumbersRecord } from '../../core/dashboard/log-records.ts';

export interface ClosableDatabase extends SqlDatabase {
  close(): void;
}

export interface TraceCheckDeps {
  source: SnapshotSource;
  /** Gunzip if needed and open; a bad snapshot comes back as an OpenFailure. */
  open: (bytes: Uint8Array) => Promise<ClosableDatabase | OpenFailure>;
  publisher: ReportPublisher;
  rules: TraceDbRulesConfig;
  clock: () => Date;
  logger: Logger;
  /** Monotonic ms clock for per-rule durations in the logs. */
  timer?: () => number;
  /** The gateway's /analytics/by_key for analytics_drift; absent: not compared. */
  analytics?: AnalyticsDeps;
}

export interface TraceCheckOutcome {
  snapshot: 'fetched' | 'reused' | 'missing';
  evaluation: TraceDbEvaluation;
}

interface OpenSnapshot {
  etag: string;
  db: ClosableDatabase | OpenFailure;
  meta: SnapshotMeta;
}

export function makeTraceCheckHandler(deps: TraceCheckDeps): () => Promise<TraceCheckOutcome> {
  // Survives between invocations of a warm container: the parsed database of the last ETag.
  let cached: OpenSnapshot | undefined;

  function forget(): void {
    if (cached && !isOpenFailure(cached.db)) cached.db.close();
    cached = undefined;
  }

  return async function handler(): Promise<TraceCheckOutcome> {
    const now = deps.clock();
    const fetched = await deps.source.fetch(cached?.etag);
    let snapshot: TraceCheckOutcome['snapshot'];
    let evaluation: TraceDbEvaluation;
    if (fetched.kind === 'missing') {
      forget();
      snapshot = 'missing';
      evaluation = missingSnapshotEvaluation(now, deps.rules, deps.source.location);
    } else {
      if (fetched.kind === 'object') {
        forget();
        const db = await deps.open(fetched.bytes);
        cached = { etag: fetched.etag ?? '', db, meta: fetched.meta };
        snapshot = 'fetched';
      } else {
        snapshot = 'reused';
        cached!.meta = fetched.meta;
      }
      const current = cached!;
      const analytics = deps.analytics && !isOpenFailure(current.db) ? await analyticsInput(deps.analytics, now, current.meta) : undefined;
      evaluation = evaluateTraceDb(current.db, {
        now,
        rules: deps.rules,
        meta: current.meta,
        ...(deps.timer ? { timer: deps.timer } : {}),
        ...(analytics ? { analytics } : {}),
      });
      // Without an ETag there is nothing to compare next time: do not hold the memory.
      if (!current.etag) forget();
    }
    await deps.publisher.publish(toEvaluationReport(evaluation, now));
    for (const error of evaluation.errors) deps.logger.warn('trace-DB rule failed', error);
    // The on-call dashboard's numbers (Logs Insights over this log group, no custom metric).
    deps.logger.info(DASHBOARD_MESSAGES.traceNumbers, { ...traceNumbersRecord(evaluation.metrics, deps.rules) });
    for (const record of modelErrorShareRecords(evaluation.metrics)) deps.logger.info(DASHBOARD_MESSAGES.modelErrorShare, record);
    deps.logger.info('trace check', {
      snapshot,
      evaluated: evaluation.evaluated,
      firing: evaluation.signals.map((s) => `${s.severity} ${s.dedupKey}`),
      // Rules that are on but could not judge (disk_usage without a volume figure), with the reason.
      notEvaluated: evaluation.notEvaluated,
      ruleDurationsMs: evaluation.metrics.ruleDurationsMs,
      // Numbers no dashboard widget reads either: log fields for Logs Insights.
      monthToDateUsd: evaluation.metrics.monthToDateUsd ?? null,
      futureEvents: evaluation.metrics.futureEvents ?? null,
    });
    return { snapshot, evaluation };
  };
}
