import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDedupKey, MAX_DEDUP_KEY, oneLine, toPagerDutySeverity } from '../../../lambdas/core/signal.ts';

describe('makeDedupKey', () => {
  it('is `<rule>:<subject>` when it fits', () => {
    expect(makeDedupKey('model_error_rate', 'gpt-4o')).toBe('model_error_rate:gpt-4o');
    const exact = makeDedupKey('r', 'x'.repeat(253));
    expect(exact).toBe(`r:${'x'.repeat(253)}`);
    expect(exact).toHaveLength(255);
  });

  it('cuts a long key to 255 chars, keeping its head and a hash of the whole', () => {
    const key = makeDedupKey('traceback', 'y'.repeat(400));
    expect(key).toHaveLength(255);
    expect(key.startsWith(`traceback:${'y'.repeat(100)}`)).toBe(true);
    expect(key).toMatch(/~[0-9a-f]{8}$/);
  });

  it('is stable, bounded, and distinct for distinct long subjects with the same prefix', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 300, maxLength: 600 }), fc.string({ minLength: 1, maxLength: 20 }), (head, tailA) => {
        const a = makeDedupKey('traceback', head + tailA);
        const b = makeDedupKey('traceback', `${head + tailA}!`);
        expect(a.length).toBeLessThanOrEqual(MAX_DEDUP_KEY);
        expect(makeDedupKey('traceback', head + tailA)).toBe(a);
        expect(a).not.toBe(b);
      }),
      { numRuns: 200 },
    );
  });
});

describe('oneLine', () => {
  it('flattens control characters and runs of spaces and trims', () => {
    expect(oneLine('  first\nsecond\r\n\tthird  \u0007 end ')).toBe('first second third end');
  });

  it('cuts to max chars with an ellipsis', () => {
    const cut = oneLine('a'.repeat(2000));
    expect(cut).toHaveLength(1024);
    expect(cut.endsWith('…')).toBe(true);
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(oneLine('abcde', 5)).toBe('abcde');
  });

  it('always returns one line within the limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.integer({ min: 1, max: 1024 }), (text, max) => {
        const out = oneLine(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion is that no control character survives
        expect(out).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('toPagerDutySeverity', () => {
  it('maps SEV1..SEV4 to critical, error, warning, info', () => {
    expect((['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const).map(toPagerDutySeverity)).toEqual(['critical', 'error', 'warning', 'info']);
  });
});
