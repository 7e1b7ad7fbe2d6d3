// A person resolved the incident while its detector still fires: nothing pages during the wait, it reopens
// as a new episode after routing.reopenAfterMinutes of continued firing and says why; healthy in between: no reopen.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { applySignal, resolveIncident } from '../../../lambdas/core/routing-policy.ts';
import { settings, signal } from './support.ts';

const S = settings();
const T0 = new Date('2026-11-24T10:00:00Z');
const plus = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const firing = (minutes: number) => signal({ severity: 'SEV1', observedAt: plus(minutes).toISOString() });

/** Opened at T0, resolved by a person in PagerDuty at +10 (as the intake records it). */
function humanResolved(): Incident {
  const open = applySignal(undefined, firing(0), T0, S).next;
  const resolved = resolveIncident(open, plus(10), S, 'resolved by ana in PagerDuty');
  return { ...resolved, humanResolved: { at: plus(10).toISOString(), by: 'ana', via: 'pagerduty' } };
}

describe('after a human resolve', () => {
  it('a detector still firing is recorded once and pages nobody during the wait', () => {
    const first = applySignal(humanResolved(), firing(11), plus(11), S);
    expect(first.changed).toBe(true);
    expect(first.next.status).toBe('resolved');
    expect(first.next.episode).toBe(1);
    expect(first.next.firingSinceHumanResolve).toBe(plus(11).toISOString());
    expect(first.next.timeline.at(-1)!.event).toBe(
      'still firing after ana resolved it in PagerDuty: reopens at 2026-11-24T10:40:00.000Z if it keeps firing',
    );
    const planned = first.next.deliveries.length;
    const again = applySignal(first.next, firing(25), plus(25), S);
    // The newer firing is kept (the reopen check reads how recent it is); nothing is planned, the wait is noted once.
    expect(again.next.lastSignal.observedAt).toBe(plus(25).toISOString());
    expect(again.next.deliveries).toHaveLength(planned);
    expect(again.next.timeline).toHaveLength(first.next.timeline.length);
    expect(applySignal(again.next, firing(25), plus(26), S).changed).toBe(false);
  });

  it('reopens as a new episode after reopenAfterMinutes of continued firing, and its posts say so', () => {
    let incident = applySignal(humanResolved(), firing(11), plus(11), S).next;
    incident = applySignal(incident, firing(39), plus(39), S).next;
    expect(incident.status).toBe('resolved');
    const reopened = applySignal(incident, firing(40), plus(40), S).next;
    expect(reopened.status).toBe('open');
    expect(reopened.episode).toBe(2);
    expect(reopened.reopenedBecause).toBe('reopened: still firing 30 min after ana resolved it in PagerDuty');
    expect(reopened.timeline.at(-1)!.event).toMatch(
      /^opened SEV1 \(reopened: still firing 30 min after ana resolved it in PagerDuty\): notified /,
    );
    expect(reopened.deliveries.filter((d) => d.action === 'trigger').map((d) => d.id)).toEqual([
      '2:pagerduty:trigger:SEV1',
      '2:page:trigger:SEV1',
      '2:chatops:trigger:SEV1',
    ]);
    // The new episode starts clean: no ack, no human resolve, fresh targets.
    expect(reopened.ack).toBeUndefined();
    expect(reopened.humanResolved).toBeUndefined();
    expect(reopened.targets?.ackBy).toBe('2026-11-24T10:55:00.000Z');
  });

  it('healthy again during the wait: the person was right, a later firing opens normally (no "reopened" wording)', () => {
    let incident = applySignal(humanResolved(), firing(11), plus(11), S).next;
    incident = applySignal(
      incident,
      signal({ severity: 'SEV1', status: 'resolved', observedAt: plus(15).toISOString() }),
      plus(15),
      S,
    ).next;
    expect(incident.firingSinceHumanResolve).toBeUndefined();
    expect(incident.timeline.at(-1)!.event).toBe('healthy again after ana resolved it: not reopened');
    const later = applySignal(incident, firing(50), plus(50), S).next;
    expect(later.status).toBe('open');
    expect(later.reopenedBecause).toBeUndefined();
  });

  it('a late copy of a report from before the person resolved it does not start the wait', () => {
    const result = applySignal(humanResolved(), firing(5), plus(12), S);
    expect(result.next.firingSinceHumanResolve).toBeUndefined();
    expect(result.next.status).toBe('resolved');
  });
});
