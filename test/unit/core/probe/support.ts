import type { ProbeOutcome } from '../../../../lambdas/core/probe/result.ts';

export const URL_GW = 'https://gateway.metis.example.com/healthz';

export function outcome(overrides: Partial<ProbeOutcome> = {}): ProbeOutcome {
  return { url: URL_GW, ok: true, failure: null, status: 200, latencyMs: 42, tlsDaysLeft: 60, detail: null, ...overrides };
}
