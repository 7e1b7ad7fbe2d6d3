// The DynamoDB counters adapter against moto, beside the in-memory one it must behave like: the index of
// keys per minute, reads over many keys (BatchGetItem pages of 100), index chunks and their markers.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLogCounters, LogCountersError } from '../../../lambdas/adapters/dynamodb-log-counters.ts';
import { MemoryLogCounters } from '../../../lambdas/adapters/memory-log-counters.ts';
import type { CounterIncrement, LogCounters } from '../../../lambdas/core/logs/ports.ts';
import { createCountersTable, createLogWatchWorld, type LogWatchWorld } from '../support/log-watch-world.ts';

let world: LogWatchWorld;
beforeAll(async () => {
  world = await createLogWatchWorld();
});

const M = 29_500_000;
const increments: CounterIncrement[] = [
  ...Array.from(
    { length: 150 },
    (_, i): CounterIncrement => ({ kind: 'quota_exceeded', key: `gk_01K${i}`, minute: M + (i % 6), n: i + 1 }),
  ),
  { kind: 'key_revoked', key: 'gk_01R', minute: M, n: 4 },
  { kind: 'traceback', key: 'ValueError@/app/a.py:f', minute: M + 1, n: 2 },
];

async function exercise(counters: LogCounters) {
  await counters.add('batch-1', increments);
  await counters.add('batch-1', increments); // a retry
  await counters.add('batch-2', [{ kind: 'quota_exceeded', key: 'gk_01K0', minute: M, n: 10 }]);
  const keys = await counters.keys('quota_exceeded', M, M + 5);
  const early = await counters.keys('quota_exceeded', M, M);
  const read = await counters.read('quota_exceeded', keys, M, M + 5);
  return {
    keys: keys.length,
    early: early.length,
    k0: [...(read.get('gk_01K0') ?? new Map())],
    k149: [...(read.get('gk_01K149') ?? new Map())],
    total: [...read.values()].flatMap((m) => [...m.values()]).reduce((a, b) => a + b, 0),
    revoked: [...(await counters.read('key_revoked', ['gk_01R', 'gk_01NONE'], M - 5, M)).entries()].map(([k, m]) => [k, [...m]]),
    traceback: await counters.keys('traceback', M, M + 1),
  };
}

describe('DynamoDbLogCounters', () => {
  it('agrees with MemoryLogCounters: index per minute, counts over 150 keys x 6 minutes, retries counted once', async () => {
    const table = await createCountersTable(world.dynamo);
    // One request at a time: moto serves requests on threads and its UpdateItem is not atomic across them, so
    // parallel ADDs to the same index item lost keys on a loaded machine (DynamoDB's ADD is atomic).
    const dynamo = await exercise(new DynamoDbLogCounters({ client: world.dynamo, tableName: table, indexChunk: 7, concurrency: 1 }));
    const memory = await exercise(new MemoryLogCounters());
    expect(dynamo).toEqual(memory);
    expect(dynamo).toMatchObject({
      keys: 150,
      early: 25,
      k0: [[M, 11]],
      k149: [[M + 5, 150]],
      total: (150 * 151) / 2 + 10,
      revoked: [['gk_01R', [[M, 4]]]],
      traceback: ['ValueError@/app/a.py:f'],
    });
  });

  it('throws LogCountersError naming the table when it does not exist', async () => {
    const counters = new DynamoDbLogCounters({ client: world.dynamo, tableName: 'missing-table' });
    await expect(counters.add('b', increments.slice(0, 1))).rejects.toThrow(LogCountersError);
    await expect(counters.keys('quota_exceeded', M, M)).rejects.toThrow(/missing-table/);
    await expect(counters.read('quota_exceeded', ['gk_01K0'], M, M)).rejects.toThrow(/missing-table/);
  });

  it('adds nothing and calls nothing for an empty batch', async () => {
    const table = await createCountersTable(world.dynamo);
    const counters = new DynamoDbLogCounters({ client: world.dynamo, tableName: table });
    await counters.add('empty', []);
    expect(await counters.keys('quota_exceeded', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});
