// Emits metric points as CloudWatch Embedded Metric Format through Powertools Metrics (no PutMetricData
// calls: the log line is the metric). Dimensioned points go out as single metrics with their own dimensions.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint } from '../core/trace-db/metric-points.ts';

export function emfPublisher(metrics: Metrics): (points: MetricPoint[]) => void {
  return (points) => {
    for (const point of points) {
      if (point.dimensions) {
        const single = metrics.singleMetric();
        for (const [name, value] of Object.entries(point.dimensions)) single.addDimension(name, value);
        single.addMetric(point.name, point.unit, point.value);
      } else {
        metrics.addMetric(point.name, point.unit, point.value);
      }
    }
    metrics.publishStoredMetrics();
  };
}
