// `metis-alerts incidents [--open] [--table NAME] [--json]`: the incidents in the deployed incident
// table (open and recently resolved; TTL removes older ones), oldest first. Heartbeat and silence items
// share the table and are never listed. `incidents resolve` closes one by hand (incident-resolve.ts), `incidents ack`
// acknowledges one (incident-ack.ts).
import { parseArgs } from 'node:util';
import { listIncidents } from '../../lambdas/adapters/dynamodb-incident-list.ts';
import type { Incident } from '../../lambdas/core/incident.ts';
import { redactText } from '../../lambdas/core/redact.ts';
import { oneLine, type Severity } from '../../lambdas/core/signal.ts';
import { formatTable } from '../format-table.ts';
import { deployedNames } from '../deployed-stack.ts';
import { incidentTableClient, onTable } from '../deployed-table.ts';
import type { Output } from '../io.ts';
import { SPECS } from '../spec.ts';
import { runIncidentResolveCommand } from './incident-resolve.ts';
import { runIncidentAckCommand } from './incident-ack.ts';

export interface IncidentRow {
  dedupKey: string;
  severity: Severity;
  status: Incident['status'];
  openedAt: string;
  /** null while open. */
  resolvedAt: string | null;
  rule: string;
  subject: string;
  /** The last signal's summary (redacted again on the way out). */
  summary: string;
  episode: number;
}

export function toIncidentRow(incident: Incident): IncidentRow {
  return {
    dedupKey: incident.dedupKey,
    severity: incident.severity,
    status: incident.status,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt ?? null,
    rule: incident.rule,
    subject: incident.subject,
    summary: oneLine(redactText(incident.lastSignal?.summary ?? '')),
    episode: incident.episode,
  };
}

export interface IncidentsCommandDeps {
  env: NodeJS.ProcessEnv;
  /** Incidents of a table (tests may pass a fake); default: a Scan of the DynamoDB table. */
  list?: (tableName: string, openOnly: boolean) => Promise<Incident[]>;
}

export async function runIncidentsCommand(args: string[], out: Output, deps: IncidentsCommandDeps = { env: process.env }): Promise<void> {
  if (args[0] === 'resolve') return runIncidentResolveCommand(args.slice(1), out, deps.env);
  if (args[0] === 'ack') return runIncidentAckCommand(args.slice(1), out, deps.env);
  const { values } = parseArgs({
    args,
    options: SPECS.incidents.flags,
    strict: true,
  });
  const { table: tableName } = await deployedNames(['table'], values, deps.env);
  const list =
    deps.list ?? ((name: string, openOnly: boolean) => listIncidents({ client: incidentTableClient(), tableName: name, openOnly }));
  const rows = (await onTable(tableName, () => list(tableName, values.open))).map(toIncidentRow);
  if (values.json) {
    out.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    out.stdout.write(values.open ? 'no open incidents\n' : 'no incidents\n');
    return;
  }
  const table = [['OPENED', 'SEV', 'STATUS', 'RESOLVED', 'DEDUP KEY', 'SUMMARY']];
  for (const r of rows) table.push([r.openedAt, r.severity, r.status, r.resolvedAt ?? '-', r.dedupKey, oneLine(r.summary, 100)]);
  out.stdout.write(formatTable(table));
}
