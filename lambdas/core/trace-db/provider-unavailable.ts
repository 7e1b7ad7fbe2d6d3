// provider_unavailable (SEV2 / SEV3): per provider and model, route.decided in the last
// `windowMinutes` (15) with a chain hop verdict 'unavailable' -- how routing flags a provider down.
// SEV2 when some request was not served by a later hop (no failover: a later hop that answered
// `error`, `over_budget` or nothing served nobody), SEV3 when every such request failed over to a hop
// that served it (`selected` / `ok`). Subject: the canonical id `provider:model`.
import { FIRST_MOVE, inWindow, makeSignal, num, query, RUNBOOK, text, windowDetails, windowedRule } from './context.ts';
import { isoFromJulianDayOrNull } from './time.ts';
import { instantSql } from './instant-sql.ts';

export const PROVIDER_UNAVAILABLE = 'provider_unavailable';

/** Requests in the window with a well-formed chain, their hops, and per (provider, model) tallies. */
const SQL = `
WITH r AS MATERIALIZED (
  SELECT ROW_NUMBER() OVER () AS rid, ${instantSql()} AS jd, payload
  FROM events
  WHERE ${inWindow('route.decided')}
    AND CASE WHEN json_valid(payload) THEN json_type(payload, '$.chain') END = 'array'
),
hops AS (
  SELECT r.rid AS rid, r.jd AS jd, h.key AS idx,
         json_extract(h.value, '$.provider') AS provider,
         json_extract(h.value, '$.model') AS model,
         json_extract(h.value, '$.verdict') AS verdict
  FROM r, json_each(r.payload, '$.chain') AS h
  WHERE h.type = 'object'
),
req AS (
  -- The last hop that served the request; an unavailable hop before it failed over, one after it did not.
  SELECT rid, MAX(CASE WHEN verdict IN ('selected', 'ok') THEN idx END) AS served_idx FROM hops GROUP BY rid
)
SELECT hops.provider AS provider, hops.model AS model,
       COUNT(DISTINCT CASE WHEN verdict = 'unavailable' THEN hops.rid END) AS unavailable,
       COUNT(DISTINCT CASE WHEN verdict = 'unavailable' AND COALESCE(req.served_idx, -1) <= hops.idx THEN hops.rid END) AS no_failover,
       SUM(verdict IN ('selected', 'ok')) AS ok_hops,
       MIN(CASE WHEN verdict = 'unavailable' THEN jd END) AS first_jd,
       MAX(CASE WHEN verdict = 'unavailable' THEN jd END) AS last_jd
FROM hops JOIN req ON req.rid = hops.rid
GROUP BY 1, 2`;

/** The runbook's detect query: recent chains (newest first) that mention an unavailable hop. */
const RECENT_SQL = `
SELECT timestamp, ${instantSql()} AS jd,
       json_extract(payload, '$.chain') AS chain,
       json_extract(payload, '$.gateway_key_id') AS key,
       json_extract(payload, '$.pinned') AS pinned,
       json_extract(payload, '$.requested_model') AS requested_model
FROM events
WHERE ${inWindow('route.decided')}
  AND instr(payload, 'unavailable') > 0
  AND json_valid(payload)
ORDER BY jd DESC
LIMIT 50`;

/** Chains kept per subject in details. */
const CHAINS_PER_SUBJECT = 10;

interface Hop {
  provider?: unknown;
  model?: unknown;
  verdict?: unknown;
}

export function canonicalId(provider: string, model: string | null): string {
  return model === null ? provider : `${provider}:${model}`;
}

export const providerUnavailable = windowedRule(
  PROVIDER_UNAVAILABLE,
  (cfg) => cfg.windowMinutes,
  (ctx, cfg, { fromMs, params }) => {
    const rows = query(ctx, SQL, params);

    const subjectOf = (provider: unknown, model: unknown) =>
      canonicalId(text(provider), model === null || model === undefined || model === '' ? null : text(model));
    const down = rows.filter((r) => num(r.unavailable) > 0);
    // Routed to and never unavailable in the window: the evidence that resolves its incident.
    const healthy = rows
      .filter((r) => num(r.unavailable) === 0 && num(r.ok_hops) > 0)
      .sort((a, b) => num(b.ok_hops) - num(a.ok_hops))
      .map((r) => subjectOf(r.provider, r.model));
    if (down.length === 0) return { signals: [], healthy };

    const recent = new Map<string, unknown[]>();
    for (const row of query(ctx, RECENT_SQL, params)) {
      let chain: unknown;
      try {
        chain = JSON.parse(text(row.chain, '[]'));
      } catch {
        continue;
      }
      if (!Array.isArray(chain)) continue;
      const entry = {
        at: text(row.timestamp),
        gateway_key_id: row.key ?? null,
        pinned: row.pinned === null ? null : Boolean(row.pinned),
        requested_model: row.requested_model ?? null,
        chain,
      };
      for (const hop of chain as Hop[]) {
        if (!hop || typeof hop !== 'object' || hop.verdict !== 'unavailable') continue;
        const subject = subjectOf(hop.provider, hop.model);
        const list = recent.get(subject) ?? [];
        if (list.length < CHAINS_PER_SUBJECT && !list.includes(entry)) list.push(entry);
        recent.set(subject, list);
      }
    }

    const signals = down.map((row) => {
      const subject = subjectOf(row.provider, row.model);
      const unavailable = num(row.unavailable);
      const noFailover = num(row.no_failover);
      const failedOver = unavailable - noFailover;
      const alternatives = healthy.filter((h) => h !== subject).slice(0, 3);
      const what =
        noFailover > 0
          ? `${noFailover} of ${unavailable} requests routed to it in the last ${cfg.windowMinutes} min had no failover (no later hop served them)`
          : `all ${unavailable} requests routed to it in the last ${cfg.windowMinutes} min failed over`;
      return makeSignal(ctx.now, {
        rule: PROVIDER_UNAVAILABLE,
        subject,
        severity: noFailover > 0 ? 'SEV2' : 'SEV3',
        runbook: RUNBOOK.providerDown,
        summary: `Provider ${subject} unavailable: ${what}. First move: ${FIRST_MOVE.providerDownFor(subject, alternatives)}.`,
        details: {
          value: unavailable,
          threshold: 0,
          window: windowDetails(ctx, fromMs),
          provider: text(row.provider),
          model: row.model ?? null,
          requestsWithUnavailableHop: unavailable,
          requestsWithoutFailover: noFailover,
          requestsFailedOver: failedOver,
          firstUnavailableAt: isoFromJulianDayOrNull(row.first_jd),
          lastUnavailableAt: isoFromJulianDayOrNull(row.last_jd),
          healthyAlternatives: alternatives,
          recentChains: recent.get(subject) ?? [],
        },
      });
    });
    return { signals, healthy };
  },
);
