// scripts/demo-probes.ts: real servers, the probe Lambda's own handler and report rule, and its reports;
// then those reports through the real router core, as `npm run demo` routes them (signalsFromReport).
import { describe, expect, it } from 'vitest';
import { dryRunTransports } from '../../../lambdas/adapters/notify/dry-run.ts';
import { buildNotifiers } from '../../../lambdas/core/notify/sink-catalog.ts';
import { MemoryIncidentStore } from '../../../lambdas/adapters/memory-incident-store.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { routeSignals } from '../../../lambdas/core/dispatch.ts';
import { signalsFromReport } from '../../../lambdas/core/report-signals.ts';
import { routerSettingsOf } from '../../../lambdas/core/router-settings.ts';
import { probeDemoSteps } from '../../../scripts/demo-probes.ts';

describe('probeDemoSteps', () => {
  it('first failure SEV2, second SEV1 (same dedup key), recovery lists the server healthy; the healthy target raises nothing', async () => {
    const steps = await probeDemoSteps({ start: new Date('2026-11-24T11:00:00Z') });
    expect(steps.map((s) => s.at.toISOString())).toEqual([
      '2026-11-24T11:00:00.000Z',
      '2026-11-24T11:00:30.000Z',
      '2026-11-24T11:05:00.000Z',
      '2026-11-24T11:05:30.000Z',
      '2026-11-24T11:06:00.000Z',
      '2026-11-24T11:06:30.000Z',
    ]);
    expect(steps[0]!.title).toBe('probe round 1: gateway ok (HTTP 200); server FAILED http_status 503 -> sick app');
    expect(steps.map((s) => s.signals.map((x) => [x.source, x.rule, x.subject, x.severity, x.status, x.dedupKey]))).toEqual([
      [['probe', 'healthz_down', 'server', 'SEV2', 'firing', 'healthz_down:server']],
      [['probe', 'healthz_down', 'server', 'SEV1', 'firing', 'healthz_down:server']],
      [],
      [],
      [],
      [],
    ]);
    expect(steps[0]!.signals[0]!.summary).toMatch(
      /^healthz_down SEV2: server failed once: sick app: http:\/\/127\.0\.0\.1:\d+\/health answered HTTP 503; first: check the app logs: kubectl logs -n metis-gateway deploy\/metis-gateway --tail=100 -c gateway/,
    );
    // Sustained health: the gateway from its 4th ok round, the server from its 4th ok round after the recovery.
    expect(steps.map((s) => s.report.healthy?.healthz_down)).toEqual([[], [], [], ['gateway'], ['gateway'], ['gateway', 'server']]);
    expect(steps[2]!.title).toBe(
      'probe after the server recovered (ok round 1 of 4: stays open): gateway ok (HTTP 200); server ok (HTTP 200)',
    );
    expect(steps[5]!.title).toBe(
      'probe after the server recovered (ok round 4 of 4: resolves): gateway ok (HTTP 200); server ok (HTTP 200)',
    );
  });
});

describe('the demo reports through the router core (dry-run sinks)', () => {
  it('pages SEV2, re-notifies on the SEV1 upgrade, and resolves on the healthy evidence', async () => {
    const steps = await probeDemoSteps({ start: new Date('2026-11-24T11:00:00Z') });
    const store = new MemoryIncidentStore();
    const config = parseConfig({ sinks: { pagerduty: { routingKeyParameter: '/metis-alerts/demo/pagerduty-routing-key' } } });
    const notifiers = buildNotifiers(config.sinks, dryRunTransports());
    const settings = routerSettingsOf(config);
    const deliveries: string[][] = [];
    for (const step of steps) {
      const signals = signalsFromReport(step.report, await store.listOpen(step.report.source));
      const result = await routeSignals(signals, { store, notifiers, settings, now: () => step.at });
      deliveries.push(result.attempted.map((d) => `${d.severity} ${d.sink} ${d.action}`));
    }
    // 11:00 UTC on a Tuesday is business hours: SEV2 pages too.
    expect(deliveries[0]).toEqual(expect.arrayContaining(['SEV2 pagerduty trigger', 'SEV2 page trigger', 'SEV2 chatops trigger']));
    expect(deliveries[1]).toEqual(expect.arrayContaining(['SEV1 pagerduty trigger']));
    // Three ok rounds keep it open; the 4th names the server healthy: one PagerDuty resolve and RESOLVED on the topics it reached.
    expect(deliveries.slice(2, 5)).toEqual([[], [], []]);
    expect(deliveries[5]).toEqual(['SEV1 pagerduty resolve', 'SEV1 page resolve', 'SEV1 chatops resolve']);
    expect((await store.get('healthz_down:server'))?.status).toBe('resolved');
    expect(await store.listOpen()).toEqual([]);
  });
});
