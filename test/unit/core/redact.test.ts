import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactValue } from '../../../lambdas/core/redact.ts';

const RUNS = { numRuns: 300 };
/** Secret properties search a larger space (fragment x separator x secret): more runs so a leak is found every time. */
const SECRET_RUNS = { numRuns: 500 };

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;

const chars = (alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

/** Each kind of secret docs/architecture.md (Security) names; `secret` is what must not leave the account. */
const SECRET_KINDS: Record<string, fc.Arbitrary<{ text: string; secret: string }>> = {
  'gateway token gw_': chars(`${ALNUM}_-`, 16, 48).map((t) => ({ text: `gw_${t}`, secret: `gw_${t}` })),
  'provider key sk-': chars(`${ALNUM}_-`, 20, 64).map((t) => ({ text: `sk-${t}`, secret: `sk-${t}` })),
  'Anthropic key sk-ant-api03-': chars(`${ALNUM}_-`, 40, 95).map((t) => ({ text: `sk-ant-api03-${t}AA`, secret: `sk-ant-api03-${t}AA` })),
  'Bearer token': fc
    .tuple(chars(`${ALNUM}._~+/-`, 16, 64), fc.constantFrom('', '=', '=='))
    .map(([t, pad]) => ({ text: `Bearer ${t}${pad}`, secret: t })),
  'AWS access key id': chars(UPPER + DIGITS, 16, 16).map((t) => ({ text: `AKIA${t}`, secret: `AKIA${t}` })),
  'AWS secret access key': chars(`${ALNUM}/+`, 40, 40)
    .filter((t) => /[A-Z]/.test(t) && /[a-z]/.test(t) && /[0-9]/.test(t))
    .map((t) => ({ text: t, secret: t })),
  'e-mail address': fc
    .tuple(
      chars(ALNUM, 1, 1),
      chars(`${LOWER}${DIGITS}._+-`, 0, 20),
      fc.array(chars(`${LOWER}${DIGITS}`, 1, 12), { minLength: 1, maxLength: 3 }),
      chars(LOWER, 2, 6),
    )
    .map(([first, rest, labels, tld]) => {
      const address = `${first}${rest}@${labels.join('.')}.${tld}`;
      return { text: address, secret: address };
    }),
};

/** Non-alphanumeric separators between a secret and the text around it. */
const SEPARATOR = fc.constantFrom(' ', '"', "'", ':', '=', ',', '/', '\n', '(', ')', '[', ']', ': ', '="', ' = ');

/**
 * Surrounding text: random strings mixed with the words that precede secrets in real logs (header and
 * field names, quotes, braces), so the generator also tries `authorization=`, `"token": ` and the like.
 */
const FRAGMENT = fc.oneof(
  { arbitrary: fc.string({ maxLength: 16 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      'Authorization',
      'authorization',
      'token',
      'api_key',
      'AWS_SECRET_ACCESS_KEY',
      'aws_secret_access_key',
      'password',
      'key',
      'user',
      'email',
      'header',
      'request failed',
      '"',
      "'",
      '{',
      '}',
      ' ',
      'x-api-key',
    ),
    weight: 2,
  },
);
const SURROUNDING = fc.array(FRAGMENT, { maxLength: 4 }).map((parts) => parts.join(''));

/** A value nesting `leaf` at a random depth in objects and arrays, with harmless siblings. */
function nest(leaf: string): fc.Arbitrary<unknown> {
  const KEY = fc.constantFrom('details', 'rows', 'error', 'headers', 'note', 'request', 'meta', 'x', 'value');
  const STEP = fc.oneof(
    KEY.map((key) => ({ kind: 'object' as const, key })),
    fc.nat({ max: 3 }).map((index) => ({ kind: 'array' as const, index })),
  );
  return fc.array(STEP, { maxLength: 6 }).map((steps) => {
    let value: unknown = leaf;
    for (const step of steps) {
      if (step.kind === 'object') value = { model: 'gpt-4o', [step.key]: value, count: 3 };
      else value = [...Array.from({ length: step.index }, (_, i) => `row ${i}`), value];
    }
    return value;
  });
}

/** Every string in a value: keys and leaves. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

describe('redactText: secrets never survive', () => {
  for (const [kind, secret] of Object.entries(SECRET_KINDS)) {
    it(`${kind} in random surrounding text`, () => {
      fc.assert(
        fc.property(SURROUNDING, SEPARATOR, secret, SEPARATOR, SURROUNDING, (before, sep1, { text, secret: s }, sep2, after) => {
          const line = `${before}${sep1}${text}${sep2}${after}`;
          expect(redactText(line)).not.toContain(s);
        }),
        SECRET_RUNS,
      );
    });
  }

  it.each([
    ['key=value Bearer header', 'authorization=Bearer eyJhbGciOiJIUzI1NiJ9abcdef012345', 'eyJhbGciOiJIUzI1NiJ9abcdef012345'],
    ['JSON-ish unquoted Bearer header', '"authorization": Bearer eyJhbGciOiJIUzI1NiJ9abcdef012345', 'eyJhbGciOiJIUzI1NiJ9abcdef012345'],
    ['HTTP header', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdef012345', 'eyJhbGciOiJIUzI1NiJ9abcdef012345'],
    // Found by the property above (seed 434424691): the header rule took "(Bearer" as the value and left the token.
    ['header with the scheme glued to punctuation', 'Authorization:(Bearer AAAAAAAAAAAAAAAA ', 'AAAAAAAAAAAAAAAA'],
    // Found by the log redaction property (seed 750781796): the first 40 characters of the run were taken, the tail left.
    ['AWS secret glued to a word by a slash', 'ValueError: bad credentials/AAAAAAAAAAAAAAAAAAAAAAA9AAAA/AAAAAAAAAAi', 'AAAAAAAAAAi'],
    ['env-style AWS secret', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    [
      'ini-style AWS secret',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['AWS secret after a slash', 'creds/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['AWS access key id', 'using AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE'],
    ['gateway token in URL', 'GET /v1/chat?token=gw_live_8f3kD02mQp', 'gw_live_8f3kD02mQp'],
    [
      'Anthropic key in quotes',
      `x-api-key: 'sk-ant-api03-AbCdEf0123456789_-xyzXYZ0123456789abcdef-AA'`,
      'sk-ant-api03-AbCdEf0123456789_-xyzXYZ0123456789abcdef-AA',
    ],
    ['e-mail in parentheses', 'quota exceeded (owner alice.smith+metis@example.co.uk)', 'alice.smith+metis@example.co.uk'],
  ])('%s', (_label, line, secret) => {
    const out = redactText(line);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });
});

describe('redactText: pieces of one secret inside another', () => {
  it('an unsigned JWT whose payload holds a gw_ token goes whole (found by the breadth property test)', () => {
    const out = redactText('request_id=req_01 eyJAAAAAAAAAA.eyJgw_AAAAAAAAAA. done');
    expect(out).toBe(`request_id=req_01 ${REDACTED} done`);
  });

  it('a Google key with gw_ inside it goes whole', () => {
    expect(redactText('key AIzaAAAAAAAAAAAAAAAAAAAAAAAAAgw_AAAAAAA end')).toBe(`key ${REDACTED} end`);
  });

  it('a gateway token with an sk- piece inside it goes whole', () => {
    expect(redactText('t=gw_abc-sk-AAAAAAAAAAAA end')).toBe(`t=${REDACTED} end`);
  });
});

describe('redactValue: secrets never survive in nested objects and arrays', () => {
  for (const [kind, secret] of Object.entries(SECRET_KINDS)) {
    it(`${kind} at any depth`, () => {
      fc.assert(
        fc.property(
          secret.chain(({ text, secret: s }) =>
            fc
              .tuple(SURROUNDING, SEPARATOR, SEPARATOR, SURROUNDING)
              .chain(([before, sep1, sep2, after]) => nest(`${before}${sep1}${text}${sep2}${after}`).map((value) => ({ value, s }))),
          ),
          ({ value, s }) => {
            const before = structuredClone(value);
            const out = redactValue(value);
            for (const str of strings(out)) expect(str).not.toContain(s);
            expect(value).toEqual(before); // a copy: the input is untouched
          },
        ),
        SECRET_RUNS,
      );
    });
  }

  it('redacts secrets used as object keys (e.g. spend per user e-mail)', () => {
    const out = redactValue({ spendByOwner: { 'alice@example.com': 12.5 }, keys: { 'sk-proj-Zx81kQ0pLmN4vBt7RsUw2yEa': 'revoked' } });
    const all = strings(out).join('\n');
    expect(all).not.toContain('alice@example.com');
    expect(all).not.toContain('sk-proj-Zx81kQ0pLmN4vBt7RsUw2yEa');
  });

  it('redacts credential-named fields whole and leaves numbers, booleans and null alone', () => {
    expect(redactValue({ headers: { Authorization: 'anything', 'X-Api-Key': 'k' }, password: 'p', n: 3, ok: true, none: null })).toEqual({
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED },
      password: REDACTED,
      n: 3,
      ok: true,
      none: null,
    });
  });
});

const PROMPT_FIELDS = ['messages', 'content', 'prompt', 'completion', 'input', 'output'] as const;
const FIELD = fc.constantFrom(...PROMPT_FIELDS);
const CONTENT = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.string({ minLength: 1, maxLength: 40 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
);

/** The strings of a content value (a string or a list of messages). */
const contentStrings = (content: unknown): string[] =>
  strings(content).filter((s) => s !== 'role' && s !== 'content' && s !== 'user' && s !== 'assistant');

/** Python repr of a str, as `repr()` prints it. */
function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function pyReprValue(value: unknown): string {
  if (typeof value === 'string') return pyRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyReprValue).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyReprValue(v)}`)
      .join(', ')}}`;
  return String(value);
}

/** True when `needle` (a rendering of the prompt content) is long enough and occurs nowhere else in the text. */
function checkable(needle: string, rest: string): boolean {
  return needle.length >= 6 && !rest.includes(needle) && !`"${REDACTED}" '${REDACTED}'`.includes(needle);
}

describe('prompt and completion content is redacted', () => {
  it('in objects at any depth', () => {
    fc.assert(
      fc.property(
        FIELD,
        CONTENT,
        fc.array(fc.constantFrom('details', 'rows', 'request', 'body'), { maxLength: 5 }),
        (field, content, path) => {
          let value: unknown = { model: 'gpt-4o', [field]: content };
          for (const key of path) value = { [key]: [value] };
          let out = redactValue(value) as Record<string, unknown>;
          for (const key of [...path].reverse()) out = (out[key] as Record<string, unknown>[])[0]!;
          expect(out).toEqual({ model: 'gpt-4o', [field]: REDACTED });
        },
      ),
      RUNS,
    );
  });

  it('inside JSON text embedded in a log line', () => {
    fc.assert(
      fc.property(
        FIELD,
        CONTENT,
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.boolean(),
        (field, content, before, after, nested) => {
          const payload = (c: unknown) =>
            nested ? { request: { model: 'gpt-4o', [field]: c }, status: 500 } : { model: 'gpt-4o', [field]: c };
          const line = `${before} ERROR upstream failed ${JSON.stringify(payload(content))} ${after}`;
          const rest = `${before} ERROR upstream failed ${JSON.stringify(payload(''))} ${after}`;
          const out = redactText(line);
          expect(out).toContain(REDACTED);
          for (const text of contentStrings(content)) {
            const rendered = JSON.stringify(text).slice(1, -1);
            if (checkable(rendered, rest)) expect(out).not.toContain(rendered);
          }
        },
      ),
      RUNS,
    );
  });

  it('inside Python-repr text', () => {
    fc.assert(
      fc.property(FIELD, CONTENT, fc.string({ maxLength: 20 }), (field, content, before) => {
        const line = `${before} Traceback context: ${pyReprValue({ model: 'gpt-4o', [field]: content, stream: true })}`;
        const rest = `${before} Traceback context: ${pyReprValue({ model: 'gpt-4o', [field]: '', stream: true })}`;
        const out = redactText(line);
        expect(out).toContain(REDACTED);
        expect(out).toContain("'model': 'gpt-4o'");
        for (const text of contentStrings(content)) {
          const rendered = pyRepr(text).slice(1, -1);
          if (checkable(rendered, rest)) expect(out).not.toContain(rendered);
        }
      }),
      RUNS,
    );
  });

  it.each([
    ['JSON', '{"model":"gpt-4o","prompt":"tell me the secret merger plan"}'],
    ['JSON with spaces and nested messages', '{"messages": [{"role": "user", "content": "tell me the secret merger plan"}]}'],
    ['Python dict repr', "{'model': 'gpt-4o', 'prompt': 'tell me the secret merger plan'}"],
    ['unquoted key=value', 'model=gpt-4o prompt=tell_me_the_secret_merger_plan status=500'],
    ['logfmt quoted key=value', 'model=gpt-4o prompt="tell me the secret merger plan" status=500'],
    ['Python keyword repr', "ChatMessage(role='user', content='tell me the secret merger plan')"],
    [
      'JSON string inside a JSON log line',
      JSON.stringify({ level: 'ERROR', msg: JSON.stringify({ prompt: 'tell me the secret merger plan' }) }),
    ],
  ])('%s', (_label, line) => {
    const out = redactText(line);
    expect(out).not.toMatch(/secret.merger.plan/);
    expect(out).toContain(REDACTED);
  });
});

describe('what must survive redaction', () => {
  const ULID = chars('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 26, 26);

  it('gk_ key ids and model names', () => {
    const MODEL = fc.constantFrom(
      'gpt-4o',
      'gpt-4o-mini-2024-07-18',
      'claude-3-5-sonnet-20241022',
      'claude-3-5-sonnet@20240620',
      'anthropic/claude-sonnet-4',
      'meta-llama/Llama-3.1-70B-Instruct',
      'gemini-1.5-pro-002',
      'mistral-large-latest',
      'o3-mini',
    );
    fc.assert(
      fc.property(ULID, MODEL, (ulid, model) => {
        const line = `quota_alert key=gk_${ulid} model=${model} calls=42 "gateway_key_id": "gk_${ulid}"`;
        expect(redactText(line)).toBe(line);
      }),
      RUNS,
    );
  });

  it('git SHAs, UUIDs and timestamps', () => {
    fc.assert(
      fc.property(chars('0123456789abcdef', 40, 40), fc.uuid(), (sha, uuid) => {
        const line = `shipper ${sha} (${sha.slice(0, 7)}) trace ${uuid} at 2026-11-20T12:00:00.123Z`;
        expect(redactText(line)).toBe(line);
      }),
      RUNS,
    );
  });

  it('ordinary alert text', () => {
    const line = 'model_error_rate for gpt-4o: 12.5 % errors over 10 min (240 calls, threshold 5 %); flip METIS_GATEWAY_GLOBAL_DEFAULT';
    expect(redactText(line)).toBe(line);
    expect(redactValue({ rule: 'latency_p95', value: 2300, rows: [{ model: 'gpt-4o', p95: 2300 }] })).toEqual({
      rule: 'latency_p95',
      value: 2300,
      rows: [{ model: 'gpt-4o', p95: 2300 }],
    });
  });
});

describe('idempotence', () => {
  const PIECE = fc.oneof(
    fc.string({ maxLength: 12 }),
    ...Object.values(SECRET_KINDS).map((a) => a.map((s) => s.text)),
    FIELD.map((f) => `"${f}": `),
    FIELD.map((f) => `'${f}': `),
    FIELD.map((f) => `${f}=`),
    fc.constantFrom('"', "'", '[', ']', '{', '}', ', ', ' ', '\n', REDACTED, 'Bearer ', '@', '=', '/'),
  );

  it('redactText(redactText(x)) === redactText(x)', () => {
    fc.assert(
      fc.property(fc.array(PIECE, { maxLength: 12 }), (pieces) => {
        const once = redactText(pieces.join(''));
        expect(redactText(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('redactValue(redactValue(x)) equals redactValue(x)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const once = redactValue(value);
        expect(redactValue(once)).toEqual(once);
      }),
      RUNS,
    );
  });
});
