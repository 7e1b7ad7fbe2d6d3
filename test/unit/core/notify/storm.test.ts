// Storm control in the router core (memory store and ledger): per-sink budgets per minute, one grouped
// notice per sink and minute with the held count, held deliveries sent by later sweeps within budget,
// quiet resolve of those never sent. The same path against moto is test/integration/functions/router/storm.test.ts.
import { describe, expect, it } from 'vitest';
import { MemoryStormLedger } from '../../../../lambdas/adapters/memory-storm-ledger.ts';
import { routeSignals, sweepIncidents } from '../../../../lambdas/core/dispatch.ts';
import { validateEvent } from '../../../integration/support/pagerduty-server.ts';
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
    // PagerDuty's budget of 120 a minute: 119 incident triggers and the one grouped notice in the request kept for it.
    expect(w.pd.events).toHaveLength(120);
    expect(w.pd.events.filter((e) => e.dedup_key.startsWith('model_error_rate:'))).toHaveLength(119);
    const page = w.sns.on('page');
    const chatops = w.sns.on('chatops');
    expect(page.filter((m) => m.attributes.rule === 'model_error_rate')).toHaveLength(9);
    expect(chatops.filter((m) => m.attributes.rule === 'model_error_rate')).toHaveLength(29);
    expect(page.filter((m) => m.attributes.rule === 'notification_storm').map((m) => m.subject)).toEqual([
      '[SEV1] STORM 91 incidents held on page',
    ]);
    expect(chatops.filter((m) => m.attributes.rule === 'notification_storm')).toHaveLength(1);
    const open = await w.store.listOpen();
    expect(open).toHaveLength(1000);
    const held = open.flatMap((i) => i.deliveries).filter((d) => d.status === 'pending');
    expect(held.every((d) => d.heldAt !== undefined)).toBe(true);
    expect(held.filter((d) => d.sink === 'pagerduty')).toHaveLength(881);
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
        custom_details: { heldIncidents: 11, sink: 'pagerduty', budgetPerMinute: 120 },
      },
    });
    expect(notice!.payload!.summary).toMatch(
      /^\[SEV1\] 11 incidents held on pagerduty: more than 120 notifications a minute since 10:00 UTC/,
    );
    // The notice went out with the first call that held (11 held then, 31 by the minute's end): it names the first five held.
    const top = notice!.payload!.custom_details!.topHeld as { severity: string; dedupKey: string }[];
    expect(top.map((t) => `${t.severity} ${t.dedupKey}`)).toEqual([119, 120, 121, 122, 123].map((n) => `SEV1 model_error_rate:m-${n}`));
    // The second call within the same minute held 20 more but found the notice claimed: still one event.
    const held = (await w.store.listOpen()).flatMap((i) => i.deliveries).filter((d) => d.sink === 'pagerduty' && d.status === 'pending');
    expect(held).toHaveLength(31);
  });

  it('a later sweep sends held pages within the next minute’s budget, most severe first', async () => {
    const w = world();
    await routeSignals(
      Array.from({ length: 200 }, (_, i) => sev(i, i < 150 ? 'SEV3' : 'SEV1')),
      w.deps(at(0)),
    );
    const chatopsBefore = w.sns.on('chatops').filter((m) => m.attributes.rule === 'model_error_rate').length;
    expect(chatopsBefore).toBe(29);
    await sweepIncidents(at(300), { tracebackQuietMinutes: 30 }, w.deps(at(300)));
    const swept = w.sns
      .on('chatops')
      .slice(chatopsBefore + 1)
      .filter((m) => m.attributes.rule === 'model_error_rate');
    expect(swept).toHaveLength(29);
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

  it('never holds a resolve: a sent page always gets its resolve, even with the budget spent', async () => {
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
});
