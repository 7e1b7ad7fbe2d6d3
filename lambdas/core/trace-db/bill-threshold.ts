// bill_threshold (SEV1, the runbook's "provider bill threshold breached"): spend today (UTC) >
// `dailyHardCapUsd` (subject `daily`) or month to date > `monthlyHardCapUsd` (subject `monthly`).
// Off unless a cap is set.
import { FIRST_MOVE, makeSignal, round, RUNBOOK, usd, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { spendTotals, topKeysBySpend } from './spend.ts';
import { startOfUtcDay, startOfUtcMonth } from './time.ts';

export const BILL_THRESHOLD = 'bill_threshold';

export const billThreshold: TraceDbRule = {
  id: BILL_THRESHOLD,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.bill_threshold;
    if (!cfg.enabled || (cfg.dailyHardCapUsd === undefined && cfg.monthlyHardCapUsd === undefined)) return undefined;
    const spend = spendTotals(ctx);
    const signals = [];
    const healthy: string[] = [];
    const checks = [
      { subject: 'daily', cap: cfg.dailyHardCapUsd, value: spend.todayUsd, fromMs: startOfUtcDay(ctx.nowMs), label: 'today (UTC)' },
      {
        subject: 'monthly',
        cap: cfg.monthlyHardCapUsd,
        value: spend.monthToDateUsd ?? 0,
        fromMs: startOfUtcMonth(ctx.nowMs),
        label: 'month to date',
      },
    ];
    for (const check of checks) {
      if (check.cap === undefined) continue;
      if (!(check.value > check.cap)) {
        healthy.push(check.subject);
        continue;
      }
      const topKeys = topKeysBySpend(ctx, check.fromMs);
      const top = topKeys[0];
      signals.push(
        makeSignal(ctx.now, {
          rule: BILL_THRESHOLD,
          subject: check.subject,
          severity: 'SEV1',
          runbook: RUNBOOK.severity,
          summary:
            `Provider bill threshold breached: spend ${check.label} ${usd(check.value)} > ${check.subject} hard cap ${usd(check.cap)}. ` +
            `${top ? `Top key: ${top.gateway_key_id} (${usd(top.cost)}, ${top.calls} calls); ` : ''}` +
            `if it is a leaked key revoke it now (metis gateway revoke-key), else ${FIRST_MOVE.keySpend}.`,
          details: {
            value: round(check.value, 4),
            threshold: check.cap,
            window: { from: new Date(check.fromMs).toISOString(), to: ctx.now.toISOString() },
            ...(check.subject === 'monthly' ? { dataFrom: spend.monthDataFrom ?? null } : {}),
            topKeys,
          },
        }),
      );
    }
    return { signals, healthy, metrics: spend.monthToDateUsd !== undefined ? { monthToDateUsd: round(spend.monthToDateUsd, 4) } : {} };
  },
};
