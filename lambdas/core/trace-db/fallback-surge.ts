// fallback_surge (SEV3, beyond the runbook): per first-choice `provider:model` (hop 0 of the chain),
// the share of the last `windowMinutes` (15) of route.decided served by a later hop exceeds `share`
// (20 %), with at least `minDecisions` (50) decisions: the runbook's "slot 6 / 7 is flipping to the
// next default", whatever the first hop answered (unavailable, error, over budget). A request is
// served by its first hop whose verdict is `selected` or `ok`. Details: the hops that served and what
// their calls cost against the first choice's own calls in the same window (fallback routes may carry
// overlay pricing), joined to llm.call_completed by `$.request_id`.
import { canonicalId } from './provider-unavailable.ts';
import { inWindow, makeSignal, num, pct, query, round, RUNBOOK, text, usd, windowDetails, windowedRule } from './context.ts';

export const FALLBACK_SURGE = 'fallback_surge';

/** Each decision of the window: first choice, the hop that served it, its request id. */
const DECISIONS = `
WITH r AS MATERIALIZED (
  SELECT payload FROM events
  WHERE ${inWindow('route.decided')}
    AND CASE WHEN json_valid(payload) THEN json_type(payload, '$.chain[0]') END = 'object'
),
d AS (
  SELECT payload ->> '$.chain[0].provider' AS provider, payload ->> '$.chain[0].model' AS model,
         payload ->> '$.request_id' AS request_id,
         (SELECT h.key FROM json_each(r.payload, '$.chain') AS h
          WHERE h.type = 'object' AND h.value ->> '$.verdict' IN ('selected', 'ok') ORDER BY h.key LIMIT 1) AS served_idx,
         payload AS payload
  FROM r
)`;

const TALLY_SQL = `${DECISIONS}
SELECT provider, model, COUNT(*) AS decisions, COUNT(CASE WHEN served_idx > 0 THEN 1 END) AS fallbacks
FROM d WHERE provider IS NOT NULL GROUP BY provider, model`;

/** Decisions of the firing first choices with the serving hop and the cost of the call it made. */
const SERVED_SQL = `${DECISIONS},
c AS MATERIALIZED (
  -- Materialized once (SQLite indexes it for the join) rather than re-read for every decision.
  SELECT payload ->> '$.request_id' AS request_id, payload ->> '$.usage.cost_usd' AS cost
  FROM events
  WHERE ${inWindow('llm.call_completed')} AND json_valid(payload) AND instr(payload, 'request_id') > 0
)
SELECT d.provider AS provider, d.model AS model,
       d.payload ->> ('$.chain[' || d.served_idx || '].provider') AS served_provider,
       d.payload ->> ('$.chain[' || d.served_idx || '].model') AS served_model,
       d.served_idx = 0 AS is_first,
       COUNT(*) AS requests, COUNT(c.request_id) AS calls,
       TOTAL(CASE WHEN typeof(c.cost) IN ('integer', 'real') THEN c.cost END) AS cost
FROM d LEFT JOIN c ON d.request_id IS NOT NULL AND c.request_id = d.request_id
WHERE d.served_idx IS NOT NULL AND (d.provider || ':' || d.model) IN (SELECT value FROM json_each(:firing))
GROUP BY 1, 2, 3, 4, 5`;

interface Served {
  hop: string;
  requests: number;
  calls: number;
  costUsd: number;
}

export const fallbackSurge = windowedRule(
  FALLBACK_SURGE,
  (cfg) => cfg.windowMinutes,
  (ctx, cfg, { fromMs, params }) => {
    const subjectOf = (provider: unknown, model: unknown) =>
      canonicalId(text(provider), model === null || model === undefined || model === '' ? null : text(model));
    const tallies = query(ctx, TALLY_SQL, params).map((r) => ({
      subject: subjectOf(r.provider, r.model),
      decisions: num(r.decisions),
      fallbacks: num(r.fallbacks),
    }));
    const measured = tallies.filter((t) => t.decisions >= cfg.minDecisions);
    const firing = measured.filter((t) => t.fallbacks / t.decisions > cfg.share);
    const healthy = measured.filter((t) => !firing.includes(t)).map((t) => t.subject);
    if (firing.length === 0) return { signals: [], healthy };

    const served = new Map<string, { first?: Served; others: Served[] }>();
    for (const r of query(ctx, SERVED_SQL, { ...params, firing: JSON.stringify(firing.map((f) => f.subject)) })) {
      const subject = subjectOf(r.provider, r.model);
      const entry = served.get(subject) ?? { others: [] };
      const hop: Served = {
        hop: subjectOf(r.served_provider, r.served_model),
        requests: num(r.requests),
        calls: num(r.calls),
        costUsd: num(r.cost),
      };
      const same = entry.others.find((o) => o.hop === hop.hop);
      if (num(r.is_first) === 1) entry.first = hop;
      else if (same) {
        // The same provider:model at a different chain position.
        same.requests += hop.requests;
        same.calls += hop.calls;
        same.costUsd += hop.costUsd;
      } else entry.others.push(hop);
      served.set(subject, entry);
    }

    const signals = firing.map((t) => {
      const entry = served.get(t.subject) ?? { others: [] };
      const first = entry.first;
      const firstMean = first && first.calls > 0 ? first.costUsd / first.calls : null;
      const hops = entry.others
        .sort((a, b) => b.requests - a.requests || a.hop.localeCompare(b.hop))
        .map((h) => ({
          hop: h.hop,
          requests: h.requests,
          calls: h.calls,
          costUsd: round(h.costUsd, 4),
          meanCostUsd: h.calls > 0 ? round(h.costUsd / h.calls, 6) : null,
          // What these calls cost beyond the same number of first-choice calls at the window's mean.
          extraCostUsd: firstMean !== null && h.calls > 0 ? round(h.costUsd - firstMean * h.calls, 4) : null,
        }));
      const extra = hops.reduce((s, h) => s + (h.extraCostUsd ?? 0), 0);
      const share = t.fallbacks / t.decisions;
      const top = hops[0];
      const costText =
        firstMean === null
          ? 'no call served by the first choice in the window to compare costs with'
          : `the fallback calls cost ${extra >= 0 ? `${usd(extra)} more` : `${usd(-extra)} less`} than the first choice's own mean (${usd(firstMean)} a call)`;
      return makeSignal(ctx.now, {
        rule: FALLBACK_SURGE,
        subject: t.subject,
        severity: 'SEV3',
        runbook: RUNBOOK.providerDown,
        summary:
          `Fallback surge from ${t.subject}: ${t.fallbacks} of ${t.decisions} routing decisions in the last ${cfg.windowMinutes} min (${pct(share)}, threshold ${pct(cfg.share)}) ` +
          `were served by a later hop${top ? `, mostly ${top.hop} (${top.requests})` : ''}; ${costText}. ` +
          `First move: check ${t.subject}'s provider; if it stays down, flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider's canonical id rather than pay fallback pricing.`,
        details: {
          value: round(share, 4),
          threshold: cfg.share,
          minDecisions: cfg.minDecisions,
          window: windowDetails(ctx, fromMs),
          firstChoice: t.subject,
          decisions: t.decisions,
          servedByFallback: t.fallbacks,
          servedByFirstChoice: first ? { requests: first.requests, calls: first.calls, costUsd: round(first.costUsd, 4) } : null,
          firstChoiceMeanCostUsd: firstMean === null ? null : round(firstMean, 6),
          servingHops: hops,
          extraCostUsd: firstMean === null ? null : round(extra, 4),
          costBasis:
            'llm.call_completed joined by $.request_id; extra = fallback calls cost - their count x the first choice mean cost per call in the window',
        },
      });
    });
    return { signals, healthy };
  },
);
