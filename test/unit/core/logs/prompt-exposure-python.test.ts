// Real Python logs that carry a customer prompt or completion (test/fixtures/python-logs/prompt-exposure/,
// written by tools/python-logs/generate.py running the code): an exception's message, a chained cause's,
// structlog's JSON `exception`, python-json-logger's `exc_info`, pydantic v2's `input_value`, a logged
// response object. Delivered the three ways log-watch sees logs, each raises SEV1 prompt_exposure naming
// where and how much, and no signal (the text every sink renders from) holds any piece of the text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { MemoryLogFetcher } from '../../../../lambdas/adapters/memory-log-fetcher.ts';
import { plainLinesBatch, type LogEvent } from '../../../../lambdas/core/logs/decode.ts';
import { scanBatch, scanLogBatch, type LogScan } from '../../../../lambdas/core/logs/scan.ts';
import { signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import { dataMessage, eventId, LOG_GROUP, rulesWith, STREAM } from './fixtures.ts';
import { piecesOf } from './prompt-carriers.ts';
import { DEFAULT_FILTER, PYTHON_LOGS_DIR } from './python-fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const NOW = new Date('2026-11-20T12:05:00Z');
const RULES = rulesWith();
/** The texts the generator logs (tools/python-logs/generate.py: PROMPT, COMPLETION). */
const PROMPT = 'Summarise the attached board minutes for Acme Corp and list every acquisition target by name';
const COMPLETION = 'The board approved the acquisition of Globex Industries for 41 million dollars pending due diligence';

/** The default subscription filter's terms as one test: only matching events arrive. */
const FILTER = DEFAULT_FILTER;

interface Case {
  kinds: string[];
  /** A traceback incident comes too (an error was logged), its message not quoted. */
  traceback: string | null;
  keys: string[];
}

const CASES: Record<string, Case> = {
  'upstream-error': {
    kinds: ['exception'],
    traceback: 'metis.gateway.errors.UpstreamError@/app/metis/gateway/providers/anthropic.py:send',
    keys: ['gk_01HXACME'],
  },
  'chained-cause': {
    kinds: ['exception'],
    traceback: 'metis.gateway.errors.UpstreamError@/app/metis/gateway/providers/anthropic.py:send_moderated',
    keys: [],
  },
  'structlog-exception': {
    kinds: ['exception'],
    traceback: 'metis.gateway.errors.UpstreamError@/app/metis/gateway/providers/anthropic.py:send',
    keys: ['gk_01HXACME'],
  },
  'python-json-logger-exc-info': {
    kinds: ['exception'],
    traceback: 'metis.gateway.errors.UpstreamError@/app/metis/gateway/providers/anthropic.py:send_moderated',
    keys: [],
  },
  'pydantic-v2-input-value': {
    kinds: ['input_value'],
    traceback: 'pydantic_core._pydantic_core.ValidationError@pydantic/main.py:model_validate',
    keys: [],
  },
  'logged-response-repr': { kinds: ['content'], traceback: null, keys: [] },
  'structlog-response-json': { kinds: ['content'], traceback: null, keys: ['gk_01HXACME'] },
};

function fixture(name: string): string {
  return readFileSync(join(PYTHON_LOGS_DIR, 'prompt-exposure', `${name}.log`), 'utf8');
}

function lineEvents(text: string): LogEvent[] {
  return plainLinesBatch(text, { fallbackTime: T }).logEvents.map((e, i) => ({
    id: eventId(i),
    timestamp: e.timestamp + i,
    message: e.message,
  }));
}

/** One event per log record: a line that starts a record (a time stamp or a JSON object) and its following lines. */
function recordEvents(text: string): LogEvent[] {
  const records: LogEvent[] = [];
  for (const line of lineEvents(text)) {
    const last = records[records.length - 1];
    if (last && !/^(?:\d{4}-\d{2}-\d{2} |\{)/.test(line.message)) last.message += `\n${line.message}`;
    else records.push({ ...line, id: eventId(records.length) });
  }
  return records;
}

const FORMS: Record<string, (text: string) => Promise<LogScan>> = {
  'the whole stream as plain lines': (text) =>
    scanLogBatch(plainLinesBatch(text, { fallbackTime: T, logGroup: LOG_GROUP, logStream: STREAM }), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    }),
  'one event per record, through the default filter': (text) =>
    scanBatch(dataMessage(recordEvents(text).filter((e) => FILTER.test(e.message))), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: NOW,
    }),
  'one event per line through the default filter, the rest fetched': (text) => {
    const stream = lineEvents(text);
    const fetcher = new MemoryLogFetcher();
    fetcher.append(LOG_GROUP, STREAM, stream);
    return scanBatch(dataMessage(stream.filter((e) => FILTER.test(e.message))), {
      counters: new MemoryLogCounters(),
      fetcher,
      rules: RULES,
      now: NOW,
    });
  },
};

describe.each(Object.entries(CASES))('%s', (name, expected) => {
  const text = fixture(name);

  it('holds the customer text (the fixture is real material, not a stand-in)', () => {
    expect(text.includes(PROMPT.slice(0, 24)) || text.includes(COMPLETION)).toBe(true);
  });

  it.each(Object.keys(FORMS))('%s: SEV1 prompt_exposure, described, and no piece of the text in any signal', async (form) => {
    const scan = await FORMS[form]!(text);
    const exposure = scan.signals.filter((s) => s.rule === 'prompt_exposure');
    expect(exposure.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([`SEV1 prompt_exposure:${LOG_GROUP}`]);
    const [signal] = exposure;
    expect(signalSchema.safeParse(signal).success).toBe(true);
    expect(signal!.details).toMatchObject({
      logGroup: LOG_GROUP,
      lineCount: 1,
      fieldKinds: expected.kinds,
      keys: expected.keys,
      contentQuoted: false,
    });
    expect(signal!.summary).toContain(`1 line (`);
    expect(signal!.summary).toContain(`stream ${STREAM}`);
    for (const key of expected.keys) expect(signal!.summary).toContain(key);

    const tracebacks = scan.signals.filter((s) => s.rule === 'traceback');
    expect(tracebacks.map((s) => s.subject)).toEqual(expected.traceback ? [expected.traceback] : []);
    if (tracebacks[0]) {
      expect(tracebacks[0].details.contentWithheld).toBe(true);
      expect(tracebacks[0].details.excerpt).toContain('[message not quoted: it carries customer content');
    }

    const everything = JSON.stringify(scan.signals);
    for (const piece of [...piecesOf(PROMPT), ...piecesOf(COMPLETION)]) expect(everything).not.toContain(piece);
  });
});
