import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { flapVerdict, roundsInWindow, sustainedHealth } from '../../../../lambdas/core/probe/flapping.ts';

const RULES = parseConfig({}).rules.healthz_down;
const NOW = new Date('2026-11-20T03:05:00.000Z');
/** Rounds every 30 s ending at NOW, read left to right: F = failed, O = ok. */
const marks = (pattern: string) =>
  [...pattern].map((c, i) => ({ at: new Date(NOW.getTime() - (pattern.length - 1 - i) * 30_000).toISOString(), ok: c === 'O' }));

describe('flapVerdict', () => {
  it('defaults: 4 ok rounds, a 5-minute window, half of the rounds', () => {
    expect(RULES).toMatchObject({ resolveAfterOkRounds: 4, flapWindowMinutes: 5, flapShare: 0.5 });
  });

  it('half the rounds failed in two separate runs is flapping', () => {
    expect(flapVerdict(marks('FOFO'), NOW, RULES)).toEqual({ flapping: true, rounds: 4, failed: 2, windowMinutes: 5 });
  });

  it('fewer than half failed is not flapping', () => {
    expect(flapVerdict(marks('OFOFOOO'), NOW, RULES).flapping).toBe(false);
  });

  it('one run of failures (down, or down then recovering) is not flapping, whatever its share', () => {
    expect(flapVerdict(marks('FFFFFFOOO'), NOW, RULES).flapping).toBe(false);
    expect(flapVerdict(marks('FFFFFFFFFF'), NOW, RULES).flapping).toBe(false);
  });

  it('rounds older than the window, or later than now, do not count', () => {
    const old = { at: '2026-11-20T02:59:00.000Z', ok: false };
    const future = { at: '2026-11-20T03:06:00.000Z', ok: false };
    expect(roundsInWindow([old, ...marks('OFO'), future], NOW, 5)).toEqual(marks('OFO'));
    expect(flapVerdict([old, ...marks('OFO')], NOW, RULES).flapping).toBe(false);
  });

  it('an empty history is not flapping', () => {
    expect(flapVerdict([], NOW, RULES)).toEqual({ flapping: false, rounds: 0, failed: 0, windowMinutes: 5 });
  });
});

describe('sustainedHealth', () => {
  const stable = flapVerdict(marks('OOOO'), NOW, RULES);
  it('needs resolveAfterOkRounds in a row', () => {
    expect(sustainedHealth(3, stable, RULES)).toBe(false);
    expect(sustainedHealth(4, stable, RULES)).toBe(true);
  });
  it('never while flapping', () => {
    expect(sustainedHealth(4, flapVerdict(marks('FOFFOO'), NOW, RULES), RULES)).toBe(false);
  });
});
