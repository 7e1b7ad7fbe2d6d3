// `metis-alerts route --signals FILE [--now ISO] [--config FILE] [--json]`: the router's decisions in
// dry-run from the same core code, over a time-ordered list of signals (dedup and resolve apply across it).
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store.ts';
import { DryRunSinks, type DryRunPayload } from '../../lambdas/adapters/dry-run-sinks.ts';
import type { Config } from '../../lambdas/core/config.ts';
import { routeSignals } from '../../lambdas/core/dispatch.ts';
import type { Delivery } from '../../lambdas/core/incident.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { toDelivery } from '../../lambdas/core/routing-policy.ts';
import { describeIssue, signalSchema } from '../../lambdas/core/signal-schema.ts';
import type { Signal } from '../../lambdas/core/signal.ts';
import { UsageError } from '../errors.ts';

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
      throw new UsageError(`${origin}: not JSON, a JSON array or JSON Lines (${(error as Error).message})`);
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

export async function routeDryRun(signals: Signal[], config: Config, now?: Date): Promise<RouteResult> {
  // Stable sort by time: the file's order breaks ties.
  const ordered = signals
    .map((signal, index) => ({ signal, index }))
    .sort((a, b) => Date.parse(a.signal.observedAt) - Date.parse(b.signal.observedAt) || a.index - b.index)
    .map((entry) => entry.signal);
  const sinks = new DryRunSinks();
  const result = await routeSignals(ordered, {
    store: new MemoryIncidentStore(),
    pagerduty: sinks,
    publisher: sinks,
    settings: routerSettingsOf(config),
    now: (signal) => now ?? new Date(signal.observedAt),
  });
  return { deliveries: result.attempted.map(toDelivery), payloads: sinks.payloads };
}

export function formatDeliveries(deliveries: Delivery[]): string {
  if (deliveries.length === 0) return 'no deliveries\n';
  return deliveries.map((d) => `${d.severity}  ${d.sink.padEnd(9)} ${d.action.padEnd(9)} ${d.dedupKey}`).join('\n') + '\n';
}
