// Targets and deadlines of one incident: computed at open and upgrade, missed once each, the ack target
// paging routing.secondary, and nothing for an acknowledged, resolved or paused incident.
import { describe, expect, it } from 'vitest';
import { deadlinesOf, deliveriesWake, missTargets, newDeadlines, wakeUpAt } from '../../../lambdas/core/deadlines.ts';
import { sweepDeadline } from '../../../lambdas/core/dispatch.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import type { RouterSettings } from '../../../lambdas/core/router-settings.ts';
import { applySignal, resolveIncident } from '../../../lambdas/core/routing-policy.ts';
import { sweepIncident } from '../../../lambdas/core/sweep-policy.ts';
import { FakeIncidentStore, FakePublisher, notifiersOf, settings, signal } from './support.ts';

const TUE_10_00 = new Date('2026-11-24T10:00:00Z');
const SAT_03_00 = new Date('2026-11-28T03:00:00Z');
const plus = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);
const OPTIONS = { tracebackQuietMinutes: 30 };
// A team with a secondary on the page topic (its own paging provider for the primary).
const S: RouterSettings = { ...settings({ routing: { secondary: ['page'] } }), activeSinks: ['pagerduty', 'page', 'chatops'] };

function opened(severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4', at: Date, s: RouterSettings = S): Incident {
  return applySignal(undefined, signal({ severity, observedAt: at.toISOString() }), at, s).next;
}

describe('targets', () => {
  it('a SEV1 gets the runbook clocks 15m / 1h / 4h, 24/7, from its open', () => {
    expect(opened('SEV1', SAT_03_00).targets).toEqual({
      ackBy: '2026-11-28T03:15:00.000Z',
      mitigateBy: '2026-11-28T04:00:00.000Z',
      resolveBy: '2026-11-28T07:00:00.000Z',
    });
  });

  it('a SEV2 out of hours: ack 1h and mitigation 4h around the clock, resolution one business day (Monday 17:00)', () => {
    expect(opened('SEV2', SAT_03_00).targets).toEqual({
      ackBy: '2026-11-28T04:00:00.000Z',
      mitigateBy: '2026-11-28T07:00:00.000Z',
      resolveBy: '2026-11-30T17:00:00.000Z',
    });
  });

  it('a SEV3 on Tuesday 10:00: ack Wednesday 10:00, mitigation Friday 10:00, resolution a week later; a SEV4 has none', () => {
    expect(opened('SEV3', TUE_10_00).targets).toEqual({
      ackBy: '2026-11-25T10:00:00.000Z',
      mitigateBy: '2026-11-27T10:00:00.000Z',
      resolveBy: '2026-12-01T10:00:00.000Z',
    });
    expect(opened('SEV4', TUE_10_00).targets).toEqual({});
  });

  it('an upgrade tightens each target to the new severity counted from the upgrade, never loosens one', () => {
    const sev2 = opened('SEV2', TUE_10_00);
    const upgraded = applySignal(
      sev2,
      signal({ severity: 'SEV1', observedAt: plus(TUE_10_00, 50).toISOString() }),
      plus(TUE_10_00, 50),
      S,
    ).next;
    expect(upgraded.targets).toEqual({
      ackBy: '2026-11-24T11:00:00.000Z', // SEV2's 11:00 is earlier than 10:50 + 15m = 11:05
      mitigateBy: '2026-11-24T11:50:00.000Z',
      resolveBy: '2026-11-24T14:50:00.000Z',
    });
  });
});

describe('missTargets', () => {
  it('an unanswered SEV1: at exactly 15 min one "ack target missed" post and a page to the secondary, once', () => {
    const incident = opened('SEV1', SAT_03_00);
    expect(sweepIncident(incident, new Date('2026-11-28T03:14:59Z'), S, OPTIONS)).toBeUndefined();
    const missed = sweepIncident(incident, plus(SAT_03_00, 15), S, OPTIONS)!;
    const fresh = missed.deliveries.slice(incident.deliveries.length);
    expect(fresh.map((d) => [d.sink, d.action, d.id])).toEqual([
      ['chatops', 'target-missed', '1:chatops:target-missed:SEV1:ack'],
      ['page', 'trigger', '1:page:trigger:SEV1:secondary'],
    ]);
    expect(missed.escalatedAt).toBe('2026-11-28T03:15:00.000Z');
    expect(missed.missedTargets).toEqual({ ack: '2026-11-28T03:15:00.000Z' });
    expect(missed.timeline.at(-1)!.event).toBe('ack target missed (due 03:15 UTC); paged the secondary: page');
    // Once: a later sweep or a duplicate wake-up plans nothing more for the ack.
    const later = sweepIncident(missed, plus(SAT_03_00, 20), S, OPTIONS);
    expect(later).toBeUndefined();
  });

  it('an acknowledged SEV1 is not escalated; its mitigation and resolution targets still post once each', () => {
    const incident = { ...opened('SEV1', SAT_03_00), ack: { at: '2026-11-28T03:10:00Z', by: 'ana', via: 'pagerduty' as const } };
    expect(sweepIncident(incident, plus(SAT_03_00, 15), S, OPTIONS)).toBeUndefined();
    const next = structuredClone(incident);
    expect(missTargets(next, plus(SAT_03_00, 60), S)).toBe(true);
    expect(next.deliveries.filter((d) => d.action === 'target-missed').map((d) => d.target)).toEqual(['mitigate']);
    expect(next.deliveries.some((d) => d.id.endsWith(':secondary'))).toBe(false);
    expect(next.escalatedAt).toBeUndefined();
    expect(missTargets(next, plus(SAT_03_00, 61), S)).toBe(false);
    expect(missTargets(next, plus(SAT_03_00, 240), S)).toBe(true);
    expect(next.deliveries.filter((d) => d.action === 'target-missed').map((d) => d.target)).toEqual(['mitigate', 'resolve']);
    expect(next.timeline.at(-1)!.event).toBe('resolution target missed (due 07:00 UTC)');
  });

  it('without routing.secondary the missed ack is a chatops post only, and says so', () => {
    const plain = settings();
    const incident = opened('SEV1', SAT_03_00, plain);
    const next = structuredClone(incident);
    missTargets(next, plus(SAT_03_00, 15), plain);
    expect(next.deliveries.slice(incident.deliveries.length).map((d) => `${d.sink} ${d.action}`)).toEqual(['chatops target-missed']);
    expect(next.timeline.at(-1)!.event).toBe(
      'ack target missed (due 03:15 UTC); no secondary configured (routing.secondary): chatops post only',
    );
  });

  it('names a secondary this process cannot deliver to instead of losing it silently', () => {
    const s: RouterSettings = { ...settings({ routing: { secondary: ['page'] } }), activeSinks: ['pagerduty', 'chatops'] };
    const next = structuredClone(opened('SEV1', SAT_03_00, s));
    missTargets(next, plus(SAT_03_00, 15), s);
    expect(next.timeline.at(-1)!.event).toMatch(/; secondary page not configured here, not paged$/);
  });

  it('a silenced incident pages nobody, so no target of it runs', () => {
    const next = { ...opened('SEV1', SAT_03_00), silencedBy: 'sil-1' };
    expect(missTargets(next, plus(SAT_03_00, 300), S)).toBe(false);
    expect(deadlinesOf(next, S)).toEqual([]);
  });
});

describe('deadlinesOf', () => {
  it('lists the three targets and the next comms reminder of an open SEV1; the ack goes once acknowledged', () => {
    const incident = opened('SEV1', new Date('2026-11-28T03:00:20Z'));
    const base = { dedupKey: incident.dedupKey, episode: 1 };
    expect(deadlinesOf(incident, S)).toEqual([
      { ...base, kind: 'ack', at: '2026-11-28T03:15:20.000Z' },
      { ...base, kind: 'mitigate', at: '2026-11-28T04:00:20.000Z' },
      { ...base, kind: 'resolve', at: '2026-11-28T07:00:20.000Z' },
      { ...base, kind: 'status-reminder', at: '2026-11-28T03:30:20.000Z' },
    ]);
    // The wake-up runs at the next whole minute, never before it is due.
    expect(wakeUpAt({ at: '2026-11-28T03:15:20.000Z' }).toISOString()).toBe('2026-11-28T03:16:00.000Z');
    expect(wakeUpAt({ at: '2026-11-28T03:15:00.000Z' }).toISOString()).toBe('2026-11-28T03:15:00.000Z');
    const acked = { ...incident, ack: { at: '2026-11-28T03:05:00Z', by: 'ana', via: 'cli' as const } };
    expect(deadlinesOf(acked, S).map((d) => d.kind)).toEqual(['mitigate', 'resolve', 'status-reminder']);
  });

  it('a write schedules only the deadlines it added (a reminder moves the next one; a repeat adds none)', () => {
    const incident = opened('SEV1', TUE_10_00);
    expect(newDeadlines(undefined, incident, S)).toHaveLength(4);
    expect(newDeadlines(incident, structuredClone(incident), S)).toEqual([]);
    const reminded = sweepIncident(
      { ...incident, ack: { at: '2026-11-24T10:01:00Z', by: 'ana', via: 'cli' } },
      plus(TUE_10_00, 30),
      S,
      OPTIONS,
    )!;
    expect(newDeadlines(incident, reminded, S)).toEqual([
      { dedupKey: incident.dedupKey, episode: 1, kind: 'status-reminder', at: '2026-11-24T11:00:00.000Z' },
    ]);
  });

  it('a resolved incident and a SEV3 have no comms reminder; a resolved one has no deadline at all', () => {
    expect(deadlinesOf(opened('SEV3', TUE_10_00), S).map((d) => d.kind)).toEqual(['ack', 'mitigate', 'resolve']);
    const incident = opened('SEV1', TUE_10_00);
    const resolved = applySignal(
      incident,
      signal({ severity: 'SEV1', status: 'resolved', observedAt: plus(TUE_10_00, 5).toISOString() }),
      plus(TUE_10_00, 5),
      S,
    ).next;
    expect(deadlinesOf(resolved, S)).toEqual([]);
  });
});

describe('an acknowledged SEV2 out of hours', () => {
  it('is not paged by the out-of-hours escalation once someone has it; comms reminders continue', () => {
    const incident = { ...opened('SEV2', SAT_03_00), ack: { at: '2026-11-28T03:10:00Z', by: 'ana', via: 'link' as const } };
    const next = sweepIncident(incident, plus(SAT_03_00, 30), S, OPTIONS)!;
    const fresh = next.deliveries.slice(incident.deliveries.length).map((d) => `${d.sink} ${d.action}`);
    expect(fresh).toEqual(['chatops remind']);
    expect(next.escalateAt).toBeUndefined();
    expect(next.timeline.map((t) => t.event)).toContain('acknowledged by ana at 03:10 UTC: out-of-hours escalation not needed');
  });
});

describe('the deliveries wake-up (what a write outside the router left owed)', () => {
  it('is due now for an episode that owes a delivery nobody holds; none once sent or claimed by a sender', () => {
    const incident = opened('SEV1', TUE_10_00);
    expect(deliveriesWake(incident, plus(TUE_10_00, 7))).toEqual({
      dedupKey: incident.dedupKey,
      episode: 1,
      kind: 'deliveries',
      at: '2026-11-24T10:07:00.000Z',
    });
    const claimed = structuredClone(incident);
    for (const d of claimed.deliveries) d.claimedUntil = plus(TUE_10_00, 9).toISOString();
    expect(deliveriesWake(claimed, plus(TUE_10_00, 7))).toBeUndefined();
    const sent = structuredClone(incident);
    for (const d of sent.deliveries) d.status = 'sent';
    expect(deliveriesWake(sent, plus(TUE_10_00, 7))).toBeUndefined();
  });

  it('sends what a resolved episode still owes (a resolve in a provider); a clock wake-up of a resolved incident does nothing', async () => {
    const store = new FakeIncidentStore();
    const sns = new FakePublisher();
    const topics: RouterSettings = { ...S, activeSinks: ['page', 'chatops'] };
    const incident = opened('SEV1', TUE_10_00, topics);
    for (const d of incident.deliveries) d.status = 'sent';
    const resolved = resolveIncident(incident, plus(TUE_10_00, 21), topics, 'by ana (PagerDuty)');
    await store.put(resolved, undefined);
    const deps = { store, notifiers: notifiersOf(undefined, sns), settings: topics, now: () => plus(TUE_10_00, 22) };
    const wake = { dedupKey: resolved.dedupKey, episode: 1, at: plus(TUE_10_00, 21).toISOString() };
    const clock = await sweepDeadline({ ...wake, kind: 'status-reminder' }, plus(TUE_10_00, 22), OPTIONS, deps);
    expect(clock.attempted).toEqual([]);
    const owed = await sweepDeadline({ ...wake, kind: 'deliveries' }, plus(TUE_10_00, 22), OPTIONS, deps);
    expect(owed.attempted.map((d) => `${d.sink} ${d.action} ${d.status}`)).toEqual(['page resolve sent', 'chatops resolve sent']);
    // A wake-up for an older episode sends nothing.
    expect((await sweepDeadline({ ...wake, episode: 2, kind: 'deliveries' }, plus(TUE_10_00, 22), OPTIONS, deps)).attempted).toEqual([]);
  });
});
