// The structured log records the on-call dashboard (lib/oncall-dashboard.ts) reads with Logs Insights,
// so its panels cost no custom metric: the numbers ride on one log line per run that the Lambda writes
// anyway. The message names are the contract between the emitters and the dashboard's queries.
import type { Config } from '../config.ts';
import type { Incident } from '../incident.ts';
import { SEVERITIES, type Severity } from '../signal.ts';
import type { TraceDbMetrics } from '../trace-db/context.ts';

export const DASHBOARD_MESSAGES = {
  /** trace-check, once per run: spend vs budget and caps, snapshot age. */
  traceNumbers: 'trace numbers',
  /** trace-check, one per model (busiest 20): error share. */
  modelErrorShare: 'model error share',
  /** sweeper, once per sweep: open incidents by severity. */
  openIncidents: 'open incidents',
  /** probe, one per shape per shape run (lambdas/functions/probe/shape-handler.ts). */
  inboundShape: 'inbound shape',
  /** probe, one per target per round (lambdas/functions/probe/handler.ts). */
  probeOk: 'probe ok',
  probeFailed: 'probe failed',
} as const;

const MAX_MODELS = 20;

export interface TraceNumbers {
  spendTodayUsd: number | null;
  projectedDailySpendUsd: number | null;
  monthToDateUsd: number | null;
  /** Configured thresholds, on the same line so one query draws them next to the spend. */
  dailyBudgetUsd: number | null;
  projectionLimitUsd: number | null;
  dailyHardCapUsd: number | null;
  monthlyHardCapUsd: number | null;
  snapshotAgeSeconds: number | null;
  newestEventAgeSeconds: number | null;
}

export function traceNumbersRecord(metrics: TraceDbMetrics, rules: Config['rules']): TraceNumbers {
  const budget = rules.cost_projection.dailyBudgetUsd ?? null;
  return {
    spendTodayUsd: metrics.spendTodayUsd ?? null,
    projectedDailySpendUsd: metrics.projectedDailySpendUsd ?? null,
    monthToDateUsd: metrics.monthToDateUsd ?? null,
    dailyBudgetUsd: budget,
    projectionLimitUsd: budget === null ? null : budget * rules.cost_projection.factor,
    dailyHardCapUsd: rules.bill_threshold.dailyHardCapUsd ?? null,
    monthlyHardCapUsd: rules.bill_threshold.monthlyHardCapUsd ?? null,
    snapshotAgeSeconds: metrics.snapshotAgeSeconds ?? null,
    newestEventAgeSeconds: metrics.newestEventAgeSeconds ?? null,
  };
}

export function modelErrorShareRecords(metrics: TraceDbMetrics): { model: string; calls: number; errors: number; errorPct: number }[] {
  return Object.entries(metrics.errorShareByModel ?? {})
    .sort((a, b) => b[1].calls - a[1].calls || a[0].localeCompare(b[0]))
    .slice(0, MAX_MODELS)
    .map(([model, { calls, errors, share }]) => ({ model, calls, errors, errorPct: Math.round(share * 10_000) / 100 }));
}

export function openIncidentsRecord(open: readonly Pick<Incident, 'severity' | 'status'>[]): Record<Severity | 'total', number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let total = 0;
  for (const incident of open) {
    if (incident.status !== 'open') continue;
    counts[incident.severity]++;
    total++;
  }
  return { ...counts, total };
}
