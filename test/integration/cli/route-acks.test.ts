// `route --signals` backtests see people: an unanswered SEV1 shows the "ack target missed" post and the
// secondary's page in the wire log at 03:15 exactly; an `{"ack": ...}` line before the target means no escalation.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

function wireOf(lines: string[], name: string): { at: string; sink: string; subject: string; message: string }[] {
  const wire = join(dir, `${name}.wire.jsonl`);
  const run = runCli(['route', '--signals', file(`${name}.jsonl`, lines.join('\n')), '--config', CONFIG, '--wire', wire, '--json']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return readFileSync(wire, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { at: string; sink: string; request: { Subject?: string; Message?: string } })
    .map((e) => ({ at: e.at.slice(11, 19), sink: e.sink, subject: e.request.Subject ?? '', message: e.request.Message ?? '' }));
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

  it('refuses a malformed ack line with exit 2 and one line naming it', () => {
    const bad = JSON.stringify({ ack: KEY, at: '03:08', by: 'ana' });
    const run = runCli(['route', '--signals', file('bad.jsonl', [REPORTS[0], bad].join('\n'))]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/entry 2: "at" must be an ISO time with its zone/);
  });
});
