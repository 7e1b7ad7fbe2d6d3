// Property: log-watch's cheap path for flat JSON lines (fast-line.ts over flat-json.ts) gives exactly the
// verdicts of the full path (applicationText + JSON.parse + classifyMessage + promptExposureOf) on any
// line, or steps aside. Lines mix the fields the rules read, escapes, unicode, nested objects, keys in any
// order, duplicate keys, `__proto__`, non-JSON text, truncated JSON and the prompt-exposure shapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../../lambdas/core/logs/classify.ts';
import { FastLineReader } from '../../../../lambdas/core/logs/fast-line.ts';
import { FlatJsonLine } from '../../../../lambdas/core/logs/flat-json.ts';
import { applicationText } from '../../../../lambdas/core/logs/message.ts';
import { promptExposureOf } from '../../../../lambdas/core/logs/prompt-exposure.ts';
import { LINE, OTHER_NAMES, RULE_NAMES } from './log-line-arbitraries.ts';
import { propertyRuns } from '../../../support/property-runs.ts';

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
        // mayHaveAny: exact for groups of indexed names, always "maybe" for a group with a name it does not index.
        expect(flat.mayHaveAny(['code', 'prompt'])).toBe(read && (flat.has('code') || flat.has('prompt')));
        expect(flat.mayHaveAny(['gateway_key_id', 'not_indexed'])).toBe(true);
        if (!read) return;
        const parsed: unknown = JSON.parse(line);
        expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)).toBe(true);
        const record = parsed as Record<string, unknown>;
        for (const name of new Set([...RULE_NAMES, ...OTHER_NAMES, ...Object.keys(record)])) {
          expect(flat.has(name)).toBe(Object.hasOwn(record, name));
          expect(flat.get(name)).toStrictEqual(Object.hasOwn(record, name) ? record[name] : undefined);
          // stringIndexOf: which option the string value is, compared in place; -1 for anything else.
          const value = Object.hasOwn(record, name) ? record[name] : undefined;
          const options = ['quota_exceeded', 'key_revoked', typeof value === 'string' ? value : 'absent'];
          expect(flat.stringIndexOf(name, options)).toBe(typeof value === 'string' ? options.indexOf(value) : -1);
        }
      }),
      { numRuns: propertyRuns(3000) },
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
      { numRuns: propertyRuns(5000) },
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
      { numRuns: propertyRuns(2000) },
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
