// Storm control in the router core (memory store and ledger): per-sink budgets per minute counting every
// request (retries and resolves too), one grouped notice per sink and minute with the held count, held
// deliveries sent by later sweeps within budget, quiet resolve of held triggers never sent, pipeline health
// never held. The same path against moto is test/integration/functions/router/storm.test.ts.
import { describe, expect, it } from 'vitest';
import { MemoryStormLedger } from '../../../../lambdas/adapters/memory-storm-ledger.ts';
import { routeSignals, sweepIncidents } from '../../../../lambdas/core/dispatch.ts';
import { validateEvent } from '../../../integration/support/pagerduty-server.ts';
import type { HttpSender } from '../../../../lambdas/core/notify/http-call.ts';
import { isOwed } from '../../../../lambdas/core/owed.ts';
import { buildNotifiers } from '../../../../lambdas/core/notify/sink-catalog.ts';
import { FakeIncidentStore, FakePagerDuty, FakePublisher, notifiersOf, settings, signal, TUE_10_00 } from '../support.ts';

const S = settings({ routing: { inhibitions: [] } });
const at = (seconds: number): Date => new Date(TUE_10_00.getTime() + seconds * 1000);

function world() {
  const store = new FakeIncidentStore();
  const pd = new FakePagerDuty();
  const sns = new FakePublisher();
  const storm = new MemoryStormLedger();
  return { store, pd, sns, storm, deps: (now: Date) => ({ store, storm, notifiers: notifiersOf(pd, sns), settings: S, now: () => now }) };
}

const sev = (n: number, severity: 'SEV1' | 'SEV3' = 'SEV1') =>
  signal({ rule: 'model_error_rate', subject: `m-${n}`, dedupKey: `model_error_rate:m-${n}`, severity });

describe('storm control', () => {
  it('sends at most the budget per sink and minute and one grouped notice per topic; everything else is held, not dropped', async () => {
    const w = world();
    for (let batch = 0; batch < 10; batch++) {
      const signals = Array.from({ length: 100 }, (_, i) => sev(batch * 100 + i));
      const result = await routeSignals(signals, w.deps(at(batch * 6)));
      expect(result.retryableFailures).toEqual([]);
    }
    // PagerDuty's budget of 120 a minute: triggers take 106 (a tenth kept for resolves and retries, one for
    // pipeline health, one for the notice), the grouped notice one; 13 stay free for resolves and retries.
    expect(w.pd.events).toHaveLength(107);
    expect(w.pd.events.filter((e) => e.dedup_key.startsWith('model_error_rate:'))).toHaveLength(106);
    const page = w.sns.on('page');
    const chatops = w.sns.on('chatops');
    expect(page.filter((m) => m.attributes.rule === 'model_error_rate')).toHaveLength(7);
    expect(chatops.filter((m) => m.attributes.rule === 'model_error_rate')).toHaveLength(25);
    expect(page.filter((m) => m.attributes.rule === 'notification_storm').map((m) => m.subject)).toEqual([
      '[SEV1] STORM 93 incidents held on page',
    ]);
    expect(chatops.filter((m) => m.attributes.rule === 'notification_storm')).toHaveLength(1);
    const open = await w.store.listOpen();
    expect(open).toHaveLength(1000);
    const held = open.flatMap((i) => i.deliveries).filter((d) => d.status === 'pending');
    expect(held.every((d) => d.heldAt !== undefined)).toBe(true);
    expect(held.filter((d) => d.sink === 'pagerduty')).toHaveLength(894);
  });

  it('a storm over PagerDuty’s budget sends exactly one grouped, valid PagerDuty trigger with the held count and the top held', async () => {
    const w = world();
    await routeSignals(
      Array.from({ length: 130 }, (_, i) => sev(i)),
      w.deps(at(0)),
    );
    await routeSignals(
      Array.from({ length: 20 }, (_, i) => sev(150 + i)),
      w.deps(at(20)),
    );
    const storm = w.pd.events.filter((e) => e.dedup_key.startsWith('metis-storm:'));
    expect(storm).toHaveLength(1);
    const [notice] = storm;
    expect(validateEvent({ routing_key: 'R'.repeat(32), ...notice })).toEqual([]);
    expect(notice).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'metis-storm:pagerduty:2026-11-17T10:00Z',
      payload: {
        severity: 'critical',
        class: 'notification_storm',
        custom_details: { heldIncidents: 24, sink: 'pagerduty', budgetPerMinute: 120 },
      },
    });
    expect(notice!.payload!.summary).toMatch(
      /^\[SEV1\] 24 incidents held on pagerduty: more than 120 notifications a minute since 10:00 UTC/,
    );
    // The notice went out with the first call that held (24 held then, 44 by the minute's end): it names the first five held.
    const top = notice!.payload!.custom_details!.topHeld as { severity: string; dedupKey: string }[];
    expect(top.map((t) => `${t.severity} ${t.dedupKey}`)).toEqual([106, 107, 108, 109, 110].map((n) => `SEV1 model_error_rate:m-${n}`));
    // The second call within the same minute held 20 more but found the notice claimed: still one event.
    const held = (await w.store.listOpen()).flatMap((i) => i.deliveries).filter((d) => d.sink === 'pagerduty' && d.status === 'pending');
    expect(held).toHaveLength(44);
  });

  it('a later sweep sends held pages within the next minute’s budget, most severe first', async () => {
    const w = world();
    await routeSignals(
      Array.from({ length: 200 }, (_, i) => sev(i, i < 150 ? 'SEV3' : 'SEV1')),
      w.deps(at(0)),
    );
    const chatopsBefore = w.sns.on('chatops').filter((m) => m.attributes.rule === 'model_error_rate').length;
    expect(chatopsBefore).toBe(25);
    await sweepIncidents(at(300), { tracebackQuietMinutes: 30 }, w.deps(at(300)));
    const swept = w.sns
      .on('chatops')
      .slice(chatopsBefore + 1)
      .filter((m) => m.attributes.rule === 'model_error_rate');
    expect(swept).toHaveLength(25);
    // The SEV1 incidents still held go first.
    expect(swept.slice(0, 20).every((m) => m.attributes.severity === 'SEV1')).toBe(true);
  });

  it('an incident resolved while its pages were held resolves quietly: no trigger, no resolve, the skip recorded', async () => {
    const w = world();
    await routeSignals(
      Array.from({ length: 130 }, (_, i) => sev(i)),
      w.deps(at(0)),
    );
    const heldKey = 'model_error_rate:m-129';
    expect(w.store.peek(heldKey)?.deliveries.find((d) => d.sink === 'pagerduty')?.status).toBe('pending');
    const pdBefore = w.pd.events.length;
    await routeSignals([{ ...sev(129), status: 'resolved' }], w.deps(at(90)));
    const incident = w.store.peek(heldKey)!;
    expect(incident.status).toBe('resolved');
    expect(incident.deliveries.filter((d) => d.sink === 'pagerduty').map((d) => [d.action, d.status])).toEqual([['trigger', 'skipped']]);
    expect(w.pd.events.slice(pdBefore)).toEqual([]);
  });

  it('a resolve has headroom beyond the triggers: a sent page gets its resolve in the minute the triggers spent', async () => {
    const w = world();
    await routeSignals(
      Array.from({ length: 130 }, (_, i) => sev(i)),
      w.deps(at(0)),
    );
    await routeSignals([{ ...sev(0), status: 'resolved' }], w.deps(at(10)));
    expect(w.pd.events.at(-1)).toMatchObject({ event_action: 'resolve', dedup_key: 'model_error_rate:m-0' });
  });

  it('a budget of 1 has no request to keep: the one delivery goes, and the notice follows it', async () => {
    const w = world();
    const one = settings({ routing: { inhibitions: [], storm: { page: 1 } } });
    await routeSignals(
      Array.from({ length: 3 }, (_, i) => sev(i)),
      { ...w.deps(at(0)), settings: one },
    );
    const page = w.sns.on('page');
    expect(page.filter((m) => m.attributes.rule === 'model_error_rate')).toHaveLength(1);
    expect(page.filter((m) => m.attributes.rule === 'notification_storm').map((m) => m.subject)).toEqual([
      '[SEV1] STORM 2 incidents held on page',
    ]);
  });

  it('counts every retry a transport sends: with each first attempt throttled, the requests in a minute stay within 120', async () => {
    const w = world();
    // A transport that retries as HttpTransport does: each retry asks the budget first; the first attempt
    // of every request answers 429 and the retry is accepted.
    let requests = 0;
    const sender: HttpSender = {
      async send(_call, _rules, retryBudget) {
        requests++; // the first attempt: 429
        if (retryBudget && !(await retryBudget())) return { ok: false, retryable: true, kind: 'transient', reason: 'budget spent' };
        requests++;
        return { ok: true };
      },
    };
    const notifiers = buildNotifiers(
      { pagerduty: { routingKeyParameter: '/pd', eventsUrl: 'https://events.pagerduty.com/v2/enqueue' }, webhooks: [] },
      { http: () => sender, publisher: w.sns },
    );
    for (let batch = 0; batch < 3; batch++)
      await routeSignals(
        Array.from({ length: 100 }, (_, i) => sev(batch * 100 + i)),
        { ...w.deps(at(batch * 10)), notifiers },
      );
    // 53 triggers (first attempt + retry each) fill the triggers' share of 106; the notice and its retry follow.
    expect(requests).toBe(108);
    expect(requests).toBeLessThanOrEqual(120);
  });

  it('holds a resolve once resolves and retries have spent their share too, and a later sweep sends it from the owed index', async () => {
    const w = world();
    // PagerDuty budget 20: triggers 16, resolves and retries up to 18, pipeline health 19, the notice the 20th.
    const small = settings({ routing: { inhibitions: [], storm: { pagerduty: 20 } } });
    const deps = (now: Date) => ({ ...w.deps(now), settings: small });
    await routeSignals(
      Array.from({ length: 16 }, (_, i) => sev(i)),
      deps(at(0)),
    );
    const resolved = await routeSignals(
      [0, 1, 2].map((n) => ({ ...sev(n), status: 'resolved' as const, observedAt: at(30).toISOString() })),
      deps(at(30)),
    );
    const pdResolves = () => w.pd.events.filter((e) => e.event_action === 'resolve').map((e) => e.dedup_key);
    expect(pdResolves()).toEqual(['model_error_rate:m-0', 'model_error_rate:m-1']);
    expect(resolved.held.filter((h) => h.delivery.sink === 'pagerduty').map((h) => [h.incident.dedupKey, h.delivery.action])).toEqual([
      ['model_error_rate:m-2', 'resolve'],
    ]);
    const held = w.store.peek('model_error_rate:m-2')!;
    expect(held.status).toBe('resolved');
    expect(held.deliveries.find((d) => d.sink === 'pagerduty' && d.action === 'resolve')).toMatchObject({ status: 'pending' });
    expect((await w.store.listOwed()).map((i) => i.dedupKey)).toContain('model_error_rate:m-2');

    await sweepIncidents(at(300), { tracebackQuietMinutes: 30 }, deps(at(300)));
    expect(pdResolves()).toEqual(['model_error_rate:m-0', 'model_error_rate:m-1', 'model_error_rate:m-2']);
    const owedToPagerDuty = (await w.store.listOwed()).flatMap((i) => i.deliveries).filter((d) => d.sink === 'pagerduty' && isOwed(d));
    expect(owedToPagerDuty).toEqual([]);
  });

  it('never holds pipeline health: with the page budget spent, its page still goes out', async () => {
    const w = world();
    w.pd.script = () => ({ ok: false, retryable: false, kind: 'rejected', reason: 'PagerDuty rejected the request (HTTP 400)' });
    await routeSignals(
      Array.from({ length: 20 }, (_, i) => sev(i)),
      w.deps(at(0)),
    );
    const page = w.sns.on('page').map((m) => m.attributes.rule);
    expect(page.filter((r) => r === 'model_error_rate')).toHaveLength(7);
    expect(page).toContain('pipeline_health');
    const health = w.store.peek('pipeline_health:pagerduty')!;
    expect(health.deliveries.map((d) => [d.sink, d.status])).toEqual([
      ['page', 'sent'],
      ['chatops', 'sent'],
    ]);
  });

  it('does not resolve pipeline health on a success while its own page is still owed', async () => {
    const w = world();
    w.pd.script = () => ({ ok: false, retryable: false, kind: 'config', reason: 'routing key missing' });
    w.sns.script = (item) =>
      item.topic === 'page' && item.message.attributes.rule === 'pipeline_health'
        ? { ok: false, retryable: true, kind: 'transient', reason: 'SNS throttled' }
        : { ok: true };
    await routeSignals([sev(1)], w.deps(at(0)));
    expect(w.store.peek('pipeline_health:pagerduty')?.deliveries.map((d) => [d.sink, d.status])).toEqual([
      ['page', 'failed'],
      ['chatops', 'sent'],
    ]);

    // PagerDuty works again, but the page about it has not gone out: the incident stays open.
    w.pd.script = () => ({ ok: true });
    await routeSignals([sev(2)], w.deps(at(60)));
    expect(w.store.peek('pipeline_health:pagerduty')?.status).toBe('open');

    // The sweep sends the owed page; the next success resolves it.
    w.sns.script = () => ({ ok: true });
    await sweepIncidents(at(300), { tracebackQuietMinutes: 30 }, w.deps(at(300)));
    expect(w.sns.on('page').filter((m) => m.attributes.rule === 'pipeline_health')).toHaveLength(2);
    await routeSignals([sev(3)], w.deps(at(360)));
    expect(w.store.peek('pipeline_health:pagerduty')?.status).toBe('resolved');
  });
});
