// `metis-alerts postmortem DEDUP_KEY [--db FILE] [--now ISO] [--table NAME]`: a Markdown post-mortem
// draft in the runbook's exact heading set, from the incident stored under DEDUP_KEY. With --db (a
// trace-DB file, plain or .gz, e.g. the snapshot from S3) the Impact section gets the requests dropped
// during the incident. --now ends an ongoing incident's window (default: the current time).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDbIncidentStore } from '../../lambdas/adapters/dynamodb-incident-store.ts';
import { openSnapshot } from '../../lambdas/adapters/sqljs-database.ts';
import { renderPostmortem } from '../../lambdas/core/postmortem.ts';
import { countRequestsDropped, type RequestsDropped } from '../../lambdas/core/trace-db/requests-dropped.ts';
import { isOpenFailure } from '../../lambdas/core/trace-db/sql-port.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { deployedNames } from '../deployed-stack.ts';
import { asIncident, incidentTableClient, onTable } from '../deployed-table.ts';
import { parseInstant, type Output } from '../io.ts';
import { errorMessage } from '../../lambdas/core/errors.ts';

export interface PostmortemCommandDeps {
  env: NodeJS.ProcessEnv;
  /** The stored item under a dedup key (tests may pass a fake); default: DynamoDbIncidentStore.get. */
  get?: (tableName: string, dedupKey: string) => Promise<unknown>;
}

export async function runPostmortemCommand(args: string[], out: Output, deps: PostmortemCommandDeps = { env: process.env }): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: SPECS.postmortem.flags,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || !positionals[0]!.trim()) {
    throw new UsageError(
      `expected one DEDUP_KEY (e.g. model_error_rate:claude-sonnet-4; see metis-alerts incidents), got ${positionals.length}`,
    );
  }
  const dedupKey = positionals[0]!;
  const now = parseInstant(values.now, '--now') ?? new Date();
  const { table: tableName } = await deployedNames(['table'], values, deps.env);
  const get =
    deps.get ?? ((name: string, key: string) => new DynamoDbIncidentStore({ client: incidentTableClient(), tableName: name }).get(key));
  const item = await onTable(tableName, () => get(tableName, dedupKey));
  if (item === undefined)
    throw new UsageError(
      `no incident "${dedupKey}" in table ${tableName} (see metis-alerts incidents; resolved ones expire after the retention)`,
    );
  const incident = asIncident(item, dedupKey);

  let requestsDropped: RequestsDropped | undefined;
  if (values.db !== undefined) {
    const to = incident.status === 'resolved' && incident.resolvedAt ? new Date(incident.resolvedAt) : now;
    requestsDropped = await countFromFile(values.db, { from: new Date(incident.openedAt), to });
  }
  out.stdout.write(renderPostmortem({ incident, now, ...(requestsDropped ? { requestsDropped } : {}) }));
}

async function countFromFile(path: string, window: { from: Date; to: Date }): Promise<RequestsDropped> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`--db ${path}: cannot read the trace DB (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const db = await openSnapshot(bytes);
  if (isOpenFailure(db)) throw new UsageError(`--db ${path}: not a usable trace DB (${db.message})`);
  try {
    return countRequestsDropped(db, window);
  } catch (error) {
    throw new UsageError(`--db ${path}: cannot count requests dropped (${errorMessage(error).split('\n')[0]})`);
  } finally {
    db.close();
  }
}
