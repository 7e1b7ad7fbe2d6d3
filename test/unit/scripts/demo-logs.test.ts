// The demo's log-watch steps run the real classifier and rules: what each step fires and evaluates.
import { describe, expect, it } from 'vitest';
import { evaluationReportSchema } from '../../../lambdas/core/signal-schema.ts';
import { logDemoSteps } from '../../../scripts/demo-logs.ts';

describe('logDemoSteps', () => {
  it('fires a fetched traceback, the quota flood and the revoked key, then resolves through evaluated reports', async () => {
    const steps = await logDemoSteps();
    expect(steps.map((s) => [s.at.toISOString(), s.signals.map((x) => `${x.severity} ${x.dedupKey}`), s.report.evaluated])).toEqual([
      [
        '2026-11-24T10:40:30.000Z',
        ['SEV2 traceback:sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event'],
        ['quota_exceeded_sustained', 'key_revoked_in_use'],
      ],
      [
        '2026-11-24T10:46:00.000Z',
        ['SEV3 quota_exceeded_sustained:gk_01J8ZQ4TENANTACME7Q3V'],
        ['quota_exceeded_sustained', 'key_revoked_in_use'],
      ],
      ['2026-11-24T10:50:00.000Z', ['SEV3 key_revoked_in_use:gk_01HXYZ8K3M4N5P6Q7R8S'], ['quota_exceeded_sustained', 'key_revoked_in_use']],
      ['2026-11-24T10:56:01.000Z', [], ['quota_exceeded_sustained', 'key_revoked_in_use']],
    ]);
    expect(steps[0]!.signals[0]!.details).toMatchObject({ completedFrom: 'fetched', typeKnown: true });
    for (const step of steps) expect(evaluationReportSchema.safeParse(step.report).success).toBe(true);
  });
});
