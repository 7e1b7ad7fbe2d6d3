// `metis-alerts route --signals` with what people did: PagerDuty webhook lines verified with
// METIS_WEBHOOK_SECRET_PAGERDUTY (a forged or replayed one is refused and reported, never applied), and ack
// lines. A PagerDuty resolve closes the incident; the sweep that follows sends page and chat their resolved
// notices and PagerDuty none (it was resolved there). Runs the real CLI entry on files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('a PagerDuty resolve while the probe still fails: the replay reopens at exactly resolve + 30 min, though no line is at that minute', () => {
    const at = (minute: number) => new Date(Date.parse('2026-11-24T10:00:00.000Z') + minute * 60_000).toISOString();
    const failing = (minute: number) => JSON.stringify({ ...signal, observedAt: at(minute) });
    const replay = join(dir, 'reopen.jsonl');
    const wire = join(dir, 'reopen-wire.jsonl');
    writeFileSync(
      replay,
      `${[failing(0), webhookLine('incident.resolved', at(9), 'ev-reopen'), failing(15), failing(37), failing(47)].join('\n')}\n`,
    );
    const run = runCli(['route', '--signals', replay, '--json', '--wire', wire], { env: { METIS_WEBHOOK_SECRET_PAGERDUTY: SECRET } });
    expect(run.status).toBe(0);
    const pagerDuty = readFileSync(wire, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { at: string; sink: string; request: { body: unknown } })
      .filter((entry) => entry.sink === 'pagerduty')
      .map((entry) => {
        const body = (typeof entry.request.body === 'string' ? JSON.parse(entry.request.body) : entry.request.body) as {
          event_action: string;
        };
        return `${entry.at} ${body.event_action}`;
      });
    // Paged at 10:00, resolved in PagerDuty at 10:09 (nothing sent back there), reopened at 10:39:00 sharp.
    expect(pagerDuty).toEqual(['2026-11-24T10:00:00.000Z trigger', '2026-11-24T10:39:00.000Z trigger']);
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

describe('route --signals with a PagerDuty incident grouped from several alerts (no incident_key)', () => {
  const OTHER = 'error_rate_overall:all';
  function groupedLine(at: string, id: string, alerts?: unknown): string {
    const body = JSON.stringify(pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: null, occurredAt: at, id }));
    return JSON.stringify({
      webhook: 'pagerduty',
      at,
      headers: { 'X-PagerDuty-Signature': pagerDutySignature(body, SECRET), 'X-Webhook-Id': `wh-${id}` },
      body,
      ...(alerts === undefined ? {} : { alerts }),
    });
  }
  const grouped = join(dir, 'grouped.jsonl');
  writeFileSync(
    grouped,
    `${[
      JSON.stringify(signal),
      JSON.stringify({ ...signal, rule: 'error_rate_overall', subject: 'all', dedupKey: OTHER }),
      groupedLine('2026-11-24T10:05:00.000Z', 'ev-unmapped'),
      // The alerts as GET /incidents/{id}/alerts lists them: a plain key, and an API object (a resolved one is skipped by an ack).
      groupedLine('2026-11-24T10:07:00.000Z', 'ev-grouped', [
        KEY,
        { alert_key: OTHER, status: 'triggered' },
        { alert_key: 'old:one', status: 'resolved' },
      ]),
    ].join('\n')}\n`,
  );

  it('maps the line through its "alerts" to each incident; without "alerts" it is reported as not mapped', () => {
    const run = runCli(['route', '--signals', grouped, '--json'], { env: { METIS_WEBHOOK_SECRET_PAGERDUTY: SECRET } });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { human: Human[] };
    expect(result.human).toEqual([
      {
        at: '2026-11-24T10:05:00.000Z',
        entry: 3,
        outcome:
          'pagerduty webhook not mapped: incident PGR0VU2 was grouped from several alerts and has no incident_key; ' +
          'add "alerts": the alert_keys of GET /incidents/PGR0VU2/alerts',
        applied: false,
      },
      { at: '2026-11-24T10:07:00.000Z', entry: 4, dedupKey: KEY, outcome: 'ack by Tenex Engineer (PagerDuty)', applied: true },
      { at: '2026-11-24T10:07:00.000Z', entry: 4, dedupKey: OTHER, outcome: 'ack by Tenex Engineer (PagerDuty)', applied: true },
    ]);
  });

  it('unverified too; "alerts" that is not a list of keys or alert objects is exit 2', () => {
    const run = runCli(['route', '--signals', grouped], { env: { METIS_WEBHOOK_SECRET_PAGERDUTY: '' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`human 2026-11-24T10:07:00.000Z ${OTHER}: ack by Tenex Engineer (PagerDuty)\n`);
    const bad = join(dir, 'grouped-bad.jsonl');
    writeFileSync(bad, `${groupedLine('2026-11-24T10:07:00.000Z', 'ev-bad', [{ key: KEY }])}\n`);
    const refused = runCli(['route', '--signals', bad]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/entry 1: "alerts" must be a list of alert keys or of \{"alert_key", "status"\} objects/);
  });
});
