// Delivery under chaos (test/integration/support/chaos-run.ts): the real router and sweeper handlers over
// moto and a PagerDuty fake having a bad day, seeded so a failure replays. Two short seeds here; longer and
// more seeds with PagerDuty's real budget in chaos.slow.test.ts.
import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosOptions } from '../../support/chaos-run.ts';
import { useRouterWorld, type RouterWorld } from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

// A budget of 10 a minute instead of PagerDuty's 120 makes a 12-incident burst a storm without 150 incidents' worth of moto calls.
const CI: Omit<ChaosOptions, 'seed'> = { minutes: 15, subjects: 2, pagerDutyBudget: 10, burst: 12 };

describe('delivery under chaos', { timeout: 300_000 }, () => {
  it.each([1, 2])(
    'seed %i: one trigger per episode and severity, every resolve once, nothing owed, the budget never passed',
    async (seed) => {
      const outcome = await runChaos(world, { ...CI, seed });
      // The run really was chaotic: the fake failed requests, and episodes paged.
      expect(outcome.stats.requests).toBeGreaterThan(outcome.stats.accepted);
      expect(outcome.stats.episodes).toBeGreaterThan(0);

      expect(outcome.duplicateTriggers).toEqual([]);
      expect(outcome.openAlerts).toEqual([]);
      expect(outcome.resolveMismatches).toEqual([]);
      expect(outcome.owed).toEqual([]);
      expect(Math.max(...outcome.requestsPerMinute.values())).toBeLessThanOrEqual(CI.pagerDutyBudget);
    },
  );
});
