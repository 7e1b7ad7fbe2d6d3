// The runbook's second beat, "classify blast radius", attached to every SEV1/SEV2 trace-DB signal as
// `details.blastRadius`: calls and errors per gateway key over the last 15 minutes, and the providers
// routing marked unavailable in that window, so on-call sees who is hurt without opening sqlite3.
// Computed at most once per run, and only when such a signal fired.
import { redactValue } from '../redact.ts';
import { isMoreSevere, type Signal } from '../signal.ts';
import { llmCalls } from './calls.ts';
import { inWindow, minutesAgo, num, query, text, windowParams, type RuleContext } from './context.ts';

export const BLAST_RADIUS_MINUTES = 15;
/** Keys listed, busiest first; the totals still count every key. */
const MAX_KEYS = 20;

export interface BlastRadius {
  window: { minutes: number; from: string; to: string };
  keys: { gateway_key_id: string; calls: number; errors: number }[];
  /** Keys beyond the list. */
  moreKeys: number;
  totals: { keys: number; calls: number; errors: number };
  /** `provider:model` hops with verdict 'unavailable' in the window, and in how many requests. */
  unavailableProviders: { provider: string; model: string | null; requests: number }[];
}

export type BlastRadiusDetail = BlastRadius | { unavailable: string };

const KEYS_SQL = (calls: string) => `
SELECT key, COUNT(*) AS calls, TOTAL(error) AS errors
FROM ${calls}
WHERE jd BETWEEN :from AND :now
GROUP BY key
ORDER BY calls DESC, key`;

const PROVIDERS_SQL = `
WITH r AS MATERIALIZED (
  SELECT ROW_NUMBER() OVER () AS rid, payload
  FROM events
  WHERE ${inWindow('route.decided')}
    AND instr(payload, 'unavailable') > 0
    AND CASE WHEN json_valid(payload) THEN json_type(payload, '$.chain') END = 'array'
)
SELECT json_extract(h.value, '$.provider') AS provider, json_extract(h.value, '$.model') AS model, COUNT(DISTINCT r.rid) AS requests
FROM r, json_each(r.payload, '$.chain') AS h
WHERE h.type = 'object' AND json_extract(h.value, '$.verdict') = 'unavailable'
GROUP BY 1, 2
ORDER BY requests DESC, 1, 2`;

export function blastRadius(ctx: RuleContext): BlastRadius {
  const fromMs = minutesAgo(ctx, BLAST_RADIUS_MINUTES);
  const params = windowParams(ctx, fromMs);
  const rows = query(ctx, KEYS_SQL(llmCalls(ctx)), params).map((r) => ({
    gateway_key_id: r.key === null || r.key === undefined ? '(no key)' : text(r.key),
    calls: num(r.calls),
    errors: num(r.errors),
  }));
  const providers = query(ctx, PROVIDERS_SQL, params).map((r) => ({
    provider: text(r.provider),
    model: r.model === null || r.model === undefined ? null : text(r.model),
    requests: num(r.requests),
  }));
  return {
    window: { minutes: BLAST_RADIUS_MINUTES, from: new Date(fromMs).toISOString(), to: ctx.now.toISOString() },
    keys: rows.slice(0, MAX_KEYS),
    moreKeys: Math.max(0, rows.length - MAX_KEYS),
    totals: {
      keys: rows.length,
      calls: rows.reduce((sum, r) => sum + r.calls, 0),
      errors: rows.reduce((sum, r) => sum + r.errors, 0),
    },
    unavailableProviders: providers,
  };
}

/** Signals that carry a blast radius: trace-DB ones at SEV2 or above. */
export function needsBlastRadius(signal: Signal): boolean {
  return signal.source === 'trace-db' && signal.status === 'firing' && !isMoreSevere('SEV2', signal.severity);
}

/**
 * `signals` with `details.blastRadius` on each SEV1/SEV2 one; `compute` runs once, only if one needs it.
 * A failing computation (or no readable DB) leaves the reason instead: the signal itself is never lost.
 */
export function withBlastRadius(signals: Signal[], compute: () => BlastRadiusDetail): Signal[] {
  if (!signals.some(needsBlastRadius)) return signals;
  let detail: BlastRadiusDetail;
  try {
    detail = redactValue(compute());
  } catch (error) {
    detail = { unavailable: `blast radius could not be computed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300) };
  }
  return signals.map((s) => (needsBlastRadius(s) ? { ...s, details: { ...s.details, blastRadius: detail } } : s));
}
