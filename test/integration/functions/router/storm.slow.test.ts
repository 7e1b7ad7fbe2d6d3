// Storm control end to end: 1,000 SEV1 signals in one minute through the router handler (ten reports of
// 100, six seconds apart) against moto and the PagerDuty fake. The sinks get at most their per-minute
// budget (PagerDuty 120, page 10, chatops 30): incident triggers take their share (106, 7, 25: the rest is
// kept for resolves, retries, pipeline health), plus the one grouped notice that says how many incidents it stands for; every incident is in the table with its held deliveries; held ones go out later within the
// budget (the sweeper and quiet-resolve parts run in the unit suite over the same core code).
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbStormLedger } from '../../../../lambdas/adapters/dynamodb-storm-ledger.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import { makeRouterHandler } from '../../../../lambdas/functions/router/handler.ts';
import { CloudWatchAlarmTags } from '../../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { SqsDeadLetterSink } from '../../../../lambdas/adapters/sqs-dead-letter.ts';
import {
  createTable,
  published,
  report,
  reportEvent,
  signal,
  useRouterWorld,
  worldNotifiers,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

// No inhibitions: a storm of trace-DB signals is judged on its own (and no open-incident scan per signal).
const SETTINGS = routerSettingsOf(parseConfig({ routing: { inhibitions: [] } }));
const T = Date.parse('2026-11-24T10:00:00.000Z'); // Tuesday, business hours: SEV1 pages everywhere
const at = (seconds: number): string => new Date(T + seconds * 1000).toISOString();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function deps(tableName: string, when: string) {
  return {
    store: new DynamoDbIncidentStore({ client: world.dynamo, tableName }),
    storm: new DynamoDbStormLedger({ client: world.dynamo, tableName }),
    notifiers: worldNotifiers(world, { secretMaxAgeSeconds: 300 }),
    settings: SETTINGS,
    clock: () => new Date(when),
    logger: quiet,
  };
}

async function openIncidents(tableName: string): Promise<Incident[]> {
  return new DynamoDbIncidentStore({ client: world.dynamo, tableName }).listOpen();
}

// About 2,500 moto calls (two per signal): each costs a few ms on an idle machine, ~100 ms on a loaded one.
describe('a storm of 1,000 SEV1 signals in one minute', { timeout: 900_000 }, () => {
  it('stays within every sink budget, sends one grouped notice per topic with the held count, and drops nothing', async () => {
    const tableName = await createTable(world, 'storm-1');
    for (let batch = 0; batch < 10; batch++) {
      const when = at(batch * 6);
      const signals = Array.from({ length: 100 }, (_, i) =>
        signal({ rule: 'model_error_rate', subject: `model-${batch * 100 + i}`, severity: 'SEV1', observedAt: when }),
      );
      const router = makeRouterHandler({
        ...deps(tableName, when),
        deadLetter: new SqsDeadLetterSink({ client: world.sqs, queueUrl: world.dlqUrl }),
        alarmTags: new CloudWatchAlarmTags({ client: world.cloudwatch }),
      });
      expect(await router(reportEvent(report(when, [], signals), when))).toMatchObject({ status: 'routed', signals: 100 });
    }

    // The bounds, the grouped notice inside each budget: PagerDuty 106 triggers + 1 notice, page 7 + 1, chatops 25 + 1.
    expect(world.pd.requests).toHaveLength(107);
    expect(world.pd.requests.every((r) => r.errors.length === 0 && r.answer.status === 202)).toBe(true);
    const page = await published(world, world.page);
    const chatops = await published(world, world.chatops);
    expect(page.filter((p) => p.attributes.rule === 'model_error_rate')).toHaveLength(7);
    expect(chatops.filter((p) => p.attributes.rule === 'model_error_rate')).toHaveLength(25);

    // One grouped notice per topic, naming the count it stands for (the incidents held when it was posted).
    const pageNotice = page.filter((p) => p.attributes.rule === 'notification_storm');
    const chatopsNotice = chatops.filter((p) => p.attributes.rule === 'notification_storm');
    expect(pageNotice).toHaveLength(1);
    expect(chatopsNotice).toHaveLength(1);
    expect(pageNotice[0]?.subject).toBe('[SEV1] STORM 93 incidents held on page');
    const chatbot = JSON.parse(chatopsNotice[0]!.message) as {
      content: { title: string; description: string };
      metadata: { threadId: string };
    };
    expect(chatbot.content.title).toBe('Storm: 75 more incidents held on chatops (budget 30/min)');
    expect(chatbot.content.description).toContain('Top held: SEV1 model_error_rate:model-');
    expect(chatbot.metadata.threadId).toBe('storm:chatops:2026-11-24T10:00:00.000Z');

    // Nothing dropped: all 1,000 incidents are open with their deliveries recorded; the held ones pending.
    const open = await openIncidents(tableName);
    expect(open).toHaveLength(1000);
    const status = (sink: string, s: string) => open.filter((i) => i.deliveries.some((d) => d.sink === sink && d.status === s)).length;
    expect([status('pagerduty', 'sent'), status('pagerduty', 'pending')]).toEqual([106, 894]);
    expect([status('page', 'sent'), status('page', 'pending')]).toEqual([7, 993]);
    expect([status('chatops', 'sent'), status('chatops', 'pending')]).toEqual([25, 975]);
    expect(open.filter((i) => i.deliveries.some((d) => d.status === 'pending' && !d.heldAt))).toEqual([]);
    expect(open.every((i) => i.timeline.length >= 1)).toBe(true);

    // Held deliveries going out at the next sweep, most severe first, and the quiet resolve of those never
    // sent are the same core code, covered in test/unit/core/notify/storm.test.ts.
  });
});
