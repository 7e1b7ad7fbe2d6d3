// The log-watch Lambda's logic: one CloudWatch Logs subscription batch per invocation. Decode it (a bad
// batch is counted and logged, never thrown: Lambda would retry a poison batch for hours), ignore
// CONTROL_MESSAGEs, classify, complete split tracebacks from CloudWatch Logs, add the per-minute
// counters, evaluate the log rules, put the evaluation report on the bus, emit EMF counts per class.
import type { LogCounters, LogFetcher } from '../../core/logs/ports.ts';
import type { LogRulesConfig } from '../../core/logs/rules.ts';
import { logMetricPoints } from '../../core/logs/metrics.ts';
import { scanBatch, type LogScan, type ScanLimits } from '../../core/logs/scan.ts';
import type { ReportPublisher } from '../../core/ports.ts';
import type { EvaluationReport } from '../../core/signal.ts';
import type { Logger } from '../../core/logger.ts';
import type { MetricsPublisher } from '../../core/metric-point.ts';
import { MetisError } from '../../core/errors.ts';

export interface LogWatchDeps {
  counters: LogCounters;
  /** Fetches a split traceback's following lines; without it such tracebacks are reported with an unknown type. */
  fetcher?: LogFetcher;
  publisher: ReportPublisher;
  rules: LogRulesConfig;
  clock: () => Date;
  metrics: MetricsPublisher;
  logger: Logger;
  limits?: Partial<ScanLimits>;
}

/** The counters table could not be written or read. Thrown after the report went out, so Lambda retries the batch (counting is idempotent per batch). */
export class LogCountersUnavailableError extends MetisError {
  override readonly name = 'LogCountersUnavailableError';
}

export interface LogWatchOutcome {
  scan: LogScan;
  /** The report put on the bus, if any. */
  report?: EvaluationReport;
}

export function makeLogWatchHandler(deps: LogWatchDeps): (event: unknown) => Promise<LogWatchOutcome> {
  return async function handler(event: unknown): Promise<LogWatchOutcome> {
    const now = deps.clock();
    const scan = await scanBatch(event, {
      counters: deps.counters,
      rules: deps.rules,
      now,
      ...(deps.fetcher ? { fetcher: deps.fetcher } : {}),
      ...(deps.limits ? { limits: deps.limits } : {}),
    });
    deps.metrics(logMetricPoints(scan));

    if (scan.outcome === 'rejected') {
      // Not thrown on purpose: the batch cannot get better by retrying. Counted (RejectedBatches, alarmed) and logged.
      deps.logger.error('log batch rejected', { reason: scan.failure?.reason, problem: scan.failure?.message });
      return { scan };
    }
    if (scan.outcome === 'control') {
      deps.logger.info('control message ignored', { logGroup: scan.logGroup, logStream: scan.logStream });
      return { scan };
    }

    for (const warning of scan.warnings) deps.logger.warn(warning, { logGroup: scan.logGroup, logStream: scan.logStream });
    let report: EvaluationReport | undefined;
    if (scan.signals.length > 0 || scan.evaluated.length > 0) {
      report = {
        source: 'logs',
        evaluatedAt: now.toISOString(),
        evaluated: scan.evaluated,
        healthy: scan.healthy ?? {},
        signals: scan.signals,
      };
      await deps.publisher.publish(report);
    }
    deps.logger.info('log batch scanned', {
      logGroup: scan.logGroup,
      logStream: scan.logStream,
      ...scan.stats,
      evaluated: scan.evaluated,
      firing: scan.signals.map((s) => `${s.severity} ${s.dedupKey}`),
    });
    if (scan.counterError) {
      deps.logger.error('log counters unavailable: quota_exceeded_sustained and key_revoked_in_use not evaluated', {
        problem: scan.counterError,
      });
      throw new LogCountersUnavailableError(`log counters unavailable (${scan.counterError}); the batch will be retried`);
    }
    return { scan, ...(report ? { report } : {}) };
  };
}
