// What log-watch receives, as plain data (docs/operations-notes.md, CloudWatch): a
// subscription event `{"awslogs":{"data": base64(gzip(JSON))}}`, the decoded JSON (DATA_MESSAGE or
// CONTROL_MESSAGE), or, for the CLI, plain log lines. Pure: node:zlib's synchronous gunzip is a
// computation, not I/O. Bad input never throws: it comes back as a DecodeFailure value that the caller
// counts and logs, because a poison batch that throws is retried by Lambda for hours.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { errorMessage } from '../errors.ts';

export interface LogEvent {
  /** CloudWatch event id (the same id FilterLogEvents returns); an index for plain lines. */
  id: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  message: string;
}

export interface LogBatch {
  logGroup: string;
  logStream: string;
  /** Names of the subscription filters that matched: empty for plain lines (the whole stream). */
  subscriptionFilters: string[];
  owner?: string;
  logEvents: LogEvent[];
  /**
   * True when the batch holds every line of the stream in order (plain lines from a file), so a
   * traceback's continuation lines are in the batch itself. Subscription batches carry only the
   * lines that matched the filter pattern.
   */
  contiguous: boolean;
  /** Events dropped because they had no numeric timestamp or no string message. */
  malformedEvents: number;
  /**
   * SHA-256 (base64url, 22 chars) of the gzip payload the batch was delivered as: a retried invocation
   * carries the same bytes, and hashing them is cheaper than hashing every event (scan.ts batchId).
   */
  payloadDigest?: string;
}

export const DECODE_FAILURE_REASONS = [
  'not_subscription_event',
  'not_base64',
  'not_gzip',
  'too_large',
  'not_json',
  'no_log_events',
] as const;
export type DecodeFailureReason = (typeof DECODE_FAILURE_REASONS)[number];

export interface DecodeFailure {
  kind: 'failure';
  reason: DecodeFailureReason;
  /** One line for the logs: what was wrong, never the payload itself. */
  message: string;
}

export type Decoded = { kind: 'data'; batch: LogBatch } | { kind: 'control'; logGroup: string; logStream: string } | DecodeFailure;

export interface DecodeLimits {
  /** Largest gunzipped payload accepted (a gzip bomb is a DecodeFailure, not an out-of-memory crash). @default 64 MiB */
  maxDecodedBytes?: number;
}

const DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024;
const NOT_BASE64_CHAR = /[^A-Za-z0-9+/=]/;
const PADDING = /^={1,2}$/;

function failure(reason: DecodeFailureReason, message: string): DecodeFailure {
  return { kind: 'failure', reason, message };
}

/**
 * A subscription event (`{"awslogs":{"data":...}}`) or an already decoded DATA_MESSAGE / CONTROL_MESSAGE
 * object. Anything else is a DecodeFailure.
 */
export function decodeLogInput(input: unknown, limits: DecodeLimits = {}): Decoded {
  if (!isObject(input))
    return failure('not_subscription_event', `expected a CloudWatch Logs subscription event object, got ${describe(input)}`);
  if ('awslogs' in input) {
    const awslogs = input.awslogs;
    if (!isObject(awslogs) || typeof awslogs.data !== 'string')
      return failure('not_subscription_event', 'awslogs.data is missing or not a string');
    return decodeAwsLogsData(awslogs.data, limits);
  }
  if ('logEvents' in input || 'messageType' in input) return parseDataMessage(input);
  return failure('not_subscription_event', 'expected {"awslogs":{"data":...}} or a decoded DATA_MESSAGE (messageType, logEvents)');
}

/** `awslogs.data`: base64 of gzip of the JSON message. */
export function decodeAwsLogsData(data: string, limits: DecodeLimits = {}): Decoded {
  // Lambda's payload has no whitespace: one scan then, and no copy. NOT_BASE64_CHAR + the `=` position is BASE64 in one cheaper scan.
  const plain = !NOT_BASE64_CHAR.test(data);
  const compact = plain ? data : data.replace(/\s+/g, '');
  const pad = compact.indexOf('=');
  if (
    compact.length === 0 ||
    compact.length % 4 !== 0 ||
    (!plain && NOT_BASE64_CHAR.test(compact)) ||
    (pad >= 0 && !PADDING.test(compact.slice(pad)))
  ) {
    return failure('not_base64', `awslogs.data is not base64 (${data.length} chars)`);
  }
  const zipped = Buffer.from(compact, 'base64');
  if (zipped.length < 18 || zipped[0] !== 0x1f || zipped[1] !== 0x8b)
    return failure('not_gzip', `awslogs.data is base64 but not gzip (${zipped.length} bytes, no gzip header)`);
  const maxOutputLength = limits.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  let json: Buffer;
  try {
    json = gunzipSync(zipped, { maxOutputLength });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      return failure('too_large', `awslogs.data inflates to more than ${maxOutputLength} bytes`);
    }
    return failure('not_gzip', `awslogs.data is not valid gzip (${code ?? errorMessage(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textOf(json));
  } catch (error) {
    return failure('not_json', `awslogs.data gunzips to ${json.length} bytes that are not JSON (${errorMessage(error).split('\n')[0]})`);
  }
  const message = parseDataMessage(parsed);
  if (message.kind === 'data') message.batch.payloadDigest = createHash('sha256').update(zipped).digest('base64url').slice(0, 22);
  return message;
}

/**
 * The payload as a string. Most log payloads are all ASCII (every one whose writer escapes other
 * characters), and for ASCII bytes latin1 gives the same string as UTF-8 at a quarter of the cost: a copy,
 * no decoding. The check itself is one vectorised pass.
 */
function textOf(json: Buffer): string {
  return isAscii(json) ? json.toString('latin1') : json.toString('utf8');
}

/** The decoded subscription message. Events without a numeric timestamp or a string message are dropped and counted. */
export function parseDataMessage(value: unknown): Decoded {
  if (!isObject(value)) return failure('not_json', `the decoded message is ${describe(value)}, not a JSON object`);
  const logGroup = typeof value.logGroup === 'string' ? value.logGroup : '(unknown log group)';
  const logStream = typeof value.logStream === 'string' ? value.logStream : '(unknown log stream)';
  if (value.messageType === 'CONTROL_MESSAGE') return { kind: 'control', logGroup, logStream };
  if (!Array.isArray(value.logEvents) || value.logEvents.length === 0) {
    return failure('no_log_events', `${String(value.messageType ?? 'message')} without logEvents (${describe(value.logEvents)})`);
  }
  const logEvents: LogEvent[] = [];
  let malformedEvents = 0;
  for (let index = 0; index < value.logEvents.length; index++) {
    const raw: unknown = value.logEvents[index];
    if (!isObject(raw) || typeof raw.message !== 'string' || typeof raw.timestamp !== 'number' || !Number.isFinite(raw.timestamp)) {
      malformedEvents++;
      continue;
    }
    // A well-formed CloudWatch event already is a LogEvent: kept as is (never mutated), not copied.
    if (typeof raw.id === 'string' && raw.id) logEvents.push(raw as unknown as LogEvent);
    else logEvents.push({ id: String(index), timestamp: raw.timestamp, message: raw.message });
  }
  const filters = Array.isArray(value.subscriptionFilters)
    ? value.subscriptionFilters.filter((f): f is string => typeof f === 'string')
    : [];
  return {
    kind: 'data',
    batch: {
      logGroup,
      logStream,
      subscriptionFilters: filters,
      ...(typeof value.owner === 'string' ? { owner: value.owner } : {}),
      logEvents,
      contiguous: false,
      malformedEvents,
    },
  };
}

export interface PlainLinesOptions {
  /** Time of lines before the first line that carries a timestamp, when no line does. */
  fallbackTime: number;
  logGroup?: string;
  logStream?: string;
}

/**
 * Plain log lines (a `kubectl logs` / `docker compose logs` capture, JSON lines or text) as one
 * contiguous batch. Each line is an event; its time is the timestamp it carries (a leading ISO-8601 /
 * Python asctime stamp, a CRI prefix, or a JSON `timestamp`/`time`/`ts`/`asctime`/`@timestamp` field),
 * else the previous line's (continuation lines of a traceback), else the first stamped line's, else
 * `fallbackTime`. Stamps without a zone are UTC.
 */
export function plainLinesBatch(text: string, options: PlainLinesOptions): LogBatch {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const stamps = lines.map(lineTimestamp);
  const first = stamps.find((s): s is number => s !== undefined);
  let current = first ?? options.fallbackTime;
  const logEvents = lines.map((message, index) => {
    const stamp = stamps[index];
    if (stamp !== undefined) current = stamp;
    return { id: String(index), timestamp: current, message };
  });
  return {
    logGroup: options.logGroup ?? '(file)',
    logStream: options.logStream ?? '(file)',
    subscriptionFilters: [],
    logEvents,
    contiguous: true,
    malformedEvents: 0,
  };
}

const LEADING_STAMP = /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
const JSON_TIME_FIELDS = ['timestamp', '@timestamp', 'time', 'ts', 'asctime', 'created'];

/** The instant a log line carries, or undefined. */
export function lineTimestamp(line: string): number | undefined {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isObject(value)) {
        for (const field of JSON_TIME_FIELDS) {
          const parsed = instantOf(value[field]);
          if (parsed !== undefined) return parsed;
        }
      }
    } catch {
      // not a JSON line: try a leading stamp
    }
  }
  return instantOf(trimmed);
}

function instantOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Epoch seconds (Python's `created`, structlog's `timestamp` with fmt=None) or milliseconds.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string') return undefined;
  const match = LEADING_STAMP.exec(value);
  if (!match) return undefined;
  const [, date, time, fraction, zone] = match;
  const ms = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const offset = !zone || zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const parsed = Date.parse(`${date}T${time}${ms}${offset}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string of ${value.length} chars`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
