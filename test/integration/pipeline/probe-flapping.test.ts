// Flapping through the real pieces: the probe handler (real HttpProber against a local target, in-memory
// state item, two rounds 30 s apart per run) and the CLI's route core (the router's own policy with dry-run
// sinks, the sweeper's ticks between reports) on a Tuesday in business hours. One of two replicas dead
// behind a round robin answers fail / ok alternately: one incident, one PagerDuty trigger, one SMS page,
// not a trigger and a resolve every 30 s. A target that really recovers resolves after 4 ok rounds.
import { describe, expect, it } from 'vitest';
import { MemoryProbeState } from '../../../lambdas/adapters/memory-probe-state.ts';
import { HttpProber } from '../../../lambdas/adapters/http-prober.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { EvaluationReport } from '../../../lambdas/core/signal.ts';
import { makeProbeHandler } from '../../../lambdas/functions/probe/handler.ts';
import { routeReplay } from '../../../cli/commands/route.ts';
import type { ReplayEntry } from '../../../cli/commands/replay-input.ts';
import { answer, startTarget } from '../support/probe-targets.ts';

const TUESDAY_10 = Date.parse('2026-11-24T10:00:00Z');

/** Probe runs once a minute (two rounds each) for `minutes`, against a target whose answers `statusFor` picks. */
async function probeFor(minutes: number, statusFor: (request: number) => number): Promise<EvaluationReport[]> {
  let request = 0;
  const target = await startTarget((req, res) => answer(statusFor(request++))(req, res));
  try {
    let now = new Date(TUESDAY_10);
    const config = parseConfig({ healthTargets: [{ name: 'gateway', url: target.url, timeoutMs: 3000 }] });
    const prober = new HttpProber({ clock: () => now });
    const state = new MemoryProbeState();
    const reports: EvaluationReport[] = [];
    for (let run = 0; run < minutes; run++) {
      now = new Date(TUESDAY_10 + run * 60_000);
      const outcome = await makeProbeHandler({
        targets: config.healthTargets,
        probe: (call) => prober.probe(call),
        headers: async () => ({}),
        // The 30 s between the rounds pass on the injected clock.
        sleep: async (ms) => {
          now = new Date(now.getTime() + ms);
        },
        clock: () => now,
        publisher: { publish: async () => {} },
        state,
        rules: config.rules,
        logger: { info: () => {}, warn: () => {}, error: () => {} },
      })();
      reports.push(...outcome.reports);
    }
    return reports;
  } finally {
    await target.close();
  }
}

const CONFIG = parseConfig({
  healthTargets: [{ name: 'gateway', url: 'http://127.0.0.1/healthz' }],
  sinks: { page: { sms: ['+4915112345678'] }, chatops: { emails: ['oncall@example.com'] } },
});
const entries = (reports: EvaluationReport[]): ReplayEntry[] =>
  reports.map((report) => ({ kind: 'report', at: Date.parse(report.evaluatedAt), report }));

describe('healthz_down flapping, routed in business hours', () => {
  it('a target alternating fail / ok every 30 s for 45 min: exactly 1 PagerDuty trigger and 1 SMS page, no resolve', async () => {
    const reports = await probeFor(45, (request) => (request % 2 === 0 ? 503 : 200));
    expect(reports).toHaveLength(90);
    expect(reports.at(-1)!.signals[0]!.summary).toContain('flapping: failed 5 of 10 rounds in 5 min');

    const { deliveries } = await routeReplay(entries(reports), CONFIG);
    const of = (sink: string, action: string) => deliveries.filter((d) => d.sink === sink && d.action === action);
    expect(of('pagerduty', 'trigger')).toEqual([
      { sink: 'pagerduty', action: 'trigger', severity: 'SEV2', dedupKey: 'healthz_down:gateway' },
    ]);
    expect(of('page', 'trigger')).toEqual([{ sink: 'page', action: 'trigger', severity: 'SEV2', dedupKey: 'healthz_down:gateway' }]);
    expect(deliveries.filter((d) => d.action === 'resolve')).toEqual([]);
    expect(new Set(deliveries.map((d) => d.dedupKey))).toEqual(new Set(['healthz_down:gateway']));
  });

  it('a target down for 2 min that recovers stays open for 3 ok rounds and resolves on the 4th (2 min of health)', async () => {
    // Requests 0-3 (the first two runs) fail; every later one answers 200.
    const reports = await probeFor(5, (request) => (request < 4 ? 503 : 200));
    const { deliveries, wire } = await routeReplay(entries(reports), CONFIG);
    expect(deliveries.filter((d) => d.sink === 'pagerduty').map((d) => `${d.action} ${d.severity}`)).toEqual([
      'trigger SEV2',
      'trigger SEV1',
      'resolve SEV1',
    ]);
    // Ok rounds at 10:02:00, :30, 10:03:00 keep it open; the 4th, at 10:03:30, resolves.
    const resolves = wire.filter((w) => w.sink === 'pagerduty' && JSON.stringify(w.request).includes('"event_action":"resolve"'));
    expect(resolves.map((w) => w.at)).toEqual(['2026-11-24T10:03:30.000Z']);
  });
});
