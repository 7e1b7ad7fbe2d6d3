// Probe part of `npm run demo` (plugged in by scripts/demo.ts): two real HTTP servers on 127.0.0.1, one
// healthy (`gateway`, 200) and one failing (`server`, 503), probed by the probe Lambda's own handler (its
// HttpProber, the round report rule of lambdas/core/probe/healthz-report.ts, an in-memory state item) twice
// 30 s apart (demo time), then every 30 s after the server recovers. Each round's evaluation report is what
// the router gets: the first failure SEV2, the second in a row SEV1 (same dedup key
// `healthz_down:server`, so an upgrade); the 4th ok round in a row lists the server under `healthy` (that resolves).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProber } from '../lambdas/adapters/http-prober.ts';
import { MemoryProbeState } from '../lambdas/adapters/memory-probe-state.ts';
import { parseConfig } from '../lambdas/core/config.ts';
import { diagnose } from '../lambdas/core/probe/diagnosis.ts';
import type { ProbeOutcome } from '../lambdas/core/probe/result.ts';
import type { EvaluationReport, Signal } from '../lambdas/core/signal.ts';
import { makeProbeHandler } from '../lambdas/functions/probe/handler.ts';

export interface ProbeDemoStep {
  at: Date;
  title: string;
  /** The report's firing signals (what the router gets besides the `healthy` evidence). */
  signals: Signal[];
  /** The round's evaluation report, as the probe Lambda puts it on the bus. */
  report: EvaluationReport;
}

export interface ProbeDemoOptions {
  /** Demo time of the first round. @default Tuesday 2026-11-24 11:00 UTC (business hours) */
  start?: Date;
}

export async function probeDemoSteps(options: ProbeDemoOptions = {}): Promise<ProbeDemoStep[]> {
  const start = options.start ?? new Date('2026-11-24T11:00:00Z');
  let serverStatus = 503;
  const gateway = await listen(
    createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')),
  );
  const server = await listen(
    createServer((_req, res) =>
      res
        .writeHead(serverStatus, { 'content-type': 'application/json' })
        .end(serverStatus === 200 ? '{"status":"ok"}' : '{"status":"unavailable"}'),
    ),
  );
  try {
    let now = start;
    const prober = new HttpProber({ clock: () => now });
    const config = parseConfig({
      healthTargets: [
        { name: 'gateway', url: `http://127.0.0.1:${port(gateway)}/healthz`, timeoutMs: 2000 },
        { name: 'server', url: `http://127.0.0.1:${port(server)}/health`, timeoutMs: 2000 },
      ],
    });
    const silent = () => {};
    // One round per invocation, as with the second-round queue; the state item carries round to round.
    const round = makeProbeHandler({
      targets: config.healthTargets,
      probe: (call) => prober.probe(call),
      headers: async () => ({}),
      sleep: async () => {},
      clock: () => now,
      // The handler returns each report it publishes; the demo routes those.
      publisher: { publish: async () => {} },
      state: new MemoryProbeState(),
      rules: config.rules,
      logger: { info: silent, warn: silent, error: silent },
      rounds: 1,
    });
    const steps: ProbeDemoStep[] = [];

    const step = async (at: Date, label: string): Promise<void> => {
      now = at;
      const { rounds, reports } = await round();
      const report = reports[0]!;
      const probes = rounds[0] ?? [];
      steps.push({
        at,
        title: `${label}: ${probes.map(({ target, outcome }) => `${target} ${describe(outcome)}`).join('; ')}`,
        signals: report.signals,
        report,
      });
    };

    await step(start, 'probe round 1');
    await step(new Date(start.getTime() + 30_000), 'probe round 2 (30 s later)');
    serverStatus = 200;
    // Probe incidents resolve on sustained health: the 4th ok round in a row (rules.healthz_down.resolveAfterOkRounds).
    const okRounds = config.rules.healthz_down.resolveAfterOkRounds;
    for (let ok = 1; ok <= okRounds; ok++) {
      const label = ok < okRounds ? `stays open` : 'resolves';
      await step(
        new Date(start.getTime() + 5 * 60_000 + (ok - 1) * 30_000),
        `probe after the server recovered (ok round ${ok} of ${okRounds}: ${label})`,
      );
    }
    return steps;
  } finally {
    await Promise.all([close(gateway), close(server)]);
  }
}

function describe(outcome: ProbeOutcome): string {
  if (outcome.ok) return `ok (HTTP ${outcome.status})`;
  return `FAILED ${outcome.failure}${outcome.status !== null ? ` ${outcome.status}` : ''} -> ${diagnose(outcome).kind.replace(/_/g, ' ')}`;
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
