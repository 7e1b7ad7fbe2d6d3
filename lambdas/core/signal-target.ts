// The `target` label of a signal: which health target's traffic it is about. Inhibition rules compare it
// (Alertmanager's `equal`), so an outage of one target holds back only the symptoms from that target's
// traffic: the agent server's /health being down says nothing about the gateway's providers.
//   healthz_down and tls_expiry (from the probe or a tagged CloudWatch alarm): their subject, the target;
//   an inbound shape: the health target that gates it; gateway_down: its target (the trace DB's when derived);
//   trace-db: `snapshot.target`, default the gateway's target (see trafficTargetDefault);
//   logs: the log group's `target`, default the gateway's target; anything else: none.
import type { Config } from './config.ts';
import type { SignalTargets } from './target-label.ts';

/**
 * The target the trace DB and the log groups belong to unless config says otherwise: one named like the
 * gateway, else the first; with no health target configured (healthz alarms of your own), `gateway`.
 */
export function trafficTargetDefault(healthTargets: readonly { name: string }[]): string {
  return (healthTargets.find((t) => /gateway/i.test(t.name)) ?? healthTargets[0])?.name ?? 'gateway';
}

export function signalTargetsOf(config: Pick<Config, 'healthTargets' | 'snapshot' | 'logGroups'>): SignalTargets {
  const fallback = trafficTargetDefault(config.healthTargets);
  const logGroups: Record<string, string> = {};
  for (const group of config.logGroups) logGroups[group.name] = group.target ?? fallback;
  return { traceDb: config.snapshot?.target ?? fallback, logGroups, logs: fallback };
}
