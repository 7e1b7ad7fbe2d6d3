// `metis-alerts test-page [--severity SEVn] [--dry-run] [--wire FILE] [--config FILE] [--bus NAME] [--table NAME]`:
// a test incident, marked TEST in every payload, triggered then resolved on every configured sink, with
// each sink's outcome read back from the incident record: delivered, or the error. Deployed: the report
// goes onto the stack's bus and the router delivers it; --dry-run: the router core with dry-run sinks.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDbIncidentStore } from '../../lambdas/adapters/dynamodb-incident-store.ts';
import { EventBridgeReportPublisher } from '../../lambdas/adapters/eventbridge-report-publisher.ts';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store.ts';
import { MemoryStormLedger } from '../../lambdas/adapters/memory-storm-ledger.ts';
import { dryRunTransports } from '../../lambdas/adapters/notify/dry-run.ts';
import { WireLog } from '../../lambdas/adapters/notify/wire-log.ts';
import type { Config } from '../../lambdas/core/config.ts';
import { routeSignals } from '../../lambdas/core/dispatch.ts';
import { buildNotifiers, dryRunSinks } from '../../lambdas/core/notify/sink-catalog.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { SEVERITIES, type EvaluationReport, type Severity, type Signal } from '../../lambdas/core/signal.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { answered, type IncidentReader, outcomeOf, pollIncident, type SinkOutcome, showOutcome } from '../incident-deliveries.ts';
import { parseInstant, resolveConfig, type Output } from '../io.ts';
import { incidentTableClient, onTable } from '../deployed-table.ts';
import { deployedNames } from '../deployed-stack.ts';

export interface TestPageDeps extends IncidentReader {
  /** Sends a report into the pipeline: the deployed bus, or the router core in a dry run. */
  publish(report: EvaluationReport): Promise<void>;
  now(): Date;
}

export interface TestPageResult {
  dedupKey: string;
  sinks: Record<string, { trigger: SinkOutcome; resolve?: SinkOutcome }>;
}

export function testSignal(severity: Severity, at: Date, status: Signal['status'] = 'firing'): Signal {
  const subject = `test-page-${at
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}`;
  return {
    source: 'manual',
    rule: 'test_page',
    subject,
    severity,
    status,
    dedupKey: `test_page:${subject}`,
    summary: 'TEST from metis-alerts test-page: checks that every sink delivers; nobody needs to act',
    observedAt: at.toISOString(),
    details: { test: true, firstMove: 'Nothing to do: this is a test page; it resolves by itself' },
    runbook: 'Paging pipeline',
  };
}

function report(signal: Signal, at: Date): EvaluationReport {
  return { source: 'manual', evaluatedAt: at.toISOString(), evaluated: [], signals: [signal] } as EvaluationReport;
}

/** Triggers, waits until every sink answered, resolves, waits again; `timeoutMs` per phase. */
export async function testPage(severity: Severity, deps: TestPageDeps, timeoutMs = 60_000): Promise<TestPageResult> {
  const start = deps.now();
  const firing = testSignal(severity, start);
  await deps.publish(report(firing, start));
  const triggered = await pollIncident(firing.dedupKey, (i) => answered(i, 'trigger'), deps, timeoutMs);
  const resolvedAt = deps.now();
  await deps.publish(
    report(
      { ...firing, status: 'resolved', observedAt: resolvedAt.toISOString(), summary: 'TEST resolved by metis-alerts test-page' },
      resolvedAt,
    ),
  );
  const resolved = (await pollIncident(firing.dedupKey, (i) => answered(i, 'resolve'), deps, timeoutMs)) ?? triggered;
  const sinks: TestPageResult['sinks'] = {};
  for (const d of (resolved ?? triggered)?.deliveries ?? []) {
    if (d.action !== 'trigger' && d.action !== 'resolve') continue;
    sinks[d.sink] ??= { trigger: 'pending' };
    sinks[d.sink]![d.action] = outcomeOf(d);
  }
  return { dedupKey: firing.dedupKey, sinks };
}

/** The router core in-process with dry-run sinks: what test-page would send, as the wire log shows it. */
export function dryRunDeps(config: Config, wire: WireLog, clock: () => Date): TestPageDeps {
  const store = new MemoryIncidentStore();
  const deps = {
    store,
    storm: new MemoryStormLedger(),
    notifiers: buildNotifiers(dryRunSinks(config.sinks), dryRunTransports(wire.tap)),
    settings: routerSettingsOf(config),
  };
  return {
    publish: async (r) => {
      await routeSignals(r.signals, { ...deps, now: () => new Date(r.evaluatedAt) });
    },
    incident: (key) => store.get(key),
    sleep: async () => {},
    now: clock,
  };
}

export function formatTestPage(result: TestPageResult): string {
  const lines = Object.entries(result.sinks).map(
    ([sink, o]) => `${sink.padEnd(14)} trigger ${showOutcome(o.trigger)}; resolve ${showOutcome(o.resolve)}`,
  );
  return `test incident ${result.dedupKey}\n${lines.join('\n') || 'no sink was notified (check the routing policy for this severity now)'}\n`;
}

export async function runTestPageCommand(args: string[], out: Output): Promise<void> {
  const { values } = parseArgs({
    args,
    options: SPECS['test-page'].flags,
    strict: true,
  });
  const severity = values.severity as Severity;
  if (!SEVERITIES.includes(severity)) throw new UsageError(`test-page: --severity must be one of ${SEVERITIES.join(', ')}`);
  const timeout = Number(values['timeout-seconds']);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('test-page: --timeout-seconds must be a positive number');
  const config = resolveConfig(values.config, out.stderr);
  const fixed = parseInstant(values.now, '--now');
  const clock = () => fixed ?? new Date();
  const wire = new WireLog(clock);
  let deps: TestPageDeps;
  // Deployed: AWS failures an operator can fix (credentials, region, network, table) become one line.
  let guard = (run: () => Promise<TestPageResult>) => run();
  if (values['dry-run']) deps = dryRunDeps(config, wire, clock);
  else {
    if (values.wire) throw new UsageError('test-page: --wire needs --dry-run (the deployed router sends the requests)');
    const { bus, table } = await deployedNames(['bus', 'table'], values, process.env);
    guard = (run) => onTable(table, run);
    const publisher = new EventBridgeReportPublisher({ client: new EventBridgeClient({}), eventBusName: bus });
    const store = new DynamoDbIncidentStore({ client: incidentTableClient(), tableName: table });
    deps = {
      publish: (r) => publisher.publish(r),
      incident: (key) => store.get(key),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: clock,
    };
  }
  const result = await guard(() => testPage(severity, deps, timeout * 1000));
  if (values.wire) writeFileSync(values.wire, wire.toJsonLines());
  out.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatTestPage(result));
}
