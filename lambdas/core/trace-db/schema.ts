// trace_db_schema (SEV2): the snapshot has no `events` table, or it lacks `type`, `timestamp` or
// `payload`. Nothing else can run then, so the engine reports only this (and `evaluated` stays empty,
// so no open trace-DB incident is resolved by mistake). `key_id` is optional.
import type { Signal } from '../signal.ts';
import { makeSignal, RUNBOOK, text } from './context.ts';
import type { SqlDatabase } from './sql-port.ts';

export const TRACE_DB_SCHEMA = 'trace_db_schema';
export const REQUIRED_COLUMNS = ['type', 'timestamp', 'payload'] as const;

export interface SchemaCheck {
  ok: boolean;
  /** The table (or view) exists. */
  hasEvents: boolean;
  missing: string[];
  hasKeyIdColumn: boolean;
}

export function checkSchema(db: SqlDatabase): SchemaCheck {
  const columns = new Set(db.all(`SELECT name FROM pragma_table_info('events')`).map((r) => text(r.name, '').toLowerCase()));
  const hasEvents = columns.size > 0;
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  return {
    ok: hasEvents && missing.length === 0,
    hasEvents,
    missing: hasEvents ? missing : [...REQUIRED_COLUMNS],
    hasKeyIdColumn: columns.has('key_id'),
  };
}

export function schemaSignal(now: Date, check: SchemaCheck, tables: string[]): Signal {
  const what = check.hasEvents
    ? `the events table lacks column${check.missing.length > 1 ? 's' : ''} ${check.missing.join(', ')}`
    : 'there is no events table';
  return makeSignal(now, {
    rule: TRACE_DB_SCHEMA,
    subject: 'events',
    severity: 'SEV2',
    runbook: RUNBOOK.alertSources,
    summary:
      `Trace-DB snapshot schema: ${what}, so no trace-DB rule can run (error rate, provider down, spend). ` +
      `Check that the shipper copies the gateway's metis.db and whether a gateway upgrade changed the schema.`,
    details: { value: check.missing.length, threshold: 0, missing: check.missing, required: [...REQUIRED_COLUMNS], tables },
  });
}
