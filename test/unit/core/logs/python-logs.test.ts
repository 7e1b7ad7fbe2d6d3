// Each real Python log (test/fixtures/python-logs/, produced by running code: tools/python-logs/generate.py)
// through the whole scan, delivered the three ways log-watch sees logs: the whole stream as plain lines
// (a `kubectl logs` capture, the CLI), one CloudWatch event per log record, and one event per line (the
// runtime split the record; only lines matching the subscription filter arrive, the rest is fetched).
// Each gives exactly its expected incident, or none.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { MemoryLogFetcher } from '../../../../lambdas/adapters/memory-log-fetcher.ts';
import { plainLinesBatch, type LogEvent } from '../../../../lambdas/core/logs/decode.ts';
import { scanBatch, scanLogBatch, type LogScan } from '../../../../lambdas/core/logs/scan.ts';
import { signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import { dataMessage, eventId, LOG_GROUP, rulesWith, STREAM } from './fixtures.ts';
import { type ExpectedIncident, PYTHON_FIXTURES, PYTHON_LOGS_DIR, pythonLog } from './python-fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const NOW = new Date('2026-11-20T12:05:00Z');
const RULES = rulesWith();
/**
 * The subscription filter's terms: the default `?Traceback ?quota_exceeded ?key_revoked` plus `?exc_type`,
 * which a deployment logging with structlog's dict_tracebacks must add (its records hold no "Traceback").
 */
const FILTER = /Traceback|exc_type|quota_exceeded|key_revoked/;
/** A log record's first line: a timestamp, `LEVEL:` (stdlib's default format, uvicorn) or a JSON object. */
const RECORD_START = /^(?:\d{4}-\d{2}-\d{2}[ T]|[A-Z]+:|\{)/;

/** The file's lines as events, timed as the file says (lines without a stamp take the previous one's), 1 ms apart. */
function lineEvents(text: string): LogEvent[] {
  return plainLinesBatch(text, { fallbackTime: T }).logEvents.map((e, i) => ({
    id: eventId(i),
    timestamp: e.timestamp + i,
    message: e.message,
  }));
}

/** One event per log record (the record's line and its traceback together). */
function recordEvents(text: string): LogEvent[] {
  const records: LogEvent[] = [];
  for (const line of lineEvents(text)) {
    const last = records[records.length - 1];
    if (last && !RECORD_START.test(line.message)) last.message += `\n${line.message}`;
    else records.push({ ...line, id: eventId(records.length) });
  }
  return records;
}

async function asPlainLines(text: string): Promise<LogScan> {
  return scanLogBatch(plainLinesBatch(text, { fallbackTime: T, logGroup: LOG_GROUP, logStream: STREAM }), {
    counters: new MemoryLogCounters(),
    rules: RULES,
    now: NOW,
  });
}

async function asRecordEvents(text: string): Promise<LogScan> {
  const delivered = recordEvents(text).filter((e) => FILTER.test(e.message));
  return scanBatch(dataMessage(delivered), { counters: new MemoryLogCounters(), rules: RULES, now: NOW });
}

async function asSplitLines(text: string): Promise<{ scan: LogScan; fetches: number }> {
  const stream = lineEvents(text);
  const fetcher = new MemoryLogFetcher();
  fetcher.append(LOG_GROUP, STREAM, stream);
  const delivered = stream.filter((e) => FILTER.test(e.message));
  const scan = await scanBatch(dataMessage(delivered), { counters: new MemoryLogCounters(), fetcher, rules: RULES, now: NOW });
  return { scan, fetches: fetcher.requests.length };
}

function expectIncident(scan: LogScan, expected: ExpectedIncident | null): void {
  expect(scan.outcome).toBe('scanned');
  const tracebacks = scan.signals.filter((s) => s.rule === 'traceback');
  if (expected === null) {
    expect(tracebacks).toEqual([]);
    expect(scan.stats.tracebacksBelowError).toBe(1);
    return;
  }
  expect(tracebacks.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([`SEV2 traceback:${expected.fingerprint}`]);
  const [signal] = tracebacks;
  expect(signalSchema.safeParse(signal).success).toBe(true);
  expect(signal!.subject).toBe(expected.fingerprint);
  expect(signal!.details).toMatchObject({
    exceptionType: expected.exceptionType,
    typeKnown: true,
    innermostFrame: expected.innermostFrame,
    chainedExceptions: expected.chainedExceptions,
    countInBatch: 1,
    ...expected.details,
  });
  expect(signal!.summary).toContain(`ERROR traceback: ${expected.exceptionType}`);
}

describe('real Python logs: every fixture is covered', () => {
  it('each file in test/fixtures/python-logs has an expectation and each expectation a file', () => {
    const files = readdirSync(PYTHON_LOGS_DIR)
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.replace(/\.log$/, ''))
      .sort();
    expect(files).toEqual(Object.keys(PYTHON_FIXTURES).sort());
  });
});

describe.each(Object.entries(PYTHON_FIXTURES))('%s', (name, expected) => {
  const text = pythonLog(name);

  it(`as plain lines (the whole stream): ${expected ? expected.fingerprint : 'no incident'}`, async () => {
    expectIncident(await asPlainLines(text), expected);
  });

  it('as one CloudWatch event per log record', async () => {
    expectIncident(await asRecordEvents(text), expected);
  });

  it('as one event per line, the rest of the traceback fetched', async () => {
    const { scan, fetches } = await asSplitLines(text);
    expectIncident(scan, expected);
    // JSON lines hold the whole traceback in one event: nothing to fetch. Text tracebacks are fetched once.
    expect(fetches).toBe(text.trimStart().startsWith('{') ? 0 : 1);
  });
});

describe('exception groups in detail', () => {
  it('the summary names the group, its sub-exceptions and the frame that owns it; the excerpt lists them', async () => {
    const scan = await asPlainLines(pythonLog('taskgroup-exception-group'));
    const [signal] = scan.signals;
    expect(signal!.summary).toContain(
      'ERROR traceback: ExceptionGroup with 2 sub-exceptions (TimeoutError, ValueError) at /app/metis/gateway/fanout.py:fan_out (line 12)',
    );
    const excerpt = signal!.details.excerpt as string;
    expect(excerpt).toContain('ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)');
    expect(excerpt).toContain(
      '  | 1: TimeoutError: openai: no response within 30 s (at /app/metis/gateway/fanout.py:call_provider, line 6)',
    );
    expect(excerpt).toContain('  | 2: ValueError: anthropic: unexpected stop_reason ');
    const nested = (await asPlainLines(pythonLog('taskgroup-nested'))).signals[0]!;
    expect(nested.summary).toContain(
      'ERROR traceback: ExceptionGroup with 2 sub-exceptions (TimeoutError, ExceptionGroup) at /app/metis/gateway/fanout.py:warm_region',
    );
  });

  it('the sub-exceptions\' own "Traceback" lines delivered as events of their own are not incidents of type unknown', async () => {
    // Fetching fails: the group's first line still fires (type unknown, reason given); its sub-exceptions' lines do not add incidents.
    const stream = lineEvents(pythonLog('taskgroup-nested'));
    const fetcher = new MemoryLogFetcher();
    fetcher.failWith = 'ThrottlingException: Rate exceeded';
    const delivered = stream.filter((e) => FILTER.test(e.message));
    expect(delivered.map((e) => e.message.trim())).toEqual([
      '+ Exception Group Traceback (most recent call last):',
      '| Traceback (most recent call last):',
      '| Exception Group Traceback (most recent call last):',
      '| Traceback (most recent call last):',
    ]);
    const scan = await scanBatch(dataMessage(delivered), { counters: new MemoryLogCounters(), fetcher, rules: RULES, now: NOW });
    expect(scan.signals.map((s) => s.subject)).toEqual([`unknown@${LOG_GROUP}`]);
    expect(scan.signals[0]!.summary).toContain('fetching the following lines failed (ThrottlingException: Rate exceeded)');
  });

  it('more sub-exceptions than the details hold (max_group_width raised to 25, then "and 2 more"): counted, the list bounded', async () => {
    const subs = Array.from({ length: 25 }, (_, i) => [
      i === 0 ? '  +-+---------------- 1 ----------------' : `    +---------------- ${i + 1} ----------------`,
      '    | Traceback (most recent call last):',
      `    |   File "/app/metis/gateway/fanout.py", line 6, in call_provider`,
      `    | TimeoutError: provider ${i}`,
    ]);
    const text = [
      '2026-11-20 12:00:00,000 ERROR [metis] fan-out failed',
      '  + Exception Group Traceback (most recent call last):',
      '  |   File "/app/metis/gateway/fanout.py", line 12, in fan_out',
      '  | ExceptionGroup: many (27 sub-exceptions)',
      ...subs.flat(),
      '    +---------------- ... ----------------',
      '    | and 2 more exceptions',
      '    +------------------------------------',
    ].join('\n');
    const scan = await asPlainLines(text);
    const group = scan.signals[0]!.details.exceptionGroup as { direct: number; total: number; subExceptions: { path: string }[] };
    expect([group.direct, group.total]).toEqual([27, 27]);
    expect(group.subExceptions.map((s) => s.path)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(scan.signals[0]!.details.excerpt as string).toContain('  | [7 more sub-exceptions]');
  });
});

describe('a traceback after an HTTP access-log line is not demoted to its INFO level', () => {
  it('uvicorn access line, then a traceback printed without a record (a crash): still a page', async () => {
    const text = [
      'INFO:     127.0.0.1:50962 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
      'Traceback (most recent call last):',
      '  File "/app/metis/gateway/main.py", line 9, in <module>',
      '    serve()',
      'OSError: [Errno 98] Address already in use',
    ].join('\n');
    for (const scan of [await asPlainLines(text), (await asSplitLines(text)).scan]) {
      expect(scan.signals.map((s) => s.subject)).toEqual(['OSError@/app/metis/gateway/main.py:<module>']);
    }
  });
});
