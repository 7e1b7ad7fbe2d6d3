// The ack intake's seen ids in the incident table (moto): the first claim wins and later ones lose, a
// released id can be claimed again, the item carries the TTL and no `status` (incident scans never see it).
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbSeenIds } from '../../../lambdas/adapters/dynamodb-seen-ids.ts';
import { createIncidentTable, dynamoClient, perFileName } from '../support/aws.ts';

const tableName = perFileName('seen-ids');
const client = dynamoClient();
const seen = new DynamoDbSeenIds({ client, tableName });

beforeAll(async () => {
  await createIncidentTable(client, tableName);
});

describe('DynamoDbSeenIds', () => {
  // Sequential on purpose: moto's threads do not make a conditional write atomic across concurrent requests.
  it('lets the first claim of an id win and every later one lose; another id is independent', async () => {
    expect(await seen.claim('pagerduty:event:e1', 1_800_000_000)).toBe(true);
    expect(await seen.claim('pagerduty:event:e1', 1_800_000_000)).toBe(false);
    expect(await seen.claim('pagerduty:event:e1', 1_900_000_000)).toBe(false);
    expect(await seen.claim('pagerduty:webhook:e1', 1_800_000_000)).toBe(true);
  });

  it('a released id can be claimed again (a failed write must not turn the retry into a replay)', async () => {
    expect(await seen.claim('opsgenie:event:abc', 1_800_000_000)).toBe(true);
    await seen.release('opsgenie:event:abc');
    expect(await seen.claim('opsgenie:event:abc', 1_800_000_000)).toBe(true);
  });

  it('stores a seen# item with expiresAt and no status, invisible to incident listings', async () => {
    await seen.claim('link:n1', 1_800_000_123.7);
    const item = await client.send(new GetItemCommand({ TableName: tableName, Key: { dedupKey: { S: 'seen#link:n1' } } }));
    expect(item.Item).toEqual({ dedupKey: { S: 'seen#link:n1' }, kind: { S: 'seen' }, expiresAt: { N: '1800000123' } });
    const store = new DynamoDbIncidentStore({ client, tableName });
    expect(await store.listOpen()).toEqual([]);
  });
});
