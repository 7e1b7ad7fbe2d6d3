// The router handler when a sink is broken: PagerDuty not configured (routing-key parameter missing)
// and an SNS topic that does not exist. The other sinks are still served exactly once, the broken one
// is recorded on the incident, and a retried invocation sends only what is still owed.
import { describe, expect, it } from 'vitest';
import { DeliveryFailedError } from '../../../../lambdas/functions/router/handler.ts';
import { ACCOUNT, REGION, createTopicWithQueue } from '../../support/aws.ts';
import {
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
  routerHandler,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { errorMessage } from '../../../../lambdas/core/errors.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

describe('router handler: PagerDuty routing-key parameter missing', () => {
  const MISSING = '/metis-alerts/pagerduty/never-created';
  const sev1 = signal({
    rule: 'healthz_down',
    subject: 'gateway',
    severity: 'SEV1',
    source: 'probe',
    summary: 'gateway GET /healthz failed twice (timeout)',
  });
  const event = (at: string) => reportEvent(report(at, ['healthz_down'], [{ ...sev1, observedAt: at }], 'probe'), at, 'metis-alerts.probe');

  it('in business hours: SEV1 reaches page + chatops, a pipeline_health SEV2 reaches page + chatops, PagerDuty sees nothing', async () => {
    const tableName = await createTable(world, 'incidents-no-key-weekday');
    const outcome = await routerHandler(world, { at: TUESDAY_10, tableName, routingKeyParameter: MISSING })(event(TUESDAY_10));
    // Not retryable, so the handler must not throw (a retry would fail the same way for hours).
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 5 });
    expect(world.pd.requests).toHaveLength(0);

    expect(await headlines(world, world.page)).toEqual([
      firing('SEV1', 'healthz_down', 'gateway'),
      firing('SEV2', 'pipeline_health', 'pagerduty'),
    ]);
    const chatops = await published(world, world.chatops);
    expect(chatops.map(({ subject, attributes }) => ({ subject, attributes }))).toEqual([
      firing('SEV1', 'healthz_down', 'gateway'),
      firing('SEV2', 'pipeline_health', 'pagerduty'),
    ]);
    expect(chatops[1]!.message).toContain('PagerDuty delivery failed for healthz_down:gateway');
    expect(chatops[1]!.message).toContain('routing key unavailable');

    const incident = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(deliverySummary(incident)).toEqual([
      '1:pagerduty:trigger:SEV1 failed 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    expect(incident?.deliveries[0]).toMatchObject({
      failureKind: 'config',
      retryable: false,
      error: 'config: PagerDuty routing key unavailable: no key configured',
    });

    const health = await incidentItem(world, 'pipeline_health:pagerduty', tableName);
    expect(health).toMatchObject({ status: 'open', severity: 'SEV2', source: 'pipeline', rule: 'pipeline_health', subject: 'pagerduty' });
    expect(deliverySummary(health)).toEqual(['1:page:trigger:SEV2 sent 1', '1:chatops:trigger:SEV2 sent 1']);
    expect(await deadLetters(world)).toEqual([]);
  });

  it('out of hours: the pipeline_health SEV2 goes to chatops only and escalates later', async () => {
    const tableName = await createTable(world, 'incidents-no-key-weekend');
    const outcome = await routerHandler(world, { at: SATURDAY_03, tableName, routingKeyParameter: MISSING })(event(SATURDAY_03));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 4 });
    expect(world.pd.requests).toHaveLength(0);
    expect(await headlines(world, world.page)).toEqual([firing('SEV1', 'healthz_down', 'gateway')]);
    expect(await headlines(world, world.chatops)).toEqual([
      firing('SEV1', 'healthz_down', 'gateway'),
      firing('SEV2', 'pipeline_health', 'pagerduty'),
    ]);
    const health = await incidentItem(world, 'pipeline_health:pagerduty', tableName);
    expect(health).toMatchObject({ status: 'open', severity: 'SEV2', escalateAt: '2026-11-28T03:30:00.000Z' });
    expect(deliverySummary(health)).toEqual(['1:chatops:trigger:SEV2 sent 1']);
  });
});

describe('router handler: SNS page topic does not exist', () => {
  const missingPage = `arn:aws:sns:${REGION}:${ACCOUNT}:metis-page-v2`;
  const sev1 = signal({ rule: 'db_integrity', subject: 'trace.db', severity: 'SEV1', summary: 'PRAGMA quick_check failed' });
  const event = reportEvent(report(TUESDAY_10, ['db_integrity'], [sev1]));

  it('fails the invocation with DeliveryFailedError; PagerDuty and chatops are delivered once', async () => {
    const invoke = routerHandler(world, { at: TUESDAY_10, topics: { page: missingPage } });
    const error = await invoke(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(errorMessage(error)).toMatch(
      /^1 deliveries failed .*: page trigger db_integrity:trace\.db: config: SNS publish to page failed: NotFound/,
    );

    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'db_integrity:trace.db', status: 202 }]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV1', 'db_integrity', 'trace.db')]);
    expect(await published(world, world.page)).toEqual([]);
    const item = await incidentItem(world, sev1.dedupKey);
    expect(deliverySummary(item)).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 failed 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    // The handler throws instead of parking: Lambda's retries, then its on-failure destination, park it.
    expect(await deadLetters(world)).toEqual([]);
  });

  it('a Lambda retry while the topic is still missing fails again (so the on-failure destination parks the event)', async () => {
    const retry = routerHandler(world, { at: '2026-11-24T10:00:30.000Z', topics: { page: missingPage } });
    const error = await retry(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(errorMessage(error)).toMatch(/page trigger db_integrity:trace\.db/);
    expect(world.pd.requests).toHaveLength(0);
    expect(await published(world, world.chatops)).toEqual([]);
  });

  it('the retried event, once the topic exists, delivers only the page message', async () => {
    const page = await createTopicWithQueue(world.sns, world.sqs, 'metis-page-v2');
    expect(page.topicArn).toBe(missingPage);

    const retry = routerHandler(world, { at: '2026-11-24T10:01:00.000Z', topics: { page: page.topicArn } });
    expect(await retry(event)).toEqual({ status: 'routed', signals: 1, deliveries: 1 });

    expect(world.pd.requests).toHaveLength(0);
    expect(await published(world, world.chatops)).toEqual([]);
    expect(await headlines(world, page)).toEqual([firing('SEV1', 'db_integrity', 'trace.db')]);
    const item = await incidentItem(world, sev1.dedupKey);
    expect(deliverySummary(item).filter((d) => !d.startsWith('1:page:'))).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    expect(item?.deliveries.find((d) => d.id === '1:page:trigger:SEV1')).toMatchObject({
      status: 'sent',
      sentAt: '2026-11-24T10:01:00.000Z',
    });
  });
});

describe('router handler: PagerDuty down (5xx on every attempt)', () => {
  const sev1 = signal({ rule: 'bill_threshold', subject: 'daily', severity: 'SEV1', summary: 'daily spend over the hard cap' });
  const event = reportEvent(report(TUESDAY_10, ['bill_threshold'], [sev1]));

  it('fails the invocation (retryable); page and chatops are delivered once; a retry sends only the PagerDuty trigger', async () => {
    world.pd.setScript({ type: 'error' }, { type: 'error', status: 503 }, { type: 'error' }, { type: 'error', status: 502 });
    const error = await routerHandler(world, { at: TUESDAY_10 })(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(errorMessage(error)).toMatch(/pagerduty trigger bill_threshold:daily: transient: PagerDuty unavailable after 4 attempts/);
    expect(pdCalls(world).map((c) => c.status)).toEqual([500, 503, 500, 502]);
    expect(await headlines(world, world.page)).toEqual([firing('SEV1', 'bill_threshold', 'daily')]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV1', 'bill_threshold', 'daily')]);
    expect(deliverySummary(await incidentItem(world, sev1.dedupKey))).toEqual([
      '1:pagerduty:trigger:SEV1 failed 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    // A transient PagerDuty failure is not a configuration problem: no pipeline_health incident.
    expect(await incidentItem(world, 'pipeline_health:pagerduty')).toBeUndefined();

    world.pd.reset();
    expect(await routerHandler(world, { at: '2026-11-24T10:01:00.000Z' })(event)).toEqual({ status: 'routed', signals: 1, deliveries: 1 });
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'bill_threshold:daily', status: 202 }]);
    expect(await published(world, world.page)).toEqual([]);
    expect(await published(world, world.chatops)).toEqual([]);
    expect(deliverySummary(await incidentItem(world, sev1.dedupKey))).toEqual([
      '1:pagerduty:trigger:SEV1 sent 2',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
  });
});
