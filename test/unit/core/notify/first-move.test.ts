import { describe, expect, it } from 'vitest';
import { firstMove } from '../../../../lambdas/core/notify/first-move.ts';

describe('first move', () => {
  it('names a concrete move for each rule beyond the runbook, not the generic fallback', () => {
    const moves = ['key_cap_projection', 'fallback_surge', 'requests_hanging', 'model_deprecation', 'key_without_cap'].map((rule) =>
      firstMove({ rule, details: {} }),
    );
    expect(moves.filter((m) => m === 'Open the runbook section linked below')).toEqual([]);
    expect(moves[0]).toMatch(/raise its cap/);
    expect(moves[1]).toMatch(/METIS_GATEWAY_GLOBAL_DEFAULT/);
    expect(moves[4]).toMatch(/--daily-cap-usd/);
  });

  it('a detector’s own details.firstMove wins, and an unknown rule gets the runbook link', () => {
    expect(firstMove({ rule: 'fallback_surge', details: { firstMove: 'do this' } })).toBe('do this');
    expect(firstMove({ rule: 'toString', details: {} })).toBe('Open the runbook section linked below');
  });
});
