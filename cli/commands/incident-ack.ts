// `metis-alerts incidents ack DEDUP_KEY [--note TEXT] [--by NAME] [--table NAME] [--json]`: acknowledges an
// open incident from a terminal, the same action a PagerDuty ack or an ack link records (lambdas/core/human).
// It is written straight to the deployed incident table with the router's conditional put (a racing router or
// sweeper never loses an update), with the same posts an intake ack plans (a SEV1/SEV2's "acknowledged" post
// and status-page update); the deployed sweeper sends them at its next run, within 5 minutes.
import { parseArgs } from 'node:util';
import { DynamoDbIncidentStore } from '../../lambdas/adapters/dynamodb-incident-store.ts';
import type { HumanAction } from '../../lambdas/core/human/action.ts';
import { applyHumanAction } from '../../lambdas/core/human/apply.ts';
import { nameOf, noteOf } from '../../lambdas/core/human/text-fields.ts';
import { defaultConfig } from '../../lambdas/core/config.ts';
import type { IncidentStore } from '../../lambdas/core/ports.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { deployedNames } from '../deployed-stack.ts';
import { UsageError } from '../errors.ts';
import { asIncident, incidentTableClient, onTable } from '../deployed-table.ts';
import { currentUser, type Output } from '../io.ts';
import { SPECS } from '../spec.ts';

export interface AckByHandResult {
  dedupKey: string;
  episode: number;
  /** `acknowledged`: recorded now; `already-acknowledged`: someone was first (`by`, `at` are theirs); `was-not-open`: nothing to do. */
  status: 'acknowledged' | 'already-acknowledged' | 'was-not-open';
  by: string | null;
  at: string | null;
  /** What this ack told people, as `sink action`, sent by the sweeper (empty for SEV3/SEV4 and when nothing changed). */
  owed: string[];
}

const WRITE_ATTEMPTS = 4;

export async function ackByHand(
  dedupKey: string,
  who: { by: string; note?: string | undefined },
  store: Pick<IncidentStore, 'get' | 'put'>,
  now: Date,
): Promise<AckByHandResult> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const item = await store.get(dedupKey);
    if (!item) throw new UsageError(`no incident "${dedupKey}" in the table (metis-alerts incidents --open lists the open ones)`);
    const incident = asIncident(item, dedupKey);
    const result = { dedupKey, episode: incident.episode };
    if (incident.status !== 'open') return { ...result, status: 'was-not-open', by: null, at: null, owed: [] };
    if (incident.ack) return { ...result, status: 'already-acknowledged', by: incident.ack.by, at: incident.ack.at, owed: [] };
    const action: HumanAction = {
      kind: 'ack',
      dedupKey,
      at: now.toISOString(),
      by: nameOf(who.by, 'unknown'),
      via: 'cli',
      eventId: `cli:${now.toISOString()}`,
      ...(noteOf(who.note) ? { note: noteOf(who.note)! } : {}),
    };
    const outcome = applyHumanAction(incident, action, now, routerSettingsOf(defaultConfig()));
    if (!outcome.applied) return { ...result, status: 'was-not-open', by: null, at: null, owed: [] };
    const known = new Set(incident.deliveries.map((d) => d.id));
    const owed = outcome.next.deliveries.filter((d) => !known.has(d.id)).map((d) => `${d.sink} ${d.action}`);
    if (await store.put({ ...outcome.next, version: incident.version + 1 }, incident.version))
      return { ...result, status: 'acknowledged', by: action.by, at: action.at, owed };
  }
  throw new UsageError(`incident "${dedupKey}" kept changing under ${WRITE_ATTEMPTS} attempts: try again`);
}

export function formatAckByHand(result: AckByHandResult): string {
  const head = `${result.dedupKey} (episode ${result.episode})`;
  switch (result.status) {
    case 'acknowledged':
      return `${head} acknowledged by ${result.by} at ${result.at}\n${result.owed.length ? `told at the sweeper's next run (within 5 min): ${result.owed.join(', ')}\n` : ''}`;
    case 'already-acknowledged':
      return `${head} was already acknowledged by ${result.by} at ${result.at}: nothing changed\n`;
    default:
      return `${head} is not open: nothing to acknowledge\n`;
  }
}

export async function runIncidentAckCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: SPECS['incidents ack'].flags, allowPositionals: true, strict: true });
  const [dedupKey, ...extra] = positionals;
  if (!dedupKey || extra.length > 0) throw new UsageError('incidents ack: give one DEDUP_KEY (metis-alerts incidents --open lists them)');
  if (values.by !== undefined && !values.by.trim()) throw new UsageError('incidents ack: --by needs a name');
  const { table: tableName } = await deployedNames(['table'], values, env);
  const store = new DynamoDbIncidentStore({ client: incidentTableClient(), tableName });
  const who = { by: values.by ?? currentUser(env), note: values.note };
  const result = await onTable(tableName, () => ackByHand(dedupKey, who, store, new Date()));
  out.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatAckByHand(result));
}
