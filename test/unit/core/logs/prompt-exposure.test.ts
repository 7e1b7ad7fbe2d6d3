// prompt_exposure and log_noise: what each kind of line is (detectors), and the signals one batch gives
// through the real scan (names the log group, stream, first time and line count; never the content).
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { logNoiseOf } from '../../../../lambdas/core/logs/log-noise.ts';
import { isFreeText, promptExposureOf } from '../../../../lambdas/core/logs/prompt-exposure.ts';
import { scanBatch } from '../../../../lambdas/core/logs/scan.ts';
import { signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import {
  dataMessage,
  eventsOf,
  LOG_GROUP,
  rulesWith,
  STDLIB_TRACEBACK,
  STREAM,
  subscriptionEvent,
  UVICORN_ACCESS_401,
} from './fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const NOW = new Date(T + 60_000);
const SECRET = 'Summarise the merger terms for Acme Corp';

const CHAT_BODY = JSON.stringify({
  level: 'debug',
  event: 'upstream request',
  body: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: SECRET }] },
});

describe('promptExposureOf: which lines carry prompt or completion content', () => {
  it.each([
    ['a JSON log line with a request body holding a messages array', CHAT_BODY, ['messages']],
    [
      'content parts ([{type: "text", text}]) in a body embedded in a text line',
      `DEBUG request body: ${JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: SECRET }] }] })}`,
      ['messages'],
    ],
    [
      'a Python repr of the kwargs',
      `DEBUG call kwargs={'model': 'x', 'messages': [{'role': 'user', 'content': '${SECRET}'}]}`,
      ['messages'],
    ],
    [
      'a body logged as an escaped JSON string',
      JSON.stringify({ body: JSON.stringify({ messages: [{ role: 'user', content: SECRET }] }) }),
      ['messages'],
    ],
    ['prompt="..." in a key=value line', `INFO llm call prompt="${SECRET}" model=gpt-5 tokens=12`, ['prompt']],
    [
      'unquoted completion=free text up to the next key=',
      'INFO llm done completion=Sure, here is the summary latency_ms=300',
      ['completion'],
    ],
    [
      'a JSON prompt field and a completion field',
      JSON.stringify({ prompt: SECRET, completion: 'The merger closes in Q3 next year' }),
      ['completion', 'prompt'],
    ],
  ])('%s -> exposure', (_name, line, kinds) => {
    expect(promptExposureOf(line)).toEqual(kinds);
  });

  it.each([
    ['token counts', 'INFO prompt_tokens=12 completion_tokens=40 model=x'],
    ['already redacted fields', 'INFO prompt=[REDACTED] completion=[REDACTED]'],
    ['a messages array whose content is redacted', JSON.stringify({ messages: [{ role: 'user', content: '[REDACTED]' }] })],
    ['the word "messages" in prose', JSON.stringify({ event: 'processed 3 messages', count: 3 })],
    ['a prompt template id', 'INFO prompt=p_01HXYZ template=default'],
    ['an empty messages array', JSON.stringify({ messages: [] })],
    ['prompt=None', 'DEBUG prompt=None completion=None'],
    ['an access log line', UVICORN_ACCESS_401],
  ])('%s -> nothing', (_name, line) => {
    expect(promptExposureOf(line)).toEqual([]);
  });

  it('free text: words with a space, or a long run with letters; not ids, numbers, placeholders', () => {
    expect([
      isFreeText('hello there'),
      isFreeText('x'.repeat(24)),
      isFreeText('abc123'),
      isFreeText('12 34'),
      isFreeText('<redacted>'),
    ]).toEqual([true, true, false, false, false]);
  });
});

describe('logNoiseOf', () => {
  it('a warnings.warn line is one subject per class and place; other warning classes are "warning"', () => {
    expect(logNoiseOf('/app/metis/clock.py:12: DeprecationWarning: datetime.utcnow() is deprecated')).toEqual({
      category: 'deprecation',
      subject: 'DeprecationWarning@/app/metis/clock.py:12',
    });
    expect(logNoiseOf('/usr/lib/python3/asyncio/base.py:700: ResourceWarning: unclosed <socket>')).toEqual({
      category: 'warning',
      subject: 'ResourceWarning@/usr/lib/python3/asyncio/base.py:700',
    });
  });

  it('a "deprecated" line without a place is named by its shape (numbers and quoted values removed)', () => {
    const a = logNoiseOf('2026-11-20T12:00:01Z WARNING header "X-Old-Auth" is deprecated, 41 requests used it');
    const b = logNoiseOf('2026-11-20T12:05:09Z WARNING header "X-Legacy" is deprecated, 7 requests used it');
    expect(a).toEqual({ category: 'deprecation', subject: 'deprecated:WARNING header … is deprecated, # requests used it' });
    expect(b).toEqual(a);
    expect(logNoiseOf('INFO request served in 12 ms')).toBeUndefined();
  });
});

describe('through the scan', () => {
  const scan = (messages: string[], rules = rulesWith(), stepMs = 1000) =>
    scanBatch(subscriptionEvent(dataMessage(eventsOf(messages, T, stepMs))), { counters: new MemoryLogCounters(), rules, now: NOW });

  it('prompt_exposure: one SEV1 per log group naming stream, first time and line count, never the content', async () => {
    const result = await scan([UVICORN_ACCESS_401, CHAT_BODY, `INFO llm call prompt="${SECRET}"`, CHAT_BODY]);
    const exposure = result.signals.filter((s) => s.rule === 'prompt_exposure');
    expect(exposure).toHaveLength(1);
    const [s] = exposure;
    expect(signalSchema.safeParse(s).success).toBe(true);
    expect(s).toMatchObject({ source: 'logs', severity: 'SEV1', subject: LOG_GROUP, dedupKey: `prompt_exposure:${LOG_GROUP}` });
    expect(s!.details).toMatchObject({
      value: 3,
      lineCount: 3,
      logGroup: LOG_GROUP,
      firstSeen: new Date(T + 1000).toISOString(),
      lastSeen: new Date(T + 3000).toISOString(),
      logStreams: [
        { logStream: STREAM, lines: 3, firstSeen: new Date(T + 1000).toISOString(), lastSeen: new Date(T + 3000).toISOString() },
      ],
      fieldKinds: ['messages', 'prompt'],
      contentQuoted: false,
    });
    expect(s!.summary).toContain(
      `3 lines (request bodies with a messages array, prompt fields) in ${LOG_GROUP}, stream ${STREAM}, first at 2026-11-20T12:00:01.000Z`,
    );
    expect(JSON.stringify(result)).not.toContain('merger');
    // A batch without exposure says nothing about the rest of the logs: never evaluated, so it never resolves an incident.
    expect(result.evaluated).not.toContain('prompt_exposure');
  });

  it('disabled: no prompt_exposure signal', async () => {
    const result = await scan([CHAT_BODY], rulesWith({ prompt_exposure: { enabled: false } }));
    expect(result.signals.filter((s) => s.rule === 'prompt_exposure')).toEqual([]);
  });

  it('log_noise: one SEV4 per subject with its count, a redacted sample; a traceback is not noise', async () => {
    const warn = '/app/metis/clock.py:12: DeprecationWarning: datetime.utcnow() is deprecated; owner ops@example.com';
    const result = await scan([warn, warn, STDLIB_TRACEBACK, warn]);
    const noise = result.signals.filter((s) => s.rule === 'log_noise');
    expect(noise.map((s) => [s.severity, s.dedupKey, s.details.value])).toEqual([
      ['SEV4', 'log_noise:DeprecationWarning@/app/metis/clock.py:12', 3],
    ]);
    expect(noise[0]!.details.sample).toContain('[REDACTED]');
    expect(noise[0]!.details.sample).not.toContain('ops@example.com');
    expect(result.signals.filter((s) => s.rule === 'traceback')).toHaveLength(1);
    const off = await scan([warn], rulesWith({ log_noise: { enabled: false } }));
    expect(off.signals).toEqual([]);
  });
});
