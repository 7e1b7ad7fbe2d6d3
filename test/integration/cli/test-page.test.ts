// `metis-alerts test-page` in its deployed shape: the TEST report goes through the router handler (as the
// bus would deliver it) against moto and the PagerDuty fake, and each sink's outcome is read back from the
// incident table: delivered on every sink, or the error the router recorded.
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { formatTestPage, testPage, type TestPageDeps } from '../../../cli/commands/test-page.ts';
import { createTable, reportEvent, routerHandler, useRouterWorld, type RouterWorld } from '../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

function deployed(tableName: string, at: string, routingKeyParameter?: string): TestPageDeps {
  const store = new DynamoDbIncidentStore({ client: world.dynamo, tableName });
  return {
    publish: async (report) => {
      await routerHandler(world, { at: report.evaluatedAt, tableName, ...(routingKeyParameter ? { routingKeyParameter } : {}) })(
        reportEvent(report, report.evaluatedAt, 'metis-alerts.manual'),
      );
    },
    incident: (key) => store.get(key),
    sleep: async () => {},
    now: () => new Date(at),
  };
}

describe('test-page through the router', () => {
  it('triggers and resolves a TEST incident on PagerDuty, page and chatops and reports each delivered', async () => {
    const tableName = await createTable(world, 'test-page-1');
    const result = await testPage('SEV1', deployed(tableName, '2026-11-24T10:00:00.000Z'), 5_000);
    const both = { trigger: 'delivered', resolve: 'delivered' };
    expect(result).toEqual({ dedupKey: 'test_page:test-page-20261124100000', sinks: { pagerduty: both, page: both, chatops: both } });
    const events = world.pd.requests.map((r) => r.body as { event_action: string; payload?: { summary: string } });
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]?.payload?.summary).toContain('TEST');
    expect(world.pd.requests.every((r) => r.errors.length === 0)).toBe(true);
  });

  it('reports the error of a sink that cannot deliver (the PagerDuty routing-key parameter is missing)', async () => {
    const tableName = await createTable(world, 'test-page-2');
    const result = await testPage('SEV1', deployed(tableName, '2026-11-24T10:05:00.000Z', '/metis-alerts/missing'), 5_000);
    expect(result.sinks.pagerduty?.trigger).toEqual({ error: 'config: PagerDuty routing key unavailable: no key configured' });
    expect(result.sinks.page).toEqual({ trigger: 'delivered', resolve: 'delivered' });
    expect(formatTestPage(result)).toContain('pagerduty      trigger ERROR config: PagerDuty routing key unavailable');
  });
});
