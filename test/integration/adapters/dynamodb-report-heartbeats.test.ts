// DynamoDbReportHeartbeats against moto: the last evaluation report per detector source, kept as small
// `heartbeat#<source>` items in the incident table. The sweeper's stalled-detector check trusts it, so it
// must only ever move forward in time, and its items must never look like incidents.
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import type { SignalSource } from '../../../lambdas/core/signal.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';
import { makeIncident, makeSignal } from '../support/fixtures.ts';

const client = () => dynamoClient();
let tableCounter = 0;
let tableName: string;
let heartbeats: DynamoDbReportHeartbeats;

beforeEach(async () => {
  tableName = `heartbeats-${++tableCounter}`;
  await createIncidentTable(client(), tableName);
  heartbeats = new DynamoDbReportHeartbeats({ client: client(), tableName });
});

async function rawItem(source: string): Promise<Record<string, unknown> | undefined> {
  const documents = DynamoDBDocumentClient.from(client());
  return (await documents.send(new GetCommand({ TableName: tableName, Key: { dedupKey: `heartbeat#${source}` }, ConsistentRead: true })))
    .Item;
}

/** lastReports as instants (ms), so the stored representation of a time does not matter. */
async function lastInstants(sources: SignalSource[]): Promise<Record<string, number>> {
  const last = await heartbeats.lastReports(sources);
  return Object.fromEntries(Object.entries(last).map(([source, at]) => [source, Date.parse(at!)]));
}

describe('DynamoDbReportHeartbeats', () => {
  it('round-trips the last report of each source, stored as a heartbeat#<source> item', async () => {
    await heartbeats.record('trace-db', '2026-11-24T10:00:00.000Z');
    await heartbeats.record('logs', '2026-11-24T10:00:30.000Z');
    expect(await heartbeats.lastReports(['trace-db', 'logs'])).toEqual({
      'trace-db': '2026-11-24T10:00:00.000Z',
      logs: '2026-11-24T10:00:30.000Z',
    });
    expect(await heartbeats.lastReports(['logs'])).toEqual({ logs: '2026-11-24T10:00:30.000Z' });
    expect(await rawItem('trace-db')).toEqual({
      dedupKey: 'heartbeat#trace-db',
      kind: 'heartbeat',
      source: 'trace-db',
      lastReportAt: '2026-11-24T10:00:00.000Z',
    });
  });

  it('moves forward with each newer report', async () => {
    await heartbeats.record('trace-db', '2026-11-24T10:00:00.000Z');
    await heartbeats.record('trace-db', '2026-11-24T10:01:00.000Z');
    await heartbeats.record('trace-db', '2026-11-24T10:02:00.000Z');
    expect(await heartbeats.lastReports(['trace-db'])).toEqual({ 'trace-db': '2026-11-24T10:02:00.000Z' });
  });

  it('does not move back on a late (older) report, nor fail on it or on a repeat of the same time', async () => {
    await heartbeats.record('trace-db', '2026-11-24T10:05:00.000Z');
    await expect(heartbeats.record('trace-db', '2026-11-24T10:04:00.000Z')).resolves.toBeUndefined();
    await expect(heartbeats.record('trace-db', '2026-11-24T10:05:00.000Z')).resolves.toBeUndefined();
    expect(await heartbeats.lastReports(['trace-db'])).toEqual({ 'trace-db': '2026-11-24T10:05:00.000Z' });
    // Per source: an older report of another source is recorded as usual.
    await heartbeats.record('logs', '2026-11-24T09:00:00.000Z');
    expect(await heartbeats.lastReports(['trace-db', 'logs'])).toEqual({
      'trace-db': '2026-11-24T10:05:00.000Z',
      logs: '2026-11-24T09:00:00.000Z',
    });
  });

  it('compares report times as instants: a late report stamped with an offset does not move it back, and newer ones still move it forward', async () => {
    // Evaluation reports accept any ISO-8601 instant with an offset (signal-schema.ts isoInstant).
    await heartbeats.record('trace-db', '2026-11-24T10:30:00.000Z');
    // 12:00+03:00 is 09:00Z: 90 minutes OLDER, though its text sorts after "10:30...Z".
    await heartbeats.record('trace-db', '2026-11-24T12:00:00+03:00');
    expect(await lastInstants(['trace-db'])).toEqual({ 'trace-db': Date.parse('2026-11-24T10:30:00.000Z') });
    await heartbeats.record('trace-db', '2026-11-24T10:35:00.000Z');
    expect(await lastInstants(['trace-db'])).toEqual({ 'trace-db': Date.parse('2026-11-24T10:35:00.000Z') });
  });

  it('leaves unknown sources out of the answer', async () => {
    await heartbeats.record('trace-db', '2026-11-24T10:00:00.000Z');
    expect(await heartbeats.lastReports(['probe', 'logs'])).toEqual({});
    expect(await heartbeats.lastReports(['probe', 'trace-db', 'pipeline'])).toEqual({ 'trace-db': '2026-11-24T10:00:00.000Z' });
    expect(await heartbeats.lastReports([])).toEqual({});
  });

  it('never shows up in the incident store: listOpen (all sources or one) returns only incidents', async () => {
    const store = new DynamoDbIncidentStore({ client: client(), tableName });
    const open = makeIncident({ lastSignal: makeSignal({ source: 'trace-db' }) });
    expect(await store.put(open, undefined)).toBe(true);
    // Heartbeats of every source, including the sweeper's own "watching since" record.
    for (const source of ['trace-db', 'logs', 'pipeline', 'probe'] as const) await heartbeats.record(source, '2026-11-24T10:00:00.000Z');
    expect((await store.listOpen()).map((i) => i.dedupKey)).toEqual([open.dedupKey]);
    expect((await store.listOpen('trace-db')).map((i) => i.dedupKey)).toEqual([open.dedupKey]);
    expect(await store.listOpen('pipeline')).toEqual([]);
    expect(await store.get('heartbeat#trace-db')).toMatchObject({ kind: 'heartbeat' }); // it is there, just not an incident
    // And the incident is not taken for a heartbeat.
    expect(await heartbeats.lastReports(['trace-db', 'logs', 'pipeline', 'probe'])).toEqual({
      'trace-db': '2026-11-24T10:00:00.000Z',
      logs: '2026-11-24T10:00:00.000Z',
      pipeline: '2026-11-24T10:00:00.000Z',
      probe: '2026-11-24T10:00:00.000Z',
    });
  });
});
