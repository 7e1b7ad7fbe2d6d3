// applyHumanAction: what a person's ack, unack, reassignment or resolve does to our incident, and what it
// leaves alone (another episode, an unknown or closed incident, an action older than the episode).
import { describe, expect, it } from 'vitest';
import type { HumanAction } from '../../../../lambdas/core/human/action.ts';
import { applyHumanAction } from '../../../../lambdas/core/human/apply.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import { applySignal } from '../../../../lambdas/core/routing-policy.ts';
import { renderPostmortem } from '../../../../lambdas/core/postmortem.ts';
import { settings, signal, TUE_10_00 } from '../support.ts';

const SETTINGS = settings({ sinks: { pagerduty: { routingKeyParameter: '/metis/pd' } } });
const NOW = new Date('2026-11-17T10:08:00.000Z');

/** A SEV1 opened at 10:00 and paged (its trigger deliveries sent). */
function openIncident(): Incident {
  const { next } = applySignal(undefined, signal({ severity: 'SEV1', observedAt: TUE_10_00.toISOString() }), TUE_10_00, SETTINGS);
  for (const d of next.deliveries) d.status = 'sent';
  return next;
}

function action(overrides: Partial<HumanAction> = {}): HumanAction {
  return {
    kind: 'ack',
    dedupKey: 'model_error_rate:gpt-4o',
    at: '2026-11-17T10:07:00.000Z',
    by: 'Tenex Engineer',
    via: 'pagerduty',
    eventId: 'e1',
    ...overrides,
  };
}

describe('applyHumanAction', () => {
  it('an ack records who, when and through what, and the timeline line the post-mortem shows', () => {
    const outcome = applyHumanAction(openIncident(), action(), NOW, SETTINGS);
    expect(outcome.applied).toBe(true);
    if (!outcome.applied) return;
    expect(outcome.next.ack).toEqual({ at: '2026-11-17T10:07:00.000Z', by: 'Tenex Engineer', via: 'pagerduty' });
    expect(outcome.next.timeline.at(-1)).toEqual({ at: '2026-11-17T10:07:00.000Z', event: 'ack by Tenex Engineer (PagerDuty)' });
    expect(outcome.next.updatedAt).toBe(NOW.toISOString());
    expect(renderPostmortem({ incident: outcome.next, now: NOW })).toContain('- 10:07 — ack by Tenex Engineer (PagerDuty)');
  });

  it('keeps a note, and the first ack when a second arrives', () => {
    const first = applyHumanAction(openIncident(), action({ via: 'cli', by: 'ana', note: 'looking' }), NOW, SETTINGS);
    if (!first.applied) throw new Error('not applied');
    expect(first.next.timeline.at(-1)!.event).toBe('ack by ana (CLI): looking');
    expect(applyHumanAction(first.next, action({ by: 'bob' }), NOW, SETTINGS)).toEqual({
      applied: false,
      reason: 'already acknowledged by ana',
    });
  });

  it('an unack clears the ack and says so; an unack of an unacknowledged incident changes nothing', () => {
    const acked = applyHumanAction(openIncident(), action(), NOW, SETTINGS);
    if (!acked.applied) throw new Error('not applied');
    const unacked = applyHumanAction(acked.next, action({ kind: 'unack', at: '2026-11-17T10:09:00.000Z' }), NOW, SETTINGS);
    expect(unacked.applied && unacked.next.ack).toBeUndefined();
    expect(unacked.applied && unacked.next.timeline.at(-1)!.event).toBe('ack withdrawn by Tenex Engineer (PagerDuty)');
    expect(applyHumanAction(openIncident(), action({ kind: 'unack' }), NOW, SETTINGS)).toEqual({
      applied: false,
      reason: 'not acknowledged',
    });
  });

  it('a reassignment that left the incident triggered clears the ack; one that kept it acknowledged keeps it', () => {
    const acked = applyHumanAction(openIncident(), action(), NOW, SETTINGS);
    if (!acked.applied) throw new Error('not applied');
    const cleared = applyHumanAction(
      acked.next,
      action({ kind: 'reassign', clearsAck: true, note: 'to User 123; status triggered' }),
      NOW,
      SETTINGS,
    );
    const kept = applyHumanAction(acked.next, action({ kind: 'reassign', note: 'to User 123; status acknowledged' }), NOW, SETTINGS);
    expect(cleared.applied && cleared.next.ack).toBeUndefined();
    expect(cleared.applied && cleared.next.timeline.at(-1)!.event).toBe(
      'reassigned by Tenex Engineer (PagerDuty): to User 123; status triggered',
    );
    expect(kept.applied && kept.next.ack?.by).toBe('Tenex Engineer');
  });

  it('a resolve in PagerDuty closes the incident, owes the resolved notice to page and chatops, and sends none back to PagerDuty', () => {
    const outcome = applyHumanAction(openIncident(), action({ kind: 'resolve' }), NOW, SETTINGS);
    if (!outcome.applied) throw new Error('not applied');
    const { next } = outcome;
    expect(next.status).toBe('resolved');
    expect(next.resolvedAt).toBe(NOW.toISOString());
    expect(next.resolvedAsOf).toBe('2026-11-17T10:07:00.000Z');
    expect(next.humanResolved).toEqual({ at: '2026-11-17T10:07:00.000Z', by: 'Tenex Engineer', via: 'pagerduty' });
    const resolves = next.deliveries.filter((d) => d.action === 'resolve').map((d) => [d.sink, d.status]);
    expect(resolves).toEqual([
      ['pagerduty', 'skipped'],
      ['page', 'pending'],
      ['chatops', 'pending'],
    ]);
    expect(next.timeline.at(-2)!.event).toBe('resolved: by Tenex Engineer (PagerDuty)');
    // Its detector's last word was "firing": the reopen check runs reopenAfterMinutes (30) after the person's resolve.
    expect(next.reopenCheckAt).toBe('2026-11-17T10:37:00.000Z');
    expect(next.timeline.at(-1)!.event).toBe(
      'reopen check at 2026-11-17T10:37:00.000Z: reopens then unless the detector reports it healthy',
    );
  });

  it('a resolve of a latched breach (its detector already says healthy, a new period) schedules no reopen check', () => {
    const latched = { ...openIncident(), latchedAt: '2026-11-17T10:05:00.000Z' };
    const outcome = applyHumanAction(latched, action({ kind: 'resolve' }), NOW, SETTINGS);
    if (!outcome.applied) throw new Error('not applied');
    expect(outcome.next.status).toBe('resolved');
    expect(outcome.next.reopenCheckAt).toBeUndefined();
  });

  it('a resolve through the CLI or a link echoes to every sink it reached, PagerDuty included', () => {
    const outcome = applyHumanAction(openIncident(), action({ kind: 'resolve', via: 'cli' }), NOW, SETTINGS);
    if (!outcome.applied) throw new Error('not applied');
    expect(outcome.next.deliveries.filter((d) => d.action === 'resolve' && d.status === 'pending').map((d) => d.sink)).toEqual([
      'pagerduty',
      'page',
      'chatops',
    ]);
  });

  it('ignores an unknown incident, a closed one, another episode and an action older than the episode', () => {
    const open = openIncident();
    const closed = { ...structuredClone(open), status: 'resolved' as const };
    expect(applyHumanAction(undefined, action(), NOW, SETTINGS)).toEqual({ applied: false, reason: 'unknown incident' });
    expect(applyHumanAction(closed, action(), NOW, SETTINGS)).toEqual({ applied: false, reason: 'incident not open' });
    expect(applyHumanAction(open, action({ episode: open.episode + 1 }), NOW, SETTINGS).applied).toBe(false);
    expect(applyHumanAction(open, action({ at: '2026-11-17T09:59:00.000Z' }), NOW, SETTINGS)).toEqual({
      applied: false,
      reason: 'action predates this episode',
    });
  });

  it('never changes the incident it was given', () => {
    const open = openIncident();
    const before = structuredClone(open);
    applyHumanAction(open, action({ kind: 'resolve' }), NOW, SETTINGS);
    expect(open).toEqual(before);
  });
});
