// A target's SEV1 and SEV2 alarms are one incident: SEV1 supersedes, and it resolves only when both are OK.
import { describe, expect, it } from 'vitest';
import { applySignal } from '../../../lambdas/core/routing-policy.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import type { Severity, Signal } from '../../../lambdas/core/signal.ts';
import { settings, signal, TUE_10_00 } from './support.ts';

const S = settings();
const minute = (n: number) => new Date(TUE_10_00.getTime() + n * 60_000);

function alarm(name: string, severity: Severity, status: Signal['status'], n: number): Signal {
  return signal({
    source: 'cloudwatch-alarm',
    rule: 'healthz_down',
    subject: 'gateway',
    dedupKey: 'healthz_down:gateway',
    severity,
    status,
    observedAt: minute(n).toISOString(),
    summary: `${name} ${status}`,
    details: { alarmName: name, state: status === 'firing' ? 'ALARM' : 'OK' },
  });
}

/** Applies signals in order and returns the incident after each with the deliveries it added. */
function replay(signals: Signal[]): { incident: Incident; added: string[]; changed: boolean }[] {
  let incident: Incident | undefined;
  return signals.map((s, i) => {
    const before = incident?.deliveries.length ?? 0;
    const { next, changed } = applySignal(incident, s, minute(i), S);
    incident = next;
    return { incident: next, changed, added: next.deliveries.slice(before).map((d) => `${d.sink} ${d.action} ${d.severity}`) };
  });
}

describe('alarm groups', () => {
  it('pages once as SEV2, upgrades to SEV1, and resolves once when both alarms are OK', () => {
    const steps = replay([
      alarm('gw-sev2', 'SEV2', 'firing', 0),
      alarm('gw-sev1', 'SEV1', 'firing', 1),
      alarm('gw-sev1', 'SEV1', 'resolved', 2), // SEV1 clears first: still SEV2 in ALARM
      alarm('gw-sev2', 'SEV2', 'resolved', 3),
    ]);
    expect(steps.map((s) => [s.incident.status, s.incident.severity])).toEqual([
      ['open', 'SEV2'],
      ['open', 'SEV1'],
      ['open', 'SEV2'],
      ['resolved', 'SEV2'],
    ]);
    expect(steps.map((s) => s.added)).toEqual([
      ['pagerduty trigger SEV2', 'page trigger SEV2', 'chatops trigger SEV2'],
      ['pagerduty trigger SEV1', 'page trigger SEV1', 'chatops trigger SEV1'],
      [],
      ['pagerduty resolve SEV2', 'page resolve SEV2', 'chatops resolve SEV2'],
    ]);
    expect(steps[2]!.incident.lastSignal.summary).toBe('gw-sev1 resolved; still in ALARM: gw-sev2 (SEV2)');
    expect(steps[2]!.incident.alarms).toEqual({
      'gw-sev2': { severity: 'SEV2', firing: true, at: minute(0).toISOString() },
      'gw-sev1': { severity: 'SEV1', firing: false, at: minute(2).toISOString() },
    });
  });

  it('keeps SEV1 when the SEV2 alarm fires after it, and remembers the member without notifying', () => {
    const steps = replay([alarm('gw-sev1', 'SEV1', 'firing', 0), alarm('gw-sev2', 'SEV2', 'firing', 1)]);
    expect(steps[1]!.incident.severity).toBe('SEV1');
    expect(steps[1]!.added).toEqual([]);
    expect(steps[1]!.changed).toBe(true);
    expect(Object.keys(steps[1]!.incident.alarms ?? {}).sort()).toEqual(['gw-sev1', 'gw-sev2']);
  });

  it('resolves at once when the only firing alarm clears, and opens a fresh group on the next failure', () => {
    const steps = replay([
      alarm('gw-sev2', 'SEV2', 'firing', 0),
      alarm('gw-sev2', 'SEV2', 'resolved', 1),
      alarm('gw-sev1', 'SEV1', 'firing', 2),
    ]);
    expect(steps.map((s) => [s.incident.status, s.incident.episode])).toEqual([
      ['open', 1],
      ['resolved', 1],
      ['open', 2],
    ]);
    expect(steps[2]!.incident.alarms).toEqual({ 'gw-sev1': { severity: 'SEV1', firing: true, at: minute(2).toISOString() } });
  });

  it('an OK from an alarm that never fired changes nothing', () => {
    const [step] = replay([alarm('gw-sev1', 'SEV1', 'resolved', 0)]);
    expect(step!.changed).toBe(false);
    expect(step!.incident.deliveries).toEqual([]);
  });

  it('signals that are not from a named alarm keep no member list', () => {
    const [step] = replay([signal({ severity: 'SEV3' })]);
    expect(step!.incident.alarms).toBeUndefined();
  });
});
