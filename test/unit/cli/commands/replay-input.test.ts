// `route --signals FILE` replays evaluation reports and check/scan-logs outputs with the deployed router's
// resolve rules: a report resolves only what it names healthy, so "fires, then traffic vanishes" stays open.
import { describe, expect, it } from 'vitest';
import { routeReplay } from '../../../../cli/commands/route.ts';
import { parseReplayFile } from '../../../../cli/commands/replay-input.ts';
import { defaultConfig } from '../../../../lambdas/core/config.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';

const at = (hhmm: string) => `2026-11-24T${hhmm}:00.000Z`; // a Tuesday, business hours
const spike = (time: string): Signal => ({
  source: 'trace-db',
  rule: 'model_error_rate',
  subject: 'gpt-4o',
  severity: 'SEV2',
  status: 'firing',
  dedupKey: 'model_error_rate:gpt-4o',
  summary: 'gpt-4o: 12 of 30 calls failed',
  observedAt: at(time),
  details: {},
});
/** What `check --json` prints (source and evaluatedAt included), one per line. */
const check = (time: string, signals: Signal[], healthy: Record<string, string[]> = {}) =>
  JSON.stringify({ source: 'trace-db', evaluatedAt: at(time), evaluated: ['model_error_rate'], healthy, signals });

const lines = (deliveries: { sink: string; action: string; dedupKey: string }[]) =>
  deliveries.map((d) => `${d.sink} ${d.action} ${d.dedupKey}`);

describe('route --signals replays reports', () => {
  it('fires, then the traffic vanishes: the incident stays open until a report names it healthy', async () => {
    const vanished = [check('10:00', [spike('10:00')]), check('10:10', []), check('10:20', [])].join('\n');
    const open = await routeReplay(parseReplayFile(vanished, 'vanished.jsonl'), defaultConfig());
    expect(lines(open.deliveries).filter((l) => l.includes('resolve'))).toEqual([]);
    expect(lines(open.deliveries)).toEqual([
      'pagerduty trigger model_error_rate:gpt-4o',
      'page trigger model_error_rate:gpt-4o',
      'chatops trigger model_error_rate:gpt-4o',
    ]);

    const recovered = `${vanished}\n${check('10:25', [], { model_error_rate: ['gpt-4o'] })}\n`;
    const closed = await routeReplay(parseReplayFile(recovered, 'recovered.jsonl'), defaultConfig());
    expect(lines(closed.deliveries).slice(3)).toEqual([
      'pagerduty resolve model_error_rate:gpt-4o',
      'page resolve model_error_rate:gpt-4o',
      'chatops resolve model_error_rate:gpt-4o',
    ]);
  });

  it('takes source and evaluatedAt from the signals or the previous line when an output lacks them', () => {
    const bare = [
      JSON.stringify({ evaluated: ['model_error_rate'], healthy: {}, signals: [spike('10:00')] }),
      JSON.stringify({ evaluated: ['quota_exceeded_sustained'], healthy: { quota_exceeded_sustained: ['gk_1'] }, signals: [] }),
    ].join('\n');
    const entries = parseReplayFile(bare, 'bare.jsonl');
    expect(entries.map((e) => (e.kind === 'report' ? [e.report.source, e.report.evaluatedAt] : e.kind))).toEqual([
      ['trace-db', at('10:00')],
      ['logs', at('10:00')],
    ]);
  });

  it('names the line of a bad report, and refuses an undatable first report', () => {
    expect(() => parseReplayFile(`${check('10:00', [])}\n{"evaluated": [], "healthy": {"x": 1}, "signals": []}`, 'bad.jsonl')).toThrow(
      /^bad\.jsonl: entry 2: evaluation report: healthy\.x/,
    );
    expect(() => parseReplayFile('{"evaluated": [], "signals": []}', 'first.json')).toThrow(/entry 1: a report with no evaluatedAt/);
  });
});

describe('route --signals folds SEV4 digest rules as the deployed router and sweeper do', () => {
  const noise = (time: string, subject: string): Signal => ({
    source: 'logs',
    rule: 'log_noise',
    subject,
    severity: 'SEV4',
    status: 'firing',
    dedupKey: `log_noise:${subject}`,
    summary: `${subject}: 40 warnings a minute`,
    observedAt: at(time),
    details: {},
  });

  it('opens no incident for log_noise; one chatops digest per rule and day at the first sweep of the next UTC day', async () => {
    const entries = [
      JSON.stringify(noise('10:00', 'DeprecationWarning@app.py:10')),
      JSON.stringify(noise('11:00', 'DeprecationWarning@app.py:10')),
      JSON.stringify(noise('12:00', 'ResourceWarning@db.py:3')),
      JSON.stringify(spike('13:00')),
      // The next day: the replay's sweeper ticks up to here include 00:00, the first of the new UTC day.
      JSON.stringify({ ...spike('13:00'), status: 'resolved', observedAt: '2026-11-25T00:07:00.000Z' }),
    ].join('\n');
    const result = await routeReplay(parseReplayFile(entries, 'noise.jsonl'), defaultConfig());
    expect(lines(result.deliveries).filter((l) => l.includes('log_noise'))).toEqual([]);
    expect(result.digests).toEqual([{ id: 'digest#log_noise#2026-11-24', postedAt: '2026-11-25T00:00:00.000Z' }]);
    // The digest went out on the wire like every chatops message: one post naming both subjects and the three signals.
    const posts = result.wire.filter((w) => JSON.stringify(w).includes('DIGEST log_noise 2026-11-24'));
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0])).toContain('2 subjects, 3 signals');
  });

  it('a day that has not ended yet is not posted: the digest waits for the sweep after midnight', async () => {
    const result = await routeReplay(
      parseReplayFile([JSON.stringify(noise('10:00', 'a')), JSON.stringify(spike('23:50'))].join('\n'), 'same-day.jsonl'),
      defaultConfig(),
    );
    expect(result.digests).toEqual([]);
    expect(lines(result.deliveries).filter((l) => l.includes('log_noise'))).toEqual([]);
  });
});
