// Customer text inside Python exception messages, and what of a message may leave the account.
//
// Gateways put the request in the error: `UpstreamError: provider rejected prompt: <the prompt>`, a cause
// raised with `f"bad completion: {text}"`, pydantic v2's `[type=..., input_value='<the text>', ...]`.
// The detector reads each exception line of a traceback (final and chained) and each continuation line of
// its message; prompt-exposure.ts reads the rest of a line.
//
// What is detected: a content word (prompt, completion, messages, content) directly followed by `:` or
// `=` and a payload of free text (quoted, or unquoted and at least MIN_UNQUOTED_PAYLOAD characters to
// the end of the line), or pydantic's `input_value=` holding free text. A message that merely talks
// about a prompt ("prompt too long (9000 tokens)") has no colon-introduced payload and is not content.
import { type ExposureKind, inputValueHasText, isFreeText } from './prompt-exposure.ts';
import { redactText } from '../redact.ts';

/** An unquoted payload shorter than this after "prompt:" is a description ("prompt: empty"), not a prompt. */
const MIN_UNQUOTED_PAYLOAD = 24;
const CONTENT_PAYLOAD = /(?<![A-Za-z0-9_])(?:prompts?|completions?|messages|content)\s*[:=]\s*/gi;
/** A pydantic input that is a dict or list holding messages / prompt text. */
const INPUT_VALUE_OBJECT = /input_value=[{[]/;
const INPUT_OBJECT_TEXT = /(['"])(?:content|prompt|text|completion)\1\s*:\s*(['"])((?:\\.|(?!\2).)*)\2/g;

/** The kind of customer content an exception message (or a line of it) carries, or undefined. */
export function exceptionContentOf(message: string): ExposureKind | undefined {
  if (message.includes('input_value=')) {
    // pydantic v2's error line: `[type=string_type, input_value='...', input_type=str]`.
    if (inputValueHasText(message)) return 'input_value';
    if (INPUT_VALUE_OBJECT.test(message)) {
      for (const m of message.matchAll(INPUT_OBJECT_TEXT)) if (isFreeText(m[3] ?? '')) return 'input_value';
    }
  }
  CONTENT_PAYLOAD.lastIndex = 0;
  for (let m = CONTENT_PAYLOAD.exec(message); m; m = CONTENT_PAYLOAD.exec(message)) {
    const payload = message.slice(m.index + m[0].length);
    const quote = payload[0];
    if (quote === "'" || quote === '"') {
      const end = payload.indexOf(quote, 1);
      if (isFreeText(payload.slice(1, end < 0 ? undefined : end))) return 'exception';
    } else if (payload.trim().length >= MIN_UNQUOTED_PAYLOAD && isFreeText(payload)) {
      return 'exception';
    }
  }
  return undefined;
}

/**
 * How much of an exception message may travel: its type plus a short head. Python messages say what went
 * wrong first and put what was being processed (the request text, a value, a body) after a colon:
 * "provider rejected prompt: <payload>", "invalid request: <body>". So the head is the text before the
 * first ": ", cut to HEAD_CHARS (a message without that colon may still end in a payload: the cut bounds
 * what it can carry), then redacted. A short message that names no content at all ("openai: no response
 * within 30 s", "database disk image is malformed") is kept whole: it is the diagnosis, and too short to
 * hold more than a fragment. A message the detector classified as customer content travels as its type
 * and its length only.
 */
export const HEAD_CHARS = 60;
const SHORT_WHOLE_CHARS = 48;
const NAMES_CONTENT = /prompt|completion|message|content|input|text|body|query/i;

export function exceptionHead(type: string, value: string | undefined, withheld: boolean): string {
  const head = messageHead(value, withheld);
  return head === undefined ? type : redactText(`${type}: ${head}`);
}

/** The message part of exceptionHead (undefined: no message). */
export function messageHead(value: string | undefined, withheld: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (withheld) return `[message not quoted: it carries customer content, ${value.length} chars]`;
  if (value.length <= SHORT_WHOLE_CHARS && !NAMES_CONTENT.test(value)) return redactText(value);
  const colon = value.indexOf(': ');
  let head = colon >= 0 ? value.slice(0, colon) : value;
  let cut = colon >= 0;
  if (head.length > HEAD_CHARS) {
    head = `${head.slice(0, HEAD_CHARS).replace(/\S*$/, '')}…`;
    cut = true;
  }
  const rest = cut ? ` [${value.length} chars in all, the rest not quoted]` : '';
  return redactText(`${head}${colon >= 0 ? ':' : ''}${rest}`);
}
