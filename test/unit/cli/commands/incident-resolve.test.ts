// The report `incidents resolve` publishes, as a pure function of the incident, the reason, who and when
// (the command end to end, through the router, is in test/integration/cli/incident-resolve.test.ts).
import { describe, expect, it } from 'vitest';
import { resolveReport } from '../../../../cli/commands/incident-resolve.ts';
import { UsageError } from '../../../../cli/errors.ts';
import { parseReport } from '../../../../lambdas/core/report-signals.ts';
import { makeIncident, makeSignal } from '../../../integration/support/fixtures.ts';

const AT = new Date('2026-11-24T10:25:00.000Z');
const stranded = makeIncident({
  lastSignal: makeSignal({
    source: 'cloudwatch-alarm',
    rule: 'healthz_down',
    subject: 'gateway',
    severity: 'SEV1',
    summary: 'gateway-healthz-sev1: gateway /healthz failing',
    details: { alarmName: 'gateway-healthz-sev1' },
  }),
});

describe('resolveReport', () => {
  it('is the incident’s last signal, resolved, from source manual, naming who and why; the router accepts it as is', () => {
    const report = resolveReport(stranded, '  alarms deleted\nby the upgrade ', 'alice', AT);
    expect(report).toEqual({
      source: 'manual',
      evaluatedAt: '2026-11-24T10:25:00.000Z',
      evaluated: [],
      healthy: {},
      signals: [
        {
          ...stranded.lastSignal,
          source: 'manual',
          status: 'resolved',
          observedAt: '2026-11-24T10:25:00.000Z',
          summary: 'resolved by hand by alice: alarms deleted by the upgrade',
        },
      ],
    });
    // No alarmName grouping applies to a manual signal, and the envelope and signal validate.
    expect(parseReport(report).rejected).toEqual([]);
    expect(report.signals[0]?.dedupKey).toBe(stranded.dedupKey);
  });

  it('redacts the reason and bounds it to 300 characters', () => {
    const report = resolveReport(stranded, `token sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 ${'x'.repeat(400)}`, 'alice', AT);
    const summary = report.signals[0]!.summary;
    expect(summary.startsWith('resolved by hand by alice: token [REDACTED] xxx')).toBe(true);
    expect(summary).not.toContain('sk-ant');
    expect(summary.length).toBe('resolved by hand by alice: '.length + 300);
  });

  it.each(['', '   ', '\n\t'])('refuses a blank reason (%j) as a usage error', (reason) => {
    expect(() => resolveReport(stranded, reason, 'alice', AT)).toThrow(UsageError);
    expect(() => resolveReport(stranded, reason, 'alice', AT)).toThrow('--reason TEXT is required');
  });
});
