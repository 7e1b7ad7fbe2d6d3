// `metis-alerts route` end to end: the dry-run decisions of docs/architecture.md (Contracts) and exit 2 on bad input.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDedupKey, type Severity, type Signal } from '../../../lambdas/core/signal.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metis-route-'));
});

function signal(rule: string, subject: string, severity: Severity, status: Signal['status'], observedAt: string): Signal {
  return {
    source: 'trace-db',
    rule,
    subject,
    severity,
    status,
    dedupKey: makeDedupKey(rule, subject),
    summary: `${rule} ${subject} ${status}`,
    observedAt,
    details: {},
  };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function routeJson(args: string[]): { deliveries: { sink: string; action: string; severity: string; dedupKey: string }[] } {
  const run = runCli(['route', ...args, '--json']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

describe('metis-alerts route --json', () => {
  it('pages a SEV1 once on every sink, deduplicates the repeat and resolves with the same dedup key', () => {
    const path = file('sev1.json', [
      signal('db_integrity', 'latest', 'SEV1', 'firing', '2026-11-28T03:00:00Z'),
      signal('db_integrity', 'latest', 'SEV1', 'firing', '2026-11-28T03:01:00Z'),
      signal('db_integrity', 'latest', 'SEV1', 'resolved', '2026-11-28T04:00:00Z'),
    ]);
    expect(routeJson(['--signals', path]).deliveries).toEqual([
      { sink: 'pagerduty', action: 'trigger', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'page', action: 'trigger', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'chatops', action: 'trigger', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      // Its deadlines, to the minute (a wake-up at a signal's own time runs first): nobody acknowledged it by
      // 03:15 (no secondary configured: the post only), the 03:30 reminder, at 04:00 the mitigation target and the reminder.
      { sink: 'chatops', action: 'target-missed', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'chatops', action: 'remind', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'chatops', action: 'target-missed', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'chatops', action: 'remind', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'pagerduty', action: 'resolve', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'page', action: 'resolve', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
      { sink: 'chatops', action: 'resolve', severity: 'SEV1', dedupKey: 'db_integrity:latest' },
    ]);
  });

  it('keeps a bill breach opened at 23:59 open across midnight (new day at $0), reminding, until the hold passes', () => {
    const report = (at: string, firing: boolean) => ({
      source: 'trace-db',
      evaluatedAt: at,
      evaluated: ['bill_threshold'],
      healthy: firing ? {} : { bill_threshold: ['daily'] },
      signals: firing ? [signal('bill_threshold', 'daily', 'SEV1', 'firing', at)] : [],
    });
    const lines = [
      report('2026-11-24T23:59:25Z', true),
      report('2026-11-25T00:00:00Z', false), // the new day: spend today $0, found healthy
      report('2026-11-25T01:00:00Z', false),
      report('2026-11-25T23:59:25Z', false), // 24 h after it last fired
    ];
    const path = file('latch.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
    const run = runCli([
      'route',
      '--signals',
      path,
      '--json',
      '--config',
      file('caps.json', { rules: { bill_threshold: { dailyHardCapUsd: 50 } } }),
    ]);
    expect(run.status).toBe(0);
    const actions = (JSON.parse(run.stdout).deliveries as { sink: string; action: string }[]).map((d) => `${d.sink} ${d.action}`);
    expect(actions.slice(0, 3)).toEqual(['pagerduty trigger', 'page trigger', 'chatops trigger']);
    // 00:00 resolves nothing; it is reminded every 30 min until the hold ends (00:30 .. 23:30: 47 reminders, the
    // first at the first whole minute not before 00:29:25, 30 min after the page, as its deadline wakes the sweeper).
    expect(actions.filter((a) => a === 'chatops remind')).toHaveLength(47);
    expect(actions.slice(-3)).toEqual(['pagerduty resolve', 'page resolve', 'chatops resolve']);
  });

  it('posts the first "status update due" reminderMinutes after the trigger post, to the minute, not on the sweep grid', () => {
    const path = file('remind.json', [
      signal('model_error_rate', 'gpt-4o', 'SEV1', 'firing', '2026-11-24T10:02:35Z'),
      signal('model_error_rate', 'gpt-4o', 'SEV1', 'resolved', '2026-11-24T11:10:00Z'),
    ]);
    const wirePath = join(dir, 'remind-wire.jsonl');
    const run = runCli(['route', '--signals', path, '--wire', wirePath, '--json']);
    expect(run.status).toBe(0);
    const reminders = readFileSync(wirePath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { at: string; sink: string; request: { Subject?: string } })
      .filter((e) => e.sink === 'chatops' && /status update due/i.test(e.request.Subject ?? ''))
      .map((e) => e.at);
    // Due 10:32:35: its deadline wakes the sweeper in that minute's end (10:33), not at the 10:35 sweep; then 30 min after that post.
    expect(reminders).toEqual(['2026-11-24T10:33:00.000Z', '2026-11-24T11:03:00.000Z']);
  });

  it('sends a SEV2 on Saturday 03:00 to chatops only and on Tuesday 10:00 to PagerDuty too, in time order', () => {
    const path = file('sev2.json', [
      signal('model_error_rate', 'tuesday-model', 'SEV2', 'firing', '2026-11-24T10:00:00Z'),
      signal('model_error_rate', 'saturday-model', 'SEV2', 'firing', '2026-11-28T03:00:00Z'),
    ]);
    const sinks = (key: string, deliveries: { sink: string; action: string; dedupKey: string }[]) =>
      deliveries.filter((d) => d.dedupKey === key && d.action === 'trigger').map((d) => d.sink);
    const { deliveries } = routeJson(['--signals', path]);
    expect(sinks('model_error_rate:saturday-model', deliveries)).toEqual(['chatops']);
    expect(sinks('model_error_rate:tuesday-model', deliveries)).toEqual(['pagerduty', 'page', 'chatops']);
  });

  it('replays a SEV2 opened out of hours: escalated at +30 min, reminded every 30 min, resolved', () => {
    const path = file('backtest.json', [
      signal('model_error_rate', 'gpt-4o', 'SEV2', 'firing', '2026-11-28T03:00:00Z'),
      signal('model_error_rate', 'gpt-4o', 'SEV2', 'resolved', '2026-11-28T04:10:00Z'),
    ]);
    const actions = routeJson(['--signals', path]).deliveries.map((d) => `${d.sink} ${d.action}`);
    expect(actions).toEqual([
      'chatops trigger', // 03:00 out of hours: chatops only
      'pagerduty trigger', // 03:30 still firing: escalated
      'page trigger',
      'chatops escalate',
      'chatops target-missed', // 04:00: nobody acknowledged it in its 1 h (24/7); no secondary configured: the post only
      'chatops remind', // 04:00: 30 min since the escalation post
      'pagerduty resolve', // 04:10
      'page resolve',
      'chatops resolve',
    ]);
    const off = routeJson(['--signals', path, '--sweep-minutes', '0']).deliveries.map((d) => `${d.sink} ${d.action}`);
    expect(off).toEqual(['chatops trigger', 'chatops resolve']);
  });

  it('routes every signal at --now when given, and reads the business hours of --config', () => {
    const signals = file('now.json', [signal('model_error_rate', 'm', 'SEV2', 'firing', '2026-11-24T10:00:00Z')]);
    const saturday = routeJson(['--signals', signals, '--now', '2026-11-28T03:00:00Z']);
    expect(saturday.deliveries.map((d) => d.sink)).toEqual(['chatops']);
    // 10:00Z on Tuesday is 19:00 in Tokyo: out of hours there.
    const tokyo = file('tokyo.json', { businessHours: { timezone: 'Asia/Tokyo' } });
    const tuesdayInTokyo = routeJson(['--signals', signals, '--config', tokyo]);
    expect(tuesdayInTokyo.deliveries.map((d) => d.sink)).toEqual(['chatops']);
  });

  it('accepts check output ({ "signals": [...] }) and JSON Lines', () => {
    const one = signal('quota_alert', 'gk_1', 'SEV3', 'firing', '2026-11-24T10:00:00Z');
    const wrapped = routeJson(['--signals', file('wrapped.json', { evaluated: ['quota_alert'], signals: [one] })]);
    const lines = routeJson([
      '--signals',
      file('lines.jsonl', `${JSON.stringify(one)}\n${JSON.stringify({ ...one, subject: 'gk_2', dedupKey: 'quota_alert:gk_2' })}\n`),
    ]);
    expect(wrapped.deliveries).toEqual([{ sink: 'chatops', action: 'trigger', severity: 'SEV3', dedupKey: 'quota_alert:gk_1' }]);
    expect(lines.deliveries.map((d) => d.dedupKey)).toEqual(['quota_alert:gk_1', 'quota_alert:gk_2']);
  });
});

describe('metis-alerts route: bad input exits 2 with one line on stderr', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing signals file', () => ['--signals', join(dir, 'absent.json')], /absent\.json: cannot read the signals file \(ENOENT\)/],
    ['a file that is not JSON', () => ['--signals', file('garbage.json', 'not json at all\n{')], /garbage\.json: not JSON/],
    [
      'a signal with a bad severity',
      () => ['--signals', file('sev9.json', [{ ...signal('r', 's', 'SEV1', 'firing', '2026-11-24T10:00:00Z'), severity: 'SEV9' }])],
      /signals\.0\.severity/,
    ],
    [
      'a signal with a non-ISO time',
      () => ['--signals', file('time.json', [{ ...signal('r', 's', 'SEV1', 'firing', '2026-11-24T10:00:00Z'), observedAt: 'yesterday' }])],
      /signals\.0\.observedAt: expected an ISO-8601 timestamp/,
    ],
    ['an object without signals', () => ['--signals', file('obj.json', { foo: 1 })], /expected an array of signals/],
    ['a bad --now', () => ['--signals', file('ok.json', []), '--now', 'noon'], /--now: expected an ISO-8601 time/],
    ['a --now without a zone', () => ['--signals', file('ok.json', []), '--now', '2026-11-24T10:00:00'], /--now: .* has no time zone/],
    [
      'an invalid config naming the key path',
      () => ['--signals', file('ok2.json', []), '--config', file('bad-config.json', { businessHours: { start: '9am' } })],
      /businessHours\.start: expected a time "HH:MM"/,
    ],
    [
      'an unknown config key',
      () => ['--signals', file('ok3.json', []), '--config', file('unknown.json', { rules: { model_eror_rate: {} } })],
      /rules: unknown key "model_eror_rate"/,
    ],
    ['a missing --signals', () => [], /--signals FILE is required/],
    ['an unknown option', () => ['--signals', file('ok4.json', []), '--bogus'], /unknown flag --bogus /],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const run = runCli(['route', ...args()]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown command exits 2 and shows the usage', () => {
    const run = runCli(['frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
