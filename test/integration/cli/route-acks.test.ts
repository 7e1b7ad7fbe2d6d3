// `route --signals` backtests see people: an unanswered SEV1 shows the "ack target missed" post and the
// secondary's page in the wire log at 03:15 exactly; an `{"ack": ...}` line before the target means no escalation,
// and the ack itself is told at its minute: the chatops post with the Identified draft and, with a Statuspage
// sink that auto-publishes, the page's update to `identified`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pagerDutyEvent } from '../../fixtures/pagerduty/webhooks-v3.ts';
import { runCli } from '../support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'metis-route-acks-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const KEY = 'model_error_rate:gpt-4o';
const firing = (at: string) =>
  JSON.stringify({
    source: 'trace-db',
    rule: 'model_error_rate',
    subject: 'gpt-4o',
    severity: 'SEV1',
    status: 'firing',
    dedupKey: KEY,
    summary: 'error rate 40 % over 10 min',
    observedAt: at,
    details: {},
  });
// The detector reports every 5 minutes from 03:00 to 03:20 (Saturday, out of hours).
const REPORTS = ['03:00', '03:05', '03:10', '03:15', '03:20'].map((t) => firing(`2026-11-28T${t}:00Z`));
const CONFIG = file('secondary.json', JSON.stringify({ routing: { secondary: ['page'] } }));
const STATUSPAGE_CONFIG = file(
  'statuspage.json',
  JSON.stringify({
    routing: { secondary: ['page'] },
    sinks: {
      statuspage: {
        pageId: 'kctbh9vrtdwd',
        apiKeyParameter: '/metis/statuspage',
        components: { model_error_rate: 'b13yz5g2cw10' },
        autoPublish: true,
      },
    },
  }),
);

interface WireLine {
  at: string;
  sink: string;
  subject: string;
  message: string;
  request: { method?: string; url?: string; body?: unknown; MessageStructure?: string };
}

function wireOf(lines: string[], name: string, config = CONFIG): WireLine[] {
  const wire = join(dir, `${name}.wire.jsonl`);
  const run = runCli(['route', '--signals', file(`${name}.jsonl`, lines.join('\n')), '--config', config, '--wire', wire, '--json'], {
    env: { METIS_WEBHOOK_SECRET_PAGERDUTY: '' },
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return readFileSync(wire, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { at: string; sink: string; request: WireLine['request'] & { Subject?: string; Message?: string } })
    .map((e) => ({
      at: e.at.slice(11, 19),
      sink: e.sink,
      subject: e.request.Subject ?? '',
      message: e.request.Message ?? '',
      request: e.request,
    }));
}

/** What Slack shows of a chatops post (Chatbot's description, from the `https` key of the structured message). */
function slack(line: WireLine): string {
  return (JSON.parse((JSON.parse(line.message) as { https: string }).https) as { content: { description: string } }).content.description;
}

describe('route --signals with people in the loop', () => {
  it('nobody answers: at 03:15:00 the wire log has the "ack target missed" post and the secondary page', () => {
    const wire = wireOf(REPORTS, 'unanswered');
    const at0315 = wire.filter((e) => e.at === '03:15:00');
    expect(at0315.map((e) => `${e.sink} ${e.subject}`)).toEqual([
      'chatops [SEV1] TARGET MISSED model_error_rate: gpt-4o',
      'page [SEV1] FIRING model_error_rate: gpt-4o',
    ]);
    expect(at0315[1]!.message).toContain('Secondary page: the SEV1 ack target (03:15 UTC) passed with nobody acknowledging.');
    // Nothing of the kind before it.
    expect(wire.filter((e) => e.at < '03:15:00' && /TARGET MISSED/.test(e.subject))).toEqual([]);
  });

  it('acknowledged at 03:08 by an ack line: no escalation, no secondary page', () => {
    const ack = JSON.stringify({ ack: KEY, at: '2026-11-28T03:08:00Z', by: 'ana' });
    const wire = wireOf([...REPORTS.slice(0, 2), ack, ...REPORTS.slice(2)], 'acked');
    expect(wire.filter((e) => /TARGET MISSED/.test(e.subject))).toEqual([]);
    expect(wire.filter((e) => e.sink === 'page')).toHaveLength(1); // the primary's page at 03:00 only
  });

  it('an ack line at 03:07: the wire log at 03:07 has the acknowledged post with the Identified draft and the status page set to identified', () => {
    const ack = JSON.stringify({ ack: KEY, at: '2026-11-28T03:07:00Z', by: 'ana' });
    const wire = wireOf([...REPORTS.slice(0, 2), ack, ...REPORTS.slice(2)], 'ack-posted', STATUSPAGE_CONFIG);
    const at0307 = wire.filter((e) => e.at === '03:07:00');
    expect(
      at0307.map(
        (e) => `${e.sink} ${e.subject || `${e.request.method} ${(e.request.body as { incident: { status: string } }).incident.status}`}`,
      ),
    ).toEqual(['chatops [SEV1] ACKNOWLEDGED model_error_rate: gpt-4o', 'statuspage PATCH identified']);
    expect(slack(at0307[0]!)).toContain('Acknowledged by ana (CLI) at 03:07 UTC: a person has this SEV1; status is now Identified.');
    expect(slack(at0307[0]!)).toContain(
      '*Status page update (Identified), ready to paste:*\n> *Elevated errors for some models*\n' +
        '> We have identified the cause and are working on a fix. Until it is in place, requests to some models are failing at an elevated rate. Next update by 03:37 UTC.',
    );
    expect(at0307[1]!.request.url).toBe('https://api.statuspage.io/v1/pages/kctbh9vrtdwd/incidents/dryrun000000');
    // Created at 03:00, identified at 03:07, and nothing else on the page while it lasts.
    expect(wire.filter((e) => e.sink === 'statuspage').map((e) => `${e.at} ${e.request.method}`)).toEqual([
      '03:00:00 POST',
      '03:07:00 PATCH',
    ]);
  });

  it('a PagerDuty webhook line at 03:07:30: the post and the update at the next whole minute, as the deployed wake-up sends them', () => {
    const body = JSON.stringify(
      pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: KEY, occurredAt: '2026-11-28T03:07:30Z', id: 'ev-1' }),
    );
    const webhook = JSON.stringify({ webhook: 'pagerduty', at: '2026-11-28T03:07:30Z', headers: { 'X-Webhook-Id': 'wh-1' }, body });
    // The webhook is the last line: its wake-up still runs.
    const wire = wireOf([...REPORTS.slice(0, 2), webhook], 'webhook-posted', STATUSPAGE_CONFIG);
    const acked = wire.filter((e) => e.subject.includes('ACKNOWLEDGED') || e.request.method === 'PATCH');
    expect(acked.map((e) => `${e.at} ${e.sink}`)).toEqual(['03:08:00 chatops', '03:08:00 statuspage']);
    expect(slack(acked[0]!)).toContain('Acknowledged by Tenex Engineer (PagerDuty) at 03:07 UTC');
  });

  it('a SEV3 acknowledged: no post, nothing to the status page', () => {
    const sev3 = REPORTS.slice(0, 2).map((line) => line.replace('"SEV1"', '"SEV3"'));
    const ack = JSON.stringify({ ack: KEY, at: '2026-11-28T03:07:00Z', by: 'ana' });
    const wire = wireOf([...sev3, ack], 'sev3-ack', STATUSPAGE_CONFIG);
    expect(wire.filter((e) => e.at >= '03:07:00')).toEqual([]);
    expect(wire.filter((e) => e.sink === 'statuspage')).toEqual([]);
  });

  it('refuses a malformed ack line with exit 2 and one line naming it', () => {
    const bad = JSON.stringify({ ack: KEY, at: '03:08', by: 'ana' });
    const run = runCli(['route', '--signals', file('bad.jsonl', [REPORTS[0], bad].join('\n'))]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/entry 2: "at" must be an ISO time with its zone/);
  });
});
