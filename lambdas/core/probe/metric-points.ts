// The probe's CloudWatch metrics (EMF, docs/operations-notes.md): per target and probe, `Failed` (0/1)
// and `TlsDaysLeft`, high resolution (StorageResolution 1) so the healthz alarms can use 30 s
// periods; plus one `ProbeHeartbeat` per completed run for the "monitoring blind" alarm. The alarms in
// lib/probes.ts are built from these same names, so emitter and alarm cannot drift apart.
import type { MetricPoint } from '../metric-point.ts';
import type { ProbeOutcome } from './result.ts';

/** Powertools' `service` dimension of every probe metric (POWERTOOLS_SERVICE_NAME of the probe Lambda). */
export const PROBE_SERVICE = 'metis-alerts-probe';
export const TARGET_DIMENSION = 'Target';

export const PROBE_METRIC = {
  failed: 'Failed',
  tlsDaysLeft: 'TlsDaysLeft',
  heartbeat: 'ProbeHeartbeat',
} as const;

type ProbeMetricName = (typeof PROBE_METRIC)[keyof typeof PROBE_METRIC];

/**
 * The points of one probe of one target: only what an alarm reads (each is a custom metric billed every
 * month). The latency is no metric: no alarm reads it, and it is in every "probe ok" / "probe failed"
 * log line (summary.ts probeLogRecord) for Logs Insights. `TlsDaysLeft` whenever a certificate was seen, also on a TLS failure (an expired certificate reports a
 * negative number, which is what the expired alarm watches). Nothing here carries a header or a body.
 */
export function probeMetricPoints(target: string, outcome: ProbeOutcome, at: Date): MetricPoint[] {
  const dimensions = { [TARGET_DIMENSION]: target };
  // The timestamp is the probe's start: the datapoint lands in that 30 s period.
  const point = (name: ProbeMetricName, unit: MetricPoint['unit'], value: number): MetricPoint => ({
    name,
    unit,
    value,
    storageResolution: 1,
    dimensions: { ...dimensions },
    timestamp: at,
  });
  const points = [point(PROBE_METRIC.failed, 'Count', outcome.ok ? 0 : 1)];
  if (outcome.tlsDaysLeft !== null) points.push(point(PROBE_METRIC.tlsDaysLeft, 'None', outcome.tlsDaysLeft));
  return points;
}

/** One per run that probed every target twice; its absence for 3 minutes is "monitoring blind". */
export function heartbeatMetricPoint(at: Date): MetricPoint {
  return { name: PROBE_METRIC.heartbeat, unit: 'Count', value: 1, storageResolution: 60, dimensions: {}, timestamp: at };
}
