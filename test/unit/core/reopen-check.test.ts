// The reopen check at the minute a person's resolve's wait ends: it reopens from the detector's latest
// evidence (still firing, or silent: a periodic source's last report stale), not at the next report; a
// healthy verdict in between, or a log rule gone quiet, closes the matter. Sources that report only on
// change (a CloudWatch alarm still in ALARM) reopen on time too.
import { describe, expect, it } from 'vitest';
import { deadlinesOf } from '../../../lambdas/core/deadlines.ts';
import { applyHumanAction } from '../../../lambdas/core/human/apply.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { awaitsReopenCheck, owesSweep } from '../../../lambdas/core/owed.ts';
import { decideReopen, reopenCheck } from '../../../lambdas/core/reopen-check.ts';
import { applySignal } from '../../../lambdas/core/routing-policy.ts';
import { sweepOptionsOf } from '../../../lambdas/core/sweep-policy.ts';
import { defaultConfig } from '../../../lambdas/core/config.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { settings, signal } from './support.ts';

const S = settings({ sinks: { pagerduty: { routingKeyParameter: '/metis/pd' } } });
const OPTIONS = sweepOptionsOf(defaultConfig());
const T0 = new Date('2026-11-24T10:00:00Z');
const plus = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const probeFiring = (minutes: number): Signal =>
  signal({ source: 'probe', rule: 'healthz_down', subject: 'gateway', severity: 'SEV1', observedAt: plus(minutes).toISOString() });

/** Opened at T0 from `first`, paged, resolved in PagerDuty by ana at +10 (as the intake records it). */
function resolvedByAna(first: Signal = probeFiring(0)): Incident {
  const open = applySignal(undefined, first, T0, S).next;
  for (const d of open.deliveries) d.status = 'sent';
  const action = {
    kind: 'resolve',
    dedupKey: first.dedupKey,
    at: plus(10).toISOString(),
    by: 'ana',
    via: 'pagerduty',
    eventId: 'e',
  } as const;
  const outcome = applyHumanAction(open, action, plus(10), S);
  if (!outcome.applied) throw new Error(outcome.reason);
  return outcome.next;
}

/** What the detector's reports do meanwhile (through the router's policy). */
function report(incident: Incident, s: Signal, minutes: number): Incident {
  return applySignal(incident, s, plus(minutes), S).next;
}

describe('the reopen check after a person resolved a still-firing incident', () => {
  it('is a deadline at exactly resolve + reopenAfterMinutes, and the sweeper owes it until it decides', () => {
    const held = resolvedByAna();
    expect(held.reopenCheckAt).toBe(plus(40).toISOString());
    expect(deadlinesOf(held, S)).toEqual([{ dedupKey: 'healthz_down:gateway', episode: 1, kind: 'reopen', at: plus(40).toISOString() }]);
    expect(owesSweep(held)).toBe(true);
    expect(decideReopen(held, plus(39), S, OPTIONS)).toEqual({ kind: 'not-due' });
    expect(reopenCheck(held, plus(39), S, OPTIONS)).toBeUndefined();
  });

  it('still firing (a probe round a minute ago): reopens at the minute as a new episode, pages per policy and says why', () => {
    let held = resolvedByAna();
    for (const minute of [11, 20, 39]) held = report(held, probeFiring(minute), minute);
    expect(held.status).toBe('resolved');
    const reopened = reopenCheck(held, plus(40), S, OPTIONS)!;
    expect(reopened.status).toBe('open');
    expect(reopened.episode).toBe(2);
    expect(reopened.openedAt).toBe(plus(40).toISOString());
    expect(reopened.reopenedBecause).toBe('reopened: still firing 30 min after ana resolved it in PagerDuty');
    expect(reopened.lastSignal.observedAt).toBe(plus(39).toISOString());
    expect(reopened.deliveries.filter((d) => d.action === 'trigger').map((d) => d.id)).toEqual([
      '2:pagerduty:trigger:SEV1',
      '2:page:trigger:SEV1',
      '2:chatops:trigger:SEV1',
    ]);
    expect(reopened.reopenCheckAt).toBeUndefined();
    expect(reopened.targets?.ackBy).toBe(plus(55).toISOString());
    expect(deadlinesOf(reopened, S).map((d) => d.kind)).toEqual(['ack', 'mitigate', 'resolve', 'status-reminder']);
  });

  it('a healthy report in between: nothing reopens, the check is decided and says so', () => {
    let held = report(resolvedByAna(), probeFiring(11), 11);
    held = report(held, { ...probeFiring(15), status: 'resolved' }, 15);
    expect(held.healthySinceHumanResolve).toBe(plus(15).toISOString());
    const closed = reopenCheck(held, plus(40), S, OPTIONS)!;
    expect(closed.status).toBe('resolved');
    expect(closed.episode).toBe(1);
    expect(closed.reopenCheckAt).toBeUndefined();
    expect(awaitsReopenCheck(closed)).toBe(false);
    expect(closed.deliveries.filter((d) => d.id.startsWith('2:'))).toEqual([]);
    expect(closed.timeline.at(-1)!.event).toBe('reopen check: healthy since 10:15 UTC after ana resolved it in PagerDuty: not reopened');
    // Decided: a second wake-up, or the sweep after it, changes nothing.
    expect(reopenCheck(closed, plus(45), S, OPTIONS)).toBeUndefined();
  });

  it('healthy, then firing again inside the wait: the latest evidence is firing, so it reopens at the minute', () => {
    let held = report(resolvedByAna(), { ...probeFiring(12), status: 'resolved' }, 12);
    held = report(held, probeFiring(38), 38);
    const reopened = reopenCheck(held, plus(40), S, OPTIONS)!;
    expect(reopened.status).toBe('open');
    expect(reopened.reopenedBecause).toBe('reopened: still firing 30 min after ana resolved it in PagerDuty');
  });

  it('a periodic source gone silent (no probe report for more than three rounds): reopens, naming since when', () => {
    const held = report(resolvedByAna(), probeFiring(11), 11);
    const reopened = reopenCheck(held, plus(40), S, OPTIONS)!;
    expect(reopened.status).toBe('open');
    expect(reopened.reopenedBecause).toBe(
      'reopened: no report since 10:11 UTC, when it was still firing, 30 min after ana resolved it in PagerDuty (silence is not recovery)',
    );
    // Three rounds is not yet silent: at +40 a round from +37 is still "firing now".
    const recent = report(resolvedByAna(), probeFiring(37), 37);
    expect(reopenCheck(recent, plus(40), S, OPTIONS)!.reopenedBecause).toBe(
      'reopened: still firing 30 min after ana resolved it in PagerDuty',
    );
  });

  it('a CloudWatch alarm still in ALARM (it reports only on change, so no report comes): reopens at the minute', () => {
    const alarm = signal({
      source: 'cloudwatch-alarm',
      rule: 'gateway_5xx',
      subject: 'metis-gateway-5xx',
      severity: 'SEV1',
      observedAt: T0.toISOString(),
    });
    const held = resolvedByAna(alarm);
    const reopened = reopenCheck(held, plus(40), S, OPTIONS)!;
    expect(reopened.status).toBe('open');
    expect(reopened.episode).toBe(2);
    expect(reopened.reopenedBecause).toBe('reopened: still firing 30 min after ana resolved it in PagerDuty');
    // Its OK in between would have closed the matter instead.
    const ok = report(held, { ...alarm, status: 'resolved', observedAt: plus(20).toISOString() }, 20);
    expect(reopenCheck(ok, plus(40), S, OPTIONS)!.status).toBe('resolved');
  });

  it('a log rule that went quiet (no traceback for its quiet minutes) is over: not reopened; one seen lately reopens', () => {
    const traceback = (minutes: number) =>
      signal({ source: 'logs', rule: 'traceback', subject: 'abc123', severity: 'SEV2', observedAt: plus(minutes).toISOString() });
    const quiet = resolvedByAna(traceback(0));
    const over = reopenCheck(quiet, plus(40), S, OPTIONS)!;
    expect(over.status).toBe('resolved');
    expect(over.timeline.at(-1)!.event).toBe(
      'reopen check: no new occurrence for 30 min since 10:00 UTC after ana resolved it in PagerDuty: over, not reopened',
    );
    const recurring = report(resolvedByAna(traceback(0)), traceback(25), 25);
    expect(reopenCheck(recurring, plus(40), S, OPTIONS)!.status).toBe('open');
  });

  it('a firing report after the wait whose wake-up never came reopens once, with the same wording', () => {
    const held = report(resolvedByAna(), probeFiring(11), 11);
    const reopened = applySignal(held, probeFiring(41), plus(41), S).next;
    expect(reopened.status).toBe('open');
    expect(reopened.reopenedBecause).toBe('reopened: still firing 30 min after ana resolved it in PagerDuty');
    // The wake-up arriving late finds an open episode: nothing more (dispatch only checks resolved incidents).
    expect(reopenCheck(reopened, plus(41), S, OPTIONS)).toBeUndefined();
  });
});
