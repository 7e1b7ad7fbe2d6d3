// The log-watch handler in-process with real SDK clients against moto: counters in DynamoDB adding up
// across invocations (atomic ADD, once per batch), a split traceback completed from CloudWatch Logs, the
// evaluation report read back from the bus through an SQS target, every kind of bad input, a 10 000-event
// batch, and the counters table going away.
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbLogCounters } from '../../../../lambdas/adapters/dynamodb-log-counters.ts';
import { REPORT_DETAIL_TYPE } from '../../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { epochMinute, KEY_REVOKED_RULE, QUOTA_RULE } from '../../../../lambdas/core/logs/rules.ts';
import { signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import { LogCountersUnavailableError, type LogWatchOutcome } from '../../../../lambdas/functions/log-watch/handler.ts';
import {
  dataMessage,
  eventsOf,
  keyRevokedJson,
  quotaExceededJson,
  splitEvents,
  STDLIB_TRACEBACK,
  subscriptionEvent,
  UVICORN_ACCESS_401,
  UVICORN_TRACEBACK,
} from '../../../unit/core/logs/fixtures.ts';
import {
  createCountersTable,
  createLogWatchWorld,
  LOG_GROUP,
  logWatchHandler,
  putStream,
  readReports,
  recentMinute,
  type LogWatchWorld,
} from '../../support/log-watch-world.ts';

let world: LogWatchWorld;
/** A fresh counters table per test: the key rules judge every key of the window, so tests must not share one. */
let table: string;
const T = recentMinute(10);
const at = (offsetMs: number) => () => new Date(T + offsetMs);

beforeAll(async () => {
  world = await createLogWatchWorld();
});

beforeEach(async () => {
  table = await createCountersTable(world.dynamo);
  await readReports(world); // leftovers of the previous test
});

async function countOf(partition: string, minute: number): Promise<number | undefined> {
  const item = await world.dynamo.send(
    new GetItemCommand({ TableName: table, Key: { counter: { S: partition }, minute: { N: String(minute) } }, ConsistentRead: true }),
  );
  return item.Item?.count?.N === undefined ? undefined : Number(item.Item.count.N);
}

describe('counters in DynamoDB', () => {
  it('add up across two invocations: 6 then 5 revoked-key attempts fire on the second (more than 10)', async () => {
    const key = 'gk_01TWOINVOCATIONS';
    const { run } = logWatchHandler(world, at(40_000), { table });
    const first = await run(
      subscriptionEvent(
        dataMessage(
          eventsOf(
            Array.from({ length: 6 }, () => keyRevokedJson(key)),
            T + 1000,
            100,
          ),
          { logStream: 'pod-a' },
        ),
      ),
    );
    expect(first.scan.signals).toEqual([]);
    const second = await run(
      subscriptionEvent(
        dataMessage(
          eventsOf(
            Array.from({ length: 5 }, () => keyRevokedJson(key)),
            T + 2000,
            100,
            100,
          ),
          { logStream: 'pod-b' },
        ),
      ),
    );
    expect(second.scan.signals.map((s) => s.dedupKey)).toEqual([`${KEY_REVOKED_RULE}:${key}`]);
    expect(await countOf(`key_revoked#${key}`, epochMinute(T))).toBe(11);
    const index = await world.dynamo.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#k = :k',
        ExpressionAttributeNames: { '#k': 'counter' },
        ExpressionAttributeValues: { ':k': { S: 'index#key_revoked' } },
      }),
    );
    expect(index.Items?.flatMap((i) => i.keys?.SS ?? [])).toContain(key);
    const item = await world.dynamo.send(
      new GetItemCommand({ TableName: table, Key: { counter: { S: `key_revoked#${key}` }, minute: { N: String(epochMinute(T)) } } }),
    );
    expect(Number(item.Item?.expiresAt?.N)).toBe((epochMinute(T) + 1 + 1440) * 60);
    const reports = await readReports(world, 2);
    expect(reports.map((r) => r.detail.signals.length)).toEqual([0, 1]);
  });

  it('a retried invocation (the same event twice) is counted once', async () => {
    const key = 'gk_01RETRIED';
    const event = subscriptionEvent(
      dataMessage(
        eventsOf(
          Array.from({ length: 7 }, () => keyRevokedJson(key)),
          T + 3000,
          100,
          200,
        ),
      ),
    );
    const { run } = logWatchHandler(world, at(40_000), { table });
    await run(event);
    await run(event);
    expect(await countOf(`key_revoked#${key}`, epochMinute(T))).toBe(7);
  });

  it('concurrent invocations on the same key and minute lose no increment (atomic ADD)', async () => {
    const key = 'gk_01CONCURRENT';
    // The eight invocations interleave freely; only moto sees one request at a time, because moto's own
    // UpdateItem ADD is not atomic across its server threads (a loaded run lost increments inside moto).
    // A read-then-write counter would still lose increments here: its reads and writes interleave.
    const counters = new DynamoDbLogCounters({ client: oneRequestAtATime(world.dynamo), tableName: table });
    const { run } = logWatchHandler(world, at(50_000), { table, counters });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        run(
          subscriptionEvent(
            dataMessage(
              eventsOf(
                Array.from({ length: 3 }, () => quotaExceededJson(key)),
                T + 5000 + i * 100,
                10,
                1000 + i * 10,
              ),
              { logStream: `pod-${i}` },
            ),
          ),
        ),
      ),
    );
    expect(await countOf(`quota_exceeded#${key}`, epochMinute(T))).toBe(24);
  });

  it('judge a quota flood over five minutes of separate invocations and put the signal on the bus', async () => {
    const key = 'gk_01FLOODING';
    let outcome: LogWatchOutcome | undefined;
    for (let m = 0; m < 5; m++) {
      const { run } = logWatchHandler(world, at(m * 60_000 + 50_000), { table });
      outcome = await run(
        subscriptionEvent(
          dataMessage(eventsOf([quotaExceededJson(key), quotaExceededJson(key)], T + m * 60_000 + 10_000, 1000, 2000 + m * 10)),
        ),
      );
    }
    expect(outcome!.scan.signals.map((s) => s.dedupKey)).toEqual([`${QUOTA_RULE}:${key}`]);
    const reports = await readReports(world, 5);
    const last = reports.at(-1)!;
    expect(last.source).toBe('metis-alerts.logs');
    expect(last['detail-type']).toBe(REPORT_DETAIL_TYPE);
    expect(last.detail).toMatchObject({ source: 'logs', evaluated: [QUOTA_RULE, KEY_REVOKED_RULE] });
    expect(last.detail.signals).toHaveLength(1);
    expect(signalSchema.safeParse(last.detail.signals[0]).success).toBe(true);
    expect(last.detail.signals[0]!.summary).toContain('/analytics/by_key');
  });
});

describe('a traceback split by the container runtime', () => {
  it('fetches the rest of the stream from CloudWatch Logs and reports the exception type on the bus', async () => {
    const stream = 'gateway/metis-gateway-7d9f8b6c4-x2k8p/split';
    const lines = splitEvents([UVICORN_ACCESS_401, STDLIB_TRACEBACK, UVICORN_ACCESS_401].join('\n'), T + 20_000);
    await putStream(world, stream, lines);
    const delivered = lines.filter((e) => e.message.includes('Traceback'));
    const { run, recorded } = logWatchHandler(world, at(30_000), { table });
    const { scan } = await run(subscriptionEvent(dataMessage(delivered, { logStream: stream })));
    expect(scan.stats).toMatchObject({ splitTracebacks: 1, completedByFetch: 1, fetchCalls: 1 });
    const [report] = await readReports(world, 1);
    const [signal] = report!.detail.signals;
    expect(signal).toMatchObject({
      rule: 'traceback',
      severity: 'SEV2',
      subject: 'sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event',
    });
    expect(signal!.details).toMatchObject({ typeKnown: true, completedFrom: 'fetched', logGroup: LOG_GROUP, logStream: stream });
    expect(signal!.details.excerpt).toContain('sqlite3.OperationalError: database is locked');
    expect(report!.detail.evaluated).not.toContain('traceback');
    expect(recorded.metrics[0]).toContainEqual({ name: 'SplitTracebacksFetched', unit: 'Count', value: 1 });
  });

  it('reports a traceback of unknown type when the log group cannot be read', async () => {
    const delivered = splitEvents(UVICORN_TRACEBACK, T + 25_000).filter((e) => e.message.includes('Traceback'));
    const { run, recorded } = logWatchHandler(world, at(30_000), { table });
    const { scan } = await run(subscriptionEvent(dataMessage(delivered, { logGroup: '/metis/deleted/gateway', logStream: 'gone' })));
    expect(scan.signals[0]).toMatchObject({ rule: 'traceback', subject: 'unknown@/metis/deleted/gateway' });
    expect(scan.signals[0]!.summary).toContain('Traceback of unknown type (fetching the following lines failed');
    expect(recorded.logs.some((l) => l.level === 'warn' && l.message.includes('ResourceNotFoundException'))).toBe(true);
    await readReports(world, 1);
  });
});

describe('bad input is counted and logged, never thrown', () => {
  it.each([
    ['data that is not base64', { awslogs: { data: '!!not base64!!' } }, 'not_base64'],
    ['data that is not gzip', { awslogs: { data: Buffer.from('{"logEvents":[]}').toString('base64') } }, 'not_gzip'],
    ['data that is not JSON', { awslogs: { data: 'H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==' } }, 'not_json'],
    [
      'a message without logEvents',
      subscriptionEvent({ messageType: 'DATA_MESSAGE', logGroup: LOG_GROUP, logStream: 's' }),
      'no_log_events',
    ],
  ])('%s: resolves, logs the reason, counts RejectedBatches, puts nothing on the bus', async (_name, input, reason) => {
    const { run, recorded } = logWatchHandler(world, at(0), { table });
    const { scan, report } = await run(input);
    expect(scan).toMatchObject({ outcome: 'rejected', failure: { reason } });
    expect(report).toBeUndefined();
    expect(recorded.logs).toEqual([{ level: 'error', message: 'log batch rejected', fields: { reason, problem: expect.any(String) } }]);
    expect(recorded.metrics).toEqual([[{ name: 'RejectedBatches', unit: 'Count', value: 1 }]]);
    expect(await readReports(world)).toEqual([]);
  });

  it('a CONTROL_MESSAGE is ignored: no report', async () => {
    const { run } = logWatchHandler(world, at(0), { table });
    const { scan } = await run(
      subscriptionEvent({
        messageType: 'CONTROL_MESSAGE',
        owner: 'CloudwatchLogs',
        logGroup: '',
        logStream: '',
        subscriptionFilters: [],
        logEvents: [],
      }),
    );
    expect(scan.outcome).toBe('control');
    expect(await readReports(world)).toEqual([]);
  });

  it('binary garbage and an all-secrets message: scanned, redacted, published', async () => {
    const garbage = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 97) % 256)).toString('latin1');
    const secrets = 'gw_live_4f9a8b7c6d5e4f3a2b1c sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz oncall@example.com AKIAIOSFODNN7EXAMPLE';
    const allSecrets = `${secrets}\nTraceback (most recent call last):\n  File "/app/a.py", line 1, in f\n    auth("${secrets}")\nValueError: ${secrets}`;
    const { run } = logWatchHandler(world, at(30_000), { table });
    await run(subscriptionEvent(dataMessage(eventsOf([garbage, allSecrets], T + 10_000))));
    const [report] = await readReports(world, 1);
    const text = JSON.stringify(report!.detail);
    for (const secret of secrets.split(' ')) expect(text).not.toContain(secret);
    expect(report!.detail.signals.map((s) => s.subject)).toEqual(['ValueError@/app/a.py:f']);
  });
});

describe('a 10 000-event batch', () => {
  it('is scanned, counted in DynamoDB and reported in one invocation', async () => {
    const messages = Array.from({ length: 10_000 }, (_, i) =>
      i % 4 === 0
        ? quotaExceededJson(`gk_01BIG${i % 12}`)
        : i % 4 === 1
          ? keyRevokedJson('gk_01BIGREVOKED')
          : i % 400 === 2
            ? STDLIB_TRACEBACK
            : UVICORN_ACCESS_401,
    );
    const { run, recorded } = logWatchHandler(world, at(59_000), { table });
    const { scan, report } = await run(subscriptionEvent(dataMessage(eventsOf(messages, T + 30_000, 2, 50_000), { logStream: 'pod-big' })));
    expect(scan.stats).toMatchObject({ events: 10_000, quotaExceeded: 2500, keyRevoked: 2500, tracebacks: 25 });
    expect(report?.signals.map((s) => s.dedupKey).sort()).toEqual([
      `${KEY_REVOKED_RULE}:gk_01BIGREVOKED`,
      'traceback:sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event',
    ]);
    expect(await countOf('key_revoked#gk_01BIGREVOKED', epochMinute(T + 30_000))).toBe(2500);
    // The volume is a field of the scan's log line, not a custom metric (no alarm or dashboard reads it).
    expect(recorded.logs.find((l) => l.message === 'log batch scanned')?.fields).toMatchObject({ events: 10_000, keyRevoked: 2500 });
    expect(recorded.metrics[0]!.map((m) => m.name)).not.toContain('LogEvents');
    await readReports(world, 1);
  });
});

describe('when the counters table is unavailable', () => {
  it('publishes what it knows (tracebacks, no counter rules evaluated), then throws so Lambda retries', async () => {
    const { run, recorded } = logWatchHandler(world, at(30_000), {
      counters: new DynamoDbLogCounters({ client: world.dynamo, tableName: 'no-such-table' }),
    });
    await expect(
      run(subscriptionEvent(dataMessage(eventsOf([STDLIB_TRACEBACK, keyRevokedJson('gk_01X')], T + 1000)))),
    ).rejects.toBeInstanceOf(LogCountersUnavailableError);
    const [report] = await readReports(world, 1);
    expect(report!.detail.evaluated).toEqual([]);
    expect(report!.detail.signals.map((s) => s.rule)).toEqual(['traceback']);
    expect(recorded.logs.some((l) => l.level === 'error' && String(l.fields.problem).includes('ResourceNotFoundException'))).toBe(true);
  });
});

/** The same client, with its requests sent one after another (each waits for the previous answer). */
function oneRequestAtATime<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C): C {
  let queue: Promise<unknown> = Promise.resolve();
  const send = (...args: Parameters<C['send']>) => {
    const next = queue.then(() => client.send(...args));
    queue = next.catch(() => undefined);
    return next;
  };
  return new Proxy(client, { get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)) });
}
