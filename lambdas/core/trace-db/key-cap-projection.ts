// key_cap_projection (SEV3, beyond the runbook): a key with a known daily_cap_usd it has not reached yet
// whose spend today (UTC) + its last-60-min spend x the hours left today exceeds that cap: at its
// current rate the gateway's breaker will refuse it before midnight UTC. The summary gives the
// projected time. Once per key and day: the subject carries the UTC day, an open incident absorbs the
// day's later runs, and only the next day's run names it healthy (the breaker resets at midnight), so
// a key that slows down and speeds up again does not page twice in one day.
import { llmCalls } from './calls.ts';
import { makeSignal, num, query, round, RUNBOOK, text, usd, windowParams } from './context.ts';
import type { RuleContext, RuleOutcome, TraceDbRule } from './context.ts';
import { keyCapsLast24h } from './key-caps.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, startOfUtcDay, toJulianDay } from './time.ts';

export const KEY_CAP_PROJECTION = 'key_cap_projection';

const SQL = (calls: string) => `
SELECT key, COUNT(CASE WHEN jd >= :dayStart THEN 1 END) AS calls_today,
       TOTAL(CASE WHEN jd >= :dayStart AND typeof(cost) IN ('integer', 'real') THEN cost END) AS today,
       TOTAL(CASE WHEN jd >= :hourAgo AND typeof(cost) IN ('integer', 'real') THEN cost END) AS last_hour
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND key IS NOT NULL
GROUP BY key`;

/** The incident's subject: the key and the UTC day the projection is about. */
export function capProjectionSubject(key: string, dayMs: number): string {
  return `${key} ${new Date(dayMs).toISOString().slice(0, 10)}`;
}

/** "14:20": the instant as UTC hours and minutes. */
function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export const keyCapProjection: TraceDbRule = {
  id: KEY_CAP_PROJECTION,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    if (!ctx.rules.key_cap_projection.enabled) return undefined;
    const caps = keyCapsLast24h(ctx);
    const dayStart = startOfUtcDay(ctx.nowMs);
    const hourAgo = ctx.nowMs - MS_PER_HOUR;
    const hoursLeft = (dayStart + MS_PER_DAY - ctx.nowMs) / MS_PER_HOUR;
    const capped = [...caps].flatMap(([key, c]) => (c.kind === 'capped' ? [[key, c.dailyCapUsd] as const] : []));
    // Yesterday's incidents end with yesterday: the breaker reset at midnight.
    const healthy = capped.map(([key]) => capProjectionSubject(key, dayStart - MS_PER_DAY));
    if (capped.length === 0) return { signals: [], healthy };

    const spend = new Map<string, { calls: number; today: number; lastHour: number }>();
    for (const r of query(ctx, SQL(llmCalls(ctx)), {
      ...windowParams(ctx, Math.min(dayStart, hourAgo)),
      dayStart: toJulianDay(dayStart),
      hourAgo: toJulianDay(hourAgo),
    })) {
      spend.set(text(r.key), { calls: num(r.calls_today), today: num(r.today), lastHour: num(r.last_hour) });
    }

    const signals = [];
    for (const [key, cap] of capped) {
      const s = spend.get(key);
      if (!s || s.lastHour <= 0 || s.today >= cap) continue;
      const projected = s.today + s.lastHour * hoursLeft;
      if (!(projected > cap)) continue;
      // Floored to the minute: "about" errs early, and never rolls over to the next day.
      const refuseAtMs = Math.floor((ctx.nowMs + ((cap - s.today) / s.lastHour) * MS_PER_HOUR) / MS_PER_MINUTE) * MS_PER_MINUTE;
      const refuseAt = new Date(refuseAtMs).toISOString();
      signals.push(
        makeSignal(ctx.now, {
          rule: KEY_CAP_PROJECTION,
          subject: capProjectionSubject(key, dayStart),
          severity: 'SEV3',
          runbook: RUNBOOK.runawaySpend,
          summary:
            `Key ${key} will reach its daily cap of ${usd(cap)} before midnight UTC: ${usd(s.today)} spent today (${s.calls} calls) + ` +
            `${usd(s.lastHour)} in the last 60 min, projected ${usd(projected)}; the breaker will refuse ${key} at about ${hhmm(refuseAtMs)} UTC. ` +
            'First move: ask the key’s owner whether the burst is expected, then raise the cap or slow the client before the breaker refuses it.',
          details: {
            value: round(projected, 4),
            threshold: cap,
            key,
            dailyCapUsd: cap,
            callsToday: s.calls,
            spendTodayUsd: round(s.today, 4),
            spendLastHourUsd: round(s.lastHour, 4),
            hoursLeftToday: round(hoursLeft, 3),
            projectedTodayUsd: round(projected, 4),
            projectedRefusalAt: refuseAt,
            window: { from: new Date(dayStart).toISOString(), to: ctx.now.toISOString() },
          },
        }),
      );
    }
    return { signals, healthy };
  },
};
