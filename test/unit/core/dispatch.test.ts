import { describe, expect, it } from 'vitest';
import { routeSignals, sweepIncidents, type DispatchDeps } from '../../../lambdas/core/dispatch.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import type { SendOutcome } from '../../../lambdas/core/notify/ports.ts';
import { applySignal } from '../../../lambdas/core/routing-policy.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { FakeIncidentStore, FakePagerDuty, FakePublisher, notifiersOf, SAT_03_00, TUE_10_00, settings, signal } from './support.ts';

const KEY = 'model_error_rate:gpt-4o';
const PIPELINE_KEY = 'pipeline_health:pagerduty';
const TRANSIENT: SendOutcome = { ok: false, retryable: true, kind: 'transient', reason: 'HTTP 503 from events.pagerduty.com' };
const NO_ROUTING_KEY: SendOutcome = { ok: false, retryable: false, kind: 'config', reason: 'routing key parameter /metis/pd not found' };

interface World {
  store: FakeIncidentStore;
  pd: FakePagerDuty;
  sns: FakePublisher;
  deps: (now?: Date, extra?: Partial<DispatchDeps>) => DispatchDeps;
}

function world(initial: Incident[] = []): World {
  const store = new FakeIncidentStore(initial);
  const pd = new FakePagerDuty();
  const sns = new FakePublisher();
  return {
    store,
    pd,
    sns,
    deps: (now = TUE_10_00, extra = {}) => ({ store, notifiers: notifiersOf(pd, sns), settings: settings(), now: () => now, ...extra }),
  };
}

const sev1 = (overrides: Partial<Signal> = {}): Signal => signal({ severity: 'SEV1', ...overrides });
const later = (minutes: number, from = TUE_10_00): Date => new Date(from.getTime() + minutes * 60_000);

describe('routeSignals', () => {
  it('delivers a SEV1 exactly once to PagerDuty (critical), page and chatops, and records it', async () => {
    const w = world();
    const result = await routeSignals([sev1()], w.deps());

    expect(w.pd.events).toHaveLength(1);
    expect(w.pd.events[0]).toMatchObject({ event_action: 'trigger', dedup_key: KEY, payload: { severity: 'critical' } });
    expect(w.sns.published.map((p) => [p.topic, p.message.attributes.status, p.message.attributes.severity])).toEqual([
      ['page', 'firing', 'SEV1'],
      ['chatops', 'firing', 'SEV1'],
    ]);
    expect(result.retryableFailures).toEqual([]);
    expect(result.attempted.map((d) => [d.sink, d.action, d.status])).toEqual([
      ['pagerduty', 'trigger', 'sent'],
      ['page', 'trigger', 'sent'],
      ['chatops', 'trigger', 'sent'],
    ]);

    const stored = w.store.peek(KEY)!;
    expect(stored.status).toBe('open');
    expect(stored.deliveries.map((d) => [d.id, d.status, d.attempts, d.sentAt, d.claimedUntil])).toEqual([
      ['1:pagerduty:trigger:SEV1', 'sent', 1, TUE_10_00.toISOString(), undefined],
      ['1:page:trigger:SEV1', 'sent', 1, TUE_10_00.toISOString(), undefined],
      ['1:chatops:trigger:SEV1', 'sent', 1, TUE_10_00.toISOString(), undefined],
    ]);
    expect(stored.timeline.map((t) => t.event)).toContain('pagerduty trigger SEV1 sent');
  });

  it('sends nothing new for the same signal again', async () => {
    const w = world();
    await routeSignals([sev1()], w.deps());
    const putsBefore = w.store.puts;
    const again = await routeSignals([sev1()], w.deps(later(5)));
    expect(again.attempted).toEqual([]);
    expect(w.pd.events).toHaveLength(1);
    expect(w.sns.published).toHaveLength(2);
    expect(w.store.puts).toBe(putsBefore);
  });

  it('resolves on PagerDuty with the same dedup_key and posts resolved on page and chatops', async () => {
    const w = world();
    await routeSignals([sev1()], w.deps());
    const result = await routeSignals([sev1({ status: 'resolved', summary: 'error rate back under 5 %' })], w.deps(later(30)));

    expect(w.pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', KEY],
      ['resolve', KEY],
    ]);
    expect(w.pd.events[1]).toEqual({ event_action: 'resolve', dedup_key: KEY });
    expect(w.sns.published.slice(2).map((p) => [p.topic, p.message.attributes.status, p.message.subject])).toEqual([
      ['page', 'resolved', '[SEV1] RESOLVED model_error_rate: gpt-4o'],
      ['chatops', 'resolved', '[SEV1] RESOLVED model_error_rate: gpt-4o'],
    ]);
    expect(result.attempted.every((d) => d.action === 'resolve' && d.status === 'sent')).toBe(true);
    expect(w.store.peek(KEY)?.status).toBe('resolved');

    // A replayed resolve does nothing more.
    await routeSignals([sev1({ status: 'resolved' })], w.deps(later(31)));
    expect(w.pd.events).toHaveLength(2);
    expect(w.sns.published).toHaveLength(4);
  });

  it("records what a batch already sent when a later sink throws: the throw is that delivery's transient failure", async () => {
    const w = world();
    w.sns.script = (p) => {
      if (p.topic === 'page') throw new Error('storm ledger unreachable');
      return { ok: true };
    };
    const result = await routeSignals([sev1()], w.deps());

    expect(w.pd.events).toHaveLength(1);
    expect(result.attempted.map((d) => [d.sink, d.status, d.retryable])).toEqual([
      ['pagerduty', 'sent', undefined],
      ['page', 'failed', true],
      ['chatops', 'sent', undefined],
    ]);
    const stored = w.store.peek(KEY)!;
    // PagerDuty's trigger is recorded as sent, unclaimed: nothing re-sends it when a claim would have lapsed.
    expect(stored.deliveries.map((d) => [d.id, d.status, d.claimedUntil])).toEqual([
      ['1:pagerduty:trigger:SEV1', 'sent', undefined],
      ['1:page:trigger:SEV1', 'failed', undefined],
      ['1:chatops:trigger:SEV1', 'sent', undefined],
    ]);
    expect(stored.deliveries[1]?.error).toBe('transient: page delivery threw: Error: storm ledger unreachable');

    w.sns.script = () => ({ ok: true });
    await sweepIncidents(later(5), { tracebackQuietMinutes: 10 }, w.deps(later(5)));
    expect(w.pd.events).toHaveLength(1);
    expect(w.sns.published.filter((p) => p.topic === 'page')).toHaveLength(1);
  });

  it('reports a retryable PagerDuty failure, still delivers SNS, and retries only PagerDuty next time', async () => {
    const w = world();
    w.pd.script = () => TRANSIENT;
    const first = await routeSignals([sev1()], w.deps());

    expect(first.retryableFailures).toHaveLength(1);
    expect(first.retryableFailures[0]).toMatchObject({
      sink: 'pagerduty',
      action: 'trigger',
      status: 'failed',
      retryable: true,
      failureKind: 'transient',
      attempts: 1,
    });
    expect(first.retryableFailures[0]?.error).toBe('transient: HTTP 503 from events.pagerduty.com');
    expect(w.sns.published.map((p) => p.topic)).toEqual(['page', 'chatops']);
    // A transient failure is not a broken integration: no pipeline-health incident.
    expect(w.store.peek(PIPELINE_KEY)).toBeUndefined();

    w.pd.script = () => ({ ok: true });
    const second = await routeSignals([sev1()], w.deps(later(1)));
    expect(second.retryableFailures).toEqual([]);
    expect(second.attempted.map((d) => [d.sink, d.status, d.attempts])).toEqual([['pagerduty', 'sent', 2]]);
    expect(w.pd.events).toHaveLength(2);
    expect(w.pd.events[1]).toMatchObject({ event_action: 'trigger', dedup_key: KEY });
    expect(w.sns.published).toHaveLength(2);
    const pd = w.store.peek(KEY)!.deliveries.find((d) => d.sink === 'pagerduty')!;
    expect([pd.status, pd.attempts, pd.retryable, pd.error]).toEqual(['sent', 2, undefined, undefined]);
  });

  it('stops retrying a PagerDuty delivery after 10 attempts and raises pipeline health instead', async () => {
    const w = world();
    w.pd.script = () => TRANSIENT;
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await routeSignals([sev1()], w.deps(later(i))));
    expect(w.pd.events.filter((e) => e.dedup_key === KEY)).toHaveLength(10);
    expect(results.slice(0, 9).every((r) => r.retryableFailures.length === 1)).toBe(true);
    expect(results[9]?.retryableFailures).toEqual([]);
    expect(results[10]?.attempted).toEqual([]);
    expect(w.store.peek(KEY)!.deliveries.find((d) => d.sink === 'pagerduty')).toMatchObject({
      status: 'failed',
      attempts: 10,
      retryable: false,
    });
    expect(w.store.peek(PIPELINE_KEY)?.status).toBe('open');
    expect(w.sns.on('page').map((m) => m.attributes.rule)).toEqual(['model_error_rate', 'pipeline_health']);
  });

  it('never leaves a PagerDuty alert open when an incident resolves before its failed trigger was retried', async () => {
    const w = world();
    w.pd.script = () => TRANSIENT;
    await routeSignals([sev1()], w.deps());
    w.pd.script = () => ({ ok: true });
    await routeSignals([sev1({ status: 'resolved' })], w.deps(later(2)));
    await routeSignals([sev1({ status: 'resolved' })], w.deps(later(3)));

    expect(w.store.peek(KEY)?.status).toBe('resolved');
    const accepted = w.pd.accepted().filter((e) => e.dedup_key === KEY);
    // Either PagerDuty never got the trigger, or the last thing it got for the key is a resolve.
    if (accepted.some((e) => e.event_action === 'trigger')) expect(accepted.at(-1)?.event_action).toBe('resolve');
    expect(w.sns.published.map((p) => [p.topic, p.message.attributes.status])).toEqual([
      ['page', 'firing'],
      ['chatops', 'firing'],
      ['page', 'resolved'],
      ['chatops', 'resolved'],
    ]);
  });

  it('on a non-retryable PagerDuty failure delivers SNS and opens a pipeline-health SEV2 that never goes to PagerDuty; a later success resolves it', async () => {
    const w = world();
    w.pd.script = () => NO_ROUTING_KEY;
    const result = await routeSignals([sev1()], w.deps());

    expect(result.retryableFailures).toEqual([]);
    expect(w.pd.events.map((e) => e.dedup_key)).toEqual([KEY]);
    const stored = w.store.peek(KEY)!;
    expect(stored.deliveries.find((d) => d.sink === 'pagerduty')).toMatchObject({
      status: 'failed',
      retryable: false,
      failureKind: 'config',
    });

    const health = w.store.peek(PIPELINE_KEY)!;
    expect(health).toMatchObject({ status: 'open', severity: 'SEV2', source: 'pipeline', rule: 'pipeline_health', subject: 'pagerduty' });
    expect(health.deliveries.map((d) => [d.sink, d.action, d.status])).toEqual([
      ['page', 'trigger', 'sent'],
      ['chatops', 'trigger', 'sent'],
    ]);
    expect(health.lastSignal.summary).toContain(KEY);
    expect(w.sns.published.map((p) => [p.topic, p.message.attributes.rule, p.message.attributes.severity])).toEqual([
      ['page', 'model_error_rate', 'SEV1'],
      ['chatops', 'model_error_rate', 'SEV1'],
      ['page', 'pipeline_health', 'SEV2'],
      ['chatops', 'pipeline_health', 'SEV2'],
    ]);
    // The routing key name may appear in the error but never a key value; nothing about pipeline health reached PagerDuty.
    expect(w.pd.events.some((e) => e.dedup_key === PIPELINE_KEY)).toBe(false);

    // The integration is fixed: the next PagerDuty delivery succeeds and the pipeline incident resolves.
    w.pd.script = () => ({ ok: true });
    await routeSignals([sev1({ rule: 'db_integrity', subject: 'trace-db', dedupKey: 'db_integrity:trace-db' })], w.deps(later(10)));
    expect(w.store.peek(PIPELINE_KEY)?.status).toBe('resolved');
    expect(w.pd.events.some((e) => e.dedup_key === PIPELINE_KEY)).toBe(false);
    expect(w.sns.published.slice(-2).map((p) => [p.topic, p.message.attributes.rule, p.message.attributes.status])).toEqual([
      ['page', 'pipeline_health', 'resolved'],
      ['chatops', 'pipeline_health', 'resolved'],
    ]);
  });

  it('opens the pipeline-health incident on chatops only out of hours (SEV2 policy)', async () => {
    const w = world();
    w.pd.script = () => NO_ROUTING_KEY;
    await routeSignals([sev1()], w.deps(SAT_03_00));
    const health = w.store.peek(PIPELINE_KEY)!;
    expect(health.deliveries.map((d) => d.sink)).toEqual(['chatops']);
    expect(w.pd.events.some((e) => e.dedup_key === PIPELINE_KEY)).toBe(false);
  });

  it('delivers each sink once when two invocations race on one new signal', async () => {
    const w = world();
    const [a, b] = await Promise.all([routeSignals([sev1()], w.deps()), routeSignals([sev1()], w.deps())]);
    expect(w.store.conflicts).toBeGreaterThan(0); // the fake really interleaved them
    expect(w.pd.events).toHaveLength(1);
    expect(w.sns.on('page')).toHaveLength(1);
    expect(w.sns.on('chatops')).toHaveLength(1);
    expect(a.attempted.length + b.attempted.length).toBe(3);
    expect(w.store.peek(KEY)!.deliveries.every((d) => d.status === 'sent')).toBe(true);
  });

  it('delivers each sink once when two invocations race on a resolve', async () => {
    const w = world();
    await routeSignals([sev1()], w.deps());
    const resolved = sev1({ status: 'resolved' });
    await Promise.all([routeSignals([resolved], w.deps(later(5))), routeSignals([resolved], w.deps(later(5)))]);
    expect(w.pd.events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(w.sns.published.filter((p) => p.message.attributes.status === 'resolved').map((p) => p.topic)).toEqual(['page', 'chatops']);
  });

  it('does not send a delivery another invocation has claimed, and takes it over once the claim lapses', async () => {
    const claimedUntil = later(2).toISOString();
    const planned = applySignal(undefined, sev1(), TUE_10_00, settings()).next;
    for (const d of planned.deliveries) d.claimedUntil = claimedUntil;
    planned.version = 1;
    const w = world([planned]);

    const during = await routeSignals([sev1()], w.deps(later(1)));
    expect(during.attempted).toEqual([]);
    expect(w.pd.events).toEqual([]);
    expect(w.sns.published).toEqual([]);

    const after = await routeSignals([sev1()], w.deps(later(3)));
    expect(after.attempted.map((d) => d.sink)).toEqual(['pagerduty', 'page', 'chatops']);
    expect(w.pd.events).toHaveLength(1);
    expect(w.sns.published).toHaveLength(2);
  });

  it('plans no PagerDuty delivery at all without a PagerDuty notifier', async () => {
    const w = world();
    const deps = { ...w.deps(), notifiers: notifiersOf(undefined, w.sns) };
    await routeSignals(
      [sev1(), signal({ rule: 'latency_p95', subject: 'gpt-4o', dedupKey: 'latency_p95:gpt-4o', severity: 'SEV2' })],
      deps,
    );
    await routeSignals([sev1({ status: 'resolved' })], { ...deps, now: () => later(5) });

    expect(w.pd.events).toEqual([]);
    const incidents = [w.store.peek(KEY)!, w.store.peek('latency_p95:gpt-4o')!];
    expect(incidents.flatMap((i) => i.deliveries).some((d) => d.sink === 'pagerduty')).toBe(false);
    expect(incidents[0]!.deliveries.map((d) => d.id)).toEqual([
      '1:page:trigger:SEV1',
      '1:chatops:trigger:SEV1',
      '1:page:resolve',
      '1:chatops:resolve',
    ]);
    expect(incidents[1]!.deliveries.map((d) => d.id)).toEqual(['1:page:trigger:SEV2', '1:chatops:trigger:SEV2']);
    // A missing integration is a configuration choice, not a pipeline failure.
    expect(w.store.peek(PIPELINE_KEY)).toBeUndefined();
  });

  it('routes a batch of signals independently', async () => {
    const w = world();
    const sev3 = signal({ rule: 'latency_p95', subject: 'gpt-4o', dedupKey: 'latency_p95:gpt-4o', severity: 'SEV3' });
    const result = await routeSignals([sev1(), sev3], w.deps(SAT_03_00));
    expect(result.attempted.map((d) => [d.dedupKey, d.sink])).toEqual([
      [KEY, 'pagerduty'],
      [KEY, 'page'],
      [KEY, 'chatops'],
      ['latency_p95:gpt-4o', 'chatops'],
    ]);
  });

  it('redacts the error recorded for a failed delivery', async () => {
    const w = world();
    w.pd.script = () => ({
      ok: false,
      retryable: true,
      kind: 'transient',
      reason: 'proxy echoed Authorization: Bearer abcdef0123456789ABCDEF',
    });
    const result = await routeSignals([sev1()], w.deps());
    expect(result.retryableFailures[0]?.error).toBe('transient: proxy echoed Authorization: [REDACTED]');
    expect(JSON.stringify(w.store.peek(KEY))).not.toContain('abcdef0123456789ABCDEF');
  });
});

describe('deliveries owed after a resolve', () => {
  const OPTIONS = { tracebackQuietMinutes: 30 };
  const at = (minutes: number) => later(minutes).toISOString();

  it('the sweeper retries a resolve that failed on an incident already resolved, until PagerDuty takes it', async () => {
    const w = world();
    await routeSignals([sev1()], w.deps());
    w.pd.script = (event) => (event.event_action === 'resolve' ? TRANSIENT : { ok: true });
    const resolved = await routeSignals([sev1({ status: 'resolved', observedAt: at(1) })], w.deps(later(1)));
    expect(resolved.retryableFailures.map((d) => [d.sink, d.action])).toEqual([['pagerduty', 'resolve']]);
    expect(w.store.peek(KEY)?.status).toBe('resolved');
    expect((await w.store.listOwed()).map((i) => i.dedupKey)).toEqual([KEY]);

    const stillFailing = await sweepIncidents(later(5), OPTIONS, w.deps(later(5)));
    expect(stillFailing.attempted.map((d) => [d.sink, d.action, d.status, d.attempts])).toEqual([['pagerduty', 'resolve', 'failed', 2]]);
    w.pd.script = () => ({ ok: true });
    const sent = await sweepIncidents(later(10), OPTIONS, w.deps(later(10)));
    expect(sent.attempted.map((d) => [d.sink, d.action, d.status, d.attempts])).toEqual([['pagerduty', 'resolve', 'sent', 3]]);
    expect(w.pd.accepted().map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(await w.store.listOwed()).toEqual([]);
    // Nothing left: the next sweep sends nothing.
    expect((await sweepIncidents(later(15), OPTIONS, w.deps(later(15)))).attempted).toEqual([]);
  });

  it('a new episode carries the last episode unsent resolve and sends it before the new trigger', async () => {
    const w = world();
    await routeSignals([sev1()], w.deps());
    w.pd.script = (event) => (event.event_action === 'resolve' ? TRANSIENT : { ok: true });
    await routeSignals([sev1({ status: 'resolved', observedAt: at(1) })], w.deps(later(1)));
    w.pd.script = () => ({ ok: true });
    await routeSignals([sev1({ observedAt: at(2) })], w.deps(later(2)));

    const stored = w.store.peek(KEY)!;
    expect([stored.status, stored.episode]).toEqual(['open', 2]);
    expect(stored.deliveries.filter((d) => d.sink === 'pagerduty').map((d) => [d.id, d.status])).toEqual([
      ['1:pagerduty:resolve', 'sent'],
      ['2:pagerduty:trigger:SEV1', 'sent'],
    ]);
    // PagerDuty closes the old alert, then opens a new one under the same dedup key.
    expect(w.pd.accepted().map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', KEY],
      ['resolve', KEY],
      ['trigger', KEY],
    ]);
  });
});

describe('stale signals', () => {
  const at = (minutes: number) => later(minutes).toISOString();

  it('a firing signal observed before the resolve does not re-open the incident: recorded as stale, nothing sent', async () => {
    const w = world();
    await routeSignals([sev1({ observedAt: at(0) })], w.deps());
    await routeSignals([sev1({ status: 'resolved', observedAt: at(5) })], w.deps(later(5)));
    const before = w.pd.events.length;
    // A Lambda retry of the first report, a minute after the resolve.
    const late = await routeSignals([sev1({ observedAt: at(0) })], w.deps(later(6)));

    expect(late.attempted).toEqual([]);
    expect(w.pd.events).toHaveLength(before);
    const stored = w.store.peek(KEY)!;
    expect([stored.status, stored.episode]).toEqual(['resolved', 1]);
    expect(stored.timeline.at(-1)).toEqual({
      at: at(6),
      event: `stale SEV1 firing observed at ${at(0)} (resolved as of ${at(5)}): not re-opened`,
    });
    // A newer firing still re-opens it.
    await routeSignals([sev1({ observedAt: at(7) })], w.deps(later(7)));
    expect([w.store.peek(KEY)?.status, w.store.peek(KEY)?.episode]).toEqual(['open', 2]);
  });

  it('a resolve observed before the incident last firing does not close it', async () => {
    const w = world();
    await routeSignals([sev1({ observedAt: at(5) })], w.deps(later(5)));
    // A late copy of a healthy report from before the firing one.
    await routeSignals([sev1({ status: 'resolved', observedAt: at(4) })], w.deps(later(6)));
    expect(w.store.peek(KEY)?.status).toBe('open');
    expect(w.pd.events.map((e) => e.event_action)).toEqual(['trigger']);
  });
});
