// The trace-check's numbers as CloudWatch metric points (one namespace, a `Model` dimension for the
// per-model error share) for the dashboard; the handler emits them as EMF.
import type { MetricPoint } from '../metric-point.ts';
import type { TraceDbMetrics } from './context.ts';

const MAX_MODELS = 20;

export function traceMetricPoints(metrics: TraceDbMetrics): MetricPoint[] {
  const points: MetricPoint[] = [];
  const add = (name: string, unit: MetricPoint['unit'], value: number | null | undefined) => {
    if (typeof value === 'number' && Number.isFinite(value)) points.push({ name, unit, value });
  };
  // Only what the dashboard graphs: each metric costs money every month. Month-to-date spend and the
  // future-stamped event count are fields of the handler's "trace check" log line instead (no alarm or
  // widget reads them; the monthly cap and clock-skew rules judge them inside the check).
  add('SpendTodayUsd', 'None', metrics.spendTodayUsd);
  add('ProjectedDailySpendUsd', 'None', metrics.projectedDailySpendUsd);
  add('LatencyP95Ms', 'Milliseconds', metrics.latencyP95Ms);
  add('SnapshotAgeSeconds', 'Seconds', metrics.snapshotAgeSeconds);
  add('NewestEventAgeSeconds', 'Seconds', metrics.newestEventAgeSeconds);
  // Busiest models first, capped: each model is a custom metric that costs money.
  const models = Object.entries(metrics.errorShareByModel ?? {})
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, MAX_MODELS);
  for (const [model, { share }] of models) {
    points.push({ name: 'ErrorSharePercent', unit: 'Percent', value: Math.round(share * 10_000) / 100, dimensions: { Model: model } });
  }
  return points;
}
