// `metis-alerts postmortem DEDUP_KEY [--db FILE]` end to end: a resolved incident stored by the router's
// DynamoDbIncidentStore in moto, a gzipped trace-DB fixture with a known number of failed calls inside
// (and around) the incident, the real CLI process, and the runbook's heading set in its output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { buildTraceDb, type FixtureRow } from '../../../tools/trace-db-fixture.ts';
import { createIncidentTable, dynamoClient } from '../support/aws.ts';
import { expectUsageError, useAwsCliEnv } from '../support/aws-cli.ts';
import { makeIncident, makeSignal } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

const TABLE = 'postmortem-cli';

/** The runbook template's headings, copied by hand (the runbook is not read at test time). */
const TITLE = /^# Incident \d{4}-\d{2}-\d{2} — \S.*$/;
const SECTIONS = [
  '## Summary',
  '## Timeline (UTC)',
  '## Impact',
  '## Root cause',
  '## Contributing factors',
  '## What went well',
  '## What went poorly',
  '## Action items',
];

useAwsCliEnv(TABLE);

const resolved = makeIncident({
  openedAt: '2026-11-20T12:00:00.000Z',
  updatedAt: '2026-11-20T13:30:00.000Z',
  resolvedAt: '2026-11-20T13:30:00.000Z',
  status: 'resolved',
  severity: 'SEV2',
  lastSignal: makeSignal({ summary: 'Model claude-sonnet-4: 9 of 40 calls failed; key sk-ant-api03-AbCdEfGhIjKlMnOpQrSt in the error' }),
  timeline: [
    { at: '2026-11-20T12:00:00.000Z', event: 'opened SEV2: notified pagerduty, page, chatops' },
    { at: '2026-11-20T12:15:00.000Z', event: 'upgraded SEV2 -> SEV1: notified pagerduty, page, chatops' },
    { at: '2026-11-20T12:50:00.000Z', event: 'downgraded SEV1 -> SEV2' },
    { at: '2026-11-20T13:30:00.000Z', event: 'resolved: model_error_rate evaluated without firing' },
  ],
  version: 5,
});
const ongoing = makeIncident({
  openedAt: '2026-11-20T14:00:00.000Z',
  lastSignal: makeSignal({ rule: 'healthz_down', subject: 'gateway', source: 'probe', severity: 'SEV1' }),
  severity: 'SEV1',
  timeline: [{ at: '2026-11-20T14:00:00.000Z', event: 'opened SEV1: notified pagerduty, page, chatops' }],
});

const call = (timestamp: string, stopReason: string): FixtureRow => ({
  type: 'llm.call_completed',
  timestamp,
  payload: JSON.stringify({ gateway_key_id: 'gk_1', model: 'claude-sonnet-4', provider: 'anthropic', stop_reason: stopReason }),
});

let dir: string;
let dbGz: string;
beforeAll(async () => {
  const client = dynamoClient();
  await createIncidentTable(client, TABLE);
  const store = new DynamoDbIncidentStore({ client, tableName: TABLE });
  expect(await store.put(resolved, undefined)).toBe(true);
  expect(await store.put(ongoing, undefined)).toBe(true);
  await new DynamoDbSilenceStore({ client, tableName: TABLE }).put({
    id: 'sil_0000000001',
    rule: 'traceback',
    startsAt: '2026-11-20T11:00:00.000Z',
    endsAt: '2026-11-20T18:00:00.000Z',
    reason: 'deploy',
    createdBy: 'alice',
    createdAt: '2026-11-20T11:00:00.000Z',
  });

  dir = mkdtempSync(join(tmpdir(), 'metis-postmortem-'));
  // 6 failed calls in [12:00, 13:30] in every timestamp form; 4 failed calls just outside; successes anywhere.
  const rows = [
    call('2026-11-20 11:00:00', 'end_turn'),
    call('2026-11-20 11:59:59', 'error'),
    call('2026-11-20 12:00:00', 'error'),
    call('2026-11-20T12:10:00Z', 'error'),
    call('2026-11-20T12:20:00.123456+00:00', 'error'),
    call('2026-11-20T14:40:00+02:00', 'error'), // 12:40Z
    call('2026-11-20T13:00:00Z', 'end_turn'),
    call('2026-11-20 13:29:59.999', 'error'),
    call('2026-11-20 13:30:00', 'error'),
    call('2026-11-20T13:30:00.001Z', 'error'),
    call('2026-11-20T13:30:00.500+02:00', 'error'), // 11:30:00.5Z: text looks inside, the instant is not
    call('2026-11-20 14:00:00', 'error'),
    call('2026-11-20T15:00:00Z', 'end_turn'),
  ];
  dbGz = join(dir, 'metis.db.gz');
  writeFileSync(dbGz, gzipSync(await buildTraceDb(rows)));
});

function ok(args: string[]): string {
  const run = runCli(args);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

const lineStarting = (markdown: string, prefix: string) => markdown.split('\n').find((line) => line.startsWith(prefix));

describe('metis-alerts postmortem', () => {
  it('renders the runbook template for a resolved incident with the exact requests-dropped count from --db (gzip)', () => {
    const markdown = ok(['postmortem', resolved.dedupKey, '--db', dbGz]);
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings[0]).toMatch(TITLE);
    expect(headings[0]).toBe('# Incident 2026-11-20 — model_error_rate on claude-sonnet-4');
    expect(headings.slice(1)).toEqual(SECTIONS);
    expect(lineStarting(markdown, '**Severity:**')).toBe('**Severity:** SEV1 **Duration:** 01:30 **Customer impact:** <plain English>');
    expect(lineStarting(markdown, '- Requests dropped:')).toBe(
      "- Requests dropped: 6 (llm.call_completed with stop_reason='error' from 2026-11-20 12:00 to 2026-11-20 13:30 UTC)",
    );
    expect(markdown).toContain('- 12:15 — upgraded SEV2 -> SEV1: notified pagerduty, page, chatops\n');
    expect(markdown).toContain('- 13:30 — resolved: model_error_rate evaluated without firing\n');
    expect(lineStarting(markdown, 'Last alert:')).toBe(
      'Last alert: Model claude-sonnet-4: 9 of 40 calls failed; key [REDACTED] in the error',
    );
    expect(markdown).not.toContain('sk-ant-');
  });

  it('says n/a for requests dropped without --db', () => {
    expect(lineStarting(ok(['postmortem', resolved.dedupKey]), '- Requests dropped:')).toBe('- Requests dropped: n/a (no --db given)');
  });

  it('drafts an ongoing incident up to --now, counting calls up to then', () => {
    const markdown = ok(['postmortem', ongoing.dedupKey, '--db', dbGz, '--now', '2026-11-20T15:10:00Z']);
    expect(lineStarting(markdown, '**Severity:**')).toBe(
      '**Severity:** SEV1 **Duration:** ongoing (01:10 as of 2026-11-20 15:10 UTC) **Customer impact:** <plain English>',
    );
    // 14:00 is the only failed call in [14:00, 15:10]; the DB's last call (15:00) is before --now.
    expect(lineStarting(markdown, '- Requests dropped:')).toMatch(
      /^- Requests dropped: 1 \(.*from 2026-11-20 14:00 to 2026-11-20 15:10 UTC; the trace DB holds calls from 2026-11-20 11:00 to 2026-11-20 15:00 UTC only, so this may undercount\)$/,
    );
  });

  it('exits 2 with one line on bad input', () => {
    expectUsageError(runCli(['postmortem']), 'postmortem', /expected one DEDUP_KEY/);
    expectUsageError(
      runCli(['postmortem', 'model_error_rate:nope']),
      'postmortem',
      /no incident "model_error_rate:nope" in table postmortem-cli/,
    );
    expectUsageError(runCli(['postmortem', 'silence#sil_0000000001']), 'postmortem', /"silence#sil_0000000001" is not an incident/);
    expectUsageError(
      runCli(['postmortem', resolved.dedupKey, '--db', join(dir, 'missing.db')]),
      'postmortem',
      /--db .*missing\.db: cannot read the trace DB \(ENOENT\)/,
    );
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite, not even close'.repeat(20));
    expectUsageError(runCli(['postmortem', resolved.dedupKey, '--db', junk]), 'postmortem', /--db .*junk\.db: not a usable trace DB/);
    expectUsageError(runCli(['postmortem', resolved.dedupKey, '--now', 'yesterday']), 'postmortem', /--now: expected an ISO-8601 time/);
  });
});
