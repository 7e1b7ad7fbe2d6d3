// Every probe report and signal names the vantage it was measured from, with that vantage's latency and
// TLS days left per target (healthy targets too); the router's schema keeps both and refuses a bad vantage.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { healthzRoundReport } from '../../../../lambdas/core/probe/healthz-report.ts';
import { EMPTY_PROBE_STATE } from '../../../../lambdas/core/probe/probe-state.ts';
import { InvalidReportError, parseReport } from '../../../../lambdas/core/report-signals.ts';
import { outcome, URL_GW } from './support.ts';

const T0 = new Date('2026-11-20T03:00:00.000Z');
const RULES = parseConfig({}).rules;
const TARGETS = [
  { name: 'gateway', url: URL_GW },
  { name: 'server', url: 'http://10.0.0.5/health' },
];
const probes = [
  { target: 'gateway', outcome: outcome({ ok: false, failure: 'http_status', status: 503, latencyMs: 180, tlsDaysLeft: 10 }) },
  { target: 'server', outcome: outcome({ url: 'http://10.0.0.5/health', latencyMs: 95, tlsDaysLeft: null }) },
];

function round(vantage: string | undefined) {
  return healthzRoundReport({ targets: TARGETS, probes, skipped: [], previous: EMPTY_PROBE_STATE, rules: RULES, now: T0, vantage }).report;
}

describe('probe reports per vantage', () => {
  it('names the vantage on the report and on every signal (healthz_down and tls_expiry)', () => {
    const report = round('ap-southeast-2');
    expect(report.vantage).toBe('ap-southeast-2');
    expect(report.signals.map((s) => `${s.dedupKey} ${s.vantage}`).sort()).toEqual([
      'healthz_down:gateway ap-southeast-2',
      'tls_expiry:gateway ap-southeast-2',
    ]);
  });

  it("carries each target's latency and TLS days left from this vantage, the healthy target's too", () => {
    expect(round('us-east-1').measurements).toEqual({
      gateway: { ok: false, status: 503, latencyMs: 180, tlsDaysLeft: 10 },
      server: { ok: true, status: 200, latencyMs: 95, tlsDaysLeft: null },
    });
  });

  it('without a vantage (an older probe) names none: the home region', () => {
    const report = round(undefined);
    expect('vantage' in report).toBe(false);
    expect(report.signals.every((s) => !('vantage' in s))).toBe(true);
  });

  it('the router keeps vantage and measurements through validation', () => {
    const { report, rejected } = parseReport(JSON.parse(JSON.stringify(round('us-east-1'))));
    expect(rejected).toEqual([]);
    expect(report.vantage).toBe('us-east-1');
    expect(report.signals.map((s) => s.vantage)).toEqual(['us-east-1', 'us-east-1']);
    expect(report.measurements?.server).toEqual({ ok: true, status: 200, latencyMs: 95, tlsDaysLeft: null });
  });

  it('a report from a vantage that is no region is refused with the reason (parked, never counted as home)', () => {
    const bad = { ...JSON.parse(JSON.stringify(round('us-east-1'))), vantage: 'mars-1' };
    expect(() => parseReport(bad)).toThrow(InvalidReportError);
    expect(() => parseReport(bad)).toThrow('evaluation report: vantage: expected an AWS region name such as "eu-central-1"');
  });

  it('a signal with a bad vantage is rejected alone; the rest of the report is routed', () => {
    const raw = JSON.parse(JSON.stringify(round('us-east-1')));
    raw.signals[0].vantage = 'nowhere';
    const { report, rejected } = parseReport(raw);
    expect(rejected.map((r) => r.reason)).toEqual(['signals.0.vantage: expected an AWS region name such as "eu-central-1"']);
    expect(report.signals).toHaveLength(1);
  });

  it('malformed measurements are dropped, never the report', () => {
    const raw = { ...JSON.parse(JSON.stringify(round('us-east-1'))), measurements: { gateway: { ok: 'yes' } } };
    const { report } = parseReport(raw);
    expect(report.measurements).toBeUndefined();
    expect(report.signals).toHaveLength(2);
  });
});
