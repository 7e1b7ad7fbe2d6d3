// One contract, two stores: DynamoDbIncidentStore against moto and MemoryIncidentStore must agree on
// conditional writes, lost races and listOpen, since the CLI and demo stand in for the cloud with the latter.
import { CreateTableCommand, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { MemoryIncidentStore } from '../../../lambdas/adapters/memory-incident-store.ts';
import type { IncidentStore } from '../../../lambdas/core/ports.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';
import { makeIncident, makeSignal } from '../support/fixtures.ts';

let tableCounter = 0;

const stores: [string, () => Promise<IncidentStore>][] = [
  [
    'DynamoDbIncidentStore',
    async () => {
      const client = dynamoClient();
      const tableName = `incidents-${++tableCounter}`;
      await createIncidentTable(client, tableName);
      return new DynamoDbIncidentStore({ client, tableName });
    },
  ],
  ['MemoryIncidentStore', async () => new MemoryIncidentStore()],
];

describe.each(stores)('%s', (_name, makeStore) => {
  it('creates only if absent: a second create of the same key loses', async () => {
    const store = await makeStore();
    const incident = makeIncident();
    expect(await store.put(incident, undefined)).toBe(true);
    expect(await store.put({ ...incident, severity: 'SEV1' }, undefined)).toBe(false);
    expect(await store.get(incident.dedupKey)).toEqual(incident);
  });

  it('updates only from the expected version; the slower of two writers loses the race', async () => {
    const store = await makeStore();
    const v1 = makeIncident({ version: 1 });
    await store.put(v1, undefined);

    // Two router invocations read version 1 and both try to write version 2.
    const readA = await store.get(v1.dedupKey);
    const readB = await store.get(v1.dedupKey);
    const writerA = { ...readA!, version: 2, severity: 'SEV1' as const, updatedAt: '2026-11-20T12:05:00.000Z' };
    const writerB = { ...readB!, version: 2, status: 'resolved' as const, updatedAt: '2026-11-20T12:05:01.000Z' };
    expect(await store.put(writerA, 1)).toBe(true);
    expect(await store.put(writerB, 1)).toBe(false);

    const stored = await store.get(v1.dedupKey);
    expect(stored?.version).toBe(2);
    expect(stored?.severity).toBe('SEV1');
    expect(stored?.status).toBe('open');

    // The loser re-reads and retries from version 2.
    expect(await store.put({ ...stored!, version: 3, status: 'resolved' }, 2)).toBe(true);
    expect((await store.get(v1.dedupKey))?.status).toBe('resolved');
  });

  it('refuses an update of a key that does not exist', async () => {
    const store = await makeStore();
    expect(await store.put(makeIncident(), 1)).toBe(false);
    expect(await store.get(makeIncident().dedupKey)).toBeUndefined();
  });

  it('leaves undefined optional fields out and round-trips nested data', async () => {
    const store = await makeStore();
    const incident = makeIncident({
      resolvedAt: undefined,
      escalateAt: '2026-11-20T12:30:00.000Z',
      lastSignal: makeSignal({ details: { rows: [{ model: 'm', errors: 3, share: 0.075 }], note: undefined } }),
    });
    expect(await store.put(incident, undefined)).toBe(true);
    const stored = await store.get(incident.dedupKey);
    expect(stored).not.toHaveProperty('resolvedAt');
    expect(stored?.escalateAt).toBe('2026-11-20T12:30:00.000Z');
    expect(stored?.lastSignal.details).toEqual({ rows: [{ model: 'm', errors: 3, share: 0.075 }] });
    expect(stored?.deliveries).toEqual(incident.deliveries);
  });

  it('lists open incidents only, optionally by source, oldest first', async () => {
    const store = await makeStore();
    const later = makeIncident({
      openedAt: '2026-11-20T13:00:00.000Z',
      lastSignal: makeSignal({ rule: 'quota_alert', subject: 'key-1' }),
    });
    const earlier = makeIncident({
      openedAt: '2026-11-20T11:00:00.000Z',
      lastSignal: makeSignal({ rule: 'traceback', subject: 'ValueError@x.py:1', source: 'logs' }),
    });
    const resolved = makeIncident({
      status: 'resolved',
      lastSignal: makeSignal({ rule: 'snapshot_stale', subject: 'latest.db.gz' }),
    });
    for (const incident of [later, earlier, resolved]) expect(await store.put(incident, undefined)).toBe(true);

    expect((await store.listOpen()).map((i) => i.dedupKey)).toEqual(['traceback:ValueError@x.py:1', 'quota_alert:key-1']);
    expect((await store.listOpen('logs')).map((i) => i.dedupKey)).toEqual(['traceback:ValueError@x.py:1']);
    expect(await store.listOpen('probe')).toEqual([]);
  });

  it('hands out copies: mutating what was read or written does not change the store', async () => {
    const store = await makeStore();
    const incident = makeIncident();
    await store.put(incident, undefined);
    incident.timeline.push({ at: 'x', event: 'mutated after put' });
    const read = await store.get(incident.dedupKey);
    read!.deliveries[0]!.status = 'sent';
    const again = await store.get(incident.dedupKey);
    expect(again?.timeline).toHaveLength(1);
    expect(again?.deliveries[0]?.status).toBe('pending');
  });

  it('lists resolved incidents while they owe a delivery (a failed resolve), and drops them once nothing is owed', async () => {
    const store = await makeStore();
    const sentTrigger = { ...makeIncident().deliveries[0]!, status: 'sent' as const, attempts: 1 };
    const failedResolve = {
      ...sentTrigger,
      id: '1:pagerduty:resolve',
      action: 'resolve' as const,
      status: 'failed' as const,
      retryable: true,
      error: 'transient: HTTP 429',
    };
    const owing = makeIncident({
      status: 'resolved',
      resolvedAt: '2026-11-20T12:10:00.000Z',
      lastSignal: makeSignal({ subject: 'owing' }),
      deliveries: [sentTrigger, failedResolve],
    });
    const settled = makeIncident({ status: 'resolved', lastSignal: makeSignal({ subject: 'settled' }), deliveries: [sentTrigger] });
    const stillOpen = makeIncident({ lastSignal: makeSignal({ subject: 'open' }) });
    for (const incident of [owing, settled, stillOpen]) expect(await store.put(incident, undefined)).toBe(true);
    expect((await store.listOwed()).map((i) => i.subject)).toEqual(['owing']);
    // Read back without the index attribute.
    expect(await store.listOwed()).toEqual([owing]);

    const delivered = {
      ...owing,
      version: 2,
      deliveries: [sentTrigger, { ...failedResolve, status: 'sent' as const, retryable: undefined }],
    };
    expect(await store.put(delivered, 1)).toBe(true);
    expect(await store.listOwed()).toEqual([]);
  });

  it('lists a human-resolved incident waiting for its reopen check (for the sweeper, and by source for reports) until it decides', async () => {
    const store = await makeStore();
    const sentTrigger = { ...makeIncident().deliveries[0]!, status: 'sent' as const, attempts: 1 };
    const held = makeIncident({
      status: 'resolved',
      resolvedAt: '2026-11-20T12:10:00.000Z',
      lastSignal: makeSignal({ subject: 'held' }),
      deliveries: [sentTrigger],
      humanResolved: { at: '2026-11-20T12:10:00.000Z', by: 'ana', via: 'pagerduty' },
      reopenCheckAt: '2026-11-20T12:40:00.000Z',
    });
    const settled = makeIncident({ status: 'resolved', lastSignal: makeSignal({ subject: 'settled' }), deliveries: [sentTrigger] });
    for (const incident of [held, settled]) expect(await store.put(incident, undefined)).toBe(true);
    expect(await store.listOwed()).toEqual([held]);
    const open = makeIncident({ lastSignal: makeSignal({ subject: 'still-open' }) });
    expect(await store.put(open, undefined)).toBe(true);
    // What a report of their source speaks to: the open one and the held one, in one read.
    expect((await store.listWatched(held.source)).map((i) => i.subject).sort()).toEqual(['held', 'still-open']);
    expect(await store.listWatched('logs')).toEqual([]);
    // Never among the open incidents.
    expect((await store.listOpen(held.source)).map((i) => i.subject)).toEqual(['still-open']);

    const decided = { ...held, version: 2, reopenCheckAt: undefined };
    expect(await store.put(decided, 1)).toBe(true);
    expect(await store.listOwed()).toEqual([]);
    expect((await store.listWatched(held.source)).map((i) => i.subject)).toEqual(['still-open']);
  });
});

describe('DynamoDbIncidentStore on the wire', () => {
  it('stores the item under the dedupKey partition key with native types', async () => {
    const client = dynamoClient();
    await createIncidentTable(client, 'incidents-wire');
    const store = new DynamoDbIncidentStore({ client, tableName: 'incidents-wire' });
    await store.put(makeIncident({ version: 7, expiresAt: 1_800_000_000 }), undefined);
    const raw = await client.send(
      new GetItemCommand({ TableName: 'incidents-wire', Key: { dedupKey: { S: 'model_error_rate:claude-sonnet-4' } } }),
    );
    expect(raw.Item?.version).toEqual({ N: '7' });
    expect(raw.Item?.expiresAt).toEqual({ N: '1800000000' });
    expect(raw.Item?.status).toEqual({ S: 'open' });
  });

  it('keys open incidents in the sparse open-by-source index and takes resolved ones out of it', async () => {
    const client = dynamoClient();
    await createIncidentTable(client, 'incidents-index');
    const store = new DynamoDbIncidentStore({ client, tableName: 'incidents-index' });
    const open = makeIncident({ lastSignal: makeSignal({ source: 'probe', rule: 'healthz_down', subject: 'gateway' }) });
    expect(open.source).toBe('probe');
    await store.put(open, undefined);
    const key = { dedupKey: { S: open.dedupKey } };
    expect((await client.send(new GetItemCommand({ TableName: 'incidents-index', Key: key }))).Item?.openSource).toEqual({ S: 'probe' });
    // What the store hands back is the incident, not the index attribute.
    expect(await store.get(open.dedupKey)).toEqual(open);
    expect(await store.listOpen('probe')).toEqual([open]);

    await store.put({ ...open, status: 'resolved', version: open.version + 1 }, open.version);
    const raw = await client.send(new GetItemCommand({ TableName: 'incidents-index', Key: key }));
    expect(raw.Item?.status).toEqual({ S: 'resolved' });
    expect(raw.Item).not.toHaveProperty('openSource');
    expect(await store.listOpen('probe')).toEqual([]);
  });

  it('an open incident written without the index attribute (before an upgrade) is indexed by the next full listOpen', async () => {
    const client = dynamoClient();
    await createIncidentTable(client, 'incidents-legacy');
    const store = new DynamoDbIncidentStore({ client, tableName: 'incidents-legacy' });
    const legacy = makeIncident({ lastSignal: makeSignal({ source: 'logs', rule: 'traceback', subject: 'ValueError@x.py:1' }) });
    await DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: 'incidents-legacy', Item: legacy }));
    // Invisible to the router's per-report lookup...
    expect(await store.listOpen('logs')).toEqual([]);
    // ...until the sweeper's scan (every few minutes) adds the attribute: then the next report can resolve it.
    expect(await store.listOpen()).toEqual([legacy]);
    expect(await store.listOpen('logs')).toEqual([legacy]);
    expect(await store.get(legacy.dedupKey)).toEqual(legacy);
  });

  it('on a table without the index yet (mid-upgrade) listOpen(source) scans instead of failing the report', async () => {
    const client = dynamoClient();
    await client.send(
      new CreateTableCommand({
        TableName: 'incidents-no-index',
        AttributeDefinitions: [{ AttributeName: 'dedupKey', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'dedupKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const store = new DynamoDbIncidentStore({ client, tableName: 'incidents-no-index' });
    const logs = makeIncident({ lastSignal: makeSignal({ source: 'logs', rule: 'traceback', subject: 'E@a.py:1' }) });
    const trace = makeIncident({ lastSignal: makeSignal({ source: 'trace-db', rule: 'model_error_rate', subject: 'm' }) });
    for (const incident of [logs, trace]) await store.put(incident, undefined);
    expect(await store.listOpen('logs')).toEqual([logs]);
  });

  it('paginates listOpen across scan pages, filtering on every page', async () => {
    const client = dynamoClient();
    await createIncidentTable(client, 'incidents-pages');
    // A page size of 2 over 7 items (5 open) forces 4 pages, some with no open item after filtering.
    const store = new DynamoDbIncidentStore({ client, tableName: 'incidents-pages', scanPageSize: 2 });
    for (let i = 0; i < 7; i++) {
      const incident = makeIncident({
        status: i % 3 === 2 ? 'resolved' : 'open',
        openedAt: `2026-11-20T12:0${i}:00.000Z`,
        lastSignal: makeSignal({ subject: `model-${i}` }),
      });
      expect(await store.put(incident, undefined)).toBe(true);
    }
    const firstPage = await client.send(new ScanCommand({ TableName: 'incidents-pages', Limit: 2 }));
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect((await store.listOpen()).map((i) => i.subject)).toEqual(['model-0', 'model-1', 'model-3', 'model-4', 'model-6']);
  });
});
