// cost_projection (SEV3): spend today (UTC) + last-60-min spend x hours left today > `factor` (2) x
// `dailyBudgetUsd`. Off unless a budget is set. The runbook's "daily cost projection > 2x budget".
import { FIRST_MOVE, makeSignal, round, RUNBOOK, usd, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { gatewayWriting } from './data-freshness.ts';
import { spendTotals, topKeysBySpend } from './spend.ts';
import { MS_PER_HOUR, startOfUtcDay } from './time.ts';

export const COST_PROJECTION = 'cost_projection';

export const costProjection: TraceDbRule = {
  id: COST_PROJECTION,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.cost_projection;
    if (!cfg.enabled || cfg.dailyBudgetUsd === undefined) return undefined;
    const spend = spendTotals(ctx);
    const limit = cfg.factor * cfg.dailyBudgetUsd;
    if (!(spend.projectedTodayUsd > limit)) return { signals: [], ...(gatewayWriting(ctx) ? { healthy: ['daily'] } : {}) };
    const topKeys = topKeysBySpend(ctx, ctx.nowMs - MS_PER_HOUR);
    const top = topKeys[0];
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: COST_PROJECTION,
          subject: 'daily',
          severity: 'SEV3',
          runbook: RUNBOOK.runawaySpend,
          summary:
            `Projected spend today ${usd(spend.projectedTodayUsd)} (spent ${usd(spend.todayUsd)} since 00:00 UTC + ${usd(spend.lastHourUsd)}/h for the ` +
            `${spend.hoursLeftToday.toFixed(1)} h left) exceeds ${cfg.factor}x the daily budget ${usd(cfg.dailyBudgetUsd)}. ` +
            `${top ? `Top key in the last hour: ${top.gateway_key_id} (${usd(top.cost)}); ` : ''}${FIRST_MOVE.keySpend}.`,
          details: {
            value: round(spend.projectedTodayUsd, 4),
            threshold: round(limit, 4),
            factor: cfg.factor,
            dailyBudgetUsd: cfg.dailyBudgetUsd,
            window: { from: new Date(startOfUtcDay(ctx.nowMs)).toISOString(), to: ctx.now.toISOString() },
            spendTodayUsd: round(spend.todayUsd, 4),
            spendLastHourUsd: round(spend.lastHourUsd, 4),
            hoursLeftToday: round(spend.hoursLeftToday, 3),
            topKeysLastHour: topKeys,
          },
        }),
      ],
    };
  },
};
