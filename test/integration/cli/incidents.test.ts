// `metis-alerts incidents [--open] [--json]` end to end: incidents written by the router's own
// DynamoDbIncidentStore into a moto table that also holds silences and heartbeats, listed by the real CLI.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';
import { expectUsageError, stubTableEnv, useAwsCliEnv } from '../support/aws-cli.ts';
import { makeIncident, makeSignal } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

const TABLE = 'incidents-cli';
const EMPTY_TABLE = 'incidents-cli-empty';

useAwsCliEnv(TABLE);

// Written out of order on purpose: the CLI sorts by openedAt as an instant.
const later = makeIncident({
  openedAt: '2026-11-20T13:00:00.000Z',
  severity: 'SEV1',
  lastSignal: makeSignal({
    rule: 'healthz_down',
    subject: 'gateway',
    source: 'probe',
    severity: 'SEV1',
    summary: 'gateway /healthz failed twice in 60 s (HTTP 503)',
  }),
});
const earlier = makeIncident({
  // Same instant as 11:00Z, written with an offset: text order would put it after `later`.
  openedAt: '2026-11-20T12:00:00+01:00',
  lastSignal: makeSignal({
    rule: 'quota_alert',
    subject: 'gk_1',
    severity: 'SEV3',
    summary: 'quota.alert spam for gk_1 owned by ops@example.com',
  }),
  severity: 'SEV3',
  episode: 3,
});
const resolved = makeIncident({
  openedAt: '2026-11-20T12:30:00.000Z',
  status: 'resolved',
  resolvedAt: '2026-11-20T12:50:00.000Z',
  lastSignal: makeSignal({ rule: 'snapshot_stale', subject: 'trace-db', severity: 'SEV3', summary: 'snapshot 12 min old' }),
  severity: 'SEV3',
});

beforeAll(async () => {
  const client = dynamoClient();
  await createIncidentTable(client, TABLE);
  await createIncidentTable(client, EMPTY_TABLE);
  const store = new DynamoDbIncidentStore({ client, tableName: TABLE });
  for (const incident of [later, resolved, earlier]) expect(await store.put(incident, undefined)).toBe(true);
  // Neighbours in the same table that must never be listed as incidents.
  await new DynamoDbSilenceStore({ client, tableName: TABLE }).put({
    id: 'sil_0000000001',
    rule: 'quota_alert',
    startsAt: '2026-11-20T11:00:00.000Z',
    endsAt: '2026-11-20T18:00:00.000Z',
    reason: 'load test',
    createdBy: 'alice',
    createdAt: '2026-11-20T11:00:00.000Z',
  });
  await new DynamoDbReportHeartbeats({ client, tableName: TABLE }).record('trace-db', '2026-11-20T13:05:00.000Z');
});

function ok(args: string[]): string {
  const run = runCli(args);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

describe('metis-alerts incidents', () => {
  it('--open --json lists open incidents only, oldest first, with the documented fields (summaries redacted)', () => {
    const rows = JSON.parse(ok(['incidents', '--open', '--json']));
    expect(rows).toEqual([
      {
        dedupKey: 'quota_alert:gk_1',
        severity: 'SEV3',
        status: 'open',
        openedAt: '2026-11-20T12:00:00+01:00',
        resolvedAt: null,
        rule: 'quota_alert',
        subject: 'gk_1',
        summary: 'quota.alert spam for gk_1 owned by [REDACTED]',
        episode: 3,
      },
      {
        dedupKey: 'healthz_down:gateway',
        severity: 'SEV1',
        status: 'open',
        openedAt: '2026-11-20T13:00:00.000Z',
        resolvedAt: null,
        rule: 'healthz_down',
        subject: 'gateway',
        summary: 'gateway /healthz failed twice in 60 s (HTTP 503)',
        episode: 1,
      },
    ]);
  });

  it('without --open also lists resolved incidents, and never silences or heartbeats', () => {
    const rows = JSON.parse(ok(['incidents', '--json'])) as { dedupKey: string; status: string; resolvedAt: string | null }[];
    expect(rows.map((r) => [r.dedupKey, r.status, r.resolvedAt])).toEqual([
      ['quota_alert:gk_1', 'open', null],
      ['snapshot_stale:trace-db', 'resolved', '2026-11-20T12:50:00.000Z'],
      ['healthz_down:gateway', 'open', null],
    ]);
  });

  it('prints a table for people', () => {
    const lines = ok(['incidents', '--open']).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^OPENED +SEV +STATUS +RESOLVED +DEDUP KEY +SUMMARY$/);
    expect(lines[1]).toMatch(
      /^2026-11-20T12:00:00\+01:00 +SEV3 +open +- +quota_alert:gk_1 +quota\.alert spam for gk_1 owned by \[REDACTED\]$/,
    );
    expect(lines[2]).toMatch(/^2026-11-20T13:00:00\.000Z +SEV1 +open +- +healthz_down:gateway +gateway \/healthz failed/);
  });

  it('says so when there is nothing to list', () => {
    expect(ok(['incidents', '--open', '--table', EMPTY_TABLE])).toBe('no open incidents\n');
    expect(JSON.parse(ok(['incidents', '--table', EMPTY_TABLE, '--json']))).toEqual([]);
  });

  it('exits 2 with one line without a table, for a missing table and for an unknown flag', () => {
    stubTableEnv(undefined);
    try {
      expectUsageError(
        runCli(['incidents', '--open']),
        'incidents',
        /no stack "MetisAlerts" in us-east-1: pass --stack NAME .*, or --table\/--bus$/,
      );
    } finally {
      stubTableEnv(TABLE);
    }
    expectUsageError(runCli(['incidents', '--table', 'missing-table']), 'incidents', /table "missing-table" not found/);
    expectUsageError(runCli(['incidents', '--closed']), 'incidents', /--closed/);
  });
});
