import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { whyLine } from '../../../scripts/demo-why.ts';

const config = parseConfig({ businessHours: { timezone: 'Europe/Berlin' }, sinks: { page: { emails: ['oncall@example.com'] } } });

describe('demo why line', () => {
  it('out of hours: names the rule, the policy row and when it escalates (in the business-hours zone)', () => {
    // Saturday 03:00 in Berlin (02:00 UTC): SEV2 goes to chatops first, escalating 30 minutes later.
    expect(whyLine('model_error_rate', 'SEV2', new Date('2026-11-28T02:00:00Z'), config)).toBe(
      'why: rule model_error_rate; policy SEV2 out of hours (Sat 03:00 Europe/Berlin): chatops; escalates at Sat 03:30 if still firing: pagerduty, page, chatops',
    );
  });

  it('in hours: who is notified now, no escalation', () => {
    expect(whyLine('model_error_rate', 'SEV2', new Date('2026-11-24T10:00:00Z'), config)).toMatch(
      /^why: rule model_error_rate; policy SEV2 in hours \(Tue 11:00 Europe\/Berlin\): pagerduty, page, chatops$/,
    );
  });
});
