// The router handler on input it cannot route: each is parked on the SQS dead-letter queue with a
// reason naming what is wrong, acknowledged (no throw: a poison event must not be retried for hours),
// and never resolves anything by mistake.
import { describe, expect, it } from 'vitest';
import {
  TUESDAY_10,
  deadLetters,
  deliverySummary,
  headlines,
  incidentItem,
  published,
  report,
  reportEvent,
  routerHandler,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { ALARM_ACTION_COMPOSITE } from '../../../fixtures/cloudwatch/composite-alarm.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

async function expectNothingSent(): Promise<void> {
  expect(world.pd.requests).toHaveLength(0);
  expect(await published(world, world.page)).toEqual([]);
  expect(await published(world, world.chatops)).toEqual([]);
}

describe('router handler: bad input is dead-lettered with a reason', () => {
  it('(a) an unknown detail-type: parked with the reason and the original event', async () => {
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': 'Metis Something Else',
      source: 'metis-alerts.trace-db',
      time: TUESDAY_10,
      resources: [],
      detail: { x: 1 },
    };
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(event);
    expect(outcome).toEqual({ status: 'dead-lettered', reason: 'unsupported detail-type "Metis Something Else"' });

    const parked = await deadLetters(world);
    expect(parked).toEqual([{ reason: 'unsupported detail-type "Metis Something Else"', event }]);
    await expectNothingSent();
  });

  it("(a') a direct alarm-action payload (an alarm whose action invokes the router): parked, the reason says what it is and how to wire it", async () => {
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(ALARM_ACTION_COMPOSITE);
    const reason =
      'a CloudWatch alarm action invoked the router directly (alarm "CompositeDemo.Main" arn:aws:cloudwatch:us-east-1: 111122223333:alarm:SuppressionDemo.Main): ' +
      'the router routes alarms from EventBridge only. Remove the Lambda action from the alarm and tag the alarm metis:severity=SEV1..SEV4: ' +
      'the stack\'s rule forwards its "CloudWatch Alarm State Change" events from the default bus to the router';
    expect(outcome).toEqual({ status: 'dead-lettered', reason });
    expect(await deadLetters(world)).toEqual([{ reason, event: ALARM_ACTION_COMPOSITE }]);
    await expectNothingSent();
  });

  it('(b) a report envelope whose `evaluated` is not an array: parked, reason names `evaluated`', async () => {
    const event = reportEvent({ source: 'trace-db', evaluatedAt: TUESDAY_10, evaluated: 'model_error_rate', signals: [] });
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(event);
    const reason = 'evaluation report: evaluated: Invalid input: expected array, received string';
    expect(outcome).toEqual({ status: 'dead-lettered', reason });
    expect(await deadLetters(world)).toEqual([{ reason, event }]);
    await expectNothingSent();
  });

  it('(c) one valid and one invalid signal: the valid one routes, the invalid one is parked, its rule resolves nothing', async () => {
    // An open quota_alert incident from an earlier run.
    const quota = signal({ rule: 'quota_alert', subject: 'key-7', severity: 'SEV3', summary: 'quota alert for key-7' });
    const opened = await routerHandler(world, { at: TUESDAY_10 })(reportEvent(report(TUESDAY_10, ['quota_alert'], [quota])));
    expect(opened).toEqual({ status: 'routed', signals: 1, deliveries: 1 });
    expect(await headlines(world, world.chatops)).toEqual([
      { subject: '[SEV3] FIRING quota_alert: key-7', attributes: { severity: 'SEV3', rule: 'quota_alert', status: 'firing' } },
    ]);

    // The next run evaluated both rules; the quota_alert signal came out malformed (severity SEV9).
    const at = '2026-11-24T10:05:00.000Z';
    const valid = signal({ rule: 'model_error_rate', subject: 'gpt-4o', severity: 'SEV3', observedAt: at });
    const invalid = { ...quota, severity: 'SEV9', observedAt: at };
    const outcome = await routerHandler(world, { at })(reportEvent(report(at, ['model_error_rate', 'quota_alert'], [valid, invalid]), at));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 1 });

    expect(await headlines(world, world.chatops)).toEqual([
      { subject: '[SEV3] FIRING model_error_rate: gpt-4o', attributes: { severity: 'SEV3', rule: 'model_error_rate', status: 'firing' } },
    ]);
    expect(world.pd.requests).toHaveLength(0);
    expect(await published(world, world.page)).toEqual([]);

    const parked = await deadLetters(world);
    expect(parked).toHaveLength(1);
    const reason = 'signals.1.severity: Invalid option: expected one of "SEV1"|"SEV2"|"SEV3"|"SEV4"';
    expect(parked[0]).toEqual({
      reason: `1 invalid signal(s) in a trace-db report: ${reason}`,
      event: { source: 'trace-db', evaluatedAt: at, rejected: [{ signal: invalid, reason }] },
    });

    const stillOpen = await incidentItem(world, 'quota_alert:key-7');
    expect(stillOpen).toMatchObject({ status: 'open', severity: 'SEV3' });
    expect(stillOpen?.resolvedAt).toBeUndefined();
    expect(deliverySummary(stillOpen)).toEqual(['1:chatops:trigger:SEV3 sent 1']);
    expect(await incidentItem(world, 'model_error_rate:gpt-4o')).toMatchObject({ status: 'open', severity: 'SEV3' });
  });

  it('(d) not an object at all (a string): parked', async () => {
    const outcome = await routerHandler(world, { at: TUESDAY_10 })('{"detail-type":"Metis Evaluation Report"}');
    expect(outcome).toEqual({ status: 'dead-lettered', reason: 'event is not a JSON object' });
    expect(await deadLetters(world)).toEqual([
      { reason: 'event is not a JSON object', event: '{"detail-type":"Metis Evaluation Report"}' },
    ]);
    await expectNothingSent();
  });

  it('a report from a source outside metis-alerts.*: parked, not routed', async () => {
    const sev1 = signal({ rule: 'healthz_down', subject: 'gateway', severity: 'SEV1', source: 'probe' });
    const event = reportEvent(report(TUESDAY_10, ['healthz_down'], [sev1], 'probe'), TUESDAY_10, 'someone.else');
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(event);
    expect(outcome).toEqual({ status: 'dead-lettered', reason: 'evaluation report from unexpected source "someone.else"' });
    expect(await deadLetters(world)).toEqual([{ reason: 'evaluation report from unexpected source "someone.else"', event }]);
    await expectNothingSent();
    expect(await incidentItem(world, 'healthz_down:gateway')).toBeUndefined();
  });
});
