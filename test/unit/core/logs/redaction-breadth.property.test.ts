// Property, 10 000 runs: a log line mixing the secret forms the world writes (Authorization: Token /
// Basic / Bearer and api-key header lines, JWTs, Google AIza keys, OpenAI sk-proj keys, AWS secret keys
// after any separator, Slack and Discord webhooks, pydantic's input_value, JSON fields whose names carry
// prompt/input/content/message/completion/system, long quoted literals in exception messages) with
// random noise, placed in an ERROR traceback's record line and exception message (or a structlog JSON
// line): the traceback alert still fires with its fingerprint, and nothing that leaves in the signal
// (subject, summary, dedup key, details) holds any secret or any 12-character piece of one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { plainLinesBatch } from '../../../../lambdas/core/logs/decode.ts';
import { scanLogBatch } from '../../../../lambdas/core/logs/scan.ts';
import { redactText } from '../../../../lambdas/core/redact.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { rulesWith } from './fixtures.ts';
import { propertyRuns } from '../../../support/property-runs.ts';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = `${ALNUM}_-`;
const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

/** A form as written in a log line and the parts of it that must never leave. */
interface Form {
  text: string;
  secrets: string[];
}

/** Customer text: a few random words (no quotes), at least 25 characters so it is also a "long" literal. */
const PROSE = fc
  .array(chars(LOWER, 3, 9), { minLength: 4, maxLength: 9 })
  .map((words) => words.join(' '))
  .filter((text) => text.length > 25);

const FORMS: Record<string, fc.Arbitrary<Form>> = {
  'Authorization header': fc
    .tuple(
      fc.constantFrom('Authorization', 'authorization', 'Proxy-Authorization'),
      fc.constantFrom('Token', 'Basic', 'Bearer'),
      chars(`${ALNUM}+/`, 16, 48),
    )
    .map(([name, scheme, token]) => ({ text: `${name}: ${scheme} ${token}`, secrets: [token] })),
  'api-key header': fc
    .tuple(fc.constantFrom('x-api-key', 'X-Api-Key', 'api-key', 'Api-Key'), chars(B64URL, 16, 48))
    .map(([name, key]) => ({ text: `${name}: ${key}`, secrets: [key] })),
  JWT: fc.tuple(chars(B64URL, 10, 40), chars(B64URL, 10, 80), chars(B64URL, 0, 43)).map(([header, payload, signature]) => {
    const jwt = `eyJ${header}.eyJ${payload}.${signature}`;
    return { text: jwt, secrets: [jwt] };
  }),
  'Google API key': chars(B64URL, 35, 35).map((rest) => ({ text: `AIza${rest}`, secrets: [`AIza${rest}`] })),
  'OpenAI sk-proj key': chars(B64URL, 40, 120).map((rest) => ({ text: `sk-proj-${rest}`, secrets: [`sk-proj-${rest}`] })),
  'AWS secret key after any separator': fc
    .tuple(
      fc.constantFrom('AWS_SECRET_ACCESS_KEY', 'aws_secret_access_key', 'SecretAccessKey', 'secret_key', 'aws_secret_key'),
      fc.string({
        unit: fc.constantFrom(' ', '=', ':', '"', "'", '\t', '>', '|', ',', ';', '\\', '(', '[', '{', '-', '_', '.'),
        minLength: 1,
        maxLength: 6,
      }),
      chars(`${ALNUM}/+`, 40, 40),
    )
    .map(([name, separator, key]) => ({ text: `${name}${separator}${key}`, secrets: [key] })),
  'Slack webhook': fc
    .tuple(chars(UPPER + DIGITS, 9, 11), chars(UPPER + DIGITS, 9, 11), chars(ALNUM, 24, 24))
    .map(([team, bot, token]) => ({ text: `https://hooks.slack.com/services/T${team}/B${bot}/${token}`, secrets: [`${bot}/${token}`] })),
  'Discord webhook': fc
    .tuple(fc.constantFrom('discord.com', 'discordapp.com', 'ptb.discord.com'), chars(DIGITS, 17, 19), chars(B64URL, 60, 68))
    .map(([host, id, token]) => ({ text: `https://${host}/api/webhooks/${id}/${token}`, secrets: [token] })),
  "pydantic's input_value": fc.tuple(PROSE, fc.boolean()).map(([prose, asDict]) => ({
    text: asDict
      ? `[type=dict_type, input_value={'role': 'user', 'text': '${prose}'}, input_type=dict]`
      : `[type=int_parsing, input_value='${prose}', input_type=str]`,
    secrets: [prose],
  })),
  'JSON field carrying a content word': fc
    .tuple(
      fc.constantFrom(
        'system_prompt',
        'user_message',
        'lastMessage',
        'input_text',
        'completion_text',
        'messages',
        'systemInstruction',
        'promptTemplate',
      ),
      PROSE,
      fc.constantFrom('json', 'python', 'escaped'),
    )
    .map(([name, prose, style]) => ({
      text:
        style === 'json'
          ? JSON.stringify({ model: 'gpt-4o', [name]: prose, input_tokens: 812 })
          : style === 'python'
            ? `{'model': 'gpt-4o', '${name}': '${prose}'}`
            : JSON.stringify(JSON.stringify({ [name]: prose })),
      secrets: [prose],
    })),
};

/** Only in an exception message: the text of a quoted literal longer than a short length. */
const QUOTED_LITERAL: fc.Arbitrary<Form> = fc
  .tuple(PROSE, fc.constantFrom("'", '"'))
  .map(([prose, quote]) => ({ text: `could not route ${quote}${prose}${quote}`, secrets: [prose] }));

/** Noise between forms: random text without line breaks, and words that look like log lines and field names. */
const NOISE = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n\u2028\u2029]/g, ' ')),
  fc.constantFrom(
    'request_id=req_01JA2B3C',
    'status=500',
    'model=gpt-4o',
    'gk_01HXYZ8K3M',
    'retrying',
    '{"level": "error"}',
    "it's",
    'x=1',
  ),
);
/** Between a form and what follows: never a character a token could continue with. */
const SEPARATOR = fc.constantFrom(' ', ', ', '; ', ' | ', '\t', ' (', ') ', ' [', '] ');

const anyForm = fc.oneof(...Object.values(FORMS));
const mix = (forms: fc.Arbitrary<Form>) =>
  fc.array(fc.tuple(NOISE, SEPARATOR, forms, SEPARATOR), { minLength: 1, maxLength: 4 }).map((parts) => ({
    text: parts.map(([noise, before, form, after]) => `${noise}${before}${form.text}${after}`).join(''),
    secrets: parts.flatMap(([, , form]) => form.secrets),
  }));

const FINGERPRINT = 'ValueError@/app/metis/gateway/routes.py:chat_completions';
const T = Date.parse('2026-11-20T12:00:00Z');

function traceback(recordMix: string, messageMix: string, style: 'text' | 'structlog'): string {
  const frames = '  File "/app/metis/gateway/routes.py", line 212, in chat_completions\n    await router.route(body)';
  if (style === 'structlog') {
    return JSON.stringify({
      event: `request failed ${recordMix}`,
      level: 'error',
      logger: 'metis.gateway.app',
      timestamp: '2026-11-20T12:00:01.000Z',
      exception: `Traceback (most recent call last):\n${frames}\nValueError: ${messageMix}`,
    });
  }
  return `2026-11-20 12:00:01,000 ERROR [metis.gateway.app] request failed ${recordMix}\nTraceback (most recent call last):\n${frames}\nValueError: ${messageMix}`;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      strings(item, out);
    }
  return out;
}

function pieces(secret: string, size = 12): string[] {
  if (secret.length <= size) return [secret];
  return Array.from({ length: secret.length - size + 1 }, (_, i) => secret.slice(i, i + size));
}

describe('redaction breadth: 10 000 mixes of secret forms and noise', () => {
  it('no secret leaves in the traceback signal, and the signal still fires with its fingerprint', async () => {
    const rules = rulesWith();
    await fc.assert(
      fc.asyncProperty(
        mix(anyForm),
        mix(fc.oneof(anyForm, QUOTED_LITERAL)),
        fc.constantFrom('text' as const, 'structlog' as const),
        async (record, message, style) => {
          const log = traceback(record.text, message.text, style);
          const scan = await scanLogBatch(plainLinesBatch(log, { fallbackTime: T, logGroup: '/metis/prod/gateway', logStream: 'gw' }), {
            counters: new MemoryLogCounters(),
            rules,
            now: new Date(T + 60_000),
          });
          const tracebacks = scan.signals.filter((s) => s.rule === 'traceback');
          expect(
            tracebacks.map((s) => s.subject),
            'the alert still fires, named by its type and frame',
          ).toEqual([FINGERPRINT]);
          expect(tracebacks[0]!.summary).toContain('ERROR traceback: ValueError at /app/metis/gateway/routes.py:chat_completions');
          // One text of everything that leaves, searched once per piece (an expect per piece would dominate the run time).
          const leaving = scan.signals.flatMap((s: Signal) => [s.subject, s.summary, s.dedupKey, ...strings(s.details)]).join('\u0000');
          for (const secret of [...record.secrets, ...message.secrets]) {
            const leaked = pieces(secret).find((piece) => leaving.includes(piece));
            if (leaked !== undefined) expect.fail(`"${leaked}" of "${secret}" leaked in: ${leaving.slice(0, 2000)}`);
          }
        },
      ),
      { numRuns: propertyRuns(10_000) },
    );
  }, 600_000);

  it.each(Object.entries(FORMS))('%s alone in any text: redactText keeps none of it', (_name, form) => {
    fc.assert(
      fc.property(NOISE, SEPARATOR, form, SEPARATOR, NOISE, (before, sep1, { text, secrets }, sep2, after) => {
        const out = redactText(`${before}${sep1}${text}${sep2}${after}`);
        for (const secret of secrets) for (const piece of pieces(secret)) expect(out).not.toContain(piece);
      }),
      { numRuns: 500 },
    );
  });
});
