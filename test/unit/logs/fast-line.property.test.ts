// Property: log-watch's cheap path for flat JSON lines (fast-line.ts over flat-json.ts) gives exactly the
// verdicts of the full path (applicationText + JSON.parse + classifyMessage + promptExposureOf) on any
// line, or steps aside. Lines mix the fields the rules read, escapes, unicode, nested objects, keys in any
// order, duplicate keys, `__proto__`, non-JSON text, truncated JSON and the prompt-exposure shapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../lambdas/core/logs/classify.ts';
import { FastLineReader } from '../../../lambdas/core/logs/fast-line.ts';
import { FlatJsonLine } from '../../../lambdas/core/logs/flat-json.ts';
import { applicationText } from '../../../lambdas/core/logs/message.ts';
import { promptExposureOf } from '../../../lambdas/core/logs/prompt-exposure.ts';

/** The names the rules read, a few that mean nothing to them, and names JavaScript treats specially. */
const RULE_NAMES = [
  'code',
  'error',
  'error_code',
  'errorCode',
  'event',
  'reason',
  'gateway_key_id',
  'key_id',
  'gatewayKeyId',
  'keyId',
  'client_ip',
  'remote_addr',
  'source_ip',
  'ip',
  'client',
  'user_agent',
  'userAgent',
  'http_user_agent',
  'prompt',
  'completion',
  'messages',
  'message',
  'msg',
  'level',
  'log',
  'stream',
  'exc_info',
  'exception',
  'traceback',
  'exc_text',
  'stack_trace',
];
const OTHER_NAMES = ['path', 'ts', 'status', '', '__proto__', 'constructor', 'toString', '0', 'prompt_tokens'];
const NAME = fc.oneof(fc.constantFrom(...RULE_NAMES, ...OTHER_NAMES), fc.string({ maxLength: 8 }));

const TEXTS = fc.constantFrom(
  'quota_exceeded',
  'key_revoked',
  'gk_01BENCH0007KEY',
  '  gk_01PADDED  ',
  'gw_secrettoken123456 as key',
  'request rejected',
  'rejected: quota_exceeded for gk_01FREE',
  'tell me a story about dragons',
  'summarise this contract for me',
  'x'.repeat(30),
  '[REDACTED]',
  'none',
  '',
  ' ',
  '203.0.113.7',
  'curl/8.5',
  '/v1/messages',
  '/v1/chat/completions',
  '{"messages":[{"role":"user","content":"hi there you"}]}',
  ' {"prompt":"write a long poem please"}',
  '{}',
  "messages=[{'role': 'user', 'content': 'what is the capital of France'}]",
  'prompt="draft an email to my boss"',
  'boom\nTraceback (most recent call last):\n  File "/app/x.py", line 1, in f\nValueError: bad',
  'ValueError: bad input',
  '/app/x.py:12: DeprecationWarning: utcnow() is deprecated',
  'é ünïcödé 日本語',
  '😀 emoji',
  '\ud800 lone',
  'c1 \u0085 char',
  'tab\there',
  'line\u2028sep',
  'quote " and \\ backslash',
);
const SCALAR = fc.oneof(
  TEXTS,
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const VALUE = fc.oneof(
  { weight: 6, arbitrary: SCALAR },
  { weight: 1, arbitrary: fc.dictionary(NAME, SCALAR, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.array(SCALAR, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant({ code: 'quota_exceeded', type: 'insufficient_quota' }) },
  { weight: 1, arbitrary: fc.constant([{ role: 'user', content: 'please write my essay today' }]) },
);
const SPACE = fc.constantFrom('', '', '', ' ', '  ', '\t', '\n', '\r\n', '\u00a0');

/** A JSON object written member by member, so keys repeat and whitespace varies as real loggers differ. */
const JSON_LINE = fc
  .tuple(fc.array(fc.tuple(NAME, VALUE, SPACE, SPACE), { maxLength: 9 }), SPACE, fc.boolean())
  .map(([members, edge, escapeLetters]) => {
    const body = members.map(([name, value, s1, s2]) => `${JSON.stringify(name)}${s1}:${s2}${JSON.stringify(value)}`).join(',');
    const line = `{${edge}${body}${edge}}`;
    // The same text with some letters spelled as \u escapes: valid JSON a substring search cannot see.
    return escapeLetters ? line.replace(/"([a-z])/g, (_, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`) : line;
  });

const LINE = fc.oneof(
  { weight: 6, arbitrary: JSON_LINE },
  // Cut anywhere: truncated JSON (a container runtime's 16 KB split).
  { weight: 2, arbitrary: fc.tuple(JSON_LINE, fc.nat()).map(([line, cut]) => line.slice(0, cut % (line.length + 1))) },
  { weight: 1, arbitrary: fc.tuple(JSON_LINE, fc.constantFrom(' ', '\n', 'x', '}')).map(([line, tail]) => line + tail) },
  { weight: 1, arbitrary: JSON_LINE.map((line) => `2026-11-20T12:00:00.123456789Z stderr F ${line}`) },
  { weight: 1, arbitrary: JSON_LINE.map((line) => JSON.stringify({ log: `${line}\n`, stream: 'stderr', time: '2026-11-20T12:00:00Z' })) },
  { weight: 1, arbitrary: fc.tuple(TEXTS, TEXTS).map(([a, b]) => `INFO: ${a} ${b}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

/** Plain flat lines (no escapes, nothing nested, no field that needs the full path): the cheap path must take them. */
const PLAIN_NAME = fc.constantFrom(
  ...RULE_NAMES.filter((n) => !['log', 'exc_info', 'exception', 'traceback', 'exc_text', 'stack_trace'].includes(n)),
  'path',
  'ts',
);
const PLAIN_TEXT = fc.string({ unit: fc.constantFrom(...'abcdefgh _-:/.0123456789'), maxLength: 16 }).filter((s) => !/^\s/.test(s));
const PLAIN_LINE = fc
  .array(
    fc.tuple(PLAIN_NAME, fc.oneof(PLAIN_TEXT, fc.constantFrom('quota_exceeded', 'key_revoked', 'gk_01PLAIN'), fc.integer(), fc.boolean())),
  )
  .map((members) => `{${members.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(', ')}}`);

function fullPath(message: string) {
  const text = applicationText(message);
  return { text, classification: classifyMessage(text), exposure: promptExposureOf(text) };
}

describe('the flat JSON reader', () => {
  it('reads a line only when JSON.parse gives an object, and then reads every name as JSON.parse does (last duplicate wins)', () => {
    const indexed = ['code', 'gateway_key_id', 'prompt', '__proto__'];
    const flat = new FlatJsonLine(indexed);
    const masks = indexed.map((name) => flat.maskOf([name]));
    const anyMask = flat.maskOf(indexed);
    fc.assert(
      fc.property(LINE, (line) => {
        const read = flat.read(line);
        // The presence bits say what has() says, and nothing after a refused line.
        for (const [i, name] of indexed.entries()) expect(flat.hasAny(masks[i]!)).toBe(read && flat.has(name));
        expect(flat.hasAny(anyMask)).toBe(read && indexed.some((name) => flat.has(name)));
        if (!read) return;
        const parsed: unknown = JSON.parse(line);
        expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)).toBe(true);
        const record = parsed as Record<string, unknown>;
        for (const name of new Set([...RULE_NAMES, ...OTHER_NAMES, ...Object.keys(record)])) {
          expect(flat.has(name)).toBe(Object.hasOwn(record, name));
          expect(flat.get(name)).toStrictEqual(Object.hasOwn(record, name) ? record[name] : undefined);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses to build a mask from a name it does not index (a programming error, thrown at setup)', () => {
    expect(() => new FlatJsonLine(['code']).maskOf(['log'])).toThrow(/"log" is not among the first 32 indexed names/);
  });

  it.each([
    ['a raw tab inside a string (invalid JSON)', '{"code":"quota\texceeded"}'],
    ['an escape', '{"code":"quota_\\u0065xceeded"}'],
    ['a nested object', '{"error":{"code":"quota_exceeded"}}'],
    ['a trailing comma', '{"code":"quota_exceeded",}'],
    ['a leading zero', '{"n":01}'],
    ['text after the object', '{"a":1} x}'],
    ['a truncated string', '{"a":"b}'],
  ])('refuses %s (JSON.parse decides)', (_, line) => {
    expect(new FlatJsonLine().read(line)).toBe(false);
  });
});

describe('the fast line path', () => {
  it('gives the full path’s text, classification and prompt-exposure kinds whenever it answers', () => {
    const reader = new FastLineReader();
    fc.assert(
      fc.property(LINE, (line) => {
        const quick = reader.read(line, true);
        if (!quick) return;
        const full = fullPath(line);
        expect(full.text).toBe(line);
        expect({ keyHits: quick.keyHits }).toEqual(full.classification);
        expect(quick.exposure).toEqual(full.exposure);
      }),
      { numRuns: 5000 },
    );
  });

  it('answers for every plain flat line (so the property above is not vacuous) with the full path’s verdicts', () => {
    const reader = new FastLineReader();
    fc.assert(
      fc.property(PLAIN_LINE, (line) => {
        const quick = reader.read(line, true);
        expect(quick).toBeDefined();
        const full = fullPath(line);
        expect({ keyHits: quick!.keyHits }).toEqual(full.classification);
        expect(quick!.exposure).toEqual(full.exposure);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [
      'the bench’s quota line',
      '{"level":"warning","event":"request rejected","code":"quota_exceeded","gateway_key_id":"gk_01B","path":"/v1/messages"}',
      ['quota_exceeded'],
      [],
    ],
    [
      'a revoked key with its caller and a logged prompt',
      '{"code":"key_revoked","gateway_key_id":"gk_01C","ip":"203.0.113.7","prompt":"tell me a story"}',
      ['key_revoked'],
      ['prompt'],
    ],
    [
      'duplicate codes (the last one counts, as in JSON.parse)',
      '{"code":"key_revoked","code":"quota_exceeded","gateway_key_id":"gk_01D"}',
      ['quota_exceeded'],
      [],
    ],
    ['the code only in free text', '{"event":"rejected: key_revoked for gk_01E"}', ['key_revoked'], []],
    ['a placeholder prompt', '{"code":"key_revoked","gateway_key_id":"gk_01F","prompt":"[REDACTED]"}', ['key_revoked'], []],
  ])('%s: the fast path answers with the full path’s key hits and exposure', (_, line, kinds, exposure) => {
    const quick = new FastLineReader().read(line, true);
    expect(quick?.keyHits.map((h) => h.kind)).toEqual(kinds);
    expect(quick?.exposure).toEqual(exposure);
    expect({ keyHits: quick?.keyHits }).toEqual(fullPath(line).classification);
  });

  it.each([
    ['an exception field (the traceback rule parses it)', '{"level":"error","exc_info":"Traceback (most recent call last):"}'],
    ['a Docker json-file wrapper', '{"log":"{\\"code\\":\\"key_revoked\\"}","stream":"stderr"}'],
    ['a request body logged as a string', '{"code":"quota_exceeded","body":"{\\"messages\\":[]}"}'],
    ['a body string that opens an object without escapes', '{"code":"key_revoked","body":"{not json","prompt":"hi"}'],
    ['a traceback in the message', '{"message":"boom Traceback (most recent call last): x"}'],
  ])('steps aside for %s', (_, line) => {
    expect(new FastLineReader().read(line, true)).toBeUndefined();
  });
});
