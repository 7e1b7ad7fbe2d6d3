// `npm run demo`: the whole local pipeline in-process, no AWS account: detectors' signals go through
// the real router core with an in-memory incident store and dry-run sinks. Prints what would be paged
// where and writes the exact PagerDuty / SNS payloads to .demo-out/payloads.jsonl.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryIncidentStore } from '../lambdas/adapters/memory-incident-store.ts';
import { DryRunSinks } from '../lambdas/adapters/dry-run-sinks.ts';
import { defaultConfig } from '../lambdas/core/config.ts';
import { routeSignals } from '../lambdas/core/dispatch.ts';
import { routerSettingsOf } from '../lambdas/core/router-settings.ts';
import { demoScenario } from './demo-scenario.ts';

const outDir = process.env.DEMO_OUT ?? '.demo-out';

async function main(): Promise<void> {
  const config = defaultConfig();
  const settings = routerSettingsOf(config);
  const store = new MemoryIncidentStore();
  const sinks = new DryRunSinks();
  const lines: string[] = [];

  for (const step of await demoScenario(config)) {
    console.log(`\n== ${step.at.toISOString()}  ${step.title}`);
    const before = sinks.payloads.length;
    const result = await routeSignals(step.signals, { store, pagerduty: sinks, publisher: sinks, settings, now: () => step.at });
    if (result.attempted.length === 0) console.log('   (nothing new: deduplicated or no sink selected)');
    for (const d of result.attempted) console.log(`   ${d.severity} -> ${d.sink.padEnd(9)} ${d.action.padEnd(8)} ${d.dedupKey}`);
    for (const payload of sinks.payloads.slice(before)) lines.push(JSON.stringify({ at: step.at.toISOString(), ...payload }));
  }

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'payloads.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const open = (await store.listOpen()).map((i) => `${i.severity} ${i.dedupKey}`);
  console.log(`\n${lines.length} payloads written to ${file}`);
  console.log(`open incidents at the end: ${open.length ? open.join(', ') : 'none'}`);
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
