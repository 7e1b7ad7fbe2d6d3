// The probe's reports through the real router, end to end against moto: the probe handler (real HttpProber
// against a local server, real EventBridgeReportPublisher onto a moto bus whose rule copies each report to a
// queue, its state item in the same incident table the router uses), then each report event as the bus
// delivered it into makeRouterHandler (DynamoDB store and heartbeats, SNS topics, PagerDuty fake), and the
// sweeper expecting a probe report every minute. A healthz outage pages SEV2, upgrades to SEV1 on the second
// failure in a row, resolves when the probe lists the target healthy; a probe that stops raises source_stale:probe.
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { DynamoDbProbeState } from '../../../lambdas/adapters/dynamodb-probe-state.ts';
import { EventBridgeReportPublisher } from '../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { HttpProber } from '../../../lambdas/adapters/http-prober.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { makeProbeHandler } from '../../../lambdas/functions/probe/handler.ts';
import { createQueue, drainQueue, eventBridgeClient } from '../support/aws.ts';
import { Lane, NOTHING, plus, takeSent, useLifecycleWorld } from '../support/lifecycle-world.ts';
import { answer, startTarget } from '../support/probe-targets.ts';
import { TUESDAY_10, incidentItem, type RouterWorld } from '../support/router-fixture.ts';

let world: RouterWorld;
useLifecycleWorld((created) => (world = created));

const BUS = 'metis-alerts-bus';
const subject = (severity: string, headline: string, rule: string, what: string) => `[${severity}] ${headline} ${rule}: ${what}`;

/** The bus and a rule copying the reports to a queue, as the router's rule would deliver them. */
async function reportBus(): Promise<{ next: () => Promise<unknown> }> {
  const events = eventBridgeClient();
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  const queue = await createQueue(world.sqs, 'probe-reports-to-router');
  await events.send(
    new PutRuleCommand({
      Name: 'to-router',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: 'metis-alerts.' }], 'detail-type': ['Metis Evaluation Report'] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'to-router', EventBusName: BUS, Targets: [{ Id: 'q', Arn: queue.queueArn }] }));
  return {
    next: async () => JSON.parse((await drainQueue(world.sqs, queue.queueUrl, { expected: 1 }))[0]!.Body!) as unknown,
  };
}

describe('a healthz outage seen by the probe, routed by the router (Tuesday 10:00, business hours)', () => {
  it('SEV2 page, SEV1 on the second failure 30 s later, resolved on recovery; the state item is no incident; a silent probe goes stale', async () => {
    const l = await Lane.create(world, { tableName: 'probe-router', expectedSources: [{ source: 'probe', intervalMinutes: 1 }] });
    const bus = await reportBus();
    let status = 503;
    const server = await startTarget((req, res) => answer(status)(req, res), { path: '/health' });
    try {
      let now = new Date(TUESDAY_10);
      const config = parseConfig({ healthTargets: [{ name: 'server', url: server.url, timeoutMs: 3000 }] });
      // One round per invocation (the second-round queue's way); a fresh handler each time, like a new container.
      const probeRound = async (at: string) => {
        now = new Date(at);
        const prober = new HttpProber({ clock: () => now });
        await makeProbeHandler({
          targets: config.healthTargets,
          probe: (call) => prober.probe(call),
          headers: async () => ({}),
          sleep: async () => {},
          clock: () => now,
          publisher: new EventBridgeReportPublisher({ client: eventBridgeClient(), eventBusName: BUS }),
          state: new DynamoDbProbeState({ client: world.dynamo, tableName: l.tableName }),
          rules: config.rules,
          logger: { info: () => {}, warn: () => {}, error: () => {} },
          rounds: 1,
        })();
        return bus.next();
      };
      const T = TUESDAY_10;
      const T30 = new Date(Date.parse(T) + 30_000).toISOString();

      expect(await l.route(T, await probeRound(T))).toMatchObject({ status: 'routed', signals: 1 });
      const sev2 = subject('SEV2', 'FIRING', 'healthz_down', 'server');
      expect(await takeSent(world)).toEqual({ pd: ['trigger error healthz_down:server 202'], page: [sev2], chatops: [sev2] });

      expect(await l.route(T30, await probeRound(T30))).toMatchObject({ status: 'routed', signals: 1 });
      const sent = await takeSent(world);
      expect(sent.pd).toEqual(['trigger critical healthz_down:server 202']);
      expect(sent.page).toHaveLength(1);
      expect(sent.page[0]).toMatch(/^\[SEV1\] .*healthz_down: server/);
      const incident = await incidentItem(world, 'healthz_down:server', l.tableName);
      expect(incident).toMatchObject({ status: 'open', severity: 'SEV1', source: 'probe', rule: 'healthz_down', subject: 'server' });
      expect(incident?.lastSignal.summary).toContain('failed twice in a row within 60 s');

      // Recovered: three ok rounds keep it open (sustained health), the 4th resolves it.
      status = 200;
      for (const seconds of [60, 90, 120]) {
        const at = new Date(Date.parse(T) + seconds * 1000).toISOString();
        await l.route(at, await probeRound(at));
        expect(await takeSent(world)).toEqual(NOTHING);
      }
      const T1 = new Date(Date.parse(T) + 150_000).toISOString();
      await l.route(T1, await probeRound(T1));
      const back = await takeSent(world);
      expect(back.pd).toEqual(['resolve - healthz_down:server 202']);
      expect(back.page).toEqual([subject('SEV1', 'RESOLVED', 'healthz_down', 'server')]);
      expect(await incidentItem(world, 'healthz_down:server', l.tableName)).toMatchObject({ status: 'resolved' });

      // The router recorded the probe's heartbeat; the state item sits beside the incidents without being one.
      const items = await l.items();
      expect(items).toContainEqual({ dedupKey: 'heartbeat#probe', kind: 'heartbeat', source: 'probe', lastReportAt: T1 });
      expect(items.find((i) => i.dedupKey === 'probe-state#health')).toMatchObject({ targets: { server: { ok: true } } });
      expect((await l.incidents()).map((i) => i.dedupKey)).toEqual(['healthz_down:server']);

      // The probe stops: nothing at T+4, source_stale:probe (SEV2) after three missed minutes.
      await l.sweep(plus(T, 4));
      expect(await takeSent(world)).toEqual(NOTHING);
      await l.sweep(plus(T, 6.5));
      const stale = subject('SEV2', 'FIRING', 'source_stale', 'probe');
      expect(await takeSent(world)).toEqual({ pd: ['trigger error source_stale:probe 202'], page: [stale], chatops: [stale] });
      expect(l.warnings()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
