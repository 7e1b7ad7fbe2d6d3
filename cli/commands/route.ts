// `metis-alerts route --signals FILE [--now ISO] [--config FILE] [--json]`: the router's decisions in
// dry-run from the same core code, over a time-ordered list of signals (dedup and resolve apply across it).
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store.ts';
import { DryRunSinks, type DryRunPayload } from '../../lambdas/adapters/dry-run-sinks.ts';
import type { Config } from '../../lambdas/core/config.ts';
import { routeSignals, sweepIncidents } from '../../lambdas/core/dispatch.ts';
import { sweepOptionsOf } from '../../lambdas/core/sweep-policy.ts';
import type { Delivery } from '../../lambdas/core/incident.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { toDelivery } from '../../lambdas/core/routing-policy.ts';
import { describeIssue, signalSchema } from '../../lambdas/core/signal-schema.ts';
import type { Signal } from '../../lambdas/core/signal.ts';
import { UsageError } from '../errors.ts';
import { errorMessage } from '../../lambdas/core/errors.ts';

export interface RouteResult {
  deliveries: Delivery[];
  payloads: DryRunPayload[];
}

/** Accepts a JSON array of signals, `{ "signals": [...] }` (a report or `check` output), or JSON Lines. */
export function parseSignalFile(text: string, origin: string): Signal[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const lines = text.split('\n').filter((line) => line.trim());
    try {
      raw = lines.map((line) => JSON.parse(line));
    } catch (error) {
      throw new UsageError(`${origin}: not JSON, a JSON array or JSON Lines (${errorMessage(error)})`);
    }
  }
  const list = Array.isArray(raw) ? raw : (raw as { signals?: unknown })?.signals;
  if (!Array.isArray(list)) throw new UsageError(`${origin}: expected an array of signals or an object with a "signals" array`);
  return list.map((candidate, index) => {
    const parsed = signalSchema.safeParse(candidate);
    if (!parsed.success) throw new UsageError(`${origin}: ${describeIssue(parsed.error, `signals.${index}`)}`);
    return parsed.data as Signal;
  });
}

export interface RouteOptions {
  /** Route every signal at this time instead of its own (no sweeps then). */
  now?: Date;
  /** Simulated sweeper period between the signals' times; 0 turns the sweeps off. Default 5. */
  sweepMinutes?: number;
}

/**
 * Replays the signals in time order through the router core, with the sweeper's ticks in between (on
 * the 5-minute grid of its schedule), so a file of signals replays a whole incident: escalation,
 * reminders, inhibition release, resolve. A backtest of the deployed behaviour, in dry-run.
 */
export async function routeDryRun(signals: Signal[], config: Config, options: RouteOptions = {}): Promise<RouteResult> {
  // Stable sort by time: the file's order breaks ties.
  const ordered = signals
    .map((signal, index) => ({ signal, index }))
    .sort((a, b) => Date.parse(a.signal.observedAt) - Date.parse(b.signal.observedAt) || a.index - b.index)
    .map((entry) => entry.signal);
  const sinks = new DryRunSinks();
  const settings = routerSettingsOf(config);
  const store = new MemoryIncidentStore();
  const deps = { store, pagerduty: sinks, publisher: sinks, settings };
  const sweepMs = (options.now ? 0 : (options.sweepMinutes ?? 5)) * 60_000;
  const deliveries: Delivery[] = [];
  let nextTick: number | undefined;
  for (const signal of ordered) {
    const at = options.now ?? new Date(signal.observedAt);
    if (sweepMs > 0) {
      // The deployed sweeper runs on the 5-minute grid; a tick at the signal's own time runs first.
      nextTick ??= Math.floor(at.getTime() / sweepMs) * sweepMs + sweepMs;
      for (; nextTick <= at.getTime(); nextTick += sweepMs) {
        const when = new Date(nextTick);
        const swept = await sweepIncidents(when, sweepOptionsOf(config), { ...deps, now: () => when });
        deliveries.push(...swept.attempted.map(toDelivery));
      }
    }
    const routed = await routeSignals([signal], { ...deps, now: () => at });
    deliveries.push(...routed.attempted.map(toDelivery));
  }
  return { deliveries, payloads: sinks.payloads };
}

export function formatDeliveries(deliveries: Delivery[]): string {
  if (deliveries.length === 0) return 'no deliveries\n';
  return deliveries.map((d) => `${d.severity}  ${d.sink.padEnd(9)} ${d.action.padEnd(9)} ${d.dedupKey}`).join('\n') + '\n';
}
