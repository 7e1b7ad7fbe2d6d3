// `metis-alerts scan-logs` end to end on files: the three input forms of docs/architecture.md (CLI) (a
// subscription event, a decoded DATA_MESSAGE, plain log lines), where the windows end (--now, else the
// newest event), the exact `--json` shape, and exit 2 with one line for each kind of bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signalSchema } from '../../../lambdas/core/signal-schema.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import {
  dataMessage,
  eventsOf,
  keyRevokedJson,
  quotaExceededJson,
  STDLIB_TRACEBACK,
  subscriptionEvent,
  UVICORN_ACCESS_401,
} from '../../unit/core/logs/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const QUOTA = 'quota_exceeded_sustained';
const REVOKED = 'key_revoked_in_use';
const TRACEBACK = 'traceback:sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metis-scan-logs-'));
});

function file(name: string, content: string | object): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function scan(args: string[]): { evaluated: string[]; signals: Signal[] } {
  const run = runCli(['scan-logs', ...args, '--json'], { cwd: dir });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout);
  // An evaluation report: `route --signals` replays it as the deployed router would.
  expect(Object.keys(out).sort()).toEqual(['evaluated', 'evaluatedAt', 'healthy', 'signals', 'source']);
  for (const signal of out.signals) expect(signalSchema.safeParse(signal).success).toBe(true);
  return out;
}

const keys = (out: { signals: Signal[] }) => out.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort();

/** A `kubectl logs` capture: a traceback printed line by line, a quota flood 12:00-12:04 (2/min), a revoked key tried 11 times. */
function kubectlCapture(): string {
  const lines: string[] = [];
  const stamp = (ms: number) => new Date(ms).toISOString();
  lines.push(`${stamp(T + 1000)} INFO:     10.0.3.17:52144 - "POST /v1/chat/completions HTTP/1.1" 200 OK`);
  lines.push(...STDLIB_TRACEBACK.split('\n'));
  for (let m = 0; m < 5; m++) {
    for (const s of [10, 40]) lines.push(quotaExceededJson('gk_01ACME', stamp(T + m * 60_000 + s * 1000)));
  }
  for (let i = 0; i < 11; i++) lines.push(keyRevokedJson('gk_01REVOKED', stamp(T + 3 * 60_000 + i * 5000)));
  lines.push(`${stamp(T + 4 * 60_000 + 50_000)} ${UVICORN_ACCESS_401}`);
  return `${lines.join('\n')}\n`;
}

describe('metis-alerts scan-logs --json: the three input forms', () => {
  it('plain log lines: the split traceback is completed from the file; windows end at the newest line (12:04:50)', () => {
    const out = scan(['--file', file('gateway.log', kubectlCapture())]);
    expect(out.evaluated).toEqual([QUOTA, REVOKED]);
    expect(keys(out)).toEqual([`SEV2 ${TRACEBACK}`, `SEV3 ${QUOTA}:gk_01ACME`, `SEV3 ${REVOKED}:gk_01REVOKED`].sort());
    const traceback = out.signals.find((s) => s.rule === 'traceback')!;
    expect(traceback.details).toMatchObject({
      completedFrom: 'batch',
      exceptionType: 'sqlite3.OperationalError',
      logStream: 'gateway.log',
    });
    expect(traceback.summary).toContain('First move: check the gateway logs');
  });

  it('a subscription event ({"awslogs":{"data": base64(gzip)}})', () => {
    const events = eventsOf([STDLIB_TRACEBACK, ...Array.from({ length: 11 }, () => keyRevokedJson('gk_01REVOKED'))], T, 1000);
    const out = scan(['--file', file('event.json', subscriptionEvent(dataMessage(events)))]);
    expect(keys(out)).toEqual([`SEV2 ${TRACEBACK}`, `SEV3 ${REVOKED}:gk_01REVOKED`]);
    expect(out.signals[0]!.observedAt).toBe(new Date(T).toISOString());
  });

  it('a decoded DATA_MESSAGE', () => {
    const events = eventsOf(
      Array.from({ length: 10 }, () => quotaExceededJson('gk_01ACME')),
      T,
      30_000,
    );
    const out = scan(['--file', file('decoded.json', dataMessage(events))]);
    // 2 per minute 12:00-12:04, windows ending at the newest event (12:04:30): sustained.
    expect(keys(out)).toEqual([`SEV3 ${QUOTA}:gk_01ACME`]);
  });

  it('a CONTROL_MESSAGE: nothing to scan, nothing evaluated', () => {
    expect(scan(['--file', file('control.json', subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }))])).toMatchObject({
      source: 'logs',
      evaluated: [],
      healthy: {},
      signals: [],
    });
  });
});

describe('--now', () => {
  const capture = () => file('now.log', kubectlCapture());

  it('before the flood is 5 minutes old: only what had happened by then fires', () => {
    expect(keys(scan(['--file', capture(), '--now', '2026-11-20T12:03:30Z']))).toEqual([`SEV2 ${TRACEBACK}`]);
  });

  it('20 minutes later: the key rules are evaluated and quiet, the traceback is still within its 30 quiet minutes', () => {
    const out = scan(['--file', capture(), '--now', '2026-11-20T12:20:00Z']);
    expect(out.evaluated).toEqual([QUOTA, REVOKED]);
    expect(keys(out)).toEqual([`SEV2 ${TRACEBACK}`]);
    // Its one occurrence (12:00:00) is 20 minutes old: the window's count says none, not the file's total.
    const traceback = out.signals.find((s) => s.rule === 'traceback')!;
    expect(traceback.details).toMatchObject({ countInWindow: 0, countInBatch: 1 });
    expect(traceback.summary).toContain('0x in the last 5 min (1x in this batch');
  });

  it('an hour later: nothing fires', () => {
    expect(keys(scan(['--file', capture(), '--now', '2026-11-20T13:00:00Z']))).toEqual([]);
  });

  it('--config turns a rule off: it is neither evaluated nor fired', () => {
    const config = file('config.json', { rules: { quota_exceeded_sustained: { enabled: false } } });
    const out = scan(['--file', capture(), '--config', config]);
    expect(out.evaluated).toEqual([REVOKED]);
    expect(out.signals.map((s) => s.rule).sort()).toEqual([REVOKED, 'traceback']);
  });
});

describe('human output', () => {
  it('says what was scanned, what was evaluated and each signal with its summary', () => {
    const run = runCli(['scan-logs', '--file', file('human.log', kubectlCapture())], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'human.log (plain log lines): 32 events, 1 traceback, 10 quota_exceeded, 11 key_revoked; windows end 2026-11-20T12:04:50.000Z',
    );
    expect(run.stdout).toContain('evaluated: quota_exceeded_sustained, key_revoked_in_use');
    expect(run.stdout).toContain(`SEV2  ${TRACEBACK}`);
  });
});

describe('exit 2 with one line on bad input', () => {
  it.each([
    ['no --file', () => ['scan-logs'], /^metis-alerts scan-logs: scan-logs: --file FILE is required$/],
    [
      'a file that does not exist',
      () => ['scan-logs', '--file', join(dir, 'missing.log')],
      /missing\.log: cannot read the log file \(ENOENT\)$/,
    ],
    ['a directory', () => ['scan-logs', '--file', dir], /cannot read the log file \(EISDIR\)$/],
    ['an empty file', () => ['scan-logs', '--file', file('empty.log', '\n\n')], /empty file, no log lines to scan$/],
    [
      'awslogs data that is not base64',
      () => ['scan-logs', '--file', file('bad64.json', { awslogs: { data: '***' } })],
      /awslogs\.data is not base64/,
    ],
    [
      'awslogs data that is not gzip',
      () => ['scan-logs', '--file', file('badgz.json', { awslogs: { data: Buffer.from('plain').toString('base64') } })],
      /not gzip/,
    ],
    [
      'a DATA_MESSAGE without logEvents',
      () => ['scan-logs', '--file', file('nolog.json', { messageType: 'DATA_MESSAGE', logGroup: 'g' })],
      /without logEvents/,
    ],
    ['a bad --now', () => ['scan-logs', '--file', file('ok.log', 'x'), '--now', 'yesterday'], /--now: expected an ISO-8601 time/],
    [
      'an unknown option',
      () => ['scan-logs', '--file', file('ok2.log', 'x'), '--since', '5m'],
      /^metis-alerts scan-logs: unknown flag --since /,
    ],
  ])('%s', (_name, args, message) => {
    const run = runCli(args(), { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
