// What a person's ack tells people at that moment: applyHumanAction plans the chatops post (who, through
// what, the Identified draft) and, with autoPublish, the status-page update; the router's dispatch sends
// them like every other delivery. SEV3/SEV4, a duplicate ack, a silenced or symptom incident: nothing new.
import { describe, expect, it } from 'vitest';
import { routeSignals, sweepDeadline, type DispatchDeps } from '../../../../lambdas/core/dispatch.ts';
import type { HumanAction } from '../../../../lambdas/core/human/action.ts';
import { applyHumanAction } from '../../../../lambdas/core/human/apply.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import type { HttpCall, HttpSender } from '../../../../lambdas/core/notify/http-call.ts';
import type { Notifiers } from '../../../../lambdas/core/notify/notifier.ts';
import { statuspageNotifier } from '../../../../lambdas/core/notify/statuspage/notifier.ts';
import type { RouterSettings } from '../../../../lambdas/core/router-settings.ts';
import { applySignal } from '../../../../lambdas/core/routing-policy.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { FakeIncidentStore, FakePublisher, notifiersOf, settings, signal, TUE_10_00 } from '../support.ts';

const HOST = 'gw-prod-01.internal.example.net';
const later = (minutes: number): Date => new Date(TUE_10_00.getTime() + minutes * 60_000);
const OPTIONS = { tracebackQuietMinutes: 30 };
const S = settings({ healthTargets: [{ name: 'gateway', url: `https://${HOST}/healthz` }] });
const WITH_STATUSPAGE: RouterSettings = { ...S, activeSinks: ['pagerduty', 'page', 'chatops', 'statuspage'] };

const outage = (overrides: Partial<Signal> = {}): Signal =>
  signal({
    source: 'probe',
    rule: 'healthz_down',
    subject: 'gateway',
    severity: 'SEV1',
    summary: `GET https://${HOST}/healthz timed out twice; key sk-live-abc123 SELECT * FROM traces`,
    details: { url: `https://${HOST}/healthz` },
    observedAt: TUE_10_00.toISOString(),
    ...overrides,
  });

function ack(overrides: Partial<HumanAction> = {}): HumanAction {
  return {
    kind: 'ack',
    dedupKey: 'healthz_down:gateway',
    at: later(7).toISOString(),
    by: 'Ana Oncall',
    via: 'pagerduty',
    eventId: 'e1',
    ...overrides,
  };
}

/** An incident opened at 10:00 under `settings`, its first deliveries sent (the Statuspage create answered). */
function opened(s: RouterSettings, overrides: Partial<Signal> = {}): Incident {
  const { next } = applySignal(undefined, outage(overrides), TUE_10_00, s);
  for (const d of next.deliveries) d.status = 'sent';
  if (next.deliveries.some((d) => d.sink === 'statuspage')) next.statuspageIncidentId = 'inc000000001';
  return next;
}

function applied(incident: Incident, action: HumanAction, s: RouterSettings = WITH_STATUSPAGE): Incident {
  const outcome = applyHumanAction(incident, action, new Date(action.at), s);
  if (!outcome.applied) throw new Error(`not applied: ${outcome.reason}`);
  return outcome.next;
}

const planned = (incident: Incident) =>
  incident.deliveries.filter((d) => d.status === 'pending').map((d) => `${d.sink} ${d.action} ${d.id}`);

describe('planned at an ack', () => {
  it('a SEV1 with autoPublish: the chatops post and the Statuspage update, each carrying who acked, where and when', () => {
    const next = applied(opened(WITH_STATUSPAGE), ack());
    expect(planned(next)).toEqual([
      'chatops acknowledged 1:chatops:acknowledged:SEV1:2026-11-17T10:07:00.000Z',
      'statuspage acknowledged 1:statuspage:acknowledged:SEV1',
    ]);
    const human = { at: '2026-11-17T10:07:00.000Z', by: 'Ana Oncall', via: 'pagerduty' };
    expect(next.deliveries.filter((d) => d.status === 'pending').map((d) => d.human)).toEqual([human, human]);
    // The ack post carries a status draft: the comms reminder counts from it.
    expect(next.lastPostAt).toBe('2026-11-17T10:07:00.000Z');
  });

  it('a SEV2 without a status-page incident (no autoPublish): the chatops post only', () => {
    expect(planned(applied(opened(S, { severity: 'SEV2' }), ack(), S))).toEqual([
      'chatops acknowledged 1:chatops:acknowledged:SEV2:2026-11-17T10:07:00.000Z',
    ]);
  });

  it('SEV3 and SEV4: no status post at all (the ack is on the timeline only)', () => {
    for (const severity of ['SEV3', 'SEV4'] as const) {
      const before = opened(WITH_STATUSPAGE, { severity });
      const next = applied(before, ack());
      expect(planned(next)).toEqual([]);
      expect(next.lastPostAt).toBe(before.lastPostAt);
      expect(next.timeline.at(-1)!.event).toBe('ack by Ana Oncall (PagerDuty)');
    }
  });

  it('a duplicate ack (a second door, a retried webhook) plans nothing new', () => {
    const once = applied(opened(WITH_STATUSPAGE), ack());
    const again = applyHumanAction(once, ack({ via: 'link', eventId: 'e2', at: later(8).toISOString() }), later(8), WITH_STATUSPAGE);
    expect(again).toEqual({ applied: false, reason: 'already acknowledged by Ana Oncall' });
  });

  it('an unack posts "ack withdrawn" in the thread and leaves the status page alone; a new ack posts again, the page is not re-sent', () => {
    const acked = applied(opened(WITH_STATUSPAGE), ack());
    const unacked = applied(acked, ack({ kind: 'unack', at: later(9).toISOString(), eventId: 'e2' }));
    expect(planned(unacked).slice(2)).toEqual(['chatops unacknowledged 1:chatops:unacknowledged:SEV1:2026-11-17T10:09:00.000Z']);
    expect(unacked.lastPostAt).toBe(acked.lastPostAt);
    const reacked = applied(unacked, ack({ by: 'Bo Backup', at: later(11).toISOString(), eventId: 'e3' }));
    expect(planned(reacked).slice(3)).toEqual(['chatops acknowledged 1:chatops:acknowledged:SEV1:2026-11-17T10:11:00.000Z']);
  });

  it('an unack of a SEV3 plans nothing', () => {
    const acked = applied(opened(WITH_STATUSPAGE, { severity: 'SEV3' }), ack());
    expect(planned(applied(acked, ack({ kind: 'unack', at: later(9).toISOString() })))).toEqual([]);
  });

  it('a silenced incident (nothing was posted) and a symptom (its inhibitor thread carries the status) get no ack post', () => {
    const silenced = { ...opened(S), silencedBy: 'sil-1', deliveries: [] };
    expect(planned(applied(silenced, ack(), S))).toEqual([]);
    const symptom = { ...opened(S), suppressedBy: 'gateway_down:gateway' };
    expect(planned(applied(symptom, ack(), S))).toEqual([]);
  });

  it('a Statuspage create still owed (being retried) is updated once it exists; a create refused for good is not', () => {
    const owed = opened(WITH_STATUSPAGE);
    const create = owed.deliveries.find((d) => d.sink === 'statuspage')!;
    Object.assign(create, { status: 'failed', retryable: true, attempts: 1 });
    expect(planned(applied(owed, ack())).filter((p) => p.startsWith('statuspage'))).toEqual([
      'statuspage acknowledged 1:statuspage:acknowledged:SEV1',
    ]);
    Object.assign(create, { retryable: false });
    expect(planned(applied(owed, ack())).filter((p) => p.startsWith('statuspage'))).toEqual([]);
  });
});

/** The router's dispatch over the in-memory store, the chatops topic fake and a Statuspage sender that records its calls. */
function world() {
  const store = new FakeIncidentStore();
  const sns = new FakePublisher();
  const calls: HttpCall[] = [];
  const sender: HttpSender = {
    send: async (call) => {
      calls.push(call);
      return { ok: true, reply: { id: 'inc000000001' } };
    },
  };
  const target = { pageId: 'kctbh9vrtdwd', components: { gateway: 'b13yz5g2cw10' }, apiUrl: 'https://api.statuspage.io/v1' };
  const notifiers: Notifiers = { ...notifiersOf(undefined, sns), statuspage: statuspageNotifier(sender, target) };
  const deps = (now: Date): DispatchDeps => ({ store, notifiers, settings: S, now: () => now });
  const posts = () =>
    sns.on('chatops').map((m) => (JSON.parse(m.structured!.https!) as { content: { title: string; description: string } }).content);
  return { store, sns, calls, deps, posts };
}

/** What the intake does: apply the action, write it with the conditional put. */
async function intake(w: ReturnType<typeof world>, action: HumanAction): Promise<Incident> {
  const incident = await w.store.get(action.dedupKey);
  const outcome = applyHumanAction(incident, action, new Date(action.at), S);
  if (!outcome.applied) throw new Error(outcome.reason);
  await w.store.put({ ...outcome.next, version: incident!.version + 1 }, incident!.version);
  return outcome.next;
}

const wake = (incident: Incident, at: Date) => ({
  dedupKey: incident.dedupKey,
  episode: incident.episode,
  kind: 'deliveries' as const,
  at: at.toISOString(),
});

describe('sent like every delivery', () => {
  it('the wake-up after an ack posts who acknowledged and the Identified draft, and PATCHes the page to identified', async () => {
    const w = world();
    await routeSignals([outage()], w.deps(TUE_10_00));
    expect(w.calls.map((c) => c.method)).toEqual(['POST']);
    const acked = await intake(w, ack());
    const result = await sweepDeadline(wake(acked, later(8)), later(8), OPTIONS, w.deps(later(8)));
    expect(result.attempted.map((d) => `${d.sink} ${d.action} ${d.status}`)).toEqual([
      'chatops acknowledged sent',
      'statuspage acknowledged sent',
    ]);

    const post = w.posts().at(-1)!;
    expect(post.title).toBe('SEV1 ACKNOWLEDGED healthz_down: gateway');
    expect(post.description).toContain(
      'Acknowledged by Ana Oncall (PagerDuty) at 10:07 UTC: a person has this SEV1; status is now Identified.',
    );
    const draft = post.description.slice(post.description.indexOf('*Status page update'));
    expect(draft).toBe(
      '*Status page update (Identified), ready to paste:*\n> *API unavailable*\n' +
        '> We have identified the cause and are working on a fix. Until it is in place, requests to the API are failing. Next update by 10:38 UTC.',
    );
    // The draft is public: no host, no subject, no dedup key, no key id, no SQL.
    expect(draft).not.toMatch(/gw-prod-01|internal\.example|gateway|healthz_down|sk-live|SELECT|traces/);

    const patch = w.calls.at(-1)!;
    expect(patch.method).toBe('PATCH');
    expect(patch.url).toBe('https://api.statuspage.io/v1/pages/kctbh9vrtdwd/incidents/inc000000001');
    expect(patch.body).toEqual({
      incident: {
        status: 'identified',
        body: 'We have identified the cause and are working on a fix. Until it is in place, requests to the API are failing. Next update by 10:38 UTC.',
        component_ids: ['b13yz5g2cw10'],
        components: { b13yz5g2cw10: 'major_outage' },
        deliver_notifications: true,
      },
    });
    expect(JSON.stringify(patch.body)).not.toMatch(/gw-prod-01|healthz|sk-live|SELECT/);

    // A second wake (the 5-minute sweep, a retried schedule) sends nothing again.
    const again = await sweepDeadline(wake(acked, later(9)), later(9), OPTIONS, w.deps(later(9)));
    expect(again.attempted).toEqual([]);
    expect(w.calls).toHaveLength(2);
  });

  it('ack then unack before the wake: both posts go out in order, the ack post still with the Identified draft', async () => {
    const w = world();
    await routeSignals([outage()], w.deps(TUE_10_00));
    await intake(w, ack());
    const unacked = await intake(w, ack({ kind: 'unack', at: later(7.5).toISOString(), eventId: 'e2' }));
    await sweepDeadline(wake(unacked, later(8)), later(8), OPTIONS, w.deps(later(8)));
    const [ackPost, unackPost] = w.posts().slice(-2);
    expect(ackPost!.title).toBe('SEV1 ACKNOWLEDGED healthz_down: gateway');
    expect(ackPost!.description).toContain('*Status page update (Identified), ready to paste:*');
    expect(unackPost!.title).toBe('SEV1 ACK WITHDRAWN healthz_down: gateway');
    expect(unackPost!.description).toContain(
      'Ack withdrawn by Ana Oncall (PagerDuty) at 10:07 UTC: nobody has this SEV1 now. The ack target (10:15 UTC) counts again.',
    );
    expect(unackPost!.description).not.toContain('Status page update');
  });

  it('resolved before the update went out: the Statuspage ack update is superseded (recorded, never sent), the resolve says resolved', async () => {
    const w = world();
    await routeSignals([outage()], w.deps(TUE_10_00));
    await intake(w, ack());
    // The sender crashed before sending the ack's deliveries; the outage recovers at 10:12.
    await routeSignals([outage({ status: 'resolved', observedAt: later(12).toISOString() })], w.deps(later(12)));
    const incident = (await w.store.get('healthz_down:gateway'))!;
    const update = incident.deliveries.find((d) => d.sink === 'statuspage' && d.action === 'acknowledged')!;
    expect(update.status).toBe('skipped');
    expect(update.error).toBe('superseded: the incident moved past Identified before the update went out');
    expect(w.calls.map((c) => `${c.method} ${(c.body as { incident: { status: string } }).incident.status}`)).toEqual([
      'POST investigating',
      'PATCH resolved',
    ]);
  });
});
