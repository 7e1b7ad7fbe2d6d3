// `metis-alerts route --signals` with what people did: PagerDuty webhook lines verified with
// METIS_WEBHOOK_SECRET_PAGERDUTY (a forged or replayed one is refused and reported, never applied), and ack
// lines. A PagerDuty resolve closes the incident; the sweep that follows sends page and chat their resolved
// notices and PagerDuty none (it was resolved there). Runs the real CLI entry on files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pagerDutyEvent, pagerDutySignature } from '../../fixtures/pagerduty/webhooks-v3.ts';
import { runCli } from '../support/run-cli.ts';

const SECRET = 'pd-webhook-secret-for-backtests';
const KEY = 'healthz_down:gateway';
const dir = mkdtempSync(join(tmpdir(), 'route-human-'));

function webhookLine(type: string, at: string, id: string, secret = SECRET): string {
  const body = JSON.stringify(pagerDutyEvent({ type, incidentKey: KEY, occurredAt: at, id }));
  return JSON.stringify({
    webhook: 'pagerduty',
    at,
    headers: { 'X-PagerDuty-Signature': pagerDutySignature(body, secret), 'X-Webhook-Id': `wh-${id}` },
    body,
  });
}

const signal = {
  source: 'probe',
  rule: 'healthz_down',
  subject: 'gateway',
  severity: 'SEV1',
  status: 'firing',
  dedupKey: KEY,
  summary: 'gateway /healthz failing',
  observedAt: '2026-11-24T10:00:00.000Z',
  details: {},
};

const lines = [
  JSON.stringify(signal),
  webhookLine('incident.acknowledged', '2026-11-24T10:07:00.000Z', 'ev-ack'),
  webhookLine('incident.acknowledged', '2026-11-24T10:08:00.000Z', 'ev-ack'), // the same event again: a replay
  webhookLine('incident.resolved', '2026-11-24T10:09:00.000Z', 'ev-forged', 'not-the-secret'),
  JSON.stringify({ ack: 'model_error_rate:gpt-4o', at: '2026-11-24T10:10:00.000Z', by: 'ana' }),
  webhookLine('incident.resolved', '2026-11-24T10:21:00.000Z', 'ev-resolve'),
  // A later line, so the replay runs the 10:25 sweep (sweeps run between entries).
  JSON.stringify({ ack: KEY, at: '2026-11-24T10:30:00.000Z', by: 'late' }),
];
const file = join(dir, 'replay.jsonl');
writeFileSync(file, `${lines.join('\n')}\n`);

interface Human {
  at: string;
  entry: number;
  dedupKey?: string;
  outcome: string;
  applied: boolean;
  refused?: true;
}

describe('route --signals with webhook and ack lines', () => {
  it('verifies webhook lines, refuses the forged one and the replay, and applies ack and resolve', () => {
    const run = runCli(['route', '--signals', file, '--json'], { env: { METIS_WEBHOOK_SECRET_PAGERDUTY: `old-secret\n${SECRET}` } });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { deliveries: { sink: string; action: string }[]; human: Human[] };
    expect(result.human).toEqual([
      { at: '2026-11-24T10:07:00.000Z', entry: 2, dedupKey: KEY, outcome: 'ack by Tenex Engineer (PagerDuty)', applied: true },
      {
        at: '2026-11-24T10:08:00.000Z',
        entry: 3,
        dedupKey: KEY,
        outcome: 'pagerduty replay refused (event seen before)',
        applied: false,
        refused: true,
      },
      {
        at: '2026-11-24T10:09:00.000Z',
        entry: 4,
        outcome: 'pagerduty webhook refused: authentication failed',
        applied: false,
        refused: true,
      },
      {
        at: '2026-11-24T10:10:00.000Z',
        entry: 5,
        dedupKey: 'model_error_rate:gpt-4o',
        outcome: 'ack by ana: unknown incident',
        applied: false,
      },
      { at: '2026-11-24T10:21:00.000Z', entry: 6, dedupKey: KEY, outcome: 'resolved by Tenex Engineer (PagerDuty)', applied: true },
      { at: '2026-11-24T10:30:00.000Z', entry: 7, dedupKey: KEY, outcome: 'ack by late: incident not open', applied: false },
    ]);
    expect(run.stderr).toContain('warning: entry 3: pagerduty replay refused (event seen before)\n');
    expect(run.stderr).toContain('warning: entry 4: pagerduty webhook refused: authentication failed\n');
    // Paged at 10:00; resolved in PagerDuty at 10:21: the 10:22 wake-up tells page and chat, not PagerDuty.
    const seen = result.deliveries.map((d) => `${d.sink} ${d.action}`);
    expect(seen.filter((d) => d.endsWith('trigger'))).toEqual(['pagerduty trigger', 'page trigger', 'chatops trigger']);
    expect(seen.filter((d) => d.endsWith('resolve'))).toEqual(['page resolve', 'chatops resolve']);
    // The ack at 10:07 was told in the incident's thread at once.
    expect(seen.filter((d) => d.endsWith('acknowledged'))).toEqual(['chatops acknowledged']);
  });

  it('without the secret the lines are read unverified, and the text output lists what people did', () => {
    const run = runCli(['route', '--signals', file], { env: { METIS_WEBHOOK_SECRET_PAGERDUTY: '' } });
    expect(run.status).toBe(0);
    // Unverified, the forged resolve at 10:09 is read like any other and closes the incident.
    expect(run.stdout).toContain(`human 2026-11-24T10:09:00.000Z ${KEY}: resolved by Tenex Engineer (PagerDuty)\n`);
    expect(run.stdout).toContain(`human 2026-11-24T10:07:00.000Z ${KEY}: ack by Tenex Engineer (PagerDuty)\n`);
  });

  it('refuses a line whose "at" is no time, or whose provider is unknown, with exit 2', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ webhook: 'nagios', at: '2026-11-24T10:00:00Z', body: '{}' })}\n`);
    const run = runCli(['route', '--signals', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/entry 1: "webhook" must be one of pagerduty, opsgenie, splunk-oncall/);
    writeFileSync(bad, `${JSON.stringify({ ack: KEY, at: 'soon' })}\n`);
    expect(runCli(['route', '--signals', bad]).stderr).toMatch(/entry 1: "at" must be an ISO time/);
  });
});
