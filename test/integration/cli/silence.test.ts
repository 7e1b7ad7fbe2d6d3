// `metis-alerts silence add|list|expire` end to end: the real CLI process against a moto DynamoDB table,
// configured the way an operator's shell would be (AWS_ENDPOINT_URL, AWS_REGION, credentials,
// METIS_ALERTS_TABLE). Round trip, what lands in the table, and every bad input's exit 2.
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import type { Silence } from '../../../lambdas/core/silence.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';
import { expectUsageError, stubTableEnv, useAwsCliEnv } from '../support/aws-cli.ts';
import { runCli } from '../support/run-cli.ts';

const TABLE = 'metis-alerts-incidents';
const OTHER_TABLE = 'metis-alerts-incidents-other';
const NOW = '2026-11-20T12:00:00Z';
const ID = /^sil_[0-9a-hjkmnp-tv-z]{10}$/;

useAwsCliEnv(TABLE);

beforeAll(async () => {
  await createIncidentTable(dynamoClient(), TABLE);
  await createIncidentTable(dynamoClient(), OTHER_TABLE);
});

function ok(args: string[]): string {
  const run = runCli(args);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

const json = <T>(args: string[]): T => JSON.parse(ok([...args, '--json'])) as T;
type Listed = Silence & { state: string };

async function itemCount(table: string): Promise<number> {
  const page = await dynamoClient().send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
  return page.Count ?? 0;
}

describe('metis-alerts silence: add, list, expire', () => {
  it('round-trips through the table', async () => {
    const first = json<Silence>([
      'silence',
      'add',
      '--rule',
      'model_error_rate',
      '--subject',
      'claude-sonnet-4',
      '--for',
      '2h',
      '--reason',
      'provider maintenance',
      '--now',
      NOW,
    ]);
    expect(first.id).toMatch(ID);
    expect(first).toMatchObject({
      rule: 'model_error_rate',
      subject: 'claude-sonnet-4',
      startsAt: '2026-11-20T12:00:00.000Z',
      endsAt: '2026-11-20T14:00:00.000Z',
      reason: 'provider maintenance',
      createdAt: '2026-11-20T12:00:00.000Z',
    });
    expect(first).not.toHaveProperty('expiredAt');
    expect(typeof first.createdBy).toBe('string');

    // What the router's store reads back is exactly what was printed.
    const store = new DynamoDbSilenceStore({ client: dynamoClient(), tableName: TABLE });
    expect(await store.get(first.id)).toEqual(first);
    const { Item } = await dynamoClient().send(new GetItemCommand({ TableName: TABLE, Key: { dedupKey: { S: `silence#${first.id}` } } }));
    expect(Item?.kind).toEqual({ S: 'silence' });

    // Five minutes later, so the two list in a known order (ids are random; the order is startsAt, then id).
    const human = ok([
      'silence',
      'add',
      '--rule',
      'traceback',
      '--until',
      '2026-11-20T13:30:00Z',
      '--reason',
      'deploy of v2.3',
      '--now',
      '2026-11-20T12:05:00Z',
    ]);
    const second =
      /^created (sil_\w{10}): rule traceback, all subjects from 2026-11-20T12:05:00.000Z to 2026-11-20T13:30:00.000Z\n {2}reason: deploy of v2.3\n {2}end it early: metis-alerts silence expire (sil_\w{10})\n$/.exec(
        human,
      );
    expect(second, human).not.toBeNull();
    expect(second![1]).toBe(second![2]);
    const secondId = second![1]!;
    expect(secondId).not.toBe(first.id);

    const listed = json<Listed[]>(['silence', 'list', '--now', '2026-11-20T12:30:00Z']);
    expect(listed.map((s) => [s.id, s.rule, s.subject, s.state])).toEqual([
      [first.id, 'model_error_rate', 'claude-sonnet-4', 'active'],
      [secondId, 'traceback', undefined, 'active'],
    ]);
    const table = ok(['silence', 'list', '--now', '2026-11-20T12:30:00Z']).split('\n');
    expect(table[0]).toMatch(/^ID +STATE +RULE +SUBJECT +STARTS +ENDS +BY +REASON$/);
    expect(table[1]).toMatch(
      new RegExp(
        `^${first.id} +active +model_error_rate +claude-sonnet-4 +2026-11-20T12:00:00.000Z +2026-11-20T14:00:00.000Z +\\S+ +provider maintenance$`,
      ),
    );
    expect(table[2]).toMatch(new RegExp(`^${secondId} +active +traceback +\\(all\\) `));

    expect(ok(['silence', 'expire', first.id, '--now', '2026-11-20T12:45:00Z'])).toBe(
      `expired ${first.id} (rule model_error_rate, subject claude-sonnet-4) at 2026-11-20T12:45:00.000Z; matching signals notify again (the sweeper posts the end to chatops)\n`,
    );
    expect((await store.get(first.id))?.expiredAt).toBe('2026-11-20T12:45:00.000Z');

    expect(json<Listed[]>(['silence', 'list', '--now', '2026-11-20T12:46:00Z']).map((s) => s.id)).toEqual([secondId]);
    expect(json<Listed[]>(['silence', 'list', '--all', '--now', '2026-11-20T12:46:00Z']).map((s) => [s.id, s.state])).toEqual([
      [first.id, 'expired'],
      [secondId, 'active'],
    ]);
    expect(json<Listed[]>(['silence', 'list', '--all', '--now', '2026-11-20T14:00:00Z']).map((s) => s.state)).toEqual(['expired', 'ended']);
    expect(ok(['silence', 'list', '--now', '2026-11-20T14:00:00Z'])).toBe('no active or pending silences (--all for ended ones)\n');
  });

  it('--table wins over METIS_ALERTS_TABLE', async () => {
    const before = await itemCount(TABLE);
    const added = json<Silence>([
      'silence',
      'add',
      '--rule',
      'quota_alert',
      '--for',
      '30m',
      '--reason',
      'load test',
      '--table',
      OTHER_TABLE,
      '--now',
      NOW,
    ]);
    expect(await itemCount(TABLE)).toBe(before);
    expect(json<Listed[]>(['silence', 'list', '--table', OTHER_TABLE, '--now', NOW]).map((s) => s.id)).toEqual([added.id]);
  });

  it('uses METIS_ALERTS_TABLE when --table is absent', async () => {
    const added = json<Silence>(['silence', 'add', '--rule', 'latency_p95', '--for', '1d', '--reason', 'baseline reset', '--now', NOW]);
    expect(await new DynamoDbSilenceStore({ client: dynamoClient(), tableName: TABLE }).get(added.id)).toEqual(added);
  });
});

describe('metis-alerts silence: bad input exits 2 with one line and writes nothing', () => {
  const add = ['silence', 'add', '--rule', 'model_error_rate', '--now', NOW];

  it.each<[string, string[], RegExp]>([
    ['no --reason', [...add, '--for', '2h'], /--reason TEXT is required/],
    ['an empty --reason', [...add, '--for', '2h', '--reason', ' '], /--reason TEXT is required/],
    [
      'both --for and --until',
      [...add, '--for', '2h', '--until', '2026-11-20T13:00:00Z', '--reason', 'x'],
      /either --for or --until, not both/,
    ],
    ['neither --for nor --until', [...add, '--reason', 'x'], /--for DURATION \(e\.g\. 2h\) or --until ISO is required/],
    [
      '--until in the past',
      [...add, '--until', '2026-11-20T11:00:00Z', '--reason', 'x'],
      /^metis-alerts silence: --until: 2026-11-20T11:00:00Z is not in the future \(now is 2026-11-20T12:00:00.000Z\)$/,
    ],
    ['a bad --for', [...add, '--for', '2 hours', '--reason', 'x'], /--for: expected a duration such as 90m, 2h, 1d or 1h30m/],
    [
      'a rule that is not a rule id',
      ['silence', 'add', '--rule', 'Model Errors', '--for', '2h', '--reason', 'x'],
      /--rule: expected a rule id/,
    ],
    ['an unknown flag', [...add, '--for', '2h', '--reason', 'x', '--forever'], /--forever/],
    ['no subcommand', ['silence'], /expected a subcommand: add, list, expire/],
  ])('%s', async (_name, args, pattern) => {
    const before = await itemCount(TABLE);
    expectUsageError(runCli(args), 'silence', pattern);
    expect(await itemCount(TABLE)).toBe(before);
  });

  it('an unknown id to expire', () => {
    expectUsageError(
      runCli(['silence', 'expire', 'sil_zzzzzzzzzz']),
      'silence',
      /^metis-alerts silence: expire: no silence sil_zzzzzzzzzz in table metis-alerts-incidents/,
    );
    expectUsageError(runCli(['silence', 'expire', 'model_error_rate:x']), 'silence', /is not a silence id/);
  });

  it('a table that does not exist', () => {
    expectUsageError(
      runCli(['silence', 'list', '--table', 'no-such-table']),
      'silence',
      /table "no-such-table" not found .*IncidentTableName/,
    );
  });

  it('no table configured and no stack deployed: says how to name them', () => {
    stubTableEnv(undefined);
    try {
      for (const args of [
        ['silence', 'list'],
        ['silence', 'add', '--rule', 'traceback', '--for', '1h', '--reason', 'x'],
      ]) {
        expectUsageError(
          runCli(args),
          'silence',
          /^metis-alerts silence: no stack "MetisAlerts" in us-east-1: pass --stack NAME \(the "name" in metis-alerts\.config\.json\), --region REGION, or --table\/--bus$/,
        );
      }
    } finally {
      stubTableEnv(TABLE);
    }
  });
});
