// The router handler end to end: EventBridge report envelopes in, real DynamoDB/SNS/SQS/SSM (moto) and
// the PagerDuty fake out. Happy path, idempotent replays, resolution, PagerDuty retries inside one
// attempt, business hours, and two racing invocations.
import { describe, expect, it } from 'vitest';
import { raceBarrier } from '../../support/lifecycle-world.ts';
import {
  DEFAULT_SETTINGS,
  SATURDAY_03,
  TUESDAY_10,
  createTable,
  deadLetters,
  deliverySummary,
  firing,
  headlines,
  incidentItem,
  pdCalls,
  published,
  report,
  reportEvent,
  resolved,
  routerHandler,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

describe('router handler: a SEV1 from a trace-db report', () => {
  const sev1 = signal({
    rule: 'model_error_rate',
    subject: 'claude-sonnet-4',
    severity: 'SEV1',
    summary: 'error rate 40% on claude-sonnet-4 (threshold 5%)',
  });
  const firingReport = reportEvent(report(TUESDAY_10, ['model_error_rate'], [sev1]));

  it('pages once: one PagerDuty trigger (critical), one page and one chatops message', async () => {
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(firingReport);
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world)).toEqual([
      { action: 'trigger', severity: 'critical', dedupKey: 'model_error_rate:claude-sonnet-4', status: 202 },
    ]);
    expect(world.pd.openAlerts()).toEqual([
      expect.objectContaining({ dedupKey: sev1.dedupKey, severity: 'critical', status: 'triggered', triggers: 1 }),
    ]);
    const body = world.pd.requests[0]!.body as { payload: { summary: string; source: string; class: string; component: string } };
    expect(body.payload).toMatchObject({
      summary: '[SEV1] error rate 40% on claude-sonnet-4 (threshold 5%)',
      source: 'MetisAlerts/trace-db',
      class: 'model_error_rate',
      component: 'claude-sonnet-4',
    });

    const page = await published(world, world.page);
    expect(page.map(({ subject, attributes }) => ({ subject, attributes }))).toEqual([
      firing('SEV1', 'model_error_rate', 'claude-sonnet-4'),
    ]);
    expect(page[0]!.topicArn).toBe(world.page.topicArn);
    expect(page[0]!.message).toContain('Dedup key: model_error_rate:claude-sonnet-4');
    expect(page[0]!.message).toContain(`Runbook: ${DEFAULT_SETTINGS.runbookBaseUrl}#provider-outage`);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV1', 'model_error_rate', 'claude-sonnet-4')]);

    const item = await incidentItem(world, sev1.dedupKey);
    expect(item).toMatchObject({
      status: 'open',
      severity: 'SEV1',
      episode: 1,
      source: 'trace-db',
      rule: 'model_error_rate',
      openedAt: TUESDAY_10,
    });
    expect(deliverySummary(item)).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    expect(item?.deliveries.every((d) => d.claimedUntil === undefined)).toBe(true);
  });

  it('does nothing for the same report again (a duplicate or the next run still firing)', async () => {
    const again = await routerHandler(world, { at: '2026-11-24T10:05:00.000Z' })(firingReport);
    expect(again).toEqual({ status: 'routed', signals: 1, deliveries: 0 });
    expect(world.pd.requests).toHaveLength(0);
    expect(await published(world, world.page)).toEqual([]);
    expect(await published(world, world.chatops)).toEqual([]);
    expect(deliverySummary(await incidentItem(world, sev1.dedupKey))).toHaveLength(3);
  });

  it('a report that evaluated the rule but does not name the subject healthy resolves nothing (no data is not recovery)', async () => {
    const at = '2026-11-24T10:05:00.000Z';
    const outcome = await routerHandler(world, { at })(
      reportEvent(report(at, ['model_error_rate'], [], 'trace-db', { model_error_rate: ['gpt-4o'] }), at),
    );
    expect(outcome).toEqual({ status: 'routed', signals: 0, deliveries: 0 });
    expect(await incidentItem(world, sev1.dedupKey)).toMatchObject({ status: 'open' });
  });

  it('resolves when the report names the subject healthy: PD resolve + RESOLVED page/chatops', async () => {
    const at = '2026-11-24T10:10:00.000Z';
    const outcome = await routerHandler(world, { at })(
      reportEvent(report(at, ['model_error_rate'], [], 'trace-db', { model_error_rate: ['claude-sonnet-4'] }), at),
    );
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world)).toEqual([{ action: 'resolve', severity: undefined, dedupKey: 'model_error_rate:claude-sonnet-4', status: 202 }]);
    expect(await headlines(world, world.page)).toEqual([resolved('SEV1', 'model_error_rate', 'claude-sonnet-4')]);
    expect(await headlines(world, world.chatops)).toEqual([resolved('SEV1', 'model_error_rate', 'claude-sonnet-4')]);

    const item = await incidentItem(world, sev1.dedupKey);
    expect(item).toMatchObject({ status: 'resolved', resolvedAt: at, severity: 'SEV1' });
    expect(item?.expiresAt).toBe(Date.parse(at) / 1000 + 30 * 86_400);
    expect(item?.escalateAt).toBeUndefined();
    expect(deliverySummary(item)).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
      '1:pagerduty:resolve sent 1',
      '1:page:resolve sent 1',
      '1:chatops:resolve sent 1',
    ]);
    expect(await deadLetters(world)).toEqual([]);
  });
});

describe('router handler: PagerDuty rate limiting', () => {
  it('429 twice then 202 is one delivery attempt: routed, 3 requests, 1 PD incident, page/chatops once', async () => {
    world.pd.setScript({ type: 'rate-limit' }, { type: 'rate-limit', retryAfterSeconds: 1 });
    const sev1 = signal({ rule: 'provider_unavailable', subject: 'anthropic', severity: 'SEV1' });
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(reportEvent(report(TUESDAY_10, ['provider_unavailable'], [sev1])));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world).map((c) => `${c.action} ${c.severity} ${c.dedupKey} ${c.status}`)).toEqual([
      'trigger critical provider_unavailable:anthropic 429',
      'trigger critical provider_unavailable:anthropic 429',
      'trigger critical provider_unavailable:anthropic 202',
    ]);
    expect(world.pd.incidentsOpened).toBe(1);

    const item = await incidentItem(world, sev1.dedupKey);
    expect(deliverySummary(item)).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    expect(item?.timeline.filter((t) => t.event.startsWith('pagerduty trigger'))).toEqual([
      { at: TUESDAY_10, event: 'pagerduty trigger SEV1 sent' },
    ]);
    expect(await headlines(world, world.page)).toEqual([firing('SEV1', 'provider_unavailable', 'anthropic')]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV1', 'provider_unavailable', 'anthropic')]);
  });
});

describe('router handler: SEV2 and business hours (UTC Mon-Fri 09:00-17:00)', () => {
  it('Saturday 03:00: chatops only, no PagerDuty, escalation due at 03:30', async () => {
    const sev2 = signal({ rule: 'latency_p95', subject: 'gpt-4o', severity: 'SEV2', observedAt: SATURDAY_03 });
    const outcome = await routerHandler(world, { at: SATURDAY_03 })(reportEvent(report(SATURDAY_03, ['latency_p95'], [sev2]), SATURDAY_03));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 1 });

    expect(world.pd.requests).toHaveLength(0);
    expect(await published(world, world.page)).toEqual([]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV2', 'latency_p95', 'gpt-4o')]);
    const item = await incidentItem(world, 'latency_p95:gpt-4o');
    expect(item).toMatchObject({ status: 'open', severity: 'SEV2', escalateAt: '2026-11-28T03:30:00.000Z', lastPostAt: SATURDAY_03 });
    expect(deliverySummary(item)).toEqual(['1:chatops:trigger:SEV2 sent 1']);
  });

  it('Tuesday 10:00: the same shape for another subject pages (PD error + page + chatops)', async () => {
    // Its own table: a report evaluating latency_p95 without the Saturday subject would resolve that incident.
    const tableName = await createTable(world, 'metis-incidents-tuesday');
    const sev2 = signal({ rule: 'latency_p95', subject: 'gpt-4o-mini', severity: 'SEV2' });
    const outcome = await routerHandler(world, { at: TUESDAY_10, tableName })(reportEvent(report(TUESDAY_10, ['latency_p95'], [sev2])));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'error', dedupKey: 'latency_p95:gpt-4o-mini', status: 202 }]);
    expect(await headlines(world, world.page)).toEqual([firing('SEV2', 'latency_p95', 'gpt-4o-mini')]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV2', 'latency_p95', 'gpt-4o-mini')]);
    const item = await incidentItem(world, 'latency_p95:gpt-4o-mini', tableName);
    expect(item?.escalateAt).toBeUndefined();
    expect(deliverySummary(item)).toEqual([
      '1:pagerduty:trigger:SEV2 sent 1',
      '1:page:trigger:SEV2 sent 1',
      '1:chatops:trigger:SEV2 sent 1',
    ]);
  });
});

describe('router handler: concurrent invocations', () => {
  it('two invocations racing on the same new SEV1 report notify exactly once', async () => {
    const sev1 = signal({ rule: 'key_spend_spike', subject: 'key-42', severity: 'SEV1' });
    const event = reportEvent(report(TUESDAY_10, ['key_spend_spike'], [sev1]));
    // Two containers handling a duplicate delivery: separate handler instances, one table. A barrier
    // holds each invocation's first read of the incident until both have read it (both see "absent"),
    // so the race on the conditional create is certain, not left to scheduling.
    const race = raceBarrier(sev1.dedupKey, 2);
    const [a, b] = await Promise.all([
      routerHandler(world, { at: TUESDAY_10, wrapStore: race.wrap })(event),
      routerHandler(world, { at: TUESDAY_10, wrapStore: race.wrap })(structuredClone(event)),
    ]);
    const creates = race.puts.filter((p) => p.expected === undefined).map((p) => p.ok);
    expect(creates.sort()).toEqual([false, true]);
    expect([a.status, b.status]).toEqual(['routed', 'routed']);
    const deliveries = [a, b].map((o) => (o.status === 'routed' ? o.deliveries : -1)).sort();
    expect(deliveries).toEqual([0, 3]);

    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'key_spend_spike:key-42', status: 202 }]);
    expect(await headlines(world, world.page)).toEqual([firing('SEV1', 'key_spend_spike', 'key-42')]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV1', 'key_spend_spike', 'key-42')]);
    expect(deliverySummary(await incidentItem(world, sev1.dedupKey))).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
  });
});
