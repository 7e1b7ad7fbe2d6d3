// scripts/demo-shapes.ts: a real loopback gateway, the probe Lambda's own shape run, and its reports through
// the real router core with dry-run sinks, as `npm run demo` routes them.
import { describe, expect, it } from 'vitest';
import { dryRunTransports } from '../../../lambdas/adapters/notify/dry-run.ts';
import { WireLog } from '../../../lambdas/adapters/notify/wire-log.ts';
import { MemoryIncidentStore } from '../../../lambdas/adapters/memory-incident-store.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { routeSignals } from '../../../lambdas/core/dispatch.ts';
import { signalsFromReport } from '../../../lambdas/core/report-signals.ts';
import { routerSettingsOf } from '../../../lambdas/core/router-settings.ts';
import { buildNotifiers, dryRunSinks } from '../../../lambdas/core/notify/sink-catalog.ts';
import { shapeDemoSteps } from '../../../scripts/demo-shapes.ts';

describe('shapeDemoSteps through the router core', () => {
  it('pages SEV2 inbound_shape_down:messages (the chat shape stays quiet), then resolves it', async () => {
    const steps = await shapeDemoSteps(new Date('2026-11-24T11:10:00Z'));
    expect(steps.map((s) => [s.at.toISOString(), s.report?.source, s.report?.evaluated])).toEqual([
      // One shape answers each time: the gateway is not down (gateway_down evaluated, healthy).
      ['2026-11-24T11:10:00.000Z', 'probe', ['inbound_shape_down', 'gateway_down']],
      ['2026-11-24T11:15:00.000Z', 'probe', ['inbound_shape_down', 'gateway_down']],
    ]);
    expect(steps[0]!.signals.filter((s) => s.status === 'firing').map((s) => [s.severity, s.dedupKey, s.details.failure])).toEqual([
      ['SEV2', 'inbound_shape_down:messages', 'shape'],
    ]);
    const store = new MemoryIncidentStore();
    const config = parseConfig({});
    const wire = new WireLog(() => steps[0]!.at);
    const notifiers = buildNotifiers(dryRunSinks(config.sinks), dryRunTransports(wire.tap));
    const settings = routerSettingsOf(config);
    const deliveries: string[][] = [];
    for (const step of steps) {
      const signals = signalsFromReport(step.report!, await store.listOpen('probe'));
      const result = await routeSignals(signals, { store, notifiers, settings, now: () => step.at });
      deliveries.push(result.attempted.map((d) => `${d.severity} ${d.sink} ${d.action} ${d.dedupKey}`));
    }
    expect(deliveries).toEqual([
      [
        'SEV2 pagerduty trigger inbound_shape_down:messages',
        'SEV2 page trigger inbound_shape_down:messages',
        'SEV2 chatops trigger inbound_shape_down:messages',
      ],
      [
        'SEV2 pagerduty resolve inbound_shape_down:messages',
        'SEV2 page resolve inbound_shape_down:messages',
        'SEV2 chatops resolve inbound_shape_down:messages',
      ],
    ]);
    expect(await store.listOpen()).toEqual([]);
  });
});
