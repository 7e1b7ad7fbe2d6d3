// What time alone does to open incidents: SEV2 out-of-hours escalation, 30-minute reminders, quiet
// traceback resolution, and the sweeper's exactly-once delivery through the same claim machinery.
import { describe, expect, it } from 'vitest';
import { routeSignals, sweepIncidents, type DispatchDeps } from '../../../lambdas/core/dispatch.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { applySignal } from '../../../lambdas/core/routing-policy.ts';
import { sweepIncident, sweepOptionsOf } from '../../../lambdas/core/sweep-policy.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { FakeIncidentStore, FakePagerDuty, FakePublisher, settings, signal, notifiersOf } from './support.ts';

const S = settings();
const OPTIONS = { tracebackQuietMinutes: 30 };
const SAT_03_00 = new Date('2026-11-28T03:00:00Z');
const plus = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

function opened(overrides: Parameters<typeof signal>[0], at: Date): Incident {
  return applySignal(undefined, signal({ observedAt: at.toISOString(), ...overrides }), at, S).next;
}

const added = (before: Incident, after: Incident | undefined) =>
  (after?.deliveries ?? []).slice(before.deliveries.length).map((d) => `${d.sink} ${d.action} ${d.severity}`);

describe('sweepIncident', () => {
  it('escalates a SEV2 opened Saturday 03:00 at 03:30 if still open: PagerDuty + page + a chatops escalation note', () => {
    const incident = opened({ severity: 'SEV2' }, SAT_03_00);
    expect(incident.escalateAt).toBe('2026-11-28T03:30:00.000Z');
    expect(sweepIncident(incident, plus(SAT_03_00, 29), S, OPTIONS)).toBeUndefined();
    const escalated = sweepIncident(incident, plus(SAT_03_00, 30), S, OPTIONS)!;
    expect(added(incident, escalated)).toEqual(['pagerduty trigger SEV2', 'page trigger SEV2', 'chatops escalate SEV2']);
    expect(escalated.escalateAt).toBeUndefined();
    expect(escalated.timeline.at(-1)!.event).toMatch(/^escalated after 30 min out of hours/);
    // Escalating once only: the next sweep a minute later does nothing.
    expect(sweepIncident(escalated, plus(SAT_03_00, 31), S, OPTIONS)).toBeUndefined();
  });

  it('does not escalate a SEV2 resolved at 03:20', () => {
    const incident = opened({ severity: 'SEV2' }, SAT_03_00);
    const resolved = applySignal(
      incident,
      signal({ severity: 'SEV2', status: 'resolved', observedAt: plus(SAT_03_00, 20).toISOString() }),
      plus(SAT_03_00, 20),
      S,
    ).next;
    expect(sweepIncident(resolved, plus(SAT_03_00, 30), S, OPTIONS)).toBeUndefined();
  });

  it('posts the first reminder exactly reminderMinutes after the trigger post, not on the sweep grid', () => {
    // Opened off the sweep grid (10:02:35): due 10:32:35, the time the deadline wakes the sweeper.
    const openedAt = new Date('2026-11-24T10:02:35Z');
    // Acknowledged before its ack target, so only the comms clock runs here.
    const fresh = { ...opened({ severity: 'SEV1' }, openedAt), ack: { at: '2026-11-24T10:05:00Z', by: 'ana', via: 'cli' as const } };
    // The sweep at 10:30 no longer posts early: the deadline does it at its time.
    expect(sweepIncident(fresh, new Date('2026-11-24T10:30:00Z'), S, OPTIONS)).toBeUndefined();
    expect(sweepIncident(fresh, new Date('2026-11-24T10:32:34Z'), S, OPTIONS)).toBeUndefined();
    const reminded = sweepIncident(fresh, new Date('2026-11-24T10:32:35Z'), S, OPTIONS)!;
    expect(reminded.deliveries.at(-1)).toMatchObject({ action: 'remind', plannedAt: '2026-11-24T10:32:35.000Z' });
    // The next one is 30 minutes after this post.
    expect(sweepIncident(reminded, new Date('2026-11-24T11:02:34Z'), S, OPTIONS)).toBeUndefined();
    expect(sweepIncident(reminded, new Date('2026-11-24T11:02:35Z'), S, OPTIONS)?.deliveries.at(-1)?.action).toBe('remind');
  });

  it('reminds on chatops at 30 and 60 minutes for an open SEV1, naming its age, and never for SEV3', () => {
    const tuesday = new Date('2026-11-24T10:00:00Z');
    let incident = opened({ severity: 'SEV1' }, tuesday);
    const reminders: string[] = [];
    for (let minute = 5; minute <= 65; minute += 5) {
      const next = sweepIncident(incident, plus(tuesday, minute), S, OPTIONS);
      const reminds = added(incident, next).filter((d) => d.includes(' remind '));
      if (reminds.length) reminders.push(`${minute}: ${reminds.join(', ')}`);
      incident = next ?? incident;
    }
    expect(reminders).toEqual(['30: chatops remind SEV1', '60: chatops remind SEV1']);
    expect(incident.timeline.filter((t) => t.event.startsWith('status update due')).map((t) => t.event)).toEqual([
      'status update due: SEV1 open for 30 min',
      'status update due: SEV1 open for 60 min',
    ]);
    const sev3 = opened({ severity: 'SEV3' }, tuesday);
    expect(sweepIncident(sev3, plus(tuesday, 90), S, OPTIONS)).toBeUndefined();
  });

  it('resolves a quota or revoked-key incident once its window has passed with no new report (the logs went quiet)', () => {
    const at = new Date('2026-11-24T10:00:00Z');
    const options = sweepOptionsOf(parseConfig({}));
    expect(options.quietResolveMinutes).toEqual({
      quota_exceeded_sustained: 6,
      key_revoked_in_use: 6,
      prompt_exposure: 60,
      trace_db_log_error: 30,
    });
    const incident = opened(
      { source: 'logs', rule: 'quota_exceeded_sustained', subject: 'gk_1', dedupKey: 'quota_exceeded_sustained:gk_1', severity: 'SEV3' },
      at,
    );
    expect(sweepIncident(incident, plus(at, 5), S, options)).toBeUndefined();
    const quiet = sweepIncident(incident, plus(at, 6), S, options)!;
    expect(quiet.status).toBe('resolved');
    expect(quiet.timeline.at(-1)!.event).toBe('resolved: no new occurrence for 6 min');
    // A rule without a quiet time (reported every run by its detector) never resolves this way.
    const rate = opened({ severity: 'SEV3' }, at);
    expect(sweepIncident(rate, plus(at, 600), S, options)).toBeUndefined();
  });

  it('resolves a traceback incident after 30 quiet minutes, not before', () => {
    const at = new Date('2026-11-24T10:00:00Z');
    const incident = opened(
      { source: 'logs', rule: 'traceback', subject: 'KeyError@x.py', dedupKey: 'traceback:KeyError@x.py', severity: 'SEV3' },
      at,
    );
    expect(sweepIncident(incident, plus(at, 29), S, OPTIONS)).toBeUndefined();
    const quiet = sweepIncident(incident, plus(at, 30), S, OPTIONS)!;
    expect(quiet.status).toBe('resolved');
    expect(added(incident, quiet)).toEqual(['chatops resolve SEV3']);
  });
});

describe('sweepIncidents', () => {
  function deps(store: FakeIncidentStore, pd: FakePagerDuty, sns: FakePublisher, at: Date): DispatchDeps {
    return { store, notifiers: notifiersOf(pd, sns), settings: S, now: () => at };
  }

  it('sends the escalation once even when two sweepers race', async () => {
    const store = new FakeIncidentStore();
    const pd = new FakePagerDuty();
    const sns = new FakePublisher();
    await routeSignals([signal({ severity: 'SEV2', observedAt: SAT_03_00.toISOString() })], deps(store, pd, sns, SAT_03_00));
    expect(pd.events).toHaveLength(0);
    const at = plus(SAT_03_00, 30);
    await Promise.all([sweepIncidents(at, OPTIONS, deps(store, pd, sns, at)), sweepIncidents(at, OPTIONS, deps(store, pd, sns, at))]);
    expect(pd.events.map((e) => `${e.event_action} ${e.payload?.severity}`)).toEqual(['trigger error']);
    expect(sns.published.map((p) => `${p.topic} ${p.message.subject.split(' ')[1]}`).sort()).toEqual([
      'chatops ESCALATED',
      'chatops FIRING',
      'page FIRING',
    ]);
  });
});
