// What an exception message may carry out of the account (exceptionHead) and when it is customer content
// (exceptionContentOf): the text after a content word's colon is a payload; a message about a prompt is not.
import { describe, expect, it } from 'vitest';
import { exceptionContentOf, exceptionHead } from '../../../../lambdas/core/logs/exception-content.ts';

describe('exceptionContentOf', () => {
  it.each([
    ['provider rejected prompt: Summarise the attached board minutes for Acme Corp', 'exception'],
    ["bad completion: 'Sure, here is the summary you asked for'", 'exception'],
    ['content=The board approved the acquisition of Globex Industries', 'exception'],
    ["  Input should be a valid list [type=list_type, input_value='tell me a story about dragons', input_type=str]", 'input_value'],
    [
      "  Field required [type=missing, input_value={'messages': [{'role': 'user', 'content': 'what is the capital of France'}]}, input_type=dict]",
      'input_value',
    ],
  ])('%s -> %s', (message, kind) => {
    expect(exceptionContentOf(message)).toBe(kind);
  });

  it.each([
    'prompt too long (9000 tokens)',
    'prompt: empty',
    'database or disk is full',
    'openai: no response within 30 s',
    "  Input should be a valid integer [type=int_parsing, input_value='12a', input_type=str]",
    'prompt: [REDACTED]',
  ])('%s -> not customer content', (message) => {
    expect(exceptionContentOf(message)).toBeUndefined();
  });
});

describe('exceptionHead', () => {
  it('keeps a short message that names no content whole: it is the diagnosis', () => {
    expect(exceptionHead('sqlite3.DatabaseError', 'database disk image is malformed', false)).toBe(
      'sqlite3.DatabaseError: database disk image is malformed',
    );
  });

  it('cuts a message at its first colon and says how long it was', () => {
    expect(exceptionHead('UpstreamError', 'invalid request: {"model": "gpt-4o", "max_tokens": 99999}', false)).toBe(
      'UpstreamError: invalid request: [57 chars in all, the rest not quoted]',
    );
  });

  it('caps a long message without a colon at 60 characters, on a word boundary', () => {
    const head = exceptionHead('ValueError', 'the quick brown fox jumps over the lazy dog and keeps on running far away', false);
    expect(head).toBe('ValueError: the quick brown fox jumps over the lazy dog and keeps on … [73 chars in all, the rest not quoted]');
  });

  it('withholds a message classified as customer content: only its type and length', () => {
    expect(exceptionHead('UpstreamError', 'provider rejected prompt: tell me a secret story', true)).toBe(
      'UpstreamError: [message not quoted: it carries customer content, 48 chars]',
    );
  });

  it('a message without text is the type alone', () => {
    expect(exceptionHead('KeyboardInterrupt', undefined, false)).toBe('KeyboardInterrupt');
  });
});
