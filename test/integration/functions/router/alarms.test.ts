// The router handler on CloudWatch "Alarm State Change" events: alarms created in moto with
// PutMetricAlarm + Tags, tags read back through ListTagsForResource. Tagged alarms are routed like
// any signal (grouped by metis:rule / metis:subject); untagged or INSUFFICIENT_DATA ones are ignored.
import { describe, expect, it } from 'vitest';
import {
  TUESDAY_10,
  alarmArn,
  alarmEvent,
  clearPdRequests,
  deadLetters,
  deliverySummary,
  firing,
  headlines,
  incidentItem,
  pdCalls,
  published,
  putHealthzAlarms,
  putTaggedAlarm,
  resolved,
  routerHandler,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { compositeStateChange } from '../../../fixtures/cloudwatch/composite-alarm.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created), {
  async setup(created) {
    await putHealthzAlarms(created);
    await putTaggedAlarm(created, 'operator-own', { team: 'sre' });
    await putTaggedAlarm(created, 'disk-sev3', { 'metis:severity': 'SEV3', 'metis:rule': 'disk_usage', 'metis:subject': 'gateway-host' });
    // Stands in for the composite alarm (moto): the router only reads the tags behind the event's ARN.
    await putTaggedAlarm(created, 'CompositeDemo.Main', {
      'metis:severity': 'SEV2',
      'metis:rule': 'gateway_composite',
      'metis:subject': 'gateway',
    });
  },
  // Requests only: the fake's alert state follows the one PagerDuty alert across the tests below.
  beforeEachTest: clearPdRequests,
});

const headline = (severity: string, headlineWord: 'FIRING' | 'RESOLVED') =>
  (headlineWord === 'FIRING' ? firing : resolved)(severity, 'healthz_down', 'gateway');

async function expectNothingSent(): Promise<void> {
  expect(world.pd.requests).toHaveLength(0);
  expect(await published(world, world.page)).toEqual([]);
  expect(await published(world, world.chatops)).toEqual([]);
  expect(await deadLetters(world)).toEqual([]);
}

describe('router handler: tagged CloudWatch alarms', () => {
  it('ALARM on the SEV2 alarm opens healthz_down:gateway (business hours: PD error + page + chatops)', async () => {
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(alarmEvent('gateway-healthz-sev2', 'ALARM', TUESDAY_10));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'error', dedupKey: 'healthz_down:gateway', status: 202 }]);
    expect(await headlines(world, world.page)).toEqual([headline('SEV2', 'FIRING')]);
    expect(await headlines(world, world.chatops)).toEqual([headline('SEV2', 'FIRING')]);

    const item = await incidentItem(world, 'healthz_down:gateway');
    expect(item).toMatchObject({ status: 'open', severity: 'SEV2', source: 'cloudwatch-alarm', rule: 'healthz_down', subject: 'gateway' });
    expect(item?.lastSignal).toMatchObject({
      observedAt: TUESDAY_10,
      runbook: 'Healthz',
      details: {
        alarmName: 'gateway-healthz-sev2',
        alarmArn: alarmArn('gateway-healthz-sev2'),
        state: 'ALARM',
        previousState: 'OK',
      },
    });
  });

  it('ALARM on the SEV1 alarm of the same rule/subject upgrades it: PD trigger critical, same dedup_key', async () => {
    const at = '2026-11-24T10:02:00.000Z';
    const outcome = await routerHandler(world, { at })(alarmEvent('gateway-healthz-sev1', 'ALARM', at));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'healthz_down:gateway', status: 202 }]);
    expect(world.pd.requests[0]!.effect).toBe('merged');
    expect(await headlines(world, world.page)).toEqual([headline('SEV1', 'FIRING')]);
    expect(await headlines(world, world.chatops)).toEqual([headline('SEV1', 'FIRING')]);

    const item = await incidentItem(world, 'healthz_down:gateway');
    expect(item).toMatchObject({ status: 'open', severity: 'SEV1', episode: 1 });
    expect(deliverySummary(item)).toEqual([
      '1:pagerduty:trigger:SEV2 sent 1',
      '1:page:trigger:SEV2 sent 1',
      '1:chatops:trigger:SEV2 sent 1',
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
  });

  it('the SEV1 alarm back to OK while the SEV2 alarm is still in ALARM keeps the incident open as SEV2, sending nothing', async () => {
    const at = '2026-11-24T10:08:00.000Z';
    const outcome = await routerHandler(world, { at })(alarmEvent('gateway-healthz-sev1', 'OK', at));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 0 });
    await expectNothingSent();
    const item = await incidentItem(world, 'healthz_down:gateway');
    expect(item).toMatchObject({ status: 'open', severity: 'SEV2' });
  });

  it('both alarms OK resolves it once: PD resolve with the same dedup_key, RESOLVED on page and chatops', async () => {
    const at = '2026-11-24T10:10:00.000Z';
    const outcome = await routerHandler(world, { at })(alarmEvent('gateway-healthz-sev2', 'OK', at));
    expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 3 });

    expect(pdCalls(world)).toEqual([{ action: 'resolve', severity: undefined, dedupKey: 'healthz_down:gateway', status: 202 }]);
    expect(world.pd.requests[0]!.effect).toBe('resolved');
    expect(world.pd.incidentsOpened).toBe(1);
    expect(await headlines(world, world.page)).toEqual([headline('SEV2', 'RESOLVED')]);
    expect(await headlines(world, world.chatops)).toEqual([headline('SEV2', 'RESOLVED')]);
    const item = await incidentItem(world, 'healthz_down:gateway');
    expect(item).toMatchObject({ status: 'resolved', resolvedAt: at, expiresAt: Date.parse(at) / 1000 + 30 * 86_400 });
    expect(deliverySummary(item).slice(6)).toEqual(['1:pagerduty:resolve sent 1', '1:page:resolve sent 1', '1:chatops:resolve sent 1']);
  });

  it('an alarm without metis:severity is ignored: nothing sent, nothing stored', async () => {
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(alarmEvent('operator-own', 'ALARM'));
    expect(outcome).toEqual({ status: 'ignored', reason: 'alarm "operator-own" has no metis:severity tag' });
    await expectNothingSent();
    expect(await incidentItem(world, 'cloudwatch_alarm:operator-own')).toBeUndefined();
  });

  it('INSUFFICIENT_DATA on a tagged alarm is ignored', async () => {
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(alarmEvent('disk-sev3', 'INSUFFICIENT_DATA', TUESDAY_10, 'OK'));
    expect(outcome).toEqual({ status: 'ignored', reason: 'alarm "disk-sev3" is INSUFFICIENT_DATA' });
    await expectNothingSent();
    expect(await incidentItem(world, 'disk_usage:gateway-host')).toBeUndefined();
  });
});

describe("router handler: CloudWatch's own suppression of a composite alarm's actions", () => {
  const arn = alarmArn('CompositeDemo.Main');
  const key = 'gateway_composite:gateway';

  it('ALARM with actionsSuppressedBy=WaitPeriod is recorded, not paged; the later ALARM without it pages', async () => {
    const held = compositeStateChange(arn, TUESDAY_10, { previous: 'OK', suppressedBy: 'WaitPeriod' });
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(held);
    expect(outcome).toEqual({
      status: 'recorded',
      reason:
        'alarm "CompositeDemo.Main" in ALARM with its actions suppressed by CloudWatch (WaitPeriod: Actions suppressed by WaitPeriod): recorded, not paged',
    });
    await expectNothingSent();
    expect(await incidentItem(world, key)).toBeUndefined();

    const at = '2026-11-24T10:02:00.000Z';
    const released = await routerHandler(world, { at })(compositeStateChange(arn, at, { previous: 'ALARM' }));
    expect(released).toEqual({ status: 'routed', signals: 1, deliveries: 3 });
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'error', dedupKey: key, status: 202 }]);
    expect(await headlines(world, world.page)).toEqual([firing('SEV2', 'gateway_composite', 'gateway')]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV2', 'gateway_composite', 'gateway')]);
    expect(await incidentItem(world, key)).toMatchObject({ status: 'open', severity: 'SEV2', source: 'cloudwatch-alarm' });
  });

  it('while the incident is open, ALARM with actionsSuppressedBy=Alarm or ExtensionPeriod goes on its timeline and pages nobody', async () => {
    for (const [at, suppressedBy] of [
      ['2026-11-24T10:05:00.000Z', 'Alarm'],
      ['2026-11-24T10:06:00.000Z', 'ExtensionPeriod'],
    ] as const) {
      const outcome = await routerHandler(world, { at })(compositeStateChange(arn, at, { previous: 'ALARM', suppressedBy }));
      expect(outcome).toMatchObject({ status: 'recorded' });
    }
    await expectNothingSent();
    const item = await incidentItem(world, key);
    expect(item?.timeline.slice(-2)).toEqual([
      {
        at: '2026-11-24T10:05:00.000Z',
        event:
          'alarm "CompositeDemo.Main" in ALARM with its actions suppressed by CloudWatch (Alarm: Actions suppressed by Alarm): recorded, not paged',
      },
      {
        at: '2026-11-24T10:06:00.000Z',
        event:
          'alarm "CompositeDemo.Main" in ALARM with its actions suppressed by CloudWatch (ExtensionPeriod: Actions suppressed by ExtensionPeriod): recorded, not paged',
      },
    ]);
  });
});
