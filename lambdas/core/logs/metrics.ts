// log-watch's numbers as CloudWatch metric points (EMF through Powertools in the Lambda): events per
// class, split tracebacks and how they were completed, rejected batches.
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
  // Always: the volume per class (a dashboard wants zeros). Only when it happened: the rest, so a healthy
  // deployment does not pay for custom metrics that are always 0.
  const points = [
    count('LogEvents', s.events),
    count('Tracebacks', s.tracebacks),
    count('QuotaExceeded', s.quotaExceeded),
    count('KeyRevoked', s.keyRevoked),
  ];
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
