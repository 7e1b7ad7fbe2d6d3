import { describe, expect, it } from 'vitest';
import { InvalidProbeStateError, parseProbeState } from '../../../../lambdas/core/probe/probe-state.ts';

const AT = '2026-11-20T03:00:00.000Z';

describe('parseProbeState', () => {
  it('accepts the stored shape (streak and flap-window rounds) and returns it as is', () => {
    const state = {
      targets: {
        gateway: { at: AT, ok: false, failingSince: AT, okStreak: 0, history: [{ at: AT, ok: false }] },
        server: { at: AT, ok: true, failingSince: null, okStreak: 7, history: [{ at: AT, ok: true }] },
      },
    };
    expect(parseProbeState(state)).toEqual(state);
  });

  it('upgrade: an item written before streaks and history (previous round only) reads as a history of that one round', () => {
    const old = { targets: { gateway: { at: AT, ok: false, failingSince: AT }, server: { at: AT, ok: true, failingSince: null } } };
    expect(parseProbeState(old)).toEqual({
      targets: {
        gateway: { at: AT, ok: false, failingSince: AT, okStreak: 0, history: [{ at: AT, ok: false }] },
        // One ok round seen: it still needs the rest of resolveAfterOkRounds before it resolves anything.
        server: { at: AT, ok: true, failingSince: null, okStreak: 1, history: [{ at: AT, ok: true }] },
      },
    });
  });

  it('a history entry without a time is refused naming the path', () => {
    expect(() => parseProbeState({ targets: { gateway: { at: AT, ok: true, failingSince: null, history: [{ ok: true }] } } })).toThrow(
      /^probe state: targets\.gateway\.history\.0\.at: /,
    );
  });

  it('a target without its time is refused naming the path (the round then treats the state as unreadable: SEV2, not SEV1)', () => {
    expect(() => parseProbeState({ targets: { gateway: { ok: false, failingSince: null } } })).toThrow(
      new InvalidProbeStateError('probe state: targets.gateway.at: Invalid input: expected string, received undefined'),
    );
  });

  it('a time that is not ISO-8601 is refused', () => {
    expect(() => parseProbeState({ targets: { gateway: { at: 'yesterday', ok: true, failingSince: null } } })).toThrow(
      /^probe state: targets\.gateway\.at: /,
    );
  });

  it('no targets map at all is refused', () => {
    expect(() => parseProbeState({})).toThrow(/^probe state: targets: /);
  });
});
