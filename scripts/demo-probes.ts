// Probe part of `npm run demo` (plugged in by scripts/demo.ts): two real HTTP servers on 127.0.0.1, one
// healthy (`gateway`, 200) and one failing (`server`, 503), probed with the Lambda's own HttpProber twice
// 30 s apart (demo time), then once more after the server recovers. Each result becomes what the target's
// CloudWatch alarms would send the router: the first failure the SEV2 alarm, the second in a row the SEV1
// alarm (same dedup key `healthz_down:server`, so an upgrade), the recovery both alarms back to OK.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProber } from '../lambdas/adapters/http-prober.ts';
import { healthzAlarmTransitions } from '../lambdas/core/probe/alarms.ts';
import { diagnose } from '../lambdas/core/probe/diagnosis.ts';
import type { ProbeOutcome } from '../lambdas/core/probe/result.ts';
import type { Signal } from '../lambdas/core/signal.ts';

export interface ProbeDemoStep {
  at: Date;
  title: string;
  signals: Signal[];
}

export interface ProbeDemoOptions {
  /** Demo time of the first round. @default Tuesday 2026-11-24 11:00 UTC (business hours) */
  start?: Date;
  /** Alarm name prefix (config `name`). @default 'MetisAlerts' */
  prefix?: string;
}

export async function probeDemoSteps(options: ProbeDemoOptions = {}): Promise<ProbeDemoStep[]> {
  const start = options.start ?? new Date('2026-11-24T11:00:00Z');
  const prefix = options.prefix ?? 'MetisAlerts';
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
    const prober = new HttpProber({ clock: () => start });
    const targets = [
      { name: 'gateway', url: `http://127.0.0.1:${port(gateway)}/healthz` },
      { name: 'server', url: `http://127.0.0.1:${port(server)}/health` },
    ];
    const failures = new Map<string, number>(targets.map((t) => [t.name, 0]));
    const steps: ProbeDemoStep[] = [];

    const round = async (at: Date, label: string): Promise<void> => {
      const results = await Promise.all(
        targets.map(async (t) => ({ target: t.name, outcome: await prober.probe({ url: t.url, timeoutMs: 2000 }) })),
      );
      const signals: Signal[] = [];
      for (const { target, outcome } of results) {
        const previousFailures = failures.get(target)!;
        signals.push(...healthzAlarmTransitions({ prefix, target, outcome, previousFailures, at }));
        failures.set(target, outcome.ok ? 0 : previousFailures + 1);
      }
      steps.push({ at, title: `${label}: ${results.map(({ target, outcome }) => `${target} ${describe(outcome)}`).join('; ')}`, signals });
    };

    await round(start, 'probe round 1');
    await round(new Date(start.getTime() + 30_000), 'probe round 2 (30 s later)');
    serverStatus = 200;
    await round(new Date(start.getTime() + 5 * 60_000), 'probe after the server recovered');
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
