// `npm run demo`: the whole local pipeline in-process, no AWS account. Real detectors on local data (a
// generated trace DB with injected anomalies, a gateway log stream with a traceback and a quota flood,
// real HTTP targets probed by the probe Lambda's own code),
// every signal through the real router core and sweeper with an in-memory incident store and dry-run
// sinks. Prints what would be paged where and writes the wire log (every outbound request exactly as
// it would be sent, secrets masked) to .demo-out/wire.jsonl.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkDatabase } from '../cli/commands/check.ts';
import { MemoryDigestStore } from '../lambdas/adapters/memory-digest-store.ts';
import { dryRunTransports } from '../lambdas/adapters/notify/dry-run.ts';
import { WireLog } from '../lambdas/adapters/notify/wire-log.ts';
import { buildNotifiers } from '../lambdas/core/notify/sink-catalog.ts';
import { MemoryIncidentStore } from '../lambdas/adapters/memory-incident-store.ts';
import { postDueDigests } from '../lambdas/core/digest.ts';
import { routeSignals, sweepIncidents } from '../lambdas/core/dispatch.ts';
import { signalsFromReport } from '../lambdas/core/report-signals.ts';
import { routerSettingsOf } from '../lambdas/core/router-settings.ts';
import { sweepOptionsOf } from '../lambdas/core/sweep-policy.ts';
import { toEvaluationReport } from '../lambdas/core/trace-db/evaluate.ts';
import { generateTraceDb } from '../tools/trace-db-fixture.ts';
import { logDemoSteps } from './demo-logs.ts';
import { probeDemoSteps } from './demo-probes.ts';
import { digestSweepStep, severityTableSteps } from './demo-severity-table.ts';
import { shapeDemoSteps } from './demo-shapes.ts';
import { outOfHoursSteps, type DemoStep } from './demo-scenario.ts';
import { asError } from '../lambdas/core/errors.ts';
import { deliveryLines, digestWhy, inTimeOrder, stepHeader } from './demo-explain.ts';
import { loadDemoConfig } from './demo-config.ts';
import type { Incident } from '../lambdas/core/incident.ts';

const outDir = process.env.DEMO_OUT ?? '.demo-out';
const CHECK_AT = new Date('2026-11-24T10:30:00Z'); // a Tuesday, 11:30 in Berlin: in business hours

async function main(): Promise<void> {
  // The example config's sinks, business hours and routing, plus the sinks and budgets the demo adds (it says which).
  const { config, describe } = loadDemoConfig();
  for (const line of describe) console.log(line);
  const settings = routerSettingsOf(config);
  const store = new MemoryIncidentStore();
  const digests = new MemoryDigestStore();
  let clock = CHECK_AT;
  const wire = new WireLog(() => clock);
  const notifiers = buildNotifiers(config.sinks, dryRunTransports(wire.tap));
  mkdirSync(outDir, { recursive: true });

  const dbFile = join(outDir, 'sample-trace.db.gz');
  const bytes = await generateTraceDb({ events: 30_000, days: 7, end: CHECK_AT, seed: 7, anomalies: 'all' });
  writeFileSync(dbFile, gzipSync(bytes));
  const meta = { takenAt: new Date(CHECK_AT.getTime() - 60_000).toISOString(), volumeUsedPct: 83, integrity: 'ok' };
  console.log(`generated ${dbFile}: 30 000 events over 7 days ending ${CHECK_AT.toISOString()}, with anomalies injected`);
  const evaluation = await checkDatabase(dbFile, config, CHECK_AT, meta);
  console.log(`trace-DB rules evaluated: ${evaluation.evaluated.join(', ')}`);
  const report = toEvaluationReport(evaluation, CHECK_AT);

  // Later that day the gateway is healthy again: a busy snapshot without anomalies resolves what it has
  // evidence for (models and providers with enough calls, the spend projection, latency). The keys of the
  // first snapshot do not appear in this one at all: no data is not recovery, so their incidents stay open.
  const RECOVERED_AT = new Date('2026-11-24T12:00:00Z');
  const quietFile = join(outDir, 'sample-trace-recovered.db.gz');
  writeFileSync(quietFile, gzipSync(await generateTraceDb({ events: 60_000, days: 2, end: RECOVERED_AT, seed: 7, anomalies: 'none' })));
  const recovered = toEvaluationReport(
    await checkDatabase(quietFile, config, RECOVERED_AT, {
      takenAt: new Date(RECOVERED_AT.getTime() - 60_000).toISOString(),
      volumeUsedPct: 41,
      integrity: 'ok',
    }),
    RECOVERED_AT,
  );

  const steps: DemoStep[] = [
    { at: CHECK_AT, title: 'trace-check: every trace-DB rule on the sample snapshot', signals: report.signals, report },
    { at: CHECK_AT, title: 'trace-check runs again on the same snapshot: everything deduplicated', signals: report.signals, report },
    ...(await logDemoSteps()),
    ...(await probeDemoSteps()),
    ...(await severityTableSteps()),
    ...(await shapeDemoSteps()),
    {
      at: RECOVERED_AT,
      title: 'trace-check on a healthy snapshot: what it finds healthy resolves; keys it has no data for stay open',
      signals: recovered.signals,
      report: recovered,
    },
    digestSweepStep(),
    ...outOfHoursSteps(),
  ];

  for (const step of inTimeOrder(steps)) {
    console.log(`\n${stepHeader(step, config)}`);
    clock = step.at;
    const deps = { store, notifiers, settings, digests, now: () => step.at };
    const result = step.sweep
      ? await sweepIncidents(step.at, sweepOptionsOf(config), deps)
      : await routeSignals(step.report ? signalsFromReport(step.report, await store.listOpen(step.report.source)) : step.signals, deps);
    if (step.sweep)
      for (const id of (await postDueDigests(step.at, { digests, chatops: notifiers.chatops, settings })).posted)
        console.log(`   SEV4 -> chatops       digest    ${id}\n      ${digestWhy(id)}`);
    if (result.attempted.length === 0) console.log('   (nothing new: deduplicated or no sink selected)');
    const incidents = new Map<string, Incident>();
    for (const key of new Set(result.attempted.map((d) => d.dedupKey))) {
      const incident = await store.get(key);
      if (incident) incidents.set(key, incident);
    }
    for (const line of deliveryLines(result.attempted, incidents, step, config)) console.log(line);
  }

  const file = join(outDir, 'wire.jsonl');
  writeFileSync(file, wire.toJsonLines());
  const open = (await store.listOpen()).map((i) => `${i.severity} ${i.dedupKey}`);
  console.log(`\n${wire.entries.length} outbound requests written to ${file}`);
  console.log(`open incidents at the end (${open.length}):\n  ${open.join('\n  ')}`);
}

main().catch((error) => {
  console.error(`demo failed: ${asError(error).stack ?? String(error)}`);
  process.exit(1);
});
