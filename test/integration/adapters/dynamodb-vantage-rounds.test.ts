// DynamoDbVantageRounds against moto: each vantage's latest probe round per target, as small
// `vantage-round#<target>#<vantage>` items in the incident table. The vote trusts it, so a late report must
// never replace a newer round, and its items must never look like incidents.
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbVantageRounds } from '../../../lambdas/adapters/dynamodb-vantage-rounds.ts';
import type { VantageRound } from '../../../lambdas/core/probe/vantage-round.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';

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

const byVantage = (list: VantageRound[]) => Object.fromEntries(list.map((r) => [`${r.target}@${r.vantage}`, r]));

describe('DynamoDbVantageRounds', () => {
  it('keeps one latest round per target and vantage and reads those asked for, with consistent reads', async () => {
    await rounds.record(round('eu-central-1', '2026-11-24T10:00:00.000Z'));
    await rounds.record(round('us-east-1', '2026-11-24T10:00:01.000Z', { ok: false, failure: 'timeout', status: null, latencyMs: 5000 }));
    await rounds.record(round('us-east-1', '2026-11-24T10:00:31.000Z', { ok: false, consecutive: true, failure: 'timeout', status: null }));
    await rounds.record({ ...round('eu-central-1', '2026-11-24T10:00:02.000Z'), target: 'server' });

    const latest = byVantage(await rounds.latest(['gateway'], ['eu-central-1', 'us-east-1', 'ap-southeast-2']));
    expect(Object.keys(latest).sort()).toEqual(['gateway@eu-central-1', 'gateway@us-east-1']);
    expect(latest['gateway@us-east-1']).toEqual(
      round('us-east-1', '2026-11-24T10:00:31.000Z', { ok: false, consecutive: true, failure: 'timeout', status: null }),
    );
    expect(await rounds.latest(['server'], ['eu-central-1'])).toHaveLength(1);
    expect(await rounds.latest([], ['eu-central-1'])).toEqual([]);
  });

  it('a late or retried report never replaces a newer round (offsets compared as instants)', async () => {
    await rounds.record(round('us-east-1', '2026-11-24T10:00:31.000Z', { ok: false, failure: 'timeout' }));
    await rounds.record(round('us-east-1', '2026-11-24T10:00:01.000Z', { ok: true }));
    // 11:00:30+01:00 is 10:00:30Z: older than 10:00:31Z, so it is refused too.
    await rounds.record(round('us-east-1', '2026-11-24T11:00:30+01:00', { ok: true }));
    expect(await rounds.latest(['gateway'], ['us-east-1'])).toEqual([
      round('us-east-1', '2026-11-24T10:00:31.000Z', { ok: false, failure: 'timeout' }),
    ]);
    await rounds.record(round('us-east-1', '2026-11-24T11:01:00+01:00'));
    expect((await rounds.latest(['gateway'], ['us-east-1']))[0]).toMatchObject({ at: '2026-11-24T10:01:00.000Z', ok: true });
  });

  it('reads more than one BatchGet (100 keys) holds', async () => {
    const targets = Array.from({ length: 60 }, (_, i) => `target-${i}`);
    for (const target of targets) {
      await rounds.record({ ...round('eu-central-1', '2026-11-24T10:00:00.000Z'), target });
      await rounds.record({ ...round('us-east-1', '2026-11-24T10:00:00.000Z'), target });
    }
    expect(await rounds.latest(targets, ['eu-central-1', 'us-east-1'])).toHaveLength(120);
  });

  it('its items are not incidents: no open or owed incident is listed', async () => {
    await rounds.record(round('us-east-1', '2026-11-24T10:00:01.000Z', { ok: false }));
    const store = new DynamoDbIncidentStore({ client: dynamoClient(), tableName });
    expect(await store.listOpen()).toEqual([]);
    expect(await store.listOwed()).toEqual([]);
  });
});
