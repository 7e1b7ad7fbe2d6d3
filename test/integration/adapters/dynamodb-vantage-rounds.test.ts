// DynamoDbVantageRounds against moto: every vantage's latest probe rounds as one `vantage-rounds` item of the
// incident table, one attribute per vantage, written by one conditional UpdateItem per report that answers
// the whole item. The vote trusts it: a late report must never replace a newer round, two regions reporting
// at once must never lose each other's rounds, and the item must never look like an incident.
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbVantageRounds, VANTAGE_ROUNDS_KEY } from '../../../lambdas/adapters/dynamodb-vantage-rounds.ts';
import type { VantageRound } from '../../../lambdas/core/probe/vantage-round.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';

const VOTERS = ['eu-central-1', 'us-east-1', 'ap-southeast-2'];
let tableCounter = 0;
let tableName: string;
let rounds: DynamoDbVantageRounds;

beforeEach(async () => {
  tableName = `vantage-rounds-${++tableCounter}`;
  await createIncidentTable(dynamoClient(), tableName);
  rounds = new DynamoDbVantageRounds({ client: dynamoClient(), tableName });
});

function round(vantage: string, at: string, overrides: Partial<VantageRound> = {}): VantageRound {
  return {
    target: 'gateway',
    vantage,
    at,
    ok: true,
    consecutive: false,
    flapping: false,
    sustained: false,
    failure: null,
    status: 200,
    latencyMs: 41,
    tlsDaysLeft: 60,
    firstMove: null,
    ...overrides,
  };
}

/** One report of `vantage` at `at` with these rounds (their vantage and time set to the report's). */
function report(vantage: string, at: string, list: VantageRound[] = [round(vantage, at)], voters = VOTERS) {
  return { vantage, at, rounds: list.map((r) => ({ ...r, vantage, at })), voters };
}

const byKey = (list: VantageRound[]) => Object.fromEntries(list.map((r) => [`${r.target}@${r.vantage}`, r]));
const rawItem = async () =>
  (
    await DynamoDBDocumentClient.from(dynamoClient()).send(
      new GetCommand({ TableName: tableName, Key: { dedupKey: VANTAGE_ROUNDS_KEY }, ConsistentRead: true }),
    )
  ).Item;

describe('DynamoDbVantageRounds', () => {
  it("keeps every vantage's latest rounds in one item and answers all of them from the write itself", async () => {
    const first = await rounds.record(report('eu-central-1', '2026-11-24T10:00:00.000Z'));
    expect(first).toEqual([round('eu-central-1', '2026-11-24T10:00:00.000Z')]);

    const failing = round('us-east-1', '2026-11-24T10:00:01.000Z', { ok: false, failure: 'timeout', status: null, latencyMs: 5000 });
    const server = { ...round('us-east-1', '2026-11-24T10:00:01.000Z'), target: 'server' };
    const second = byKey(await rounds.record(report('us-east-1', '2026-11-24T10:00:01.000Z', [failing, server])));
    expect(Object.keys(second).sort()).toEqual(['gateway@eu-central-1', 'gateway@us-east-1', 'server@us-east-1']);
    expect(second['gateway@us-east-1']).toEqual(failing);
    expect(second['server@us-east-1']).toEqual(server);

    // A newer report of a vantage replaces all of its rounds (a target it no longer names is gone), no other vantage's.
    const third = byKey(await rounds.record(report('us-east-1', '2026-11-24T10:00:31.000Z')));
    expect(Object.keys(third).sort()).toEqual(['gateway@eu-central-1', 'gateway@us-east-1']);
    expect(third['gateway@us-east-1']).toEqual(round('us-east-1', '2026-11-24T10:00:31.000Z'));

    // One item, one attribute per vantage; null fields are left out of it (they come back as null).
    const item = await rawItem();
    expect(Object.keys(item!).sort()).toEqual(['dedupKey', 'kind', 'vantage@eu-central-1', 'vantage@us-east-1']);
    expect(item!['vantage@us-east-1']).toEqual({
      at: '2026-11-24T10:00:31.000Z',
      rounds: { gateway: { ok: true, consecutive: false, flapping: false, sustained: false, status: 200, latencyMs: 41, tlsDaysLeft: 60 } },
    });
  });

  it('a late or retried report never replaces a newer round (offsets compared as instants) and answers the stored rounds', async () => {
    await rounds.record(report('eu-central-1', '2026-11-24T10:00:30.000Z'));
    const newer = round('us-east-1', '2026-11-24T10:00:31.000Z', { ok: false, failure: 'timeout' });
    await rounds.record(report('us-east-1', '2026-11-24T10:00:31.000Z', [newer]));

    const late = await rounds.record(report('us-east-1', '2026-11-24T10:00:01.000Z', [round('us-east-1', '', { ok: true })]));
    expect(byKey(late)).toEqual({ 'gateway@eu-central-1': round('eu-central-1', '2026-11-24T10:00:30.000Z'), 'gateway@us-east-1': newer });
    // The same report again (EventBridge delivers at least once) changes nothing.
    expect(byKey(await rounds.record(report('us-east-1', '2026-11-24T10:00:31.000Z', [newer])))['gateway@us-east-1']).toEqual(newer);
    // 11:00:30+01:00 is 10:00:30Z: older than 10:00:31Z, so it is refused too.
    const offset = await rounds.record(report('us-east-1', '2026-11-24T11:00:30+01:00', [round('us-east-1', '', { ok: true })]));
    expect(byKey(offset)['gateway@us-east-1']).toEqual(newer);

    const next = await rounds.record(report('us-east-1', '2026-11-24T11:01:00+01:00'));
    expect(byKey(next)['gateway@us-east-1']).toMatchObject({ at: '2026-11-24T10:01:00.000Z', ok: true });
  });

  it('reports from three regions written at once, round after round, never lose each other: each keeps its newest round', async () => {
    const regions = VOTERS;
    const t = (minute: number, region: number) => new Date(Date.parse('2026-11-24T10:00:00.000Z') + minute * 30_000 + region).toISOString();
    // moto creates a missing item without a lock (two first writes at once may drop one; DynamoDB serializes
    // those too), so the item exists before the bursts: one earlier round of one region.
    await rounds.record(report('eu-central-1', '2026-11-24T09:59:00.000Z'));
    for (let minute = 0; minute < 8; minute++) {
      // Every region's report of this round at once, plus the previous round of one region arriving late among them.
      const calls = regions.map((region, i) =>
        rounds.record(report(region, t(minute, i), [round(region, '', { latencyMs: minute * 10 + i })])),
      );
      if (minute > 0) calls.push(rounds.record(report(regions[minute % 3]!, t(minute - 1, minute % 3))));
      const answers = await Promise.all(calls);
      // Each answer holds its own region's round of this minute; the last one written holds all three.
      for (const [i, answer] of answers.slice(0, 3).entries()) expect(byKey(answer)[`gateway@${regions[i]}`]?.at).toBe(t(minute, i));
      expect(answers.some((answer) => regions.every((region, i) => byKey(answer)[`gateway@${region}`]?.at === t(minute, i)))).toBe(true);
    }
    const last = byKey(await rounds.record(report('eu-central-1', t(7, 0))));
    expect(regions.map((region) => [last[`gateway@${region}`]?.at, last[`gateway@${region}`]?.latencyMs])).toEqual(
      regions.map((_, i) => [t(7, i), 70 + i]),
    );
  });

  it('a region taken out of the voters is dropped from the item on the next write', async () => {
    await rounds.record(report('ap-southeast-2', '2026-11-24T10:00:00.000Z'));
    await rounds.record(report('us-east-1', '2026-11-24T10:00:01.000Z'));
    const answer = await rounds.record(report('us-east-1', '2026-11-24T10:00:31.000Z', undefined, ['eu-central-1', 'us-east-1']));
    expect(answer.map((r) => r.vantage)).toEqual(['us-east-1']);
    expect(Object.keys((await rawItem())!).sort()).toEqual(['dedupKey', 'kind', 'vantage@us-east-1']);
  });

  it('its item is not an incident: no open or owed incident is listed', async () => {
    await rounds.record(report('us-east-1', '2026-11-24T10:00:01.000Z', [round('us-east-1', '', { ok: false })]));
    const store = new DynamoDbIncidentStore({ client: dynamoClient(), tableName });
    expect(await store.listOpen()).toEqual([]);
    expect(await store.listOwed()).toEqual([]);
  });
});
