// Delivery under chaos, the long run (the `slow` project): an hour of simulated workload per seed, a storm
// of 150 SEV1 incidents against PagerDuty's real budget of 120 requests a minute, eight seeds.
import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosOptions } from '../../support/chaos-run.ts';
import { useRouterWorld, type RouterWorld } from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const LONG: Omit<ChaosOptions, 'seed'> = { minutes: 60, subjects: 4, pagerDutyBudget: 120, burst: 150 };

describe('delivery under chaos, long seeds', { timeout: 3_600_000 }, () => {
  it.each([11, 12, 13, 14, 15, 16, 17, 18])('seed %i: the invariants hold', async (seed) => {
    const outcome = await runChaos(world, { ...LONG, seed });
    expect(outcome.stats.requests).toBeGreaterThan(outcome.stats.accepted);
    expect(outcome.duplicateTriggers).toEqual([]);
    expect(outcome.openAlerts).toEqual([]);
    expect(outcome.resolveMismatches).toEqual([]);
    expect(outcome.owed).toEqual([]);
    expect(Math.max(...outcome.requestsPerMinute.values())).toBeLessThanOrEqual(120);
  });
});
