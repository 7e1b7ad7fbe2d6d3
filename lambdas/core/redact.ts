// The one redaction function every alert text passes through before it leaves the account
// (docs/architecture.md, Security). Exposure of customer prompts is a SEV1 in the runbook: when unsure, redact.
//
// Everything here is linear in the text: every pattern starts with a literal or a lookbehind that lets a
// match begin only at the start of a run of token characters, and value skipping is a single scan.

export const REDACTED = '[REDACTED]';

/** Fields whose content is customer prompt/completion text: dropped whole, whatever they hold. */
const CONTENT_FIELDS = ['messages', 'content', 'prompt', 'completion', 'input', 'output'];
/** Fields that name a credential: dropped whole as well. */
const CREDENTIAL_FIELDS = ['authorization', 'api_key', 'apikey', 'password', 'secret', 'token', 'routing_key', 'x-api-key', 'api-key'];
const SENSITIVE_FIELDS = new Set([...CONTENT_FIELDS, ...CREDENTIAL_FIELDS]);
/**
 * Field names that carry prompt or completion text under another name (`system_prompt`, `user_message`,
 * `input_value` (pydantic), `completion_text`, `messages`): their text, list or object values are dropped;
 * numbers, booleans and null stay (`input_tokens: 812`). A field named exactly `message` is the
 * conventional name of a log record's or an error's text: it is kept, and its text goes through the
 * same rules as any text (secrets, long quoted literals).
 */
const CONTENT_WORDS = /prompt|input|content|message|completion|system/i;
/** ...except names that describe the content rather than hold it: `input_type`, `prompt_tokens`, `contentLength`, `message_id`. */
const METADATA_NAME = /[_-]?(?:type|tokens?|length|len|count|ids?|size|bytes|format|encoding|fingerprint|version)$/i;

/** A field whose value is dropped: a sensitive name, or a name carrying a content word (see CONTENT_WORDS). */
function isSensitiveName(name: string): 'always' | 'text' | false {
  const lower = name.toLowerCase();
  if (SENSITIVE_FIELDS.has(lower)) return 'always';
  if (lower !== 'message' && CONTENT_WORDS.test(lower) && !METADATA_NAME.test(lower)) return 'text';
  return false;
}

/** Bearer / Basic credentials in headers or logs (case-insensitive, so apart from the one-pass tokens). */
const SCHEME_CREDENTIAL = /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi;

/**
 * Secrets recognised by their own shape. They run as ONE alternation in one pass: the token that starts
 * first is taken whole, so a piece of one secret that looks like another (`gw_...` inside a JWT or a
 * Google key) cannot cut it and leave the rest behind. One pass is also cheaper than one per pattern.
 */
const TOKEN_PATTERNS: RegExp[] = [
  // JSON Web Tokens: base64url header (`{"` is `eyJ`), payload and (possibly empty) signature.
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g,
  // Gateway tokens; gk_ key *ids* are not secrets and stay readable.
  /gw_[A-Za-z0-9_-]{6,}/g,
  // Provider keys: OpenAI sk-... and sk-proj-..., Anthropic sk-ant-..., OpenRouter sk-or-...
  /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{10,}/g,
  // Google API keys.
  /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g,
  // Slack tokens (bot, user, app).
  /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g,
  // AWS access key ids.
  /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])/g,
  // AWS secret access keys: 40 base64 chars with mixed case and a digit (git SHAs are lowercase hex).
  // "/" and "=" may border it (KEY=..., creds/...): over-redacting a path segment is the cheaper mistake.
  // The whole run goes: a secret glued to a word by "/" ("credentials/<secret>") must not leave its tail.
  /(?<![A-Za-z0-9+])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40,}(?![A-Za-z0-9+])/g,
  // E-mail addresses.
  // The lookbehind anchors the match at the start of a local part: without it a long run of word
  // characters is retried from every position (quadratic).
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
];
const ANY_TOKEN = new RegExp(TOKEN_PATTERNS.map((pattern) => `(?:${pattern.source})`).join('|'), 'g');

/** Replacements that keep what says where the secret was (the header name, the webhook host). */
const CONTEXT_PATTERNS: [RegExp, string][] = [
  // AWS secret access key after its name and any separator (`AWS_SECRET_ACCESS_KEY=`, `"SecretAccessKey": "`),
  // whatever its characters (one real key in a thousand has no digit).
  [/((?:aws_?)?secret_?(?:access_?)?key[^A-Za-z0-9/+\n]{1,10})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi, `$1${REDACTED}`],
  // Header lines: `Authorization: Token abc`, `x-api-key: abc`, `api-key: abc` (the scheme and the credential).
  [
    /(?<![A-Za-z0-9_-])((?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|x-auth-token)(\s*:[ \t]*)(?!\[REDACTED\])(?:[A-Za-z]+[ \t]+)?[^\s"',;)}\]]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Incoming webhooks: the path is the credential.
  [/(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?!\[REDACTED\])[^\s"'<>)\]}]+/gi, `$1${REDACTED}`],
  [/(https?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/)(?!\[REDACTED\])[^\s"'<>)\]}]+/gi, `$1${REDACTED}`],
];

/** Every CONTEXT_PATTERNS match contains one of these: one scan spares the four patterns on most texts. */
const CONTEXT_HINT = /secret_?(?:access_?)?key|authoriz|api-key|auth-token|hooks\.slack|discord/i;

/**
 * A field name followed by its value inside a text: `"prompt": ...` (JSON), `\"prompt\": ...` (JSON
 * inside a JSON string), `'prompt': ...` (Python repr), `prompt="..."` (logfmt), `content='...'` (kwargs).
 * The name is checked by isSensitiveName; an unquoted name starts a run of name characters (linear).
 */
const FIELD_IN_TEXT = /(?:(\\?["'])|(?<![A-Za-z0-9_.\\-]))([A-Za-z_][A-Za-z0-9_.-]{0,63})\1\s*[:=]\s*/g;
/** `prompt=...` in key=value logs (the value runs to the next whitespace). */
const FIELD_KV_IN_TEXT = /(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,63})=(?!["'[{])/g;
/** A bare value that is no text: a number, a boolean, null. */
const SCALAR = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|True|False|None)[,;)}\]]*$/;

/** Quoted literals in an exception message longer than this are replaced: prompts end up in `ValueError(f"... {text!r}")`. */
export const MAX_QUOTED_LITERAL = 24;
/**
 * An exception line: `ValueError: ...`, `metis.errors.UnknownKey: ...` at the start of a line (after a
 * group's `| ` margins), or `XxxError: ...` / `XxxException: ...` anywhere in it (a sub-exception in an excerpt).
 */
const EXCEPTION_START = /^[ \t]*(?:\|[ \t]*)*(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Z](?=[A-Za-z0-9_]*[a-z])[A-Za-z0-9_]*: /;
const EXCEPTION_INSIDE =
  /(?:^|[\s|:(])(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Z][A-Za-z0-9_]*(?:Error|Exception|Warning|Group|Exit|Interrupt|Timeout|Exceeded|Failure|Fault): /;

/** Redact secrets and prompt content from free text. Idempotent: applied until nothing changes. */
export function redactText(text: string): string {
  if (text.length > MEMO_MAX_CHARS) return redactToFixpoint(text);
  const known = REDACTED_TEXTS.get(text);
  if (known !== undefined) return known;
  const out = redactToFixpoint(text);
  if (REDACTED_TEXTS.size >= MEMO_MAX_ENTRIES) REDACTED_TEXTS.clear();
  REDACTED_TEXTS.set(text, out);
  return out;
}

/**
 * Redacted short texts by input (redaction is a pure function): signals repeat the same detail names,
 * first moves, key ids and samples batch after batch, and a warm Lambda would redact them again each time.
 * Bounded; cleared when full.
 */
const REDACTED_TEXTS = new Map<string, string>();
const MEMO_MAX_CHARS = 1024;
const MEMO_MAX_ENTRIES = 2048;

function redactToFixpoint(text: string): string {
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
  // A scheme and its credential go together first: were the header rule to take only a glued-on
  // "(Bearer" as the value, the token after it would no longer follow a scheme word and survive.
  let out = text.replace(SCHEME_CREDENTIAL, REDACTED);
  // Context next: a webhook's path or a header's value must go whole, before a token pattern takes a piece of it.
  if (CONTEXT_HINT.test(out)) for (const [pattern, replacement] of CONTEXT_PATTERNS) out = out.replace(pattern, replacement);
  out = out.replace(ANY_TOKEN, REDACTED);
  out = redactFieldValues(out);
  out = redactKeyValues(out);
  return redactExceptionLines(out);
}

/** `name=value` pairs with a sensitive name: the value up to the next whitespace. */
function redactKeyValues(text: string): string {
  let out = '';
  let last = 0;
  FIELD_KV_IN_TEXT.lastIndex = 0;
  for (let match = FIELD_KV_IN_TEXT.exec(text); match; match = FIELD_KV_IN_TEXT.exec(text)) {
    const sensitive = isSensitiveName(match[1]!);
    if (!sensitive) continue;
    const valueStart = match.index + match[0].length;
    let valueEnd = valueStart;
    while (valueEnd < text.length && !/\s/.test(text[valueEnd]!)) valueEnd++;
    const value = text.slice(valueStart, valueEnd);
    if (value === '' || value.startsWith(REDACTED) || (sensitive === 'text' && SCALAR.test(value))) continue;
    out += text.slice(last, valueStart) + REDACTED;
    last = valueEnd;
    FIELD_KV_IN_TEXT.lastIndex = valueEnd;
  }
  return out + text.slice(last);
}

/** Long quoted literals in the exception lines of a text (see MAX_QUOTED_LITERAL). */
function redactExceptionLines(text: string): string {
  if ((!text.includes("'") && !text.includes('"')) || !text.includes(': ')) return text;
  return text
    .split('\n')
    .map((line) => {
      const start = EXCEPTION_START.exec(line) ?? EXCEPTION_INSIDE.exec(line);
      if (!start) return line;
      const from = start.index + start[0].length;
      return line.slice(0, from) + redactExceptionMessage(line.slice(from));
    })
    .join('\n');
}

/**
 * An exception's message with its quoted literals longer than MAX_QUOTED_LITERAL replaced (an endpoint
 * URL without query or credentials stays: it says which call failed, not what was sent). A short literal
 * does not consume its closing quote, so a stray quote before a literal (`it' 'the prompt'`) cannot
 * pair up with the literal's opening quote and leave the text outside.
 */
export function redactExceptionMessage(message: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < message.length; i++) {
    const ch = message[i];
    if (ch !== "'" && ch !== '"') continue;
    // An apostrophe inside a word (don't, provider's) opens no literal.
    if (ch === "'" && /[A-Za-z0-9]/.test(message[i - 1] ?? '') && /[A-Za-z]/.test(message[i + 1] ?? '')) continue;
    const end = skipString(message, i);
    const closed = end <= message.length && message[end - 1] === ch && end - 1 > i;
    const inner = message.slice(i + 1, closed ? end - 1 : end);
    if (inner.length > MAX_QUOTED_LITERAL && inner !== REDACTED && !/^https?:\/\/[^\s?@#]+$/.test(inner)) {
      out += `${message.slice(last, i + 1)}${REDACTED}${closed ? ch : ''}`;
      last = end;
      i = end - 1;
    }
  }
  return out + message.slice(last);
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
    // Text, lists and objects under a content-carrying name go; its numbers, booleans and nulls stay.
    const sensitive = isSensitiveName(key);
    const drop =
      sensitive === 'always' || (sensitive === 'text' && (typeof item === 'string' || (item !== null && typeof item === 'object')));
    out[redactText(key)] = drop ? REDACTED : redactDeep(item, depth + 1, seen);
  }
  return out;
}

/** Replace the value after each sensitive field name, skipping a whole JSON/Python value (string, array, object). */
function redactFieldValues(text: string): string {
  let out = '';
  let last = 0;
  FIELD_IN_TEXT.lastIndex = 0;
  for (let match = FIELD_IN_TEXT.exec(text); match; match = FIELD_IN_TEXT.exec(text)) {
    const sensitive = isSensitiveName(match[2]!);
    if (!sensitive) continue;
    const valueStart = match.index + match[0].length;
    const escaped = text[valueStart] === '\\' && text[valueStart + 1] === '"';
    const quotedValue = escaped || /["'[{]/.test(text[valueStart] ?? '');
    // An unquoted name with a bare value ("content: none") is prose or key=value; FIELD_KV_IN_TEXT covers the latter.
    if (match[1] === undefined && !quotedValue) continue;
    // A content-carrying name with a number, boolean or null (`"input_tokens": 812`) keeps it.
    if (sensitive === 'text' && !quotedValue) continue;
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
