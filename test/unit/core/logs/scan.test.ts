// The whole scan on batches, with the in-memory counters and an in-memory CloudWatch Logs for split
// tracebacks: classification, completion, counting across batches, evaluated, bad input, big batches.
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { MemoryLogFetcher } from '../../../../lambdas/adapters/memory-log-fetcher.ts';
import { plainLinesBatch, type LogEvent } from '../../../../lambdas/core/logs/decode.ts';
import type { CounterKind, LogCounters } from '../../../../lambdas/core/logs/ports.ts';
import { KEY_REVOKED_RULE, QUOTA_RULE } from '../../../../lambdas/core/logs/rules.ts';
import { batchId, type LogScan, scanBatch, scanLogBatch } from '../../../../lambdas/core/logs/scan.ts';
import { REDACTED } from '../../../../lambdas/core/redact.ts';
import { evaluationReportSchema, signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import {
  CHAINED_TRACEBACK,
  dataMessage,
  eventId,
  eventsOf,
  keyRevokedJson,
  LOG_GROUP,
  MIN,
  quotaExceededJson,
  quotaExceededText,
  rulesWith,
  splitEvents,
  STDLIB_TRACEBACK,
  STREAM,
  STRUCTLOG_DICT_TRACEBACK,
  subscriptionEvent,
  UVICORN_ACCESS_401,
  UVICORN_TRACEBACK,
  WARNING_TRACEBACK,
} from './fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const NOW = new Date(T + 30_000);
const RULES = rulesWith();

function tracebacks(signals: Signal[]): Signal[] {
  return signals.filter((s) => s.rule === 'traceback');
}

/** The stream as the runtime wrote it (one event per line) and the batch CloudWatch delivers (lines matching the filter). */
function splitStream(text: string, start: number, firstId = 0): { stream: LogEvent[]; delivered: LogEvent[] } {
  const stream = splitEvents(text, start, firstId);
  return { stream, delivered: stream.filter((e) => /Traceback|quota_exceeded|key_revoked/.test(e.message)) };
}

describe('one signal per fingerprint', () => {
  it('counts occurrences, keeps first/last seen, the log group and stream, a redacted excerpt', async () => {
    const messages = [
      STDLIB_TRACEBACK,
      UVICORN_ACCESS_401,
      STDLIB_TRACEBACK.replace('line 88', 'line 90'),
      UVICORN_TRACEBACK,
      STDLIB_TRACEBACK,
    ];
    const scan = await scanBatch(subscriptionEvent(dataMessage(eventsOf(messages, T, 2000))), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    const signals = tracebacks(scan.signals);
    expect(signals.map((s) => [s.subject, s.details.countInBatch])).toEqual([
      ['sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event', 3],
      ['httpx.ReadTimeout@httpx/_models.py:aiter_lines', 1],
    ]);
    const [db] = signals;
    expect(db).toMatchObject({
      source: 'logs',
      severity: 'SEV2',
      status: 'firing',
      runbook: 'Mitigate',
      observedAt: new Date(T + 8000).toISOString(),
    });
    expect(db!.details).toMatchObject({
      exceptionType: 'sqlite3.OperationalError',
      typeKnown: true,
      innermostFrame: { file: '/app/metis/gateway/db.py', line: 88, function: 'insert_event' },
      countInWindow: 3,
      firstSeen: new Date(T).toISOString(),
      lastSeen: new Date(T + 8000).toISOString(),
      logGroup: LOG_GROUP,
      logStream: STREAM,
      completedFrom: 'message',
    });
    expect(db!.summary).toContain('sqlite3.OperationalError at /app/metis/gateway/db.py:insert_event (line 88), 3x in the last 5 min');
    expect(db!.summary).toContain('helm rollback');
    expect(db!.details.excerpt).toContain('sqlite3.OperationalError: database is locked');
    for (const signal of scan.signals) expect(signalSchema.safeParse(signal).success).toBe(true);
  });

  it('never lists traceback in evaluated; lists the key rules the counters judged', async () => {
    const scan = await scanBatch(dataMessage(eventsOf([STDLIB_TRACEBACK], T)), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    expect(scan.evaluated).toEqual([QUOTA_RULE, KEY_REVOKED_RULE]);
    expect(tracebacks(scan.signals)).toHaveLength(1);
  });

  it('ignores tracebacks logged below ERROR and those older than the quiet window', async () => {
    const old = eventsOf([STDLIB_TRACEBACK], T - 31 * MIN);
    const scan = await scanBatch(dataMessage([...old, ...eventsOf([WARNING_TRACEBACK], T, 1000, 5)]), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    expect(scan.signals).toEqual([]);
    expect(scan.stats).toMatchObject({ tracebacks: 2, tracebacksBelowError: 1, tracebacksOutsideWindow: 1 });
  });

  it('the count "in the last 5 min" holds only occurrences inside those minutes, not the whole quiet window', async () => {
    // Ten at 11:40 (inside the 30 quiet minutes, outside the 5-minute count), one at 12:00.
    const old = eventsOf(
      Array.from({ length: 10 }, () => STDLIB_TRACEBACK),
      T - 20 * MIN,
      1000,
    );
    const scan = await scanBatch(dataMessage([...old, ...eventsOf([STDLIB_TRACEBACK], T, 1000, 10)]), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    const [db] = tracebacks(scan.signals);
    expect(db!.details).toMatchObject({ countInBatch: 11, countInWindow: 1, value: 1 });
    expect(db!.summary).toContain('1x in the last 5 min');
  });

  it('a traceback only older than the count window still holds its incident open, saying none fell in the last 5 min', async () => {
    const scan = await scanBatch(dataMessage(eventsOf([STDLIB_TRACEBACK], T - 20 * MIN)), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    const [db] = tracebacks(scan.signals);
    expect(db!.details).toMatchObject({ countInBatch: 1, countInWindow: 0 });
    expect(db!.summary).toContain('0x in the last 5 min (1x in this batch, last at 2026-11-20T11:40:00.000Z)');
  });

  it('a JSON traceback (structlog dict_tracebacks) never shows locals', async () => {
    const scan = await scanBatch(dataMessage(eventsOf([STRUCTLOG_DICT_TRACEBACK], T)), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    const text = JSON.stringify(scan.signals);
    expect(text).toContain('KeyError@/app/metis/gateway/routing.py:pick_model');
    expect(text).not.toContain('PATIENT');
    expect(text).not.toContain('secret plan');
  });
});

describe('a traceback split by the container runtime (only its first line matched the filter)', () => {
  it('fetches the following lines of the same stream and names the exception', async () => {
    const { stream, delivered } = splitStream(STDLIB_TRACEBACK, T);
    expect(delivered).toHaveLength(1);
    const cloudWatch = new MemoryLogFetcher();
    cloudWatch.append(LOG_GROUP, STREAM, stream);
    const scan = await scanBatch(subscriptionEvent(dataMessage(delivered)), {
      counters: new MemoryLogCounters(),
      fetcher: cloudWatch,
      rules: RULES,
      now: NOW,
    });
    const [signal] = tracebacks(scan.signals);
    expect(signal!.subject).toBe('sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event');
    expect(signal!.details).toMatchObject({ typeKnown: true, completedFrom: 'fetched', frames: 3 });
    // The log record's own line, written just before, says ERROR and which request it was.
    expect(signal!.details.excerpt).toMatch(/^2026-11-20 12:00:01,234 ERROR \[metis.gateway.app\] unhandled error/);
    expect(cloudWatch.requests).toEqual([
      { logGroup: LOG_GROUP, logStream: STREAM, startTime: T + 1 - 100, maxEvents: 200, maxSpanMs: 10_100 },
    ]);
    expect(scan.stats).toMatchObject({ splitTracebacks: 1, completedByFetch: 1, fetchCalls: 1, unresolved: 0 });
  });

  it('still raises the signal when the fetch fails, saying the type is unknown', async () => {
    const { delivered } = splitStream(STDLIB_TRACEBACK, T);
    const cloudWatch = new MemoryLogFetcher();
    cloudWatch.failWith = 'AccessDeniedException: not authorized to perform logs:FilterLogEvents';
    const scan = await scanBatch(dataMessage(delivered), {
      counters: new MemoryLogCounters(),
      fetcher: cloudWatch,
      rules: RULES,
      now: NOW,
    });
    const [signal] = tracebacks(scan.signals);
    expect(signal).toMatchObject({ severity: 'SEV2', subject: `unknown@${LOG_GROUP}` });
    expect(signal!.details).toMatchObject({ typeKnown: false, exceptionType: null, completedFrom: 'unresolved' });
    expect(signal!.summary).toContain('Traceback of unknown type (fetching the following lines failed (AccessDeniedException');
    expect(scan.warnings[0]).toContain('AccessDeniedException');
    expect(scan.stats).toMatchObject({ fetchFailures: 1, unresolved: 1 });
  });

  it('says the type is unknown when the exception line is not within the bounds', async () => {
    // 250 frames: the exception line is event 503, beyond the 200 fetched.
    const { stream, delivered } = splitStream(
      STDLIB_TRACEBACK.replace(
        /(\n {2}File "\/app\/metis\/gateway\/db\.py")/,
        `${'\n  File "/app/x.py", line 1, in f\n    f()'.repeat(250)}$1`,
      ),
      T,
    );
    const cloudWatch = new MemoryLogFetcher();
    cloudWatch.append(LOG_GROUP, STREAM, stream);
    const scan = await scanBatch(dataMessage(delivered), {
      counters: new MemoryLogCounters(),
      fetcher: cloudWatch,
      rules: RULES,
      now: NOW,
    });
    const [signal] = tracebacks(scan.signals);
    expect(signal!.details.typeKnown).toBe(false);
    expect(signal!.subject).toBe('unknown@/app/x.py:f');
    expect(signal!.summary).toContain('not within 200 events / 10 s of log');
  });

  it('a chained traceback split into events: one fetch, one signal for the exception finally raised', async () => {
    const { stream, delivered } = splitStream(CHAINED_TRACEBACK, T);
    expect(delivered).toHaveLength(2); // both "Traceback (most recent call last):" lines matched
    const cloudWatch = new MemoryLogFetcher();
    cloudWatch.append(LOG_GROUP, STREAM, stream);
    const scan = await scanBatch(dataMessage(delivered), {
      counters: new MemoryLogCounters(),
      fetcher: cloudWatch,
      rules: RULES,
      now: NOW,
    });
    expect(tracebacks(scan.signals).map((s) => [s.subject, s.details.countInBatch, s.details.chainedExceptions])).toEqual([
      ['metis.gateway.errors.UnknownKey@/app/metis/gateway/keys.py:lookup', 1, 1],
    ]);
    expect(cloudWatch.requests).toHaveLength(1);
  });

  it('fetches at most maxFetches times per batch; one fetched list serves the tracebacks it covers', async () => {
    const cloudWatch = new MemoryLogFetcher();
    const delivered: LogEvent[] = [];
    for (let i = 0; i < 12; i++) {
      // Two tracebacks 100 ms apart share one fetch; pairs are 20 s apart (beyond one fetch's 10 s).
      for (const offset of [0, 100]) {
        const parts = splitStream(STDLIB_TRACEBACK, T + i * 20_000 + offset, i * 100 + (offset ? 50 : 0));
        cloudWatch.append(LOG_GROUP, STREAM, parts.stream);
        delivered.push(...parts.delivered);
      }
    }
    const scan = await scanBatch(dataMessage(delivered), {
      counters: new MemoryLogCounters(),
      fetcher: cloudWatch,
      rules: RULES,
      now: new Date(T + 5 * MIN),
      limits: { maxFetches: 4 },
    });
    expect(cloudWatch.requests).toHaveLength(4);
    expect(scan.stats).toMatchObject({ splitTracebacks: 24, completedByFetch: 8, unresolved: 16 });
    expect(tracebacks(scan.signals).map((s) => [s.subject, s.details.countInBatch])).toEqual([
      [`unknown@${LOG_GROUP}`, 16],
      ['sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event', 8],
    ]);
  });

  it('in plain lines (the whole stream) completes from the following lines without a fetch, and never counts a traceback line as a key event', async () => {
    const text = [
      '2026-11-20T12:00:00Z INFO start',
      ...STDLIB_TRACEBACK.replace('database is locked', 'quota_exceeded for gk_01NOTAREJECTION').split('\n'),
      quotaExceededText('gk_01REALKEY', '2026-11-20 12:00:02,000'),
    ].join('\n');
    const scan = await scanLogBatch(plainLinesBatch(text, { fallbackTime: 0 }), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    expect(tracebacks(scan.signals).map((s) => [s.subject, s.details.completedFrom])).toEqual([
      ['sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event', 'batch'],
    ]);
    expect(scan.stats.quotaExceeded).toBe(1);
  });

  it('in plain lines, two tracebacks that start with the same line are each completed from their own following lines', async () => {
    // Every split traceback's first event is the same text, so both share one line verdict: the completion must stay each occurrence's own.
    const second = STDLIB_TRACEBACK.replace('sqlite3.OperationalError: database is locked', "KeyError: 'provider-2'").replace(
      'line 88, in insert_event',
      'line 412, in route_request',
    );
    expect(second).not.toBe(STDLIB_TRACEBACK);
    const text = [...STDLIB_TRACEBACK.split('\n'), '2026-11-20T12:00:05Z INFO between', ...second.split('\n')].join('\n');
    const batch = plainLinesBatch(text, { fallbackTime: T });
    const firstLines = batch.logEvents.filter((e) => e.message === 'Traceback (most recent call last):');
    expect(firstLines).toHaveLength(2);
    const scan = await scanLogBatch(batch, { counters: new MemoryLogCounters(), rules: RULES, now: NOW });
    expect(
      tracebacks(scan.signals)
        .map((s) => [s.details.exceptionType, s.details.completedFrom])
        .sort(),
    ).toEqual([
      ['KeyError', 'batch'],
      ['sqlite3.OperationalError', 'batch'],
    ]);
    expect(scan.stats.tracebacks).toBe(2);
  });

  it('in plain lines split one per line with a foreign line in between', async () => {
    const lines = STDLIB_TRACEBACK.split('\n');
    lines.splice(4, 0, 'INFO:     10.0.3.17:52144 - "GET /healthz HTTP/1.1" 200 OK');
    const batch = plainLinesBatch(lines.join('\n'), { fallbackTime: T });
    const scan = await scanLogBatch(
      { ...batch, logEvents: batch.logEvents },
      { counters: new MemoryLogCounters(), rules: RULES, now: NOW },
    );
    expect(tracebacks(scan.signals).map((s) => s.subject)).toEqual(['sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event']);
  });
});

describe('counters', () => {
  it('add up across batches (a quota flood delivered one batch per minute)', async () => {
    const counters = new MemoryLogCounters();
    let last: LogScan | undefined;
    for (let m = 0; m < 5; m++) {
      const events = eventsOf(
        [quotaExceededJson('gk_01ACME'), quotaExceededJson('gk_01ACME'), quotaExceededText('gk_01OTHER')],
        T + m * MIN + 1000,
        10_000,
        m * 10,
      );
      last = await scanBatch(subscriptionEvent(dataMessage(events)), { counters, rules: RULES, now: new Date(T + m * MIN + 40_000) });
      if (m < 4) expect(last.signals).toEqual([]);
    }
    expect(last!.signals.map((s) => s.dedupKey)).toEqual([`${QUOTA_RULE}:gk_01ACME`]);
    expect(last!.evaluated).toEqual([QUOTA_RULE, KEY_REVOKED_RULE]);
  });

  it('count a retried batch once', async () => {
    const counters = new MemoryLogCounters();
    const event = subscriptionEvent(
      dataMessage(
        eventsOf(
          Array.from({ length: 6 }, () => keyRevokedJson('gk_01REVOKED')),
          T,
        ),
      ),
    );
    expect((await scanBatch(event, { counters, rules: RULES, now: NOW })).signals).toEqual([]);
    // Lambda retries the same event: still 6, not 12.
    expect((await scanBatch(event, { counters, rules: RULES, now: NOW })).signals).toEqual([]);
    const more = dataMessage(
      eventsOf(
        Array.from({ length: 5 }, () => keyRevokedJson('gk_01REVOKED')),
        T + 5000,
        100,
        50,
      ),
    );
    expect((await scanBatch(more, { counters, rules: RULES, now: NOW })).signals.map((s) => s.dedupKey)).toEqual([
      `${KEY_REVOKED_RULE}:gk_01REVOKED`,
    ]);
  });

  it('judge keys seen in earlier batches too, so a key that went quiet can resolve', async () => {
    const counters = new MemoryLogCounters();
    const flood = dataMessage(
      Array.from({ length: 5 }, (_, m) =>
        eventsOf([quotaExceededJson('gk_01ACME'), quotaExceededJson('gk_01ACME')], T + m * MIN, 1000, m * 2),
      ).flat(),
    );
    expect((await scanBatch(flood, { counters, rules: RULES, now: new Date(T + 4 * MIN + 30_000) })).signals).toHaveLength(1);
    // Two minutes later a batch about something else: the rule is evaluated and gk_01ACME is not firing.
    const later = await scanBatch(dataMessage(eventsOf([keyRevokedJson('gk_01OTHER')], T + 6 * MIN + 10_000, 1000, 99)), {
      counters,
      rules: RULES,
      now: new Date(T + 6 * MIN + 20_000),
    });
    expect(later.evaluated).toContain(QUOTA_RULE);
    expect(later.signals).toEqual([]);
  });

  it('when the counters fail: key rules not evaluated, the error reported, tracebacks still signalled with the batch count', async () => {
    const broken: LogCounters = {
      add: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
      keys: async () => [],
      read: async () => new Map(),
    };
    const scan = await scanBatch(dataMessage(eventsOf([STDLIB_TRACEBACK, keyRevokedJson('gk_01X')], T)), {
      counters: broken,
      rules: RULES,
      now: NOW,
    });
    expect(scan.evaluated).toEqual([]);
    expect(scan.counterError).toContain('ProvisionedThroughputExceededException');
    expect(tracebacks(scan.signals)[0]!.summary).toContain('1x in this batch');
  });

  it("with more keys in the window than it judges: fires for this batch's keys, does not list the rule as evaluated", async () => {
    const counters = new MemoryLogCounters();
    const earlier = dataMessage(
      ['gk_01A', 'gk_01B', 'gk_01C', 'gk_01D'].map((key, i) => ({ id: `e${i}`, timestamp: T, message: quotaExceededJson(key) })),
    );
    await scanBatch(earlier, { counters, rules: RULES, now: NOW });
    const flood = dataMessage(
      Array.from({ length: 5 }, (_, m) =>
        eventsOf([quotaExceededJson('gk_01Z'), quotaExceededJson('gk_01Z')], T - 4 * MIN + m * MIN, 1000, m * 2),
      ).flat(),
    );
    const scan = await scanBatch(flood, { counters, rules: RULES, now: NOW, limits: { maxKeysJudged: 3 } });
    expect(scan.signals.map((s) => s.dedupKey)).toEqual([`${QUOTA_RULE}:gk_01Z`]);
    expect(scan.evaluated).toEqual([KEY_REVOKED_RULE]);
    expect(scan.warnings).toContain("quota_exceeded: 5 keys in the window, more than 3: judged only this batch's keys, rule not evaluated");
  });

  it('disabled rules are neither counted nor evaluated', async () => {
    const counters = new MemoryLogCounters();
    const rules = rulesWith({ traceback: { enabled: false }, quota_exceeded_sustained: { enabled: false } });
    const scan = await scanBatch(dataMessage(eventsOf([STDLIB_TRACEBACK, quotaExceededJson('gk_01A'), keyRevokedJson('gk_01B')], T)), {
      counters,
      rules,
      now: NOW,
    });
    expect(scan.signals).toEqual([]);
    expect(scan.evaluated).toEqual([KEY_REVOKED_RULE]);
    const kinds: CounterKind[] = ['traceback', 'quota_exceeded', 'key_revoked'];
    const seen = await Promise.all(kinds.map((k) => counters.keys(k, 0, Number.MAX_SAFE_INTEGER)));
    expect(seen).toEqual([[], [], ['gk_01B']]);
  });

  it('the batch id is stable for the same content and differs for different content', () => {
    const a = plainLinesBatch('x\ny', { fallbackTime: T });
    expect(batchId(a)).toBe(batchId(plainLinesBatch('x\ny', { fallbackTime: T })));
    expect(batchId(a)).not.toBe(batchId(plainLinesBatch('x\nz', { fallbackTime: T })));
  });
});

describe('bad and hostile input', () => {
  it.each([
    ['not base64', { awslogs: { data: '%%%' } }, 'not_base64'],
    ['not gzip', { awslogs: { data: Buffer.from('hello world, plain').toString('base64') } }, 'not_gzip'],
    ['not JSON', { awslogs: { data: 'H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==' } }, 'not_json'],
    ['no logEvents', subscriptionEvent({ messageType: 'DATA_MESSAGE' }), 'no_log_events'],
  ])('%s: rejected, with no signals and nothing evaluated', async (_name, input, reason) => {
    const counters = new MemoryLogCounters();
    const scan = await scanBatch(input, { counters, rules: RULES, now: NOW });
    expect(scan).toMatchObject({ outcome: 'rejected', failure: { reason }, evaluated: [], signals: [] });
    expect(counters.calls.add).toBe(0);
  });

  it('a CONTROL_MESSAGE is ignored', async () => {
    const scan = await scanBatch(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    expect(scan).toMatchObject({ outcome: 'control', evaluated: [], signals: [] });
  });

  it('binary garbage in messages: scanned, nothing fires, nothing throws', async () => {
    const garbage = Array.from({ length: 50 }, (_, i) =>
      Buffer.from(Array.from({ length: 512 }, (_, j) => (i * 7919 + j * 31) % 256)).toString('latin1'),
    );
    const scan = await scanBatch(
      subscriptionEvent(dataMessage(eventsOf([...garbage, `Traceback (most recent call last):\u0000\u00ff\ud800`], T))),
      { counters: new MemoryLogCounters(), rules: RULES, now: NOW },
    );
    expect(scan.outcome).toBe('scanned');
    expect(scan.stats.events).toBe(51);
    expect(tracebacks(scan.signals)).toHaveLength(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion is that no control byte survives
    expect(JSON.stringify(scan.signals)).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it('a message that is all secrets leaves nothing of them in the signal', async () => {
    const secrets = [
      'gw_live_4f9a8b7c6d5e4f3a2b1c0d9e',
      'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'oncall@example.com',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    ];
    const message = [
      secrets.join(' '),
      'Traceback (most recent call last):',
      `  File "/app/metis/gateway/auth.py", line 9, in check`,
      `    verify(${secrets.join(', ')})`,
      `ValueError: ${secrets.join(' ')}`,
    ].join('\n');
    const json = JSON.stringify({
      level: 'warning',
      code: 'key_revoked',
      gateway_key_id: 'gk_01LEAKY',
      authorization: secrets[5],
      prompt: 'tell me the secret',
      token: secrets[0],
      email: secrets[4],
    });
    const scan = await scanBatch(dataMessage(eventsOf([message, ...Array.from({ length: 11 }, () => json)], T, 100)), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    });
    expect(scan.signals.map((s) => s.rule).sort()).toEqual([KEY_REVOKED_RULE, 'prompt_exposure', 'traceback']);
    const text = JSON.stringify(scan.signals);
    for (const secret of [...secrets, 'tell me the secret', 'eyJhbGciOiJIUzI1NiJ9']) expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);
  });

  it('a 10 000-event batch: every event classified, one signal per fingerprint, capped, a report EventBridge accepts', async () => {
    const messages: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i % 10 === 0)
        messages.push(STDLIB_TRACEBACK.replace('in insert_event', `in insert_event_${i % 40}`)); // 4 fingerprints... x 250
      else if (i % 10 === 1)
        messages.push(STDLIB_TRACEBACK.replace('sqlite3.OperationalError', `gateway.Error${i}`)); // 1000 distinct fingerprints
      else if (i % 10 < 5) messages.push(quotaExceededJson(`gk_01KEY${i % 7}`));
      else if (i % 10 < 7) messages.push(keyRevokedJson(`gk_01REV${i % 3}`));
      else messages.push(UVICORN_ACCESS_401);
    }
    const scan = await scanBatch(subscriptionEvent(dataMessage(eventsOf(messages, T, 5))), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: new Date(T + 60_000),
    });
    expect(scan.stats).toMatchObject({ events: 10_000, tracebacks: 2000, quotaExceeded: 3000, keyRevoked: 2000 });
    const tb = tracebacks(scan.signals);
    expect(tb).toHaveLength(20);
    expect(tb.slice(0, 4).map((s) => s.details.countInBatch)).toEqual([250, 250, 250, 250]);
    expect(scan.warnings).toContain('traceback: 1004 subjects firing, reported the 20 busiest');
    expect(scan.signals.filter((s) => s.rule === KEY_REVOKED_RULE)).toHaveLength(3);
    const report = { source: 'logs', evaluatedAt: new Date(T + 60_000).toISOString(), evaluated: scan.evaluated, signals: scan.signals };
    expect(evaluationReportSchema.safeParse(report).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(200 * 1024);
  });

  it('event ids in a subscription batch are CloudWatch ids', () => {
    expect(eventId(7)).toHaveLength(56);
  });
});
