// What on-call needs from a `quota.alert` payload, and nothing else. The payload is the gateway's to
// extend (a later version may add the request that crossed the threshold), so no raw payload leaves:
// only known fields of known types, and how many others there were.

export interface QuotaAlertFacts {
  /** The gateway's alert kind (`daily_cap_soft`, ...) when it is a short identifier. */
  kind: string | null;
  thresholdPct: number | null;
  spentUsd: number | null;
  capUsd: number | null;
  /** Fields of the payload not shown here (the key id is the signal's subject). */
  otherFields: number;
}

const SHOWN = new Set(['gateway_key_id', 'kind', 'threshold_pct', 'spent_usd', 'cap_usd', 'daily_cap_usd', 'monthly_cap_usd']);
const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,40}$/;

/** The facts of one payload, or why there are none. */
export function quotaAlertFacts(payload: unknown): { latest: QuotaAlertFacts | null; payloadProblem?: string } {
  if (typeof payload !== 'string') return { latest: null, payloadProblem: 'no payload' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { latest: null, payloadProblem: 'payload is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { latest: null, payloadProblem: 'payload is not a JSON object' };
  const record = parsed as Record<string, unknown>;
  const number = (field: string): number | null => {
    const value = record[field];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const kind = typeof record.kind === 'string' && IDENTIFIER.test(record.kind) ? record.kind : null;
  return {
    latest: {
      kind,
      thresholdPct: number('threshold_pct'),
      spentUsd: number('spent_usd'),
      capUsd: number('cap_usd') ?? number('daily_cap_usd') ?? number('monthly_cap_usd'),
      otherFields: Object.keys(record).filter((field) => !SHOWN.has(field)).length,
    },
  };
}
