// The repeat gate (repeat-gate.ts): lookups stop for a length whose lines do not repeat, and for every line
// when a probe overall finds too few repeats; they resume after the skip, and stay on while lines repeat.
import { describe, expect, it } from 'vitest';
import { LENGTH_GATE, OVERALL_GATE, RepeatGate } from '../../../../lambdas/core/logs/repeat-gate.ts';

/** Feeds `count` lines of `length` whose lookups find a repeat when `repeat(i)`; returns how many were looked up. */
function feed(gate: RepeatGate, length: number, count: number, repeat: (i: number) => boolean = () => false): number {
  let lookedUp = 0;
  for (let i = 0; i < count; i++) {
    if (!gate.shouldLookUp(length)) continue;
    lookedUp++;
    gate.record(length, repeat(i));
  }
  return lookedUp;
}

describe('repeat gate', () => {
  it('stops looking up lines of a length after a probe of 64 finds fewer than 8 repeats, for 1024 lines of that length', () => {
    const gate = new RepeatGate(500);
    expect(feed(gate, 160, LENGTH_GATE.probe)).toBe(64);
    // Lines of another length are still looked up.
    expect(gate.shouldLookUp(175)).toBe(true);
    expect(feed(gate, 160, LENGTH_GATE.skip)).toBe(0);
    // The skip is over: the next line of that length is looked up again.
    expect(gate.shouldLookUp(160)).toBe(true);
  });

  it('keeps looking up a length whose probes find 8 repeats or more', () => {
    const gate = new RepeatGate(500);
    expect(feed(gate, 175, 2_000, (i) => i % 8 === 0)).toBe(2_000);
  });

  it('still stops after a probe with 7 repeats', () => {
    const gate = new RepeatGate(500);
    expect(feed(gate, 175, 64 + 100, (i) => i < 7)).toBe(64);
  });

  it('stops every lookup for 2048 lines after a probe of 256 lookups finds fewer than 32 repeats, whatever their lengths', () => {
    const gate = new RepeatGate(500);
    // Four lookups per length: no length reaches its own probe.
    for (let i = 0; i < OVERALL_GATE.probe; i++) {
      expect(gate.shouldLookUp(100 + (i % 64))).toBe(true);
      gate.record(100 + (i % 64), i % 16 === 0);
    }
    let lookedUp = 0;
    for (let i = 0; i < OVERALL_GATE.skip; i++) if (gate.shouldLookUp(300 + (i % 100))) lookedUp++;
    expect(lookedUp).toBe(0);
    expect(gate.shouldLookUp(300)).toBe(true);
  });

  it('keeps looking up when a quarter of the lines repeat, lengths mixed', () => {
    const gate = new RepeatGate(500);
    let lookedUp = 0;
    for (let i = 0; i < 4_096; i++) {
      const length = 100 + (i % 4);
      if (!gate.shouldLookUp(length)) continue;
      lookedUp++;
      gate.record(length, length === 100);
    }
    // Length 100 (every line a repeat) is always looked up; 101-103 never repeat, so each is looked up for
    // one probe of 64 and its other 960 lines fall in the skip. Overall, a quarter or more repeat: no overall skip.
    expect(lookedUp).toBe(1_024 + 3 * 64);
  });
});
