// prompt_exposure (SEV1, the runbook's "exposure of customer prompts / completions"): a log line that
// carries prompt or completion content: a request body with a `messages` array whose entries hold
// text, or a `prompt` / `completion` field with free text (JSON, Python repr, or key=value logs).
// The finding names where (log group, stream), when (first and last time) and how many lines; it never
// keeps a character of the content: only the kind of field that held it.

import type { FlatJsonLine } from './flat-json.ts';
import { parseJsonObject } from './message.ts';

/**
 * `messages` / `prompt` / `completion`: request and response fields; `content`: a logged response's
 * `content` (text or content parts); `exception`: an exception message (exception-content.ts);
 * `input_value`: pydantic's echo of the input that failed validation.
 */
export type ExposureKind = 'messages' | 'prompt' | 'completion' | 'content' | 'exception' | 'input_value';

/**
 * The field kinds a line exposes (empty: none). Cheap for the lines that mention none of the words.
 * `parsed`: the line as the caller already parsed it (null: not a JSON object); omitted, it is parsed here.
 */
export function promptExposureOf(text: string, parsed?: Record<string, unknown> | null): readonly ExposureKind[] {
  if (!mayMention(text)) return NO_KINDS;
  const found = new Set<ExposureKind>();
  const json = (parsed === undefined ? parseJsonObject(text) : (parsed ?? undefined)) ?? embeddedJson(text);
  if (json !== undefined) walk(json, found, 0);
  // Bounded: the text patterns are linear per match, but a megabyte line is not worth the time.
  if (found.size === 0) scanText(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text, found);
  return found.size === 0 ? NO_KINDS : [...found].sort();
}

/**
 * The same verdict for a line the flat reader indexed (flat-json.ts; `text` is that line), without
 * building the object; undefined when a string value may be an object logged as text (the full walk parses those).
 */
export function flatPromptExposureOf(text: string, flat: FlatJsonLine): readonly ExposureKind[] | undefined {
  if (!mayMention(text)) return NO_KINDS;
  for (let member = 0; member < flat.size; member++) if (flat.valueMayHoldObject(member)) return undefined;
  // Flat: no `messages` array can be there, only `prompt` / `completion` / `content` strings (the last duplicate, as in JSON.parse).
  const prompt = flat.get('prompt');
  const completion = flat.get('completion');
  const content = flat.get('content');
  const inPrompt = typeof prompt === 'string' && isFreeText(prompt);
  const inCompletion = typeof completion === 'string' && isFreeText(completion);
  const inContent = typeof content === 'string' && isFreeText(content);
  if (inContent) return [...(inCompletion ? ['completion' as const] : []), 'content', ...(inPrompt ? ['prompt' as const] : [])];
  if (inPrompt || inCompletion) return inPrompt ? (inCompletion ? BOTH_KINDS : PROMPT_KIND) : COMPLETION_KIND;
  const bounded = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  // The usual flat line names a word only in a value (`"path": "/v1/messages"`): no set built for it.
  if (!mentionsField(bounded)) return NO_KINDS;
  const found = new Set<ExposureKind>();
  scanText(bounded, found);
  return [...found].sort();
}

/** Whether any word a rule below needs is in the text (most lines name none: five substring scans). */
function mayMention(text: string): boolean {
  return (
    text.includes('messages') ||
    text.includes('prompt') ||
    text.includes('completion') ||
    text.includes('content') ||
    text.includes('input_value')
  );
}

// The flat path's answers as shared constants: one verdict per line of a flood, none of them allocated.
const NO_KINDS: readonly ExposureKind[] = Object.freeze([]);
const PROMPT_KIND: readonly ExposureKind[] = Object.freeze(['prompt']);
const COMPLETION_KIND: readonly ExposureKind[] = Object.freeze(['completion']);
const BOTH_KINDS: readonly ExposureKind[] = Object.freeze(['completion', 'prompt']);

const PLACEHOLDER =
  /^(?:\[?(?:redacted|filtered|hidden|omitted|removed|masked|scrubbed)\]?|<[^<>]*>|\*+|none|null|nil|undefined|true|false|-|\.\.\.|…)$/i;

/** Module-level: esbuild (tsx, the Lambda bundle) compiles a `\p{...}` literal to `new RegExp(...)` where it stands, i.e. once per call. */
const LETTER = /\p{L}/u;

/** Free text: letters and a space, or a long run with letters; placeholders, ids and numbers are not. */
export function isFreeText(value: string): boolean {
  const v = value.trim();
  if (v === '' || PLACEHOLDER.test(v) || v.includes('[REDACTED]')) return false;
  if (!LETTER.test(v)) return false;
  return /\s/.test(v) || v.length >= 24;
}

const MAX_DEPTH = 6;
const MAX_TEXT = 16_384;

function walk(value: unknown, found: Set<ExposureKind>, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') {
    // A body logged as a string inside a JSON line: `"body": "{\"messages\": [...]}"`.
    if (typeof value === 'string' && depth <= MAX_DEPTH && value.length > 2 && opensObject(value)) {
      const inner = parseJsonObject(value);
      if (inner) walk(inner, found, depth + 1);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && i < 50; i++) walk(value[i], found, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const inner = record[key];
    if (key === 'messages' && Array.isArray(inner) && inner.some(messageHasText)) found.add('messages');
    // A logged response's `content` (OpenAI's message, Anthropic's content parts): what the model wrote.
    else if ((key === 'prompt' || key === 'completion' || key === 'content') && hasText(inner)) found.add(key);
    else walk(inner, found, depth + 1);
  }
}

/** `value.trimStart().startsWith('{')` without copying the string for the common value that starts with a letter. */
function opensObject(value: string): boolean {
  const first = value[0]!;
  if (first === '{') return true;
  if (first > ' ' && first < '\u0085') return false;
  return /\s/.test(first) && value.trimStart().startsWith('{');
}

function messageHasText(message: unknown): boolean {
  if (message === null || typeof message !== 'object') return false;
  return hasText((message as Record<string, unknown>).content);
}

/** A string of free text, or content parts (`[{type: "text", text: ...}]`) holding one. */
function hasText(value: unknown): boolean {
  if (typeof value === 'string') return isFreeText(value);
  if (Array.isArray(value)) {
    return value.some((part) =>
      typeof part === 'string'
        ? isFreeText(part)
        : part !== null &&
          typeof part === 'object' &&
          hasText((part as Record<string, unknown>).text ?? (part as Record<string, unknown>).content),
    );
  }
  return false;
}

/** `DEBUG request body: {...}`: the JSON object inside a text line, when there is one. */
function embeddedJson(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  if (start <= 0) return undefined;
  const end = text.lastIndexOf('}');
  if (end <= start) return undefined;
  return parseJsonObject(text.slice(start, end + 1));
}

/** `'messages': [{'role': 'user', 'content': '...'}]` (Python repr) or `messages=[{...}]` (kwargs). */
const MESSAGES_IN_TEXT = /(['"]?)messages\1\s*[:=]\s*\[\s*\{/;
const CONTENT_IN_TEXT = /(['"])content\1\s*:\s*(['"])((?:\\.|(?!\2).)*)\2/g;
/** `prompt=...` / `completion=...` / `content=...` up to the next `key=` or the end; quoted values up to their quote. */
const FIELD_KV =
  /(?<![A-Za-z0-9_.-])(prompt|completion|content)\s*=\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|(.*?))(?=\s+[A-Za-z_][\w.-]*=|$)/g;
/** `'prompt': '...'` in a Python repr or JSON that did not parse as a whole. */
const FIELD_COLON = /(['"])(prompt|completion|content)\1\s*:\s*(['"])((?:\\.|(?!\3).)*)\3/g;

/**
 * Whether a field word is followed (after an optional quote and spaces) by `:` or `=`: every text pattern
 * below needs that, and most lines that mention a word do not have it (`POST /v1/chat/completions`).
 */
function mentionsField(text: string): boolean {
  // Character codes, not one-character strings and a regex call each: this runs on every line that names a word in a path.
  for (let w = 0; w < FIELD_WORDS.length; w++) {
    const word = FIELD_WORDS[w]!;
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      let j = at + word.length;
      let c = text.charCodeAt(j);
      if (c === 0x22 || c === 0x27) c = text.charCodeAt(++j);
      while (isSpace(c)) c = text.charCodeAt(++j);
      if (c === 0x3a || c === 0x3d) return true;
    }
  }
  return false;
}

const FIELD_WORDS = ['messages', 'prompt', 'completion', 'content', 'input_value'];
/** A response's content parts in a Python repr or JSON text: `content=[TextBlock(text='...', ...)]`, `'content': [{'type': 'text', 'text': '...'}]`. */
const CONTENT_PARTS_IN_TEXT = /(['"]?)content\1\s*[:=]\s*\[/;
const TEXT_IN_PART = /(?<![A-Za-z0-9_])(['"]?)text\1\s*[:=]\s*(['"])((?:\\.|(?!\2).)*)\2/g;
/** pydantic v2's echo of the input that failed validation: `input_value='...'`. */
const INPUT_VALUE = /input_value=(['"])((?:\\.|(?!\1).)*)\1/g;

/** Whether `text` holds a pydantic `input_value='...'` of free text. */
export function inputValueHasText(text: string): boolean {
  if (!text.includes('input_value=')) return false;
  for (const m of text.matchAll(INPUT_VALUE)) if (isFreeText((m[2] ?? '').replace(/\\(.)/g, '$1'))) return true;
  return false;
}
const SPACE = /\s/;

/** What /\s/ says of the one UTF-16 unit `c` (NaN past the end: false). */
function isSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  return c >= 0xa0 && SPACE.test(String.fromCharCode(c));
}

function scanText(text: string, found: Set<ExposureKind>): void {
  if (!mentionsField(text)) return;
  const messages = MESSAGES_IN_TEXT.exec(text);
  if (messages) {
    for (const m of text.slice(messages.index).matchAll(CONTENT_IN_TEXT)) {
      if (isFreeText(m[3] ?? '')) {
        found.add('messages');
        break;
      }
    }
  }
  // Inside a messages array, `content` is the messages kind; elsewhere it is a logged response's.
  const contentCounts = !messages;
  for (const m of text.matchAll(FIELD_KV)) {
    if ((contentCounts || m[1] !== 'content') && isFreeText(m[2] ?? m[3] ?? m[4] ?? '')) found.add(m[1] as ExposureKind);
  }
  for (const m of text.matchAll(FIELD_COLON)) {
    if ((contentCounts || m[2] !== 'content') && isFreeText(m[4] ?? '')) found.add(m[2] as ExposureKind);
  }
  const parts = contentCounts ? CONTENT_PARTS_IN_TEXT.exec(text) : null;
  if (parts) {
    for (const m of text.slice(parts.index, parts.index + MAX_PARTS_TEXT).matchAll(TEXT_IN_PART)) {
      if (isFreeText(m[3] ?? '')) {
        found.add('content');
        break;
      }
    }
  }
  if (inputValueHasText(text)) found.add('input_value');
}

/** How far after `content: [` its parts' text is looked for. */
const MAX_PARTS_TEXT = 4_096;
