// The demo's printout: steps in simulated-time order, a header in UTC and the business-hours zone, and a
// why under each incident's deliveries (the policy row for a routing decision, the incident's recorded
// reason for a resolve, a reminder or the escalation).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { deliveryLines, digestWhy, inTimeOrder, stepHeader, whyOf } from '../../../scripts/demo-explain.ts';

const config = parseConfig({ businessHours: { timezone: 'Europe/Berlin' } });
const SAT_0330_BERLIN = new Date('2026-11-28T02:30:00Z');

function incident(rule: string, timeline: { at: string; event: string }[]): Incident {
  return { rule, timeline } as Incident;
}

describe('demo printout', () => {
  it('orders steps by simulated time, keeping the order of steps at the same instant', () => {
    const steps = [
      { at: new Date('2026-11-24T11:30:00Z'), name: 'keys' },
      { at: new Date('2026-11-24T10:30:00Z'), name: 'check' },
      { at: new Date('2026-11-24T10:30:00Z'), name: 'check again' },
      { at: new Date('2026-11-24T11:10:00Z'), name: 'shapes' },
    ];
    expect(inTimeOrder(steps).map((s) => s.name)).toEqual(['check', 'check again', 'shapes', 'keys']);
    expect(steps[0]!.name).toBe('keys'); // the input is left as it was
  });

  it('heads a step with UTC and the business-hours zone', () => {
    expect(stepHeader({ at: SAT_0330_BERLIN, title: 'sweeper' }, config)).toBe(
      '== 2026-11-28T02:30:00.000Z (Sat 03:30 Europe/Berlin)  sweeper',
    );
  });

  it('a routing decision out of hours names the rule, the policy row and when it escalates', () => {
    const at = new Date('2026-11-28T02:00:00Z');
    expect(whyOf({ action: 'trigger', severity: 'SEV2', dedupKey: 'model_error_rate:gpt-4o' }, undefined, { at }, config)).toBe(
      'why: rule model_error_rate; policy SEV2 out of hours (Sat 03:00 Europe/Berlin): chatops; escalates at Sat 03:30 if still firing: pagerduty, page, chatops',
    );
  });

  it("the sweeper's trigger and escalate post quote the escalation the incident recorded, once for both", () => {
    const escalated = incident('model_error_rate', [
      { at: '2026-11-28T02:00:00.000Z', event: 'opened SEV2: chatops' },
      { at: SAT_0330_BERLIN.toISOString(), event: 'escalated after 30 min out of hours: notified pagerduty, chatops' },
      { at: SAT_0330_BERLIN.toISOString(), event: 'pagerduty trigger SEV2 sent' },
    ]);
    const lines = deliveryLines(
      [
        { sink: 'pagerduty', action: 'trigger', severity: 'SEV2', dedupKey: 'model_error_rate:gpt-4o' },
        { sink: 'chatops', action: 'escalate', severity: 'SEV2', dedupKey: 'model_error_rate:gpt-4o' },
      ],
      new Map([['model_error_rate:gpt-4o', escalated]]),
      { at: SAT_0330_BERLIN, sweep: true },
      config,
    );
    expect(lines).toEqual([
      '   SEV2 -> pagerduty     trigger   model_error_rate:gpt-4o',
      '      why: rule model_error_rate; escalated after 30 min out of hours: notified pagerduty, chatops',
      '   SEV2 -> chatops       escalate  model_error_rate:gpt-4o',
    ]);
  });

  it('a resolve and a reminder quote the reason recorded at that moment, not an older one', () => {
    const at = new Date('2026-11-25T00:05:00Z');
    const traceback = incident('traceback', [
      { at: '2026-11-24T10:40:30.000Z', event: 'resolved: an older episode' },
      { at: at.toISOString(), event: 'resolved: no new occurrence for 30 min' },
    ]);
    expect(whyOf({ action: 'resolve', severity: 'SEV2', dedupKey: 'traceback:x' }, traceback, { at, sweep: true }, config)).toBe(
      'why: rule traceback; resolved: no new occurrence for 30 min',
    );
    const reminded = incident('key_compromise_suspected', [{ at: at.toISOString(), event: 'status update due: SEV1 open for 755 min' }]);
    expect(
      whyOf({ action: 'remind', severity: 'SEV1', dedupKey: 'key_compromise_suspected:k' }, reminded, { at, sweep: true }, config),
    ).toBe('why: rule key_compromise_suspected; status update due: SEV1 open for 755 min');
  });

  it('a delivery whose incident recorded no reason still names its rule and action (never a blank why)', () => {
    const at = new Date('2026-11-25T00:05:00Z');
    expect(whyOf({ action: 'resolve', severity: 'SEV3', dedupKey: 'disk_usage:trace-db' }, undefined, { at }, config)).toBe(
      'why: rule disk_usage; resolve SEV3',
    );
  });

  it('a SEV4 digest says which rule and day it folds', () => {
    expect(digestWhy('digest#log_noise#2026-11-24')).toBe(
      'why: rule log_noise is SEV4: its occurrences of 2026-11-24 fold into one chatops digest, posted by the first sweep after midnight UTC (never a page)',
    );
  });
});
