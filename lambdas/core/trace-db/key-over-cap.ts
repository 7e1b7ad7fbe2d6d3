// key_over_cap (SEV2, the runbook's "Runaway key spend" breaker and "Gateway key compromise"): a key
// whose spend today (UTC) already exceeds its own `daily_cap_usd` while its calls keep succeeding:
// at least `minCallsAfterCap` (3) calls that did not end in error completed after the key's running
// spend had reached the cap. The gateway's breaker stops a key at its cap, so this means the breaker
// is not holding, or the key is abused; a stolen key calling its usual model fast enough to blow past
// its cap is at least this, whatever key_spend_spike says. A few calls in flight when the cap is
// crossed may each complete, hence the minimum.
//
// Today's calls and the cap statements (key-history.ts: `$.daily_cap_usd`, quota.alert's `$.cap_usd`)
// are read from the last 24 h of raw rows, which a bounded snapshot always holds (WINDOW_HOURS >= 25):
// the same alert on the snapshot as on the whole database. A key whose cap is not stated there is not
// judged. Healthy: keys with calls today and a known cap that are not over it (or whose breaker held).
// Details carry the runbook's 24 h scope rows and the revoke / re-issue commands (key id only).
import { llmCalls } from './calls.ts';
import { canonicalModelIds } from './canonical-model.ts';
import { makeSignal, num, query, round, RUNBOOK, text, usd, windowDetails, windowParams } from './context.ts';
import type { RuleContext, RuleOutcome, TraceDbRule } from './context.ts';
import { commandsFor, scopeQuery } from './key-compromise.ts';
import { keyCapsLast24h } from './key-caps.ts';
import { last24hByModel } from './key-spend-spike.ts';
import { MS_PER_DAY, fromJulianDay, startOfUtcDay } from './time.ts';

export const KEY_OVER_CAP = 'key_over_cap';

/** Spend and calls per key today. */
const TODAY_SQL = (calls: string) => `
SELECT key, COUNT(*) AS calls, TOTAL(cost) AS spend
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND key IS NOT NULL
GROUP BY key`;

/**
 * Today's calls of the keys over their cap, each with the key's spend before it: calls that completed
 * at the same instant count as one step (GROUPS), so the order of ties never changes the answer.
 */
const RUNNING_SQL = (calls: string) => `
SELECT key, jd, cost, error, model,
       TOTAL(cost) OVER (PARTITION BY key ORDER BY jd GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS spent_before,
       TOTAL(cost) OVER (PARTITION BY key ORDER BY jd GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS spent_through
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND key IN (SELECT value FROM json_each(:keys))
ORDER BY key, jd`;

/** Models per key over the last 24 h with their first call: those called before the crossing go into the re-issue. */
const MODELS_SQL = (calls: string) => `
SELECT key, model, MIN(jd) AS first_jd
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND model IS NOT NULL AND key IN (SELECT value FROM json_each(:keys))
GROUP BY key, model`;

interface OverCap {
  key: string;
  capUsd: number;
  spendUsd: number;
  callsToday: number;
  crossedJd: number;
  okAfterCap: number;
  errorsAfterCap: number;
  spendAfterCapUsd: number;
  lastOkJd: number;
}

export const keyOverCap: TraceDbRule = {
  id: KEY_OVER_CAP,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.key_over_cap;
    if (!cfg.enabled) return undefined;
    const dayStart = startOfUtcDay(ctx.nowMs);
    const today = windowParams(ctx, dayStart);
    const keys = query(ctx, TODAY_SQL(llmCalls(ctx)), today).map((r) => ({ key: text(r.key), calls: num(r.calls), spend: num(r.spend) }));
    if (keys.length === 0) return { signals: [], healthy: [] };
    const caps = keyCapsLast24h(ctx);

    const healthy: string[] = [];
    const over = new Map<string, { capUsd: number; spendUsd: number; callsToday: number }>();
    for (const k of keys) {
      const cap = caps.get(k.key);
      // No cap known (or none set): nothing to hold the spend against; neither firing nor healthy.
      if (cap?.kind !== 'capped') continue;
      if (k.spend > cap.dailyCapUsd) over.set(k.key, { capUsd: cap.dailyCapUsd, spendUsd: k.spend, callsToday: k.calls });
      else healthy.push(k.key);
    }
    if (over.size === 0) return { signals: [], healthy: healthy.sort() };

    const running = new Map<string, OverCap>();
    for (const r of query(ctx, RUNNING_SQL(llmCalls(ctx)), { ...today, keys: JSON.stringify([...over.keys()]) })) {
      const key = text(r.key);
      const o = over.get(key)!;
      const before = num(r.spent_before);
      const cost = num(r.cost);
      const through = num(r.spent_through);
      const entry = running.get(key) ?? {
        key,
        ...o,
        crossedJd: Number.NaN,
        okAfterCap: 0,
        errorsAfterCap: 0,
        spendAfterCapUsd: 0,
        lastOkJd: Number.NaN,
      };
      // The instant whose calls take the running spend past the cap is the crossing; calls that start from there are past it.
      if (Number.isNaN(entry.crossedJd) && through > o.capUsd) entry.crossedJd = num(r.jd);
      if (before >= o.capUsd) {
        if (num(r.error) === 1) entry.errorsAfterCap += 1;
        else {
          entry.okAfterCap += 1;
          entry.lastOkJd = num(r.jd);
        }
        entry.spendAfterCapUsd += cost;
      }
      running.set(key, entry);
    }
    const firing = [...running.values()].filter((o) => o.okAfterCap >= cfg.minCallsAfterCap).sort((a, b) => b.spendUsd - a.spendUsd);
    // Over the cap but the breaker held (no more than the calls in flight succeeded): fine.
    for (const o of running.values()) if (!firing.includes(o)) healthy.push(o.key);
    if (firing.length === 0) return { signals: [], healthy: healthy.sort() };

    const firingKeys = firing.map((o) => o.key);
    const scope = last24hByModel(ctx, firingKeys);
    const modelsBefore = new Map<string, string[]>();
    for (const r of query(ctx, MODELS_SQL(llmCalls(ctx)), {
      ...windowParams(ctx, ctx.nowMs - MS_PER_DAY),
      keys: JSON.stringify(firingKeys),
    })) {
      const o = firing.find((f) => f.key === text(r.key))!;
      if (num(r.first_jd) < o.crossedJd) modelsBefore.set(o.key, [...(modelsBefore.get(o.key) ?? []), text(r.model)]);
    }

    const signals = firing.map((o) => {
      const crossedAt = fromJulianDay(o.crossedJd).toISOString();
      // Re-issue for what the key called before it went over; with nothing before, what it called at all.
      const models = modelsBefore.get(o.key) ?? (scope.get(o.key) ?? []).map((m) => m.model);
      const commands = commandsFor(o.key, canonicalModelIds(ctx, o.key, models), {
        dailyCapUsd: o.capUsd,
        monthlyCapUsd: round(o.capUsd * 30, 2),
      });
      return makeSignal(ctx.now, {
        rule: KEY_OVER_CAP,
        subject: o.key,
        severity: 'SEV2',
        runbook: RUNBOOK.keyCompromise,
        summary:
          `Key ${o.key} spent ${usd(o.spendUsd)} today (UTC), over its daily cap of ${usd(o.capUsd)} since ${crossedAt.slice(11, 16)} UTC, ` +
          `and ${o.okAfterCap} call${o.okAfterCap === 1 ? '' : 's'} still succeeded after the cap (${usd(o.spendAfterCapUsd)}): ` +
          `the gateway's breaker is not holding, or the key is abused. First move: scope it (24 h rows in details), ` +
          `then ${commands.revoke} and re-issue with --daily-cap-usd and --allow-model; find why the breaker let it through.`,
        details: {
          value: round(o.spendUsd, 4),
          threshold: o.capUsd,
          dailyCapUsd: o.capUsd,
          spendTodayUsd: round(o.spendUsd, 4),
          callsToday: o.callsToday,
          window: windowDetails(ctx, dayStart),
          crossedAt,
          callsSucceededAfterCap: o.okAfterCap,
          callsFailedAfterCap: o.errorsAfterCap,
          spendAfterCapUsd: round(o.spendAfterCapUsd, 4),
          lastSuccessAfterCapAt: Number.isNaN(o.lastOkJd) ? null : fromJulianDay(o.lastOkJd).toISOString(),
          minCallsAfterCap: cfg.minCallsAfterCap,
          // The runbook's scope query and its rows: calls and cost per model over the last 24 h.
          scopeQuery: scopeQuery(o.key),
          scope24hByModel: scope.get(o.key) ?? [],
          commands: { ...commands, capsBasis: 'the key’s current daily cap' },
          firstMove: `scope the key (24 h rows), then ${commands.revoke} and re-issue it with its cap; check why the breaker did not stop it`,
        },
      });
    });
    return { signals, healthy: healthy.sort() };
  },
};
