// fast-check arbitraries for log lines as real loggers and container runtimes write them: JSON objects
// that mix the fields the rules read with escapes, unicode, nested values, duplicate keys and special
// names; truncated and wrapped JSON; CRI prefixes; text. Shared by the fast-path and line-verdict properties.
import fc from 'fast-check';

/** The names the rules read, a few that mean nothing to them, and names JavaScript treats specially. */
export const RULE_NAMES = [
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
  'content',
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
export const OTHER_NAMES = ['path', 'ts', 'status', '', '__proto__', 'constructor', 'toString', '0', 'prompt_tokens'];
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
  "Message(id='msg_1', content=[TextBlock(text='the capital of France is Paris', type='text')])",
  "ChatCompletionMessage(content='here is your summary of the report', role='assistant')",
  "  Input should be a valid integer [type=int_parsing, input_value='tell me a story', input_type=str]",
  'content-type: application/json',
  'sqlite3.OperationalError: database or disk is full',
  'database disk image is malformed',
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

export const LINE = fc.oneof(
  { weight: 6, arbitrary: JSON_LINE },
  // Cut anywhere: truncated JSON (a container runtime's 16 KB split).
  { weight: 2, arbitrary: fc.tuple(JSON_LINE, fc.nat()).map(([line, cut]) => line.slice(0, cut % (line.length + 1))) },
  { weight: 1, arbitrary: fc.tuple(JSON_LINE, fc.constantFrom(' ', '\n', 'x', '}')).map(([line, tail]) => line + tail) },
  { weight: 1, arbitrary: JSON_LINE.map((line) => `2026-11-20T12:00:00.123456789Z stderr F ${line}`) },
  { weight: 1, arbitrary: JSON_LINE.map((line) => JSON.stringify({ log: `${line}\n`, stream: 'stderr', time: '2026-11-20T12:00:00Z' })) },
  { weight: 1, arbitrary: fc.tuple(TEXTS, TEXTS).map(([a, b]) => `INFO: ${a} ${b}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);
