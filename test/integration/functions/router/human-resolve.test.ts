// A person resolved the incident (here in PagerDuty, as the ack intake records it) while the detector
// still reports it firing: the router handler against moto pages nobody for routing.reopenAfterMinutes,
// then reopens it as a new episode whose posts say why.
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../../lambdas/adapters/dynamodb-incident-store.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import { resolveIncident } from '../../../../lambdas/core/routing-policy.ts';
import {
  DEFAULT_SETTINGS,
  incidentItem,
  published,
  report,
  reportEvent,
  routerHandler,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const KEY = 'provider_unavailable:anthropic';
const at = (minute: number) => new Date(Date.parse('2026-11-24T10:00:00Z') + minute * 60_000).toISOString();

function firing(minute: number) {
  return reportEvent(
    report(
      at(minute),
      ['provider_unavailable'],
      [signal({ rule: 'provider_unavailable', subject: 'anthropic', severity: 'SEV1', observedAt: at(minute) })],
    ),
    at(minute),
  );
}

async function resolveByHand(minute: number): Promise<void> {
  // What the intake writes for a PagerDuty incident.resolved webhook: the resolve (with its owed deliveries) and who did it.
  const store = new DynamoDbIncidentStore({ client: world.dynamo, tableName: world.tableName });
  const current = (await store.get(KEY))!;
  const resolved = resolveIncident(current, new Date(at(minute)), DEFAULT_SETTINGS, 'resolved by ana in PagerDuty');
  // The intake sends the resolves itself (PagerDuty's alert is already closed by the person).
  const deliveries = resolved.deliveries.map((d) =>
    d.action === 'resolve' ? { ...d, status: 'sent' as const, attempts: 1, sentAt: at(minute) } : d,
  );
  const next: Incident = {
    ...resolved,
    deliveries,
    humanResolved: { at: at(minute), by: 'ana', via: 'pagerduty' },
    version: current.version + 1,
  };
  expect(await store.put(next, current.version)).toBe(true);
}

describe('a human resolve while the detector still fires', () => {
  it('pages nobody for 30 min, then reopens as episode 2 and the posts say "reopened: still firing 30 min after ana resolved it in PagerDuty"', async () => {
    await routerHandler(world, { at: at(0) })(firing(0));
    expect((await published(world, world.chatops)).map((p) => p.subject)).toEqual(['[SEV1] FIRING provider_unavailable: anthropic']);
    await published(world, world.page);
    await resolveByHand(5);

    // The detector keeps reporting it every few minutes: nothing is paged during the wait, and it is not silent.
    for (const minute of [6, 10, 20, 34]) await routerHandler(world, { at: at(minute) })(firing(minute));
    expect(await published(world, world.chatops)).toEqual([]);
    expect(await published(world, world.page)).toEqual([]);
    world.pd.reset();
    const waiting = (await incidentItem(world, KEY))!;
    expect(waiting).toMatchObject({ status: 'resolved', episode: 1, firingSinceHumanResolve: at(6) });
    expect(waiting.timeline.map((t) => t.event)).toContain(
      'still firing after ana resolved it in PagerDuty: reopens at 2026-11-24T10:35:00.000Z if it keeps firing',
    );

    await routerHandler(world, { at: at(35) })(firing(35));
    const reopened = (await incidentItem(world, KEY))!;
    expect(reopened).toMatchObject({
      status: 'open',
      episode: 2,
      reopenedBecause: 'reopened: still firing 30 min after ana resolved it in PagerDuty',
    });
    const chatops = await published(world, world.chatops);
    expect(chatops.map((p) => p.subject)).toEqual(['[SEV1] FIRING provider_unavailable: anthropic']);
    const post = JSON.parse(chatops[0]!.message) as { content: { description: string } };
    expect(post.content.description.split('\n')[0]).toBe('Reopened: still firing 30 min after ana resolved it in PagerDuty.');
    const page = await published(world, world.page);
    expect(page[0]!.message).toContain('Reopened: still firing 30 min after ana resolved it in PagerDuty.');
    // A new PagerDuty alert (the old one was resolved), under the same dedup key.
    expect(world.pd.requests.map((r) => (r.body as { event_action: string }).event_action)).toEqual(['trigger']);
  });
});
