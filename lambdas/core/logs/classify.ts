// What one log line is about (docs/runbook-mapping.md, log watch rows): a Python traceback (plain text, or a JSON
// log line from structlog / python-json-logger carrying `exc_info` / `exception` / `traceback`), a
// `quota_exceeded` rejection or a `key_revoked` rejection of a gateway key. A line can be several
// things at once (a JSON error line with a traceback that also names a key); it can also be nothing.
import { redactText } from '../redact.ts';
import { isObject } from './decode.ts';
import { isSubExceptionLine } from './exception-group.ts';
import { exceptionContentOf } from './exception-content.ts';
import { parseJsonObject } from './message.ts';
import {
  exceptionLine,
  hasTracebackMarker,
  levelOfName,
  parseStructuredTraceback,
  preCut,
  parseTracebackText,
  type TracebackLevel,
  type TracebackParse,
} from './traceback.ts';

export const KEY_KINDS = ['quota_exceeded', 'key_revoked'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface KeyHit {
  kind: KeyKind;
  /** The gateway key id (`gk_...`), sanitised for use as a counter key; never a token. */
  key: string;
  /** Who sent the request, when the line says (JSON `client_ip` / `user_agent` ...): "find who still uses it". */
  client?: { ip?: string; userAgent?: string };
}

export interface TracebackFinding {
  /** `text`: a formatted traceback in the message (may be split: see TracebackParse.complete). `json`: a JSON log line's field. */
  format: 'text' | 'json';
  parse: TracebackParse;
  level: TracebackLevel;
  /** JSON lines: the log record's own message (`event` / `message` / `msg`), logger and level, for the excerpt. */
  record?: string;
}

export interface Classification {
  keyHits: KeyHit[];
  traceback?: TracebackFinding;
}

export const EXCEPTION_FIELDS = ['exc_info', 'exception', 'traceback', 'exc_text', 'stack_trace'];
const LEVEL_FIELDS = ['level', 'levelname', 'severity', 'lvl', 'log.level'];
const CODE_FIELDS = ['code', 'error', 'error_code', 'errorCode', 'event', 'reason'];
const KEY_FIELDS = ['gateway_key_id', 'key_id', 'gatewayKeyId', 'keyId'];
const IP_FIELDS = ['client_ip', 'remote_addr', 'source_ip', 'ip', 'client'];
const UA_FIELDS = ['user_agent', 'userAgent', 'http_user_agent'];
const MESSAGE_FIELDS = ['event', 'message', 'msg'];
/** Every top-level field keyHitsOfFields may read. */
export const KEY_HIT_FIELDS: readonly string[] = [...CODE_FIELDS, ...KEY_FIELDS, ...IP_FIELDS, ...UA_FIELDS];

const KEY_ID = /(?<![A-Za-z0-9_])gk_[A-Za-z0-9]{3,64}(?![A-Za-z0-9])/;
const SAFE_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
const KIND_WORD: Record<KeyKind, RegExp> = {
  quota_exceeded: /(?<![A-Za-z0-9])quota_exceeded(?![A-Za-z0-9])/,
  key_revoked: /(?<![A-Za-z0-9])key_revoked(?![A-Za-z0-9])/,
};

/**
 * Classify one application line (already unwrapped and sanitised, see message.ts). `json`: the line
 * already parsed by the caller (scan.ts parses each line once for every rule), undefined when it is not
 * a JSON object.
 */
export function classifyMessage(text: string, json: Record<string, unknown> | undefined = parseJsonObject(text)): Classification {
  return json ? classifyJson(json, text) : classifyText(text);
}

function classifyText(text: string): Classification {
  const keyHits: KeyHit[] = [];
  // The kind words first (substring scans): the key id's lookbehind regex costs microseconds on a long traceback that names no kind.
  if (text.includes('quota_exceeded') || text.includes('key_revoked')) {
    const key = KEY_ID.exec(text)?.[0];
    if (key) for (const kind of KEY_KINDS) if (KIND_WORD[kind].test(text)) keyHits.push({ kind, key });
  }
  if (!hasTracebackMarker(text) || onlySubExceptionHeaders(text)) return { keyHits };
  const parse = parseTracebackText(text);
  return { keyHits, traceback: { format: 'text', parse, level: parse.level } };
}

/**
 * A sub-exception's own "Traceback" line (`    | Traceback ...`), delivered as an event of its own: it is
 * part of its group's traceback (which has its own first line), never a traceback by itself.
 */
/** What hasTracebackMarker looks for. */
const MARKER_WORDS = 'Traceback (most recent call last)';

function onlySubExceptionHeaders(text: string): boolean {
  // Only the lines that hold the marker are looked at: no split of a long message on every traceback.
  for (let at = text.indexOf(MARKER_WORDS); at >= 0; at = text.indexOf(MARKER_WORDS, at + 1)) {
    const end = text.indexOf('\n', at);
    if (!isSubExceptionLine(text.slice(text.lastIndexOf('\n', at) + 1, end < 0 ? text.length : end))) return false;
  }
  return true;
}

function classifyJson(record: Record<string, unknown>, text: string): Classification {
  const fields: JsonFields = { get: (name) => record[name] };
  const keyHits = keyHitsOfFields(fields, text);
  const exception = firstField(fields, EXCEPTION_FIELDS, isPresent);
  if (exception === undefined) {
    // A JSON line whose message embeds a formatted traceback (`"message": "boom\nTraceback ..."`).
    const message = firstField(fields, MESSAGE_FIELDS, isTracebackText);
    if (!message) return { keyHits };
    return { keyHits, traceback: jsonTraceback(record, parseTracebackText(message)) };
  }
  let parse: TracebackParse | undefined;
  if (typeof exception === 'string') {
    if (hasTracebackMarker(exception)) parse = parseTracebackText(exception);
    else {
      // `"exception": "ValueError: bad"` without frames: the type is still worth having.
      const last = preCut(exception.trim().split('\n').pop() ?? '', 4000);
      const line = exceptionLine(last);
      parse = emptyParse(line ? { ...line, text: last } : undefined);
      const content = exceptionContentOf(exception.slice(0, 16_384));
      if (content) parse.exposure = [content];
    }
  } else if (Array.isArray(exception)) {
    parse = parseStructuredTraceback(exception);
  }
  // `exc_info: true` or a shape we do not know: an exception was logged, its type is unknown.
  return { keyHits, traceback: jsonTraceback(record, parse ?? emptyParse(undefined)) };
}

function jsonTraceback(record: Record<string, unknown>, parse: TracebackParse): TracebackFinding {
  const levelName = LEVEL_FIELDS.map((field) => (field.includes('.') ? nested(record, field) : record[field])).find(
    (v): v is string => typeof v === 'string' && v.length <= 20,
  );
  const level = levelName ? levelOfName(levelName) : 'unknown';
  const message = MESSAGE_FIELDS.map((f) => record[f]).find((v): v is string => typeof v === 'string');
  const logger = ['logger', 'name', 'logger_name'].map((f) => record[f]).find((v): v is string => typeof v === 'string' && v.length <= 200);
  const firstLine = message === undefined ? undefined : preCut(message.split('\n')[0]!, 1000);
  const recordText = [levelName?.toUpperCase(), logger ? `[${logger}]` : undefined, firstLine].filter(Boolean).join(' ');
  return {
    format: 'json',
    parse: { ...parse, header: recordText ? [recordText] : parse.header },
    level,
    ...(recordText ? { record: recordText } : {}),
  };
}

function emptyParse(exception: { type: string; value?: string; text: string } | undefined): TracebackParse {
  return {
    complete: exception !== undefined,
    ...(exception ? { excType: exception.type } : {}),
    ...(exception?.value !== undefined ? { excValue: exception.value } : {}),
    frameCount: 0,
    chained: 0,
    chainIncomplete: false,
    header: [],
    lastFrames: [],
    excLines: exception ? [exception.text] : [],
    level: 'unknown',
  };
}

/** A JSON line's top-level fields: a parsed record, or the flat reader of the fast path (flat-json.ts). */
export interface JsonFields {
  get(name: string): unknown;
  /** Whether any of `names` may be present (false: none is); a reader that cannot tell cheaply leaves it out. */
  mayHaveAny?(names: readonly string[]): boolean;
  /**
   * Which of `options` the value of `name` is (-1: none, or not a string), compared where it stands. Only a
   * reader whose values are never objects has it (the flat reader), so no error body is missed.
   */
  stringIndexOf?(name: string, options: readonly string[]): number;
}

const KIND_VALUES: readonly KeyKind[] = ['quota_exceeded', 'key_revoked'];

/** Either kind's word anywhere in `text` (two substring scans). */
function mentionsKind(text: string): boolean {
  return text.includes('quota_exceeded') || text.includes('key_revoked');
}

/** The key hits of a JSON line, read through `fields` so the parsed and the flat path share one rule. */
export function keyHitsOfFields(fields: JsonFields, text: string): KeyHit[] {
  // Flags, not arrays: this runs on most lines of a flood.
  let quota = false;
  let revoked = false;
  if (fields.stringIndexOf) {
    // The flat reader's line has no escapes: a code field is compared where it stands, and only a line
    // without one pays the word scans below.
    if (fields.mayHaveAny?.(CODE_FIELDS) !== false) {
      for (let f = 0; f < CODE_FIELDS.length; f++) {
        const kind = fields.stringIndexOf(CODE_FIELDS[f]!, KIND_VALUES);
        quota ||= kind === 0;
        revoked ||= kind === 1;
      }
    }
    if (!quota && !revoked && !mentionsKind(text)) return [];
  } else {
    // Neither word anywhere in the line: no field can hold the code (the common line pays two substring
    // scans). A line with \u escapes may spell the word escaped, so it takes the long way.
    if (!mentionsKind(text) && !text.includes('\\u')) return [];
    if (fields.mayHaveAny?.(CODE_FIELDS) !== false) {
      for (let f = 0; f < CODE_FIELDS.length; f++) {
        const value = fields.get(CODE_FIELDS[f]!);
        if (typeof value === 'string') {
          quota ||= value === 'quota_exceeded';
          revoked ||= value === 'key_revoked';
        } else if (isObject(value)) {
          // OpenAI-style error bodies: {"error": {"code": "quota_exceeded", "type": ...}}
          quota ||= value.code === 'quota_exceeded' || value.type === 'quota_exceeded';
          revoked ||= value.code === 'key_revoked' || value.type === 'key_revoked';
        }
      }
    }
  }
  // The code only in free text ("event": "rejected: quota_exceeded for gk_..."): fall back to the words.
  if (!quota && !revoked) {
    quota = KIND_WORD.quota_exceeded.test(text);
    revoked = KIND_WORD.key_revoked.test(text);
    if (!quota && !revoked) return [];
  }
  const fieldKey = fields.mayHaveAny?.(KEY_FIELDS) === false ? undefined : firstField(fields, KEY_FIELDS, isNonBlankString);
  const key = fieldKey !== undefined ? sanitizeKey(fieldKey) : KEY_ID.exec(text)?.[0];
  if (!key) return [];
  const client = fields.mayHaveAny?.(CLIENT_FIELDS) === false ? undefined : clientOf(fields);
  const hits: KeyHit[] = [];
  if (quota) hits.push(client ? { kind: 'quota_exceeded', key, client } : { kind: 'quota_exceeded', key });
  if (revoked) hits.push(client ? { kind: 'key_revoked', key, client } : { kind: 'key_revoked', key });
  return hits;
}

const CLIENT_FIELDS: readonly string[] = [...IP_FIELDS, ...UA_FIELDS];

/** Who sent the request, from the line's IP and user-agent fields. */
function clientOf(fields: JsonFields): KeyHit['client'] {
  const ip = firstField(fields, IP_FIELDS, isNonEmptyString);
  const userAgent = firstField(fields, UA_FIELDS, isNonEmptyString);
  if (ip && userAgent) return { ip: ip.slice(0, 100), userAgent: userAgent.slice(0, 200) };
  if (ip) return { ip: ip.slice(0, 100) };
  if (userAgent) return { userAgent: userAgent.slice(0, 200) };
  return undefined;
}

const isTracebackText = (v: unknown): v is string => typeof v === 'string' && hasTracebackMarker(v);
const isNonBlankString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isPresent = (value: unknown): boolean => value !== undefined && value !== null && value !== false && value !== '';

/** The first of `fields` whose value passes `accept` (a loop: this runs on every JSON line). */
function firstField<T>(record: JsonFields, fields: readonly string[], accept: (value: unknown) => value is T): T | undefined;
function firstField(record: JsonFields, fields: readonly string[], accept: (value: unknown) => boolean): unknown;
function firstField(record: JsonFields, fields: readonly string[], accept: (value: unknown) => boolean): unknown {
  for (let f = 0; f < fields.length; f++) {
    const value = record.get(fields[f]!);
    if (accept(value)) return value;
  }
  return undefined;
}

/**
 * Sanitised key ids by raw value: a flood repeats a few keys thousands of times per batch, and the
 * redaction behind sanitizeKey is the costliest step of a line. Bounded; cleared when full.
 */
const SANITIZED_KEYS = new Map<string, string>();
const MAX_SANITIZED_KEYS = 10_000;

/** A key id usable as a counter key and subject: redacted (a token logged as a key id must not be stored), safe characters, bounded. */
export function sanitizeKey(raw: string): string {
  const known = SANITIZED_KEYS.get(raw);
  if (known !== undefined) return known;
  const key = sanitizeKeyUncached(raw);
  if (raw.length > 256) return key;
  if (SANITIZED_KEYS.size >= MAX_SANITIZED_KEYS) SANITIZED_KEYS.clear();
  SANITIZED_KEYS.set(raw, key);
  return key;
}

function sanitizeKeyUncached(raw: string): string {
  const trimmed = raw.trim();
  if (SAFE_KEY.test(trimmed) && redactText(trimmed) === trimmed) return trimmed;
  return (
    redactText(trimmed)
      .replace(/[^A-Za-z0-9_.:-]/g, '_')
      .slice(0, 128) || '_'
  );
}

function nested(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) value = isObject(value) ? value[part] : undefined;
  return value ?? record[path];
}
