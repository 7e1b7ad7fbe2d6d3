// The one redaction function every alert text passes through before it leaves the account
// (docs/architecture.md, Security). Exposure of customer prompts is a SEV1 in the runbook: when unsure, redact.

export const REDACTED = '[REDACTED]';

/** Fields whose content is customer prompt/completion text: dropped whole, whatever they hold. */
const CONTENT_FIELDS = ['messages', 'content', 'prompt', 'completion', 'input', 'output'];
/** Fields that name a credential: dropped whole as well. */
const CREDENTIAL_FIELDS = ['authorization', 'api_key', 'apikey', 'password', 'secret', 'token', 'routing_key', 'x-api-key'];
const SENSITIVE_FIELDS = new Set([...CONTENT_FIELDS, ...CREDENTIAL_FIELDS]);

const TOKEN_PATTERNS: RegExp[] = [
  // Gateway tokens; gk_ key *ids* are not secrets and stay readable.
  /gw_[A-Za-z0-9_-]{6,}/g,
  // Provider keys: OpenAI sk-..., Anthropic sk-ant-..., OpenRouter sk-or-...
  /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{10,}/g,
  // Bearer / Basic credentials in headers or logs.
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi,
  // AWS access key ids.
  /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])/g,
  // AWS secret access keys: 40 base64 chars with mixed case and a digit (git SHAs are lowercase hex).
  // "/" and "=" may border it (KEY=..., creds/...): over-redacting a path segment is the cheaper mistake.
  /(?<![A-Za-z0-9+])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9+])/g,
  // E-mail addresses.
  // The lookbehind anchors the match at the start of a local part: without it a long run of word
  // characters is retried from every position (quadratic).
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
];

/**
 * A sensitive field followed by its value inside a text: `"prompt": ...` (JSON), `\"prompt\": ...` (JSON
 * inside a JSON string), `'prompt': ...` (Python repr), `prompt="..."` (logfmt), `content='...'` (kwargs).
 */
const FIELD_IN_TEXT = new RegExp(`(\\\\?["']|\\b)(${[...SENSITIVE_FIELDS].map(escapeRegExp).join('|')})\\1\\s*[:=]\\s*`, 'gi');
/** `prompt=...` in key=value logs, up to the next whitespace. */
const FIELD_KV_IN_TEXT = new RegExp(`\\b(${[...SENSITIVE_FIELDS].map(escapeRegExp).join('|')})=(?!["'\\[{])\\S+`, 'gi');

/** Redact secrets and prompt content from free text. Idempotent: applied until nothing changes. */
export function redactText(text: string): string {
  let out = text;
  // One replacement can expose another match (a token glued to a redacted one); a few passes reach the fixpoint.
  for (let pass = 0; pass < 5; pass++) {
    const next = redactOnce(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

function redactOnce(text: string): string {
  // Tokens first, so "authorization=Bearer x" loses the token even though the field rule stops at the space.
  let out = text;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
  out = redactFieldValues(out);
  return out.replace(FIELD_KV_IN_TEXT, (_m, field: string) => `${field}=${REDACTED}`);
}

/** Deep copy of `value` with every string redacted and sensitive fields replaced whole. */
export function redactValue<T>(value: T): T {
  return redactDeep(value, 0, new WeakSet()) as T;
}

function redactDeep(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 20 || seen.has(value)) return REDACTED;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // Keys can carry secrets too (spend by owner e-mail, a token used as a map key).
    out[redactText(key)] = SENSITIVE_FIELDS.has(key.toLowerCase()) ? REDACTED : redactDeep(item, depth + 1, seen);
  }
  return out;
}

/** Replace the value after each sensitive field name, skipping a whole JSON/Python value (string, array, object). */
function redactFieldValues(text: string): string {
  let out = '';
  let last = 0;
  FIELD_IN_TEXT.lastIndex = 0;
  for (let match = FIELD_IN_TEXT.exec(text); match; match = FIELD_IN_TEXT.exec(text)) {
    const valueStart = match.index + match[0].length;
    const escaped = text[valueStart] === '\\' && text[valueStart + 1] === '"';
    // An unquoted name with a bare value ("content: none") is prose or key=value; FIELD_KV_IN_TEXT covers the latter.
    if (match[1] === '' && !escaped && !/["'[{]/.test(text[valueStart] ?? '')) continue;
    const valueEnd = escaped ? skipEscapedString(text, valueStart) : skipValue(text, valueStart);
    if (valueEnd === valueStart) continue;
    const quote = escaped ? '\\"' : text[valueStart] === '"' || text[valueStart] === "'" ? text[valueStart] : '';
    out += text.slice(last, valueStart) + (quote ? `${quote}${REDACTED}${quote}` : REDACTED);
    last = valueEnd;
    FIELD_IN_TEXT.lastIndex = valueEnd;
  }
  return out + text.slice(last);
}

/** End index of the value starting at `start`; an unterminated value runs to the end of the text. */
function skipValue(text: string, start: number): number {
  const first = text[start];
  if (first === undefined) return start;
  if (first === '"' || first === "'") return skipString(text, start);
  if (first === '[' || first === '{') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"' || ch === "'") {
        i = skipString(text, i) - 1;
      } else if (ch === '[' || ch === '{') {
        depth++;
      } else if (ch === ']' || ch === '}') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  // A bare scalar (number, null, word): up to a delimiter.
  const rest = /^[^,}\]\s]+/.exec(text.slice(start));
  return start + (rest ? rest[0].length : 0);
}

/** A string quoted with `\\"` inside another JSON string: ends at the next `\\"` that is not itself escaped. */
function skipEscapedString(text: string, start: number): number {
  for (let i = start + 2; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === '\\') i++;
    else if (text[i] === '\\' && text[i + 1] === '"') return i + 2;
  }
  return text.length;
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
