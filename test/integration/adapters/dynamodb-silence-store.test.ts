// One contract, two silence stores (DynamoDB against moto, in-memory), and the shared incident table:
// silence items never show up as incidents and incidents never as silences.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { listIncidents } from '../../../lambdas/adapters/dynamodb-incident-list.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { MemorySilenceStore } from '../../../lambdas/adapters/memory-silence-store.ts';
import type { SilenceStore } from '../../../lambdas/core/ports.ts';
import type { Silence } from '../../../lambdas/core/silence.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';
import { makeIncident, makeSignal } from '../support/fixtures.ts';

let tableCounter = 0;

function silence(overrides: Partial<Silence> = {}): Silence {
  return {
    id: 'sil_0000000001',
    rule: 'model_error_rate',
    subject: 'claude-sonnet-4',
    startsAt: '2026-11-20T12:00:00.000Z',
    endsAt: '2026-11-20T14:00:00.000Z',
    reason: 'provider maintenance',
    createdBy: 'alice',
    createdAt: '2026-11-20T12:00:00.000Z',
    ...overrides,
  };
}

const stores: [string, () => Promise<SilenceStore>][] = [
  [
    'DynamoDbSilenceStore',
    async () => {
      const client = dynamoClient();
      const tableName = `silences-${++tableCounter}`;
      await createIncidentTable(client, tableName);
      // A page size of 1 makes every list walk several Scan pages.
      return new DynamoDbSilenceStore({ client, tableName, scanPageSize: 1 });
    },
  ],
  ['MemorySilenceStore', async () => new MemorySilenceStore()],
];

describe.each(stores)('%s', (_name, makeStore) => {
  it('round-trips a silence exactly, with and without optional fields', async () => {
    const store = await makeStore();
    const withSubject = silence();
    const allSubjects = silence({ id: 'sil_0000000002', subject: undefined });
    await store.put(withSubject);
    await store.put(allSubjects);
    expect(await store.get(withSubject.id)).toEqual(withSubject);
    const read = await store.get(allSubjects.id);
    expect(read).toEqual({ ...allSubjects, subject: undefined });
    expect(read).not.toHaveProperty('subject');
    expect(await store.get('sil_zzzzzzzzzz')).toBeUndefined();
  });

  it('lists current (not yet announced) silences across pages, earliest start first; all with listAll', async () => {
    const store = await makeStore();
    const late = silence({ id: 'sil_000000000c', startsAt: '2026-11-20T13:00:00.000Z' });
    const early = silence({ id: 'sil_000000000a', startsAt: '2026-11-20T11:00:00.000Z' });
    const announced = silence({ id: 'sil_000000000b', endsAt: '2026-11-20T12:30:00.000Z', endAnnouncedAt: '2026-11-20T12:35:00.000Z' });
    const expiredNotAnnounced = silence({ id: 'sil_000000000d', expiredAt: '2026-11-20T12:10:00.000Z' });
    for (const s of [late, early, announced, expiredNotAnnounced]) await store.put(s);
    expect((await store.listCurrent()).map((s) => s.id)).toEqual(['sil_000000000a', 'sil_000000000d', 'sil_000000000c']);
    expect((await store.listAll()).map((s) => s.id)).toEqual(['sil_000000000a', 'sil_000000000b', 'sil_000000000d', 'sil_000000000c']);
  });

  it('put replaces the whole silence (expire writes it back with expiredAt)', async () => {
    const store = await makeStore();
    await store.put(silence());
    await store.put({ ...silence(), expiredAt: '2026-11-20T12:20:00.000Z' });
    expect((await store.get('sil_0000000001'))?.expiredAt).toBe('2026-11-20T12:20:00.000Z');
    expect(await store.listAll()).toHaveLength(1);
  });

  it('marks the end announced once: the second sweeper loses, an unknown id is refused', async () => {
    const store = await makeStore();
    await store.put(silence());
    expect(await store.markEndAnnounced('sil_0000000001', '2026-11-20T14:05:00.000Z')).toBe(true);
    expect(await store.markEndAnnounced('sil_0000000001', '2026-11-20T14:10:00.000Z')).toBe(false);
    expect((await store.get('sil_0000000001'))?.endAnnouncedAt).toBe('2026-11-20T14:05:00.000Z');
    expect(await store.listCurrent()).toEqual([]);
    expect(await store.markEndAnnounced('sil_zzzzzzzzzz', '2026-11-20T14:05:00.000Z')).toBe(false);
    expect(await store.get('sil_zzzzzzzzzz')).toBeUndefined();
  });
});

describe('the shared incident table', () => {
  it('stores silences under silence#<id> with kind and a TTL 30 days after the (possibly early) end', async () => {
    const client = dynamoClient();
    await createIncidentTable(client, 'silences-wire');
    const store = new DynamoDbSilenceStore({ client, tableName: 'silences-wire' });
    await store.put(silence({ expiredAt: '2026-11-20T13:00:00.000Z' }));
    const { Item } = await client.send(
      new GetItemCommand({ TableName: 'silences-wire', Key: { dedupKey: { S: 'silence#sil_0000000001' } } }),
    );
    expect(Item?.kind).toEqual({ S: 'silence' });
    expect(Item?.rule).toEqual({ S: 'model_error_rate' });
    expect(Item).not.toHaveProperty('status');
    expect(Item?.expiresAt).toEqual({ N: String(Date.parse('2026-11-20T13:00:00.000Z') / 1000 + 30 * 86_400) });
  });

  it('keeps incidents, heartbeats and silences apart', async () => {
    const client = dynamoClient();
    const tableName = 'shared-table';
    await createIncidentTable(client, tableName);
    const incidents = new DynamoDbIncidentStore({ client, tableName });
    const silences = new DynamoDbSilenceStore({ client, tableName });
    const heartbeats = new DynamoDbReportHeartbeats({ client, tableName });
    const open = makeIncident();
    const resolved = makeIncident({
      status: 'resolved',
      resolvedAt: '2026-11-20T13:00:00.000Z',
      lastSignal: makeSignal({ rule: 'quota_alert', subject: 'gk_1' }),
    });
    await incidents.put(open, undefined);
    await incidents.put(resolved, undefined);
    await silences.put(silence());
    await silences.put(silence({ id: 'sil_0000000002', endAnnouncedAt: '2026-11-20T14:05:00.000Z' }));
    await heartbeats.record('trace-db', '2026-11-20T12:00:00.000Z');

    expect((await incidents.listOpen()).map((i) => i.dedupKey)).toEqual([open.dedupKey]);
    expect(await incidents.listOpen('trace-db')).toHaveLength(1);
    expect((await listIncidents({ client, tableName })).map((i) => i.dedupKey)).toEqual([open.dedupKey, resolved.dedupKey]);
    expect((await listIncidents({ client, tableName, openOnly: true })).map((i) => i.dedupKey)).toEqual([open.dedupKey]);
    expect((await silences.listAll()).map((s) => s.id)).toEqual(['sil_0000000001', 'sil_0000000002']);
    expect((await silences.listCurrent()).map((s) => s.id)).toEqual(['sil_0000000001']);
    expect(await heartbeats.lastReports(['trace-db'])).toEqual({ 'trace-db': '2026-11-20T12:00:00.000Z' });
  });
});
