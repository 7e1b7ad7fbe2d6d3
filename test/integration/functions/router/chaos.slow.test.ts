// Delivery under chaos, the longer run (the `slow` project): more seeds and twice the simulated time of the
// CI seeds, each a storm against a small budget (a budget of 10 makes a 12-incident burst a storm without
// 150 incidents' worth of moto calls; the budget split is the same code at any size).
import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosOptions } from '../../support/chaos-run.ts';
import { useRouterWorld, type RouterWorld } from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const LONG: Omit<ChaosOptions, 'seed'> = { minutes: 30, subjects: 3, pagerDutyBudget: 10, burst: 12 };

describe('delivery under chaos, long seeds', { timeout: 600_000 }, () => {
  it.each([11, 12, 13])('seed %i: the invariants hold', async (seed) => {
    const outcome = await runChaos(world, { ...LONG, seed });
    expect(outcome.stats.requests).toBeGreaterThan(outcome.stats.accepted);
    expect(outcome.duplicateTriggers).toEqual([]);
    expect(outcome.openAlerts).toEqual([]);
    expect(outcome.resolveMismatches).toEqual([]);
    expect(outcome.owed).toEqual([]);
    expect(Math.max(...outcome.requestsPerMinute.values())).toBeLessThanOrEqual(LONG.pagerDutyBudget);
  });
});
