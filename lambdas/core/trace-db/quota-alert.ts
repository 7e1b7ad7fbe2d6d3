// quota_alert (SEV3): `quota.alert` events for a key in the last `lookbackMinutes` (15). The gateway
// fires quota.alert at 80 % of a key's cap (the soft threshold); the runbook says to tail it into
// the same paging system. One query: per key the count, first and last time and the latest payload's facts.
import { FIRST_MOVE, inWindow, keyExpr, makeSignal, num } from './context.ts';
import { query, RUNBOOK, text, windowDetails, windowedRule, windowParams } from './context.ts';
import type { RuleContext } from './context.ts';
import { gatewayWriting } from './data-freshness.ts';
import { isoFromJulianDayOrNull, MS_PER_DAY } from './time.ts';
import { instantSql } from './instant-sql.ts';
import { quotaAlertFacts } from './quota-alert-fields.ts';

export const QUOTA_ALERT = 'quota_alert';

const sql = (ctx: RuleContext) => `
SELECT key, alerts, first_jd, last_jd, payload FROM (
  SELECT key, payload,
         COUNT(*) OVER k AS alerts, MIN(jd) OVER k AS first_jd, MAX(jd) OVER k AS last_jd,
         ROW_NUMBER() OVER (PARTITION BY key ORDER BY jd DESC) AS rn
  FROM (
    SELECT ${keyExpr(ctx)} AS key, ${instantSql()} AS jd, payload
    FROM events
    WHERE ${inWindow('quota.alert')}
  )
  WINDOW k AS (PARTITION BY key)
)
WHERE rn = 1
ORDER BY alerts DESC, key`;

/** Keys that raised quota.alert over the last day: the ones whose quiet window is evidence they calmed down. */
const RECENT_KEYS_SQL = (ctx: RuleContext) => `SELECT DISTINCT ${keyExpr(ctx)} AS key FROM events WHERE ${inWindow('quota.alert')}`;

export const quotaAlert = windowedRule(
  QUOTA_ALERT,
  (cfg) => cfg.lookbackMinutes,
  (ctx, cfg, { fromMs, params }) => {
    const rows = query(ctx, sql(ctx), params);
    const signals = rows.map((row) => {
      const key = text(row.key);
      const alerts = num(row.alerts);
      const facts = quotaAlertFacts(row.payload);
      return makeSignal(ctx.now, {
        rule: QUOTA_ALERT,
        subject: key,
        severity: 'SEV3',
        runbook: RUNBOOK.runawaySpend,
        summary:
          `Key ${key}: ${alerts} quota.alert event${alerts === 1 ? '' : 's'} in the last ${cfg.lookbackMinutes} min (soft threshold, 80 % of its cap, reached; ` +
          `the hard breaker has not tripped). Check its spend: ${FIRST_MOVE.keySpend}.`,
        details: {
          value: alerts,
          threshold: 1,
          window: windowDetails(ctx, fromMs),
          alerts,
          firstAt: isoFromJulianDayOrNull(row.first_jd),
          lastAt: isoFromJulianDayOrNull(row.last_jd),
          // Picked fields only: the raw payload never leaves (see quota-alert-fields.ts).
          latest: facts.latest,
          ...(facts.payloadProblem ? { payloadProblem: facts.payloadProblem } : {}),
        },
      });
    });
    // The healthy state is an absence, so it counts only while the gateway is still writing events.
    const alerting = new Set(rows.map((row) => text(row.key)));
    const healthy = gatewayWriting(ctx)
      ? query(ctx, RECENT_KEYS_SQL(ctx), windowParams(ctx, ctx.nowMs - MS_PER_DAY))
          .map((row) => text(row.key))
          .filter((key) => !alerting.has(key))
      : [];
    return { signals, healthy };
  },
);
