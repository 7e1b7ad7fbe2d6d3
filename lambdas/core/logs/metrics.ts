// log-watch's numbers as CloudWatch metric points (EMF through Powertools in the Lambda): events per
// class, split tracebacks and how they were completed, rejected batches.
import type { MetricPoint } from '../trace-db/metric-points.ts';
import type { LogScan } from './scan.ts';

export function logMetricPoints(scan: LogScan): MetricPoint[] {
  if (scan.outcome === 'rejected') {
    // One metric (the alarm's); the reason is in the log line next to it.
    return [{ name: 'RejectedBatches', unit: 'Count', value: 1 }];
  }
  if (scan.outcome === 'control') return [{ name: 'ControlMessages', unit: 'Count', value: 1 }];
  const s = scan.stats;
  const count = (name: string, value: number): MetricPoint => ({ name, unit: 'Count', value });
  return [
    count('LogEvents', s.events),
    count('MalformedLogEvents', s.malformedEvents),
    count('Tracebacks', s.tracebacks),
    count('TracebacksBelowError', s.tracebacksBelowError),
    count('TracebacksOutsideWindow', s.tracebacksOutsideWindow),
    count('QuotaExceeded', s.quotaExceeded),
    count('KeyRevoked', s.keyRevoked),
    count('SplitTracebacks', s.splitTracebacks),
    count('SplitTracebacksFetched', s.completedByFetch),
    count('TracebacksTypeUnknown', s.unresolved),
    count('LogFetchFailures', s.fetchFailures),
    count('CounterErrors', scan.counterError ? 1 : 0),
    count('SignalsFiring', scan.signals.length),
  ];
}
