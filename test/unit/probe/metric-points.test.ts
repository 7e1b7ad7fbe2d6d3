import { describe, expect, it } from 'vitest';
import { heartbeatMetricPoint, probeMetricPoints } from '../../../lambdas/core/probe/metric-points.ts';
import { outcome } from './support.ts';

const AT = new Date('2026-11-20T12:00:05.000Z');

describe('probeMetricPoints', () => {
  it('a healthy https probe: Failed 0 and TlsDaysLeft, high resolution, Target dimension, probe start time; no LatencyMs metric (a log field)', () => {
    expect(probeMetricPoints('gateway', outcome({ latencyMs: 37, tlsDaysLeft: 45 }), AT)).toEqual([
      { name: 'Failed', unit: 'Count', value: 0, storageResolution: 1, dimensions: { Target: 'gateway' }, timestamp: AT },
      { name: 'TlsDaysLeft', unit: 'None', value: 45, storageResolution: 1, dimensions: { Target: 'gateway' }, timestamp: AT },
    ]);
  });

  it('a 503 over http: Failed 1 only (no TlsDaysLeft; the latency is in the probe log line)', () => {
    const points = probeMetricPoints(
      'server',
      outcome({ url: 'http://10.0.0.5/health', ok: false, failure: 'http_status', status: 503, latencyMs: 12, tlsDaysLeft: null }),
      AT,
    );
    expect(points.map((p) => [p.name, p.value])).toEqual([['Failed', 1]]);
  });

  it('a timeout or refused connection: Failed 1 only', () => {
    for (const failure of ['timeout', 'connection'] as const) {
      const points = probeMetricPoints('gateway', outcome({ ok: false, failure, status: null, latencyMs: 5000, tlsDaysLeft: null }), AT);
      expect(points.map((p) => [p.name, p.value])).toEqual([['Failed', 1]]);
    }
  });

  it('an expired certificate: Failed 1 and the negative TlsDaysLeft the expired alarm watches', () => {
    const points = probeMetricPoints('gateway', outcome({ ok: false, failure: 'tls', status: null, tlsDaysLeft: -3 }), AT);
    expect(points.map((p) => [p.name, p.value, p.storageResolution])).toEqual([
      ['Failed', 1, 1],
      ['TlsDaysLeft', -3, 1],
    ]);
  });

  it('carries no header or body: only the target name as dimension', () => {
    const points = probeMetricPoints('gateway', outcome({ detail: 'Bearer abc' }), AT);
    expect(JSON.stringify(points)).not.toContain('Bearer');
  });
});

describe('heartbeatMetricPoint', () => {
  it('one ProbeHeartbeat count, standard resolution, no Target', () => {
    expect(heartbeatMetricPoint(AT)).toEqual({
      name: 'ProbeHeartbeat',
      unit: 'Count',
      value: 1,
      storageResolution: 60,
      dimensions: {},
      timestamp: AT,
    });
  });
});
