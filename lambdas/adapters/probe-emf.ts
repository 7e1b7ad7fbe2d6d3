// Probe metric points as CloudWatch Embedded Metric Format through Powertools Metrics: one EMF line per
// (dimensions, timestamp) group, each metric with its StorageResolution (1 = high resolution, so the
// healthz alarms can evaluate 30 s periods). The log line is the metric: no PutMetricData, no IAM for it.
import { MetricResolution, type Metrics } from '@aws-lambda-powertools/metrics';
import type { ProbeMetricPoint } from '../core/probe/metric-points.ts';

export function probeEmfPublisher(metrics: Metrics): (points: ProbeMetricPoint[]) => void {
  return (points) => {
    const groups = new Map<string, ProbeMetricPoint[]>();
    for (const point of points) {
      const key = JSON.stringify([Object.entries(point.dimensions).sort(), point.timestamp.getTime()]);
      groups.set(key, [...(groups.get(key) ?? []), point]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      if (Object.keys(first.dimensions).length) metrics.addDimensions(first.dimensions);
      // The probe's start time, so round 1 and round 2 (30 s later) land in consecutive 30 s periods.
      metrics.setTimestamp(first.timestamp);
      for (const point of group) {
        metrics.addMetric(
          point.name,
          point.unit,
          point.value,
          point.storageResolution === 1 ? MetricResolution.High : MetricResolution.Standard,
        );
      }
      metrics.publishStoredMetrics();
    }
  };
}
