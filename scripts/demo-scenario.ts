// The demo's timeline pieces that no detector produces locally: a SEV2 out of hours (to show the
// escalation and reminder ticks of the sweeper).
import { makeDedupKey, type EvaluationReport, type Signal } from '../lambdas/core/signal.ts';

export interface DemoStep {
  at: Date;
  title: string;
  signals: Signal[];
  /** A detector run: its open incidents whose subjects it names healthy are resolved. */
  report?: EvaluationReport;
  /** A sweeper tick at `at` instead of signals. */
  sweep?: boolean;
}

// 03:00 on Saturday in Berlin, the example config's zone.
const SATURDAY = new Date('2026-11-28T02:00:00Z');

/** Saturday 03:00 (Berlin): a SEV2 out of hours goes to chatops now; the sweeper escalates it at 03:30 and reminds at 04:00 (Berlin). */
export function outOfHoursSteps(): DemoStep[] {
  const signal: Signal = {
    source: 'trace-db',
    rule: 'model_error_rate',
    subject: 'openai:gpt-4o',
    severity: 'SEV2',
    status: 'firing',
    dedupKey: makeDedupKey('model_error_rate', 'openai:gpt-4o'),
    summary:
      'Model openai:gpt-4o: 25 of 200 calls (12.5%) ended in error over 10 min (threshold > 5.0%). First move: flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider; pinned keys keep failing until flipped.',
    observedAt: SATURDAY.toISOString(),
    details: { calls: 200, errors: 25, share: 0.125, threshold: 0.05 },
    runbook: 'Provider down',
  };
  const later = (minutes: number) => new Date(SATURDAY.getTime() + minutes * 60_000);
  return [
    {
      at: SATURDAY,
      title: 'Saturday night: a model error rate SEV2 out of hours: chatops now, PagerDuty only if it escalates',
      signals: [signal],
    },
    { at: later(30), title: 'sweeper: still firing 30 min later: escalated to PagerDuty + page', signals: [], sweep: true },
    { at: later(60), title: 'sweeper: SEV2 open 60 min, no post for 30: "status update due" on chatops', signals: [], sweep: true },
  ];
}
