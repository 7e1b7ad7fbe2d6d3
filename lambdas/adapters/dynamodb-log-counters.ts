// log-watch's per-minute counters in DynamoDB, so separate invocations (one per log stream batch, in
// parallel) add up. One item per kind, key and minute: `counter` = `${kind}#${key}` (S), `minute` = epoch
// minute (N), `count` (N) and `expiresAt` (TTL). Every add is an UpdateItem ADD (atomic; concurrent
// invocations never conflict), conditioned on the batch id not being in the item's `batches` set, so
// a retried invocation adds nothing twice. One index item per kind and minute
// (`counter` = `index#${kind}`) holds the set of keys seen, so the rules can judge every key of the
// window, not only those of the current batch.
import { BatchGetItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CounterIncrement, CounterKind, LogCounters, MinuteCounts } from '../core/logs/ports.ts';
import { MetisError } from '../core/errors.ts';
import { errorSummary } from '../core/errors.ts';
import { isConditionalCheckFailure } from './dynamodb-conditions.ts';

export const COUNTER_PARTITION_KEY = 'counter';
export const COUNTER_SORT_KEY = 'minute';
export const COUNTER_TTL_ATTRIBUTE = 'expiresAt';

export class LogCountersError extends MetisError {
  override readonly name = 'LogCountersError';
}

export interface DynamoDbLogCountersOptions {
  readonly client: DynamoDBClient;
  /** Table with partition key `counter` (S), sort key `minute` (N), TTL on `expiresAt`. */
  readonly tableName: string;
  /** How long a counter item lives after its minute. @default 1440 (one day; the rules look back minutes) */
  readonly retentionMinutes?: number;
  /** Parallel requests (UpdateItem per add, BatchGetItem pages per read). @default 16 */
  readonly concurrency?: number;
  /** Keys per index update (a DynamoDB item is at most 400 KB). @default 1000 */
  readonly indexChunk?: number;
}

const BATCH_GET_MAX = 100;
const UNPROCESSED_RETRIES = 8;

export class DynamoDbLogCounters implements LogCounters {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly retentionMinutes: number;
  private readonly concurrency: number;
  private readonly indexChunk: number;

  constructor(options: DynamoDbLogCountersOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionMinutes = options.retentionMinutes ?? 1440;
    this.concurrency = options.concurrency ?? 16;
    this.indexChunk = options.indexChunk ?? 1000;
  }

  async add(batchId: string, increments: readonly CounterIncrement[]): Promise<void> {
    const updates: (() => Promise<void>)[] = increments.map(
      (inc) => () =>
        this.update(`${inc.kind}#${inc.key}`, inc.minute, batchId, 'ADD #count :n', { ':n': { N: String(inc.n) } }, { '#count': 'count' }),
    );
    const index = new Map<string, { kind: CounterKind; minute: number; keys: Set<string> }>();
    for (const inc of increments) {
      const id = `${inc.kind}#${inc.minute}`;
      const entry = index.get(id) ?? { kind: inc.kind, minute: inc.minute, keys: new Set<string>() };
      entry.keys.add(inc.key);
      index.set(id, entry);
    }
    for (const { kind, minute, keys } of index.values()) {
      const all = [...keys];
      for (let start = 0, chunk = 0; start < all.length; start += this.indexChunk, chunk++) {
        const part = all.slice(start, start + this.indexChunk);
        // Each chunk has its own marker: the first chunk's marker must not make the second look applied.
        updates.push(() =>
          this.update(
            indexPartition(kind),
            minute,
            `${batchId}:${chunk}`,
            'ADD #keys :keys',
            { ':keys': { SS: part } },
            { '#keys': 'keys' },
          ),
        );
      }
    }
    await runLimited(updates, this.concurrency);
  }

  async keys(kind: CounterKind, fromMinute: number, toMinute: number): Promise<string[]> {
    const keys = new Set<string>();
    let startKey: Record<string, AttributeValue> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            ConsistentRead: true,
            KeyConditionExpression: '#pk = :pk AND #minute BETWEEN :first AND :last',
            ProjectionExpression: '#keys',
            ExpressionAttributeNames: { '#pk': COUNTER_PARTITION_KEY, '#minute': COUNTER_SORT_KEY, '#keys': 'keys' },
            ExpressionAttributeValues: {
              ':pk': { S: indexPartition(kind) },
              ':first': { N: String(fromMinute) },
              ':last': { N: String(toMinute) },
            },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) for (const key of item.keys?.SS ?? []) keys.add(key);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw new LogCountersError(`reading the ${kind} key index from ${this.tableName} failed: ${errorSummary(error)}`, { cause: error });
    }
    return [...keys].sort();
  }

  async read(kind: CounterKind, keys: readonly string[], fromMinute: number, toMinute: number): Promise<MinuteCounts> {
    const wanted: Record<string, AttributeValue>[] = [];
    for (const key of new Set(keys)) {
      for (let minute = fromMinute; minute <= toMinute; minute++) wanted.push(itemKey(`${kind}#${key}`, minute));
    }
    const out: MinuteCounts = new Map();
    const prefix = `${kind}#`;
    const pages: (() => Promise<void>)[] = [];
    for (let start = 0; start < wanted.length; start += BATCH_GET_MAX) {
      const page = wanted.slice(start, start + BATCH_GET_MAX);
      pages.push(async () => {
        let pending: Record<string, AttributeValue>[] = page;
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > UNPROCESSED_RETRIES)
            throw new Error(`${pending.length} keys still unprocessed after ${UNPROCESSED_RETRIES} retries`);
          if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
          const result = await this.client.send(
            new BatchGetItemCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: pending,
                  ConsistentRead: true,
                  ProjectionExpression: '#pk, #minute, #count',
                  ExpressionAttributeNames: { '#pk': COUNTER_PARTITION_KEY, '#minute': COUNTER_SORT_KEY, '#count': 'count' },
                },
              },
            }),
          );
          for (const item of result.Responses?.[this.tableName] ?? []) {
            const id = item[COUNTER_PARTITION_KEY]?.S;
            const minute = Number(item[COUNTER_SORT_KEY]?.N);
            const count = Number(item.count?.N ?? 0);
            if (!id?.startsWith(prefix) || !Number.isFinite(minute) || count === 0) continue;
            const key = id.slice(prefix.length);
            const minutes = out.get(key) ?? new Map<number, number>();
            minutes.set(minute, count);
            out.set(key, minutes);
          }
          pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        }
      });
    }
    try {
      await runLimited(pages, this.concurrency);
    } catch (error) {
      throw new LogCountersError(`reading ${kind} counters from ${this.tableName} failed: ${errorSummary(error)}`, { cause: error });
    }
    return out;
  }

  private async update(
    partition: string,
    minute: number,
    marker: string,
    add: string,
    values: Record<string, AttributeValue>,
    names: Record<string, string>,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: itemKey(partition, minute),
          UpdateExpression: `${add}, #batches :marker SET #expiresAt = :expiresAt`,
          ConditionExpression: 'NOT contains(#batches, :markerId)',
          ExpressionAttributeNames: { ...names, '#batches': 'batches', '#expiresAt': COUNTER_TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ...values,
            ':marker': { SS: [marker] },
            ':markerId': { S: marker },
            ':expiresAt': { N: String((minute + 1 + this.retentionMinutes) * 60) },
          },
        }),
      );
    } catch (error) {
      // Already applied by an earlier attempt of the same batch: exactly what the condition is for.
      if (isConditionalCheckFailure(error)) return;
      throw new LogCountersError(`adding to ${partition} minute ${minute} in ${this.tableName} failed: ${errorSummary(error)}`, {
        cause: error,
      });
    }
  }
}

function indexPartition(kind: CounterKind): string {
  return `index#${kind}`;
}

function itemKey(partition: string, minute: number): Record<string, AttributeValue> {
  return { [COUNTER_PARTITION_KEY]: { S: partition }, [COUNTER_SORT_KEY]: { N: String(minute) } };
}

async function runLimited(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && failure === undefined) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
