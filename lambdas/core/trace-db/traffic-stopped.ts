// traffic_stopped (SEV2): no llm.call_completed in the last `minutes` (10) while the snapshot is fresh,
// and the same window one day and seven days earlier each had at least `minCalls` (20). The gateway
// stopped serving (or stopped writing its trace DB): without this, every per-model rule just sees no
// data, and silence would look like health.
import { FIRST_MOVE, makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { freshness } from './freshness.ts';
import { MS_PER_DAY, MS_PER_MINUTE, parseInstant } from './time.ts';
import { callCount } from './history.ts';
import { callsBetween } from './traffic-history.ts';

export const TRAFFIC_STOPPED = 'traffic_stopped';
export const TRAFFIC_SUBJECT = 'gateway';

export const trafficStopped: TraceDbRule = {
  id: TRAFFIC_STOPPED,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.traffic_stopped;
    if (!cfg.enabled) return undefined;
    // A stale snapshot is snapshot_stale's finding: the gateway may be serving and the shipper stopped.
    const takenAt = parseInstant(ctx.meta.takenAt);
    if (takenAt !== undefined && ctx.nowMs - takenAt > ctx.rules.snapshot_stale.maxAgeMinutes * MS_PER_MINUTE) return undefined;
    const windowMs = cfg.minutes * MS_PER_MINUTE;
    const now = callsBetween(ctx, ctx.nowMs - windowMs, ctx.nowMs);
    if (now > 0) return { signals: [], healthy: [TRAFFIC_SUBJECT] };
    // Past windows come from the history module (10-minute rollups on a bounded snapshot, same grain on a whole DB).
    const past = (agoMs: number) => callCount(ctx, { fromMs: ctx.nowMs - agoMs - windowMs, toMs: ctx.nowMs - agoMs });
    const dayAgo = past(MS_PER_DAY);
    const weekAgo = past(7 * MS_PER_DAY);
    // A window that is usually quiet too (night, weekend, a new deployment without history): not a finding.
    if (dayAgo < cfg.minCalls || weekAgo < cfg.minCalls) return { signals: [] };
    const newest = freshness(ctx).newestEventMs;
    const lastCall = newest === null ? null : new Date(newest).toISOString();
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: TRAFFIC_STOPPED,
          subject: TRAFFIC_SUBJECT,
          severity: 'SEV2',
          runbook: RUNBOOK.alertSources,
          summary:
            `No llm.call_completed in the last ${cfg.minutes} min` +
            `${ctx.meta.takenAt ? ` although the snapshot is fresh (taken ${ctx.meta.takenAt})` : ''}; ` +
            `the same window had ${dayAgo} calls a day ago and ${weekAgo} a week ago. The gateway stopped serving or stopped writing its trace DB. ` +
            `First move: check /healthz from a known-good vantage point and the gateway logs (kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway); ` +
            `if the trace DB cannot be written (disk full, corruption): ${FIRST_MOVE.dbDown}.`,
          details: {
            value: 0,
            threshold: cfg.minCalls,
            window: { minutes: cfg.minutes, from: new Date(ctx.nowMs - windowMs).toISOString(), to: ctx.now.toISOString() },
            callsSameWindowDayAgo: dayAgo,
            callsSameWindowWeekAgo: weekAgo,
            newestEventAt: lastCall,
            snapshotTakenAt: ctx.meta.takenAt ?? null,
          },
        }),
      ],
    };
  },
};
