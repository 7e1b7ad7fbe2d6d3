// Metric points as CloudWatch Embedded Metric Format through Powertools Metrics: one EMF line per
// (dimensions, timestamp) group, each metric with its StorageResolution. The log line is the metric: no
// PutMetricData, no IAM for it.
import { MetricResolution, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint, MetricsPublisher } from '../core/metric-point.ts';

export function emfPublisher(metrics: Metrics): MetricsPublisher {
  return (points) => {
    const groups = new Map<string, MetricPoint[]>();
    for (const point of points) {
      const key = JSON.stringify([Object.entries(point.dimensions ?? {}).sort(), point.timestamp?.getTime() ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), point]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      if (first.dimensions && Object.keys(first.dimensions).length) metrics.addDimensions(first.dimensions);
      if (first.timestamp) metrics.setTimestamp(first.timestamp);
      for (const point of group) {
        const resolution = point.storageResolution === 1 ? MetricResolution.High : MetricResolution.Standard;
        metrics.addMetric(point.name, point.unit, point.value, resolution);
      }
      metrics.publishStoredMetrics();
    }
  };
}
