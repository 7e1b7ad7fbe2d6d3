// Line verdicts (line-verdict.ts): each distinct message is worked out once per batch, a repeat reuses the
// answer, and the answer is always the full path's (applicationText + JSON.parse + classifyMessage +
// promptExposureOf and the traceback's exception-message content + logNoiseOf), whichever path worked it out. A stream without repeats stops paying
// for lookups after a probe, and takes them up again later; so does one kind of line in a mix (repeat-gate.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../../lambdas/core/logs/classify.ts';
import { LineVerdicts } from '../../../../lambdas/core/logs/line-verdict.ts';
import { logNoiseOf } from '../../../../lambdas/core/logs/log-noise.ts';
import { applicationText, parseJsonObject } from '../../../../lambdas/core/logs/message.ts';
import { promptExposureOf } from '../../../../lambdas/core/logs/prompt-exposure.ts';
import { traceDbErrorKindOf } from '../../../../lambdas/core/logs/trace-db-errors.ts';
import { keyRevokedJson, quotaExceededJson, quotaExceededText, STDLIB_TRACEBACK, UVICORN_ACCESS_401 } from './fixtures.ts';
import { LINE } from './log-line-arbitraries.ts';
import { propertyRuns } from '../../../support/property-runs.ts';

const ALL_ON = { exposure: true, noise: true };

function fullPath(message: string, rules: { exposure: boolean; noise: boolean }) {
  const text = applicationText(message);
  const json = parseJsonObject(text);
  const { keyHits, traceback } = classifyMessage(text, json);
  // Customer content in an exception message (read while its traceback was parsed) counts as well.
  const inException = traceback?.parse.exposure ?? [];
  const exposure = rules.exposure ? [...new Set([...promptExposureOf(text, json ?? null), ...inException])].sort() : [];
  const noise = rules.noise && !traceback && exposure.length === 0 ? logNoiseOf(text) : undefined;
  // A trace-DB SQLite error outside a traceback (a traceback's own is read from its parse).
  const traceDb = traceback ? undefined : traceDbErrorKindOf(text);
  return { text, keyHits, exposure, ...(traceback ? { traceback } : {}), ...(noise ? { noise } : {}), ...(traceDb ? { traceDb } : {}) };
}

/** The same text in a string object of its own, as each event's message is after JSON.parse of the envelope. */
const copyOf = (text: string) => [...text].join('');

describe('line verdicts', () => {
  it('answer every line of a batch with repeats as the full path does, with any rule switched off', () => {
    const batch = fc
      .tuple(fc.array(LINE, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }))
      .map(([lines, picks]) => picks.map((p) => copyOf(lines[p % lines.length]!)));
    fc.assert(
      fc.property(batch, fc.boolean(), fc.boolean(), (messages, exposure, noise) => {
        const rules = { exposure, noise };
        const verdicts = new LineVerdicts(rules);
        for (const message of messages) expect(verdicts.of(message)).toEqual(fullPath(message, rules));
      }),
      { numRuns: propertyRuns(1500) },
    );
  });

  it.each([
    ['a quota_exceeded JSON line (flat reader)', quotaExceededJson('gk_01ACME')],
    [
      'a key_revoked JSON line with a logged prompt',
      JSON.stringify({ code: 'key_revoked', gateway_key_id: 'gk_01X', prompt: 'tell me a story' }),
    ],
    ['a key_revoked JSON line with its caller', keyRevokedJson('gk_01Y')],
    ['a quota_exceeded text line (full path)', quotaExceededText('gk_01Z')],
    ['a uvicorn access line', UVICORN_ACCESS_401],
    ['a whole traceback', STDLIB_TRACEBACK],
    ['a deprecation warning', '/app/metis/clock.py:12: DeprecationWarning: datetime.utcnow() is deprecated'],
  ])('reuse the first answer for a repeat of %s', (_, line) => {
    const verdicts = new LineVerdicts(ALL_ON);
    const first = verdicts.of(line);
    expect(verdicts.of(copyOf(line))).toBe(first);
    expect(verdicts.counts).toEqual({ worked: 1, reused: 1, lookups: 2 });
    expect(first).toEqual(fullPath(line, ALL_ON));
  });

  it('stop looking lines up after a probe of 256 finds fewer than 32 repeats, and look again 2048 lines later', () => {
    const verdicts = new LineVerdicts(ALL_ON);
    // Lengths spread over 200 values: no one length is probed on its own, the overall probe decides.
    const unique = (i: number) => JSON.stringify({ level: 'info', event: 'served', request_id: `req-${i}`, pad: 'x'.repeat(i % 200) });
    for (let i = 0; i < 256; i++) verdicts.of(unique(i));
    expect(verdicts.counts).toEqual({ worked: 256, reused: 0, lookups: 256 });
    // Within the skip: a line seen before is worked out again, not looked up.
    verdicts.of(unique(0));
    expect(verdicts.counts).toEqual({ worked: 257, reused: 0, lookups: 256 });
    for (let i = 1; i < 2048; i++) verdicts.of(unique(100_000 + i));
    // The skip is over: the next repeat is found.
    verdicts.of(unique(0));
    expect(verdicts.counts).toEqual({ worked: 2304, reused: 1, lookups: 257 });
  });

  it('stop looking up one kind of line that never repeats while a repeated kind of another length is still found', () => {
    const verdicts = new LineVerdicts(ALL_ON);
    // The bench's storm: quota rejections stamped to the millisecond (one length, never twice) among
    // revoked-key lines retried by a handful of clients.
    const stamped = (i: number) =>
      JSON.stringify({
        level: 'warning',
        code: 'quota_exceeded',
        gateway_key_id: 'gk_01QUOTA',
        ts: new Date(1_700_000_000_000 + i).toISOString(),
      });
    const revoked = Array.from({ length: 4 }, (_, k) => keyRevokedJson(`gk_01REVOKED${k}`));
    for (let i = 0; i < 2_000; i++) {
      verdicts.of(stamped(i));
      verdicts.of(copyOf(revoked[i % 4]!));
    }
    // Revoked lines: worked out once each, every other occurrence found. Stamped lines: all worked out,
    // but only the first probe's 64 were looked up (and stored), then 1024 skipped, then 64 more, and so on.
    expect(verdicts.counts).toEqual({ worked: 2_004, reused: 1_996, lookups: 2_000 + 64 + 64 });
  });

  it('keep looking lines up while a storm repeats them', () => {
    const verdicts = new LineVerdicts(ALL_ON);
    const keys = Array.from({ length: 8 }, (_, i) => quotaExceededJson(`gk_01STORM${i}`));
    for (let i = 0; i < 1024; i++) verdicts.of(copyOf(keys[i % 8]!));
    expect(verdicts.counts).toEqual({ worked: 8, reused: 1016, lookups: 1024 });
  });

  it('work out a message longer than 8192 characters every time (no lookup)', () => {
    const verdicts = new LineVerdicts(ALL_ON);
    const long = JSON.stringify({ code: 'quota_exceeded', gateway_key_id: 'gk_01LONG', detail: 'x'.repeat(9000) });
    expect(verdicts.of(long).keyHits).toEqual([{ kind: 'quota_exceeded', key: 'gk_01LONG' }]);
    verdicts.of(long);
    expect(verdicts.counts).toEqual({ worked: 2, reused: 0, lookups: 0 });
  });
});
