// trace_db_clock_skew (SEV4, chatops only): events stamped more than 2 minutes after `now`. Every
// window ignores them (they would otherwise count in "the last 10 minutes" forever); this says so.
// Not a runbook row (docs/runbook-mapping.md), so it has no config switch; it is evaluated whenever the schema is.
import { makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';
import { freshness, SKEW_TOLERANCE_MS } from './freshness.ts';
import { MS_PER_MINUTE } from './time.ts';

export const CLOCK_SKEW = 'trace_db_clock_skew';

export const clockSkew: TraceDbRule = {
  id: CLOCK_SKEW,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const fresh = freshness(ctx);
    const aheadMs = fresh.latestFutureMs === null ? 0 : fresh.latestFutureMs - ctx.nowMs;
    const metrics = { futureEvents: fresh.futureEvents, futureEventsMaxAheadSeconds: Math.round(aheadMs / 1000) };
    if (fresh.futureEvents === 0) return { signals: [], metrics, healthy: [DB_SUBJECT] };
    return {
      metrics,
      signals: [
        makeSignal(ctx.now, {
          rule: CLOCK_SKEW,
          subject: DB_SUBJECT,
          severity: 'SEV4',
          runbook: RUNBOOK.alertSources,
          summary:
            `${fresh.futureEvents} trace-DB event${fresh.futureEvents === 1 ? ' is' : 's are'} stamped up to ${Math.ceil(aheadMs / MS_PER_MINUTE)} min after now ` +
            `(${new Date(ctx.nowMs).toISOString()}); they are ignored by every window. Check the gateway host's clock (NTP).`,
          details: {
            value: fresh.futureEvents,
            threshold: 0,
            toleranceSeconds: SKEW_TOLERANCE_MS / 1000,
            latestFutureAt: fresh.latestFutureMs === null ? null : new Date(fresh.latestFutureMs).toISOString(),
            maxAheadSeconds: Math.round(aheadMs / 1000),
          },
        }),
      ],
    };
  },
};
