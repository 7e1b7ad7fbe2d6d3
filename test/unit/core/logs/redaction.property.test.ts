// Property: whatever secret a log line carries, and wherever it sits (the log record's line, the
// exception message, a source line, a JSON field, a quota/revoked line), no text leaving in a signal
// (subject, summary, details, excerpts, samples) contains it, or any 12-character piece of it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { MemoryLogFetcher } from '../../../../lambdas/adapters/memory-log-fetcher.ts';
import { scanBatch } from '../../../../lambdas/core/logs/scan.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { dataMessage, eventsOf, LOG_GROUP, rulesWith, splitEvents, STREAM } from './fixtures.ts';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

/** Each kind of secret docs/architecture.md (Security) names: the text as logged and the part that must not leave. */
const SECRET = fc.oneof(
  chars(`${ALNUM}_-`, 16, 40).map((t) => ({ text: `gw_${t}`, secret: `gw_${t}` })),
  chars(`${ALNUM}_-`, 20, 48).map((t) => ({ text: `sk-${t}`, secret: `sk-${t}` })),
  chars(`${ALNUM}_-`, 40, 80).map((t) => ({ text: `sk-ant-api03-${t}AA`, secret: `sk-ant-api03-${t}AA` })),
  chars(`${ALNUM}._~+/-`, 16, 48).map((t) => ({ text: `Bearer ${t}`, secret: t })),
  chars(UPPER + DIGITS, 16, 16).map((t) => ({ text: `AKIA${t}`, secret: `AKIA${t}` })),
  chars(`${ALNUM}/+`, 40, 40)
    .filter((t) => /[A-Z]/.test(t) && /[a-z]/.test(t) && /[0-9]/.test(t))
    .map((t) => ({ text: t, secret: t })),
  fc
    .tuple(chars(LOWER, 1, 12), chars(LOWER, 2, 10), chars(LOWER, 2, 4))
    .map(([user, host, tld]) => ({ text: `${user}@${host}.${tld}`, secret: `${user}@${host}.${tld}` })),
);
const SEP = fc.constantFrom(' ', ': ', '=', '="', "'", ' (', ', ', '/');

/** Where the secret goes; each builds the stream lines (one event per line where the runtime would split them). */
const PLACES: Record<string, (s: string) => string[]> = {
  'the log record line': (s) => [
    `2026-11-20 12:00:01,000 ERROR [metis.gateway.app] request failed ${s}`,
    'Traceback (most recent call last):',
    '  File "/app/metis/gateway/app.py", line 3, in handle',
    '    call()',
    'RuntimeError: upstream failed',
  ],
  'the exception message': (s) => [
    'Traceback (most recent call last):',
    '  File "/app/metis/gateway/app.py", line 3, in handle',
    '    call()',
    `ValueError: bad credentials${s}`,
  ],
  'a source line': (s) => [
    'Traceback (most recent call last):',
    '  File "/app/metis/gateway/app.py", line 3, in handle',
    `    client = Client(key${s})`,
    'ValueError: bad',
  ],
  'a structlog JSON line': (s) => [
    JSON.stringify({
      event: `provider call failed${s}`,
      level: 'error',
      exception: `Traceback (most recent call last):\n  File "/app/a.py", line 1, in f\n    g()\nValueError: x${s}`,
    }),
  ],
  'a key_revoked JSON line': (s) =>
    Array.from({ length: 11 }, () =>
      JSON.stringify({ level: 'warning', code: 'key_revoked', gateway_key_id: 'gk_01LEAKY', note: `caller${s}` }),
    ),
  'a quota_exceeded text line': (s) =>
    Array.from({ length: 12 }, (_, i) => `2026-11-20 12:0${Math.floor(i / 2.4)}:00,000 WARNING quota_exceeded key=gk_01FLOOD header${s}`),
};

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      strings(item, out);
    }
  }
  return out;
}

function pieces(secret: string, size = 12): string[] {
  if (secret.length <= size) return [secret];
  return Array.from({ length: secret.length - size + 1 }, (_, i) => secret.slice(i, i + size));
}

describe('no secret leaves in a log signal', () => {
  for (const [place, build] of Object.entries(PLACES)) {
    it(`a secret in ${place}`, async () => {
      await fc.assert(
        fc.asyncProperty(SECRET, SEP, SEP, fc.boolean(), async ({ text, secret }, before, after, split) => {
          const lines = build(`${before}${text}${after}`);
          const start = Date.parse('2026-11-20T12:00:00Z');
          // Either every line in one event each (split by the runtime, rest fetched) or the record as one event.
          const stream = split
            ? splitEvents(lines.join('\n'), start)
            : eventsOf(lines.length > 5 ? lines : [lines.join('\n')], start, 1000);
          const delivered = split ? stream.filter((e) => /Traceback|quota_exceeded|key_revoked/.test(e.message)) : stream;
          const fetcher = new MemoryLogFetcher();
          fetcher.append(LOG_GROUP, STREAM, stream);
          const scan = await scanBatch(dataMessage(delivered), {
            counters: new MemoryLogCounters(),
            fetcher,
            rules: rulesWith({ quota_exceeded_sustained: { minutes: 1 } }),
            now: new Date(start + 30_000),
          });
          expect(scan.signals.length, 'the scenario must fire, or the property proves nothing').toBeGreaterThan(0);
          const leaving = scan.signals.flatMap((s: Signal) => [s.subject, s.summary, s.dedupKey, ...strings(s.details)]);
          for (const piece of pieces(secret)) {
            for (const t of leaving) expect(t.includes(piece), `"${piece}" of ${secret} leaked in: ${t.slice(0, 300)}`).toBe(false);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
