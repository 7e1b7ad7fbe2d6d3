// `metis-alerts incidents resolve DEDUP_KEY --reason TEXT [--bus NAME] [--table NAME] [--timeout-seconds N] [--json]`:
// closes an open incident by hand, through the deployed router, for an incident nothing else will close
// (its CloudWatch alarm was deleted by an upgrade, its subject no longer exists). The router resolves it as
// it resolves any other, so every sink that was told of it is told it is over (PagerDuty resolve, Opsgenie
// close, the chat thread), and the incident's timeline says who resolved it and why.
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDbIncidentStore } from '../../lambdas/adapters/dynamodb-incident-store.ts';
import { EventBridgeReportPublisher } from '../../lambdas/adapters/eventbridge-report-publisher.ts';
import type { Incident } from '../../lambdas/core/incident.ts';
import { redactText } from '../../lambdas/core/redact.ts';
import { type EvaluationReport, MAX_SUMMARY, oneLine } from '../../lambdas/core/signal.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { type IncidentReader, outcomeOf, pollIncident, type SinkOutcome, showOutcome } from '../incident-deliveries.ts';
import { deployedNames } from '../deployed-stack.ts';
import { asIncident, incidentTableClient, onTable } from '../deployed-table.ts';
import { currentUser, type Output } from '../io.ts';

export interface ResolveByHandDeps extends IncidentReader {
  /** Sends a report onto the stack's bus, where the router picks it up. */
  publish(report: EvaluationReport): Promise<void>;
  now(): Date;
}

export interface ResolveByHandResult {
  dedupKey: string;
  episode: number;
  /**
   * `resolved`: the router closed it; `reopened`: the router closed it and a later report opened the next
   * episode (the condition is still there); `was-not-open`: nothing to do; `not-yet`: the router has not
   * closed it within the timeout (its logs say why).
   */
  status: 'resolved' | 'reopened' | 'was-not-open' | 'not-yet';
  resolvedAt: string | null;
  /** The resolve each sink was owed for this episode, and what became of it (empty once the item holds the next episode). */
  sinks: Record<string, SinkOutcome>;
}

const MAX_REASON_CHARS = 300;
const REASON_REQUIRED = '--reason TEXT is required (say why, for the incident timeline and the post-mortem)';

/** The report that resolves `incident`: its last signal, from source `manual`, saying who and why. */
export function resolveReport(incident: Incident, reason: string, by: string, at: Date): EvaluationReport {
  const said = oneLine(redactText(reason), MAX_REASON_CHARS);
  if (!said) throw new UsageError(REASON_REQUIRED);
  const observedAt = at.toISOString();
  return {
    source: 'manual',
    evaluatedAt: observedAt,
    evaluated: [],
    healthy: {},
    signals: [
      {
        ...incident.lastSignal,
        source: 'manual',
        status: 'resolved',
        observedAt,
        summary: oneLine(`resolved by hand by ${by}: ${said}`, MAX_SUMMARY),
      },
    ],
  };
}

/** Publishes the resolve and waits for the router to close the incident and answer every resolve it owes. */
export async function resolveByHand(
  dedupKey: string,
  reason: string,
  by: string,
  deps: ResolveByHandDeps,
  timeoutMs: number,
): Promise<ResolveByHandResult> {
  const item = await deps.incident(dedupKey);
  if (!item) throw new UsageError(`no incident "${dedupKey}" in the table (metis-alerts incidents --open lists the open ones)`);
  const before = asIncident(item, dedupKey);
  const report = resolveReport(before, reason, by, deps.now());
  if (before.status !== 'open')
    return { dedupKey, episode: before.episode, status: 'was-not-open', resolvedAt: before.resolvedAt ?? null, sinks: {} };
  await deps.publish(report);
  const after = await pollIncident(dedupKey, (incident) => settled(incident, before.episode), deps, timeoutMs);
  return resultOf(dedupKey, before.episode, after);
}

/** Closed and every resolve of the episode answered, or already past the episode. */
function settled(incident: Incident | undefined, episode: number): boolean {
  if (!incident || incident.episode !== episode) return incident !== undefined;
  return incident.status === 'resolved' && resolvesOf(incident, episode).every((d) => d.status !== 'pending');
}

function resolvesOf(incident: Incident, episode: number) {
  return incident.deliveries.filter((d) => d.action === 'resolve' && d.id.startsWith(`${episode}:`));
}

function resultOf(dedupKey: string, episode: number, after: Incident | undefined): ResolveByHandResult {
  const sinks: Record<string, SinkOutcome> = {};
  for (const d of after ? resolvesOf(after, episode) : []) sinks[d.sink] = outcomeOf(d);
  if (after && after.episode !== episode) return { dedupKey, episode, status: 'reopened', resolvedAt: null, sinks };
  if (after?.status !== 'resolved') return { dedupKey, episode, status: 'not-yet', resolvedAt: null, sinks };
  return { dedupKey, episode, status: 'resolved', resolvedAt: after.resolvedAt ?? null, sinks };
}

export function formatResolveByHand(result: ResolveByHandResult, timeoutSeconds: number): string {
  const head = `${result.dedupKey} (episode ${result.episode})`;
  switch (result.status) {
    case 'was-not-open':
      return `${head} was not open${result.resolvedAt ? ` (resolved at ${result.resolvedAt})` : ''}: nothing sent\n`;
    case 'not-yet':
      return `${head}: resolve sent, but the router had not closed it after ${timeoutSeconds} s: see the router's logs\n`;
    case 'reopened':
      return `${head} resolved, then opened again by a newer report: the condition is still there\n`;
    default: {
      const lines = Object.entries(result.sinks).map(([sink, outcome]) => `${sink.padEnd(14)} resolve ${showOutcome(outcome)}`);
      return `${head} resolved at ${result.resolvedAt}\n${lines.join('\n') || 'no sink was owed a resolve'}\n`;
    }
  }
}

export async function runIncidentResolveCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: SPECS['incidents resolve'].flags,
    allowPositionals: true,
    strict: true,
  });
  const [dedupKey, ...extra] = positionals;
  if (!dedupKey || extra.length > 0)
    throw new UsageError('incidents resolve: give one DEDUP_KEY (metis-alerts incidents --open lists them)');
  const timeout = Number(values['timeout-seconds']);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('incidents resolve: --timeout-seconds must be a positive number');
  if (!values.reason?.trim()) throw new UsageError(REASON_REQUIRED);
  const { table: tableName, bus } = await deployedNames(['table', 'bus'], values, env);
  const store = new DynamoDbIncidentStore({ client: incidentTableClient(), tableName });
  const publisher = new EventBridgeReportPublisher({ client: new EventBridgeClient({}), eventBusName: bus });
  const deps: ResolveByHandDeps = {
    incident: (key) => store.get(key),
    publish: (report) => publisher.publish(report),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  };
  const result = await onTable(tableName, () => resolveByHand(dedupKey, values.reason!, currentUser(env), deps, timeout * 1000));
  out.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatResolveByHand(result, timeout));
}
