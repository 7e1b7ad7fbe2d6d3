// One pass of JSON extraction for every rule that reads llm.call_completed: its fields are copied
// once into a temp table (indexed on the instant) and each rule's window is then a range query over
// small rows. The table depends only on the snapshot, not on `now`, so a warm re-evaluation of the
// same open snapshot (ETag unchanged) skips the extraction; a change to the data on this connection
// (total_changes) or by another connection (data_version) rebuilds it.
//
// Only rows with a valid JSON payload and a parseable timestamp are copied (model_error_rate counts
// malformed payloads separately). Costs and latencies are copied as stored; readers filter types.
import { keyExprValid, memo, query, type RuleContext } from './context.ts';
import { instantSql } from './instant-sql.ts';

export const CALLS_TABLE = 'temp.metis_alerts_llm_calls';

/**
 * `daily_cap` of a call: its `$.daily_cap_usd` when a number, 0 when JSON null (issued without a cap),
 * NULL when the call does not mention it (the cheap instr() test skips the JSON for most rows).
 */
const DAILY_CAP = `CASE WHEN instr(payload, 'daily_cap_usd') > 0 THEN
  CASE json_type(payload, '$.daily_cap_usd') WHEN 'null' THEN 0 WHEN 'integer' THEN payload ->> '$.daily_cap_usd' WHEN 'real' THEN payload ->> '$.daily_cap_usd' END END`;
const STAMP_TABLE = 'temp.metis_alerts_llm_calls_stamp';

export function llmCalls(ctx: RuleContext): string {
  return memo(ctx, 'llm-calls', () => {
    const stamp = currentStamp(ctx);
    const stored = readStamp(ctx);
    if (stored !== stamp) build(ctx);
    return CALLS_TABLE;
  });
}

/** Rows changed on this connection : commits by other connections : key source. */
function stampSql(ctx: RuleContext, offset: number): string {
  return `SELECT (total_changes() + ${offset}) || ':' || (SELECT data_version FROM pragma_data_version) || ':${ctx.hasKeyIdColumn ? 'k' : '-'}'`;
}

function currentStamp(ctx: RuleContext): string {
  const [row = {}] = query(ctx, `${stampSql(ctx, 0)} AS stamp`);
  return String(row.stamp);
}

function readStamp(ctx: RuleContext): string | undefined {
  try {
    const [row] = query(ctx, `SELECT stamp FROM ${STAMP_TABLE}`);
    return typeof row?.stamp === 'string' ? row.stamp : undefined;
  } catch {
    return undefined; // not built yet on this connection
  }
}

function build(ctx: RuleContext): void {
  query(ctx, `DROP TABLE IF EXISTS ${CALLS_TABLE}`);
  query(ctx, `DROP TABLE IF EXISTS ${STAMP_TABLE}`);
  query(
    ctx,
    `CREATE TABLE ${CALLS_TABLE} (jd REAL NOT NULL, key TEXT, model TEXT, provider TEXT, cost, latency, error INTEGER, daily_cap)`,
  );
  query(
    ctx,
    `INSERT INTO ${CALLS_TABLE}
     SELECT ${instantSql()}, ${keyExprValid(ctx)}, payload ->> '$.model', payload ->> '$.provider',
            payload ->> '$.usage.cost_usd', payload ->> '$.latency_ms', (payload ->> '$.stop_reason') = 'error',
            ${DAILY_CAP}
     FROM events
     WHERE type = 'llm.call_completed' AND ${instantSql()} IS NOT NULL AND json_valid(payload)`,
  );
  query(ctx, `CREATE INDEX ${CALLS_TABLE}_jd ON ${CALLS_TABLE.replace(/^temp\./, '')} (jd)`);
  // Written as the count *after* this one-row insert, so the stamp row itself is not a change.
  query(ctx, `CREATE TABLE ${STAMP_TABLE} (stamp TEXT)`);
  query(ctx, `INSERT INTO ${STAMP_TABLE} ${stampSql(ctx, 1)}`);
}
