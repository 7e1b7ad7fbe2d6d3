// The demo's issue-13 steps run the real detectors: what each fires, and that no prompt text leaves.
import { describe, expect, it } from 'vitest';
import { signalSchema } from '../../../lambdas/core/signal-schema.ts';
import { CI_KEY, LEAKED_KEY, severityTableSteps } from '../../../scripts/demo-severity-table.ts';

describe('severityTableSteps', () => {
  it('fires key compromise beside the CI spike, then prompt exposure and log noise, never quoting the prompt', async () => {
    const steps = await severityTableSteps();
    expect(steps.map((s) => [s.at.toISOString(), s.signals.map((x) => `${x.severity} ${x.dedupKey}`).sort()])).toEqual([
      [
        '2026-11-24T11:30:00.000Z',
        [`SEV1 key_compromise_suspected:${LEAKED_KEY}`, `SEV3 key_spend_spike:${CI_KEY}`, `SEV3 key_spend_spike:${LEAKED_KEY}`],
      ],
      [
        '2026-11-24T11:31:00.000Z',
        ['SEV1 prompt_exposure:/metis/prod/gateway', 'SEV4 log_noise:DeprecationWarning@/app/metis/gateway/clock.py:41'],
      ],
    ]);
    const compromise = steps[0]!.signals.find((s) => s.rule === 'key_compromise_suspected')!;
    expect(compromise.details).toMatchObject({ newModels: ['claude-opus-4-1'], usualModels: ['claude-haiku-4-5'] });
    for (const s of steps.flatMap((step) => step.signals)) expect(signalSchema.safeParse(s).success).toBe(true);
    expect(JSON.stringify(steps)).not.toContain('landlord');
  });
});
