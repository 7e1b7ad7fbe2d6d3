// The canonical model id `provider:model` (e.g. `anthropic:claude-haiku-4-5`), the form the gateway's
// `issue-key --allow-model` and METIS_GATEWAY_GLOBAL_DEFAULT take. Events name the model bare (`$.model`);
// the provider comes from the call itself (`$.provider`), else from routing's chains (`$.chain[*]`, a hop
// that served the model), both read from the last 24 h of raw rows only, so a bounded snapshot and the
// whole database give the same id. A model that already carries its provider is kept as it is; one whose
// provider is unknown gets a `<provider>:` placeholder rather than a bare name the gateway would refuse.
import { llmCalls } from './calls.ts';
import { inWindow, memo, num, query, text, windowParams, type RuleContext } from './context.ts';
import { instantSql } from './instant-sql.ts';
import { MS_PER_DAY } from './time.ts';

const CALL_PROVIDERS_SQL = (calls: string) => `
SELECT key, model, provider, COUNT(*) AS n
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND model IS NOT NULL AND provider IS NOT NULL
GROUP BY key, model, provider`;

/** Hops that served a request (`selected` / `ok`), per model and provider; malformed payloads filtered first. */
const CHAIN_PROVIDERS_SQL = `
WITH r AS MATERIALIZED (
  SELECT payload FROM events
  WHERE ${inWindow('route.decided')} AND ${instantSql()} IS NOT NULL
    AND CASE WHEN json_valid(payload) THEN json_type(payload, '$.chain') END = 'array'
)
SELECT json_extract(h.value, '$.model') AS model, json_extract(h.value, '$.provider') AS provider, COUNT(*) AS n
FROM r, json_each(r.payload, '$.chain') AS h
WHERE h.type = 'object' AND json_extract(h.value, '$.verdict') IN ('selected', 'ok')
GROUP BY 1, 2`;

type Tally = Map<string, Map<string, number>>;

interface Providers {
  /** `key\u0000model` -> provider -> calls. */
  byKeyModel: Tally;
  byModel: Tally;
  byChain: Tally;
}

function providers(ctx: RuleContext): Providers {
  return memo(ctx, 'canonical-model:providers', () => {
    const params = windowParams(ctx, ctx.nowMs - MS_PER_DAY);
    const out: Providers = { byKeyModel: new Map(), byModel: new Map(), byChain: new Map() };
    for (const r of query(ctx, CALL_PROVIDERS_SQL(llmCalls(ctx)), params)) {
      const model = text(r.model);
      const provider = text(r.provider);
      if (r.key !== null && r.key !== undefined) add(out.byKeyModel, `${text(r.key)}\u0000${model}`, provider, num(r.n));
      add(out.byModel, model, provider, num(r.n));
    }
    for (const r of query(ctx, CHAIN_PROVIDERS_SQL, params)) {
      if (typeof r.model === 'string' && typeof r.provider === 'string' && r.model && r.provider)
        add(out.byChain, r.model, r.provider, num(r.n));
    }
    return out;
  });
}

function add(tally: Tally, id: string, provider: string, n: number): void {
  const counts = tally.get(id) ?? new Map<string, number>();
  counts.set(provider, (counts.get(provider) ?? 0) + n);
  tally.set(id, counts);
}

/** The provider that served the most calls (ties: by name), or undefined. */
function busiest(counts: Map<string, number> | undefined): string | undefined {
  if (!counts) return undefined;
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** `provider:model` for a model as the key called it: its own calls first, then anyone's, then routing's chains. */
export function canonicalModelId(ctx: RuleContext, key: string, model: string): string {
  if (model.includes(':')) return model;
  const p = providers(ctx);
  const provider = busiest(p.byKeyModel.get(`${key}\u0000${model}`)) ?? busiest(p.byModel.get(model)) ?? busiest(p.byChain.get(model));
  return `${provider ?? '<provider>'}:${model}`;
}

/** The canonical ids of several models of one key, sorted and without duplicates. */
export function canonicalModelIds(ctx: RuleContext, key: string, models: Iterable<string>): string[] {
  return [...new Set([...models].map((m) => canonicalModelId(ctx, key, m)))].sort();
}
