// One log event's text as the application wrote it: container wrappers removed (Docker json-file /
// Fluent Bit `{"log": ...}`, the CRI `<time> <stream> <F|P> ` prefix), binary garbage made printable.

import { isObject } from './decode.ts';

/** CRI log format (containerd, CRI-O): `2026-11-20T12:00:00.123456789Z stderr F message`. */
const CRI_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}) (?:stdout|stderr) [FP] /;
/** C0/C1 controls except tab and newline, and lone UTF-16 surrogates (invalid UTF-8 decoded badly). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control bytes is this sanitizer's job
const GARBAGE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Any character GARBAGE or the CRLF rule could touch: one cheap scan lets clean lines (nearly all) skip both replaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: see GARBAGE
const MAYBE_DIRTY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]/;

/** The printable text of a log message: control bytes and broken surrogates become U+FFFD, CRLF becomes LF. */
export function sanitize(message: string): string {
  if (!MAYBE_DIRTY.test(message)) return message;
  return message.replace(/\r\n?/g, '\n').replace(GARBAGE, '\uFFFD');
}

/**
 * The application's own line: unwraps `{"log":"...","stream":"stderr",...}` (Docker, Fluent Bit) and
 * strips a CRI prefix; returns the sanitized text without its trailing newline.
 */
export function applicationText(message: string): string {
  let text = message;
  const cri = CRI_PREFIX.exec(text);
  if (cri) text = text.slice(cri[0].length);
  if (text.startsWith('{"log"') || (text.startsWith('{') && text.includes('"log"'))) {
    const wrapped = parseJsonObject(text);
    if (
      wrapped &&
      typeof wrapped.log === 'string' &&
      ('stream' in wrapped || 'time' in wrapped || 'kubernetes' in wrapped || 'docker' in wrapped)
    ) {
      text = wrapped.log;
    }
  }
  text = sanitize(text);
  return text.endsWith('\n') ? text.replace(/\n+$/, '') : text;
}

/** A JSON object, or undefined (cheap check first: most text lines never reach JSON.parse). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
