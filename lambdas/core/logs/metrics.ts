// log-watch's numbers as CloudWatch metric points (EMF through Powertools in the Lambda), only when they
// happen: split tracebacks and how they were completed, rejected batches, counter errors.
import type { MetricPoint } from '../metric-point.ts';
import type { LogScan } from './scan.ts';

export function logMetricPoints(scan: LogScan): MetricPoint[] {
  if (scan.outcome === 'rejected') {
    // One metric (the alarm's); the reason is in the log line next to it.
    return [{ name: 'RejectedBatches', unit: 'Count', value: 1 }];
  }
  if (scan.outcome === 'control') return [{ name: 'ControlMessages', unit: 'Count', value: 1 }];
  const s = scan.stats;
  const count = (name: string, value: number): MetricPoint => ({ name, unit: 'Count', value });
  // Only when it happened, so a healthy deployment pays for no custom metric here. The volume per class
  // (events, tracebacks, quota_exceeded, key_revoked) is no metric: no alarm or dashboard reads it, and it
  // is in every "log batch scanned" log line (Logs Insights), which costs nothing extra.
  const points: MetricPoint[] = [];
  const sometimes: [string, number][] = [
    ['MalformedLogEvents', s.malformedEvents],
    ['TracebacksBelowError', s.tracebacksBelowError],
    ['TracebacksOutsideWindow', s.tracebacksOutsideWindow],
    ['SplitTracebacks', s.splitTracebacks],
    ['SplitTracebacksFetched', s.completedByFetch],
    ['TracebacksTypeUnknown', s.unresolved],
    ['LogFetchFailures', s.fetchFailures],
    ['CounterErrors', scan.counterError ? 1 : 0],
  ];
  for (const [name, value] of sometimes) if (value > 0) points.push(count(name, value));
  return points;
}
