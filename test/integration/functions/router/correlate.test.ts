// Cross-source gateway_down in the router handler, against moto and the PagerDuty fake: the probe's shape
// run reports an inbound shape down (SEV2), then the trace-check reports traffic_stopped: the router derives
// SEV1 gateway_down:traffic-stopped (the runbook's total outage, /healthz green or not) and pages it once;
// when traffic comes back (traffic_stopped healthy) the derived incident resolves, naming its cause.
// rules.gateway_down.enabled false (carried in ROUTER_SETTINGS) derives nothing, as in the CLI's replay.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import {
  pdCalls,
  incidentItem,
  report,
  reportEvent,
  routerHandler,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const at = (minute: number) => `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`;
const shapeDown = signal({
  source: 'probe',
  rule: 'inbound_shape_down',
  subject: 'messages',
  severity: 'SEV2',
  summary: 'Inbound shape anthropic-messages (messages) down while /healthz of gateway is up: POST https://gw/v1/messages HTTP 502',
  observedAt: at(0),
  details: {
    shape: 'anthropic-messages',
    url: 'https://gw/v1/messages',
    status: 502,
    failure: 'http_status',
    latencyMs: 120,
    healthTarget: 'gateway',
    healthStatus: 200,
  },
  runbook: 'Severity',
});
const trafficStopped = (minute: number) =>
  signal({
    rule: 'traffic_stopped',
    subject: 'gateway',
    severity: 'SEV2',
    summary: 'No llm.call_completed in the last 10 min',
    observedAt: at(minute),
    details: { value: 0, threshold: 20, callsSameWindowDayAgo: 180, newestEventAt: at(0) },
  });
const shapeRun = (minute: number, signals: unknown[]) =>
  reportEvent(
    { ...report(at(minute), ['inbound_shape_down'], signals, 'probe'), reporter: 'inbound-shape' },
    at(minute),
    'metis-alerts.probe',
  );
const traceRun = (minute: number, signals: unknown[], healthy: Record<string, string[]> = {}) =>
  reportEvent(report(at(minute), ['traffic_stopped'], signals, 'trace-db', healthy), at(minute));

describe('router: traffic_stopped while an inbound shape fails is SEV1 gateway_down', () => {
  it('shape down (SEV2), then traffic stopped: one SEV1 gateway_down page; repeats page nothing; traffic back resolves it naming the cause', async () => {
    await routerHandler(world, { at: at(0) })(shapeRun(0, [shapeDown]));
    expect(pdCalls(world).map((c) => `${c.action} ${c.severity} ${c.dedupKey}`)).toEqual(['trigger error inbound_shape_down:messages']);

    world.pd.reset();
    const outcome = await routerHandler(world, { at: at(5) })(traceRun(5, [trafficStopped(5)]));
    expect(outcome).toMatchObject({ status: 'routed', signals: 2 });
    expect(pdCalls(world).map((c) => `${c.action} ${c.severity} ${c.dedupKey}`)).toEqual([
      'trigger error traffic_stopped:gateway',
      'trigger critical gateway_down:traffic-stopped',
    ]);
    const derived = await incidentItem(world, 'gateway_down:traffic-stopped');
    expect(derived).toMatchObject({ status: 'open', severity: 'SEV1', source: 'probe', rule: 'gateway_down', subject: 'traffic-stopped' });
    expect(derived!.lastSignal.summary).toMatch(
      /^gateway_down SEV1: total gateway outage: no traffic reaches the trace DB \(traffic_stopped:gateway\) while inbound shape messages fails, even if \/healthz answers/,
    );
    expect(derived!.lastSignal.details).toMatchObject({
      causes: ['traffic_stopped:gateway', 'inbound_shape_down:messages'],
      shapes: [
        { dedupKey: 'inbound_shape_down:messages', shape: 'anthropic-messages', status: 502, failure: 'http_status', latencyMs: 120 },
      ],
    });

    // Both detectors keep reporting the same: one incident each, nothing sent again.
    world.pd.reset();
    await routerHandler(world, { at: at(10) })(traceRun(10, [trafficStopped(10)]));
    await routerHandler(world, { at: at(10) })(shapeRun(10, [{ ...shapeDown, observedAt: at(10) }]));
    expect(pdCalls(world)).toEqual([]);

    // Traffic is back (the trace-check names the gateway healthy): both resolve, the derived one says why.
    await routerHandler(world, { at: at(15) })(traceRun(15, [], { traffic_stopped: ['gateway'] }));
    expect(pdCalls(world).map((c) => `${c.action} ${c.dedupKey}`)).toEqual([
      'resolve traffic_stopped:gateway',
      'resolve gateway_down:traffic-stopped',
    ]);
    const closed = await incidentItem(world, 'gateway_down:traffic-stopped');
    expect(closed).toMatchObject({ status: 'resolved' });
    expect(closed!.timeline.map((e) => e.event)).toContainEqual(
      expect.stringContaining('gateway_down resolved: its cause traffic_stopped:gateway resolved'),
    );
    // The shape is still down: its own SEV2 incident stays open.
    expect(await incidentItem(world, 'inbound_shape_down:messages')).toMatchObject({ status: 'open' });
  });

  it('traffic stopped with every shape answering: traffic_stopped alone (SEV2), no gateway_down', async () => {
    world.pd.reset();
    await routerHandler(world, { at: at(20) })(shapeRun(20, [{ ...shapeDown, status: 'resolved', observedAt: at(20) }]));
    world.pd.reset();
    await routerHandler(world, { at: at(25) })(traceRun(25, [trafficStopped(25)]));
    expect(pdCalls(world).map((c) => `${c.action} ${c.severity} ${c.dedupKey}`)).toEqual(['trigger error traffic_stopped:gateway']);
    expect(await incidentItem(world, 'gateway_down:traffic-stopped')).toMatchObject({ status: 'resolved' });
  });

  it('rules.gateway_down.enabled false: traffic stopped while a shape fails pages only the shape SEV2, no gateway_down', async () => {
    const settings = routerSettingsOf(parseConfig({ rules: { gateway_down: { enabled: false } } }));
    const chatDown = { ...shapeDown, subject: 'chat', dedupKey: 'inbound_shape_down:chat', observedAt: at(30) };
    world.pd.reset();
    await routerHandler(world, { at: at(30), settings })(shapeRun(30, [chatDown]));
    // traffic_stopped:gateway is still open from the test before: it fires again with the shape down.
    const outcome = await routerHandler(world, { at: at(35), settings })(traceRun(35, [trafficStopped(35)]));
    expect(outcome).toMatchObject({ status: 'routed', signals: 1 });
    expect(pdCalls(world).map((c) => `${c.action} ${c.severity} ${c.dedupKey}`)).toEqual(['trigger error inbound_shape_down:chat']);
    expect(await incidentItem(world, 'gateway_down:traffic-stopped')).toMatchObject({ status: 'resolved', episode: 1 });

    // The same two reports with the rule on (the default settings): the SEV1 is derived.
    await routerHandler(world, { at: at(40) })(traceRun(40, [trafficStopped(40)]));
    expect(await incidentItem(world, 'gateway_down:traffic-stopped')).toMatchObject({ status: 'open', episode: 2 });
  });
});
