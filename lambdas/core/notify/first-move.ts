// The runbook's first move per rule, so every page says what to do before anyone opens a laptop. The one
// wording: detectors that quote a first move in their summary (trace-db/context.ts) take it from here.
// A detector that knows better (the probe's failure class) puts its own `details.firstMove`.
import type { Signal } from '../signal.ts';

export const FIRST_MOVE: Record<string, string> = {
  provider_unavailable: 'Flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider (pinned keys keep failing until flipped)',
  model_error_rate: 'Check the provider status page; flip METIS_GATEWAY_GLOBAL_DEFAULT if the provider is down',
  key_spend_spike: 'Confirm in /analytics/by_key before revoking (it may be a legitimate CI burst; false revocations cost trust)',
  db_integrity:
    'Scale the gateway to zero (kubectl scale deploy/metis-gateway --replicas=0) before any restore; restoring under an active writer is unsafe',
  key_over_cap: 'Scope the key (24 h rows in the alert), revoke and re-issue it with its daily cap; find why the breaker let it through',
  disk_usage: 'Scale the gateway to zero before any restore; free disk first',
  healthz_down: 'Check the failure class: 5xx = app logs, timeout = ingress/network',
  tls_expiry: 'Renew the certificate before it expires',
  vantage_unreachable:
    'The gateway answers from the other regions: check the network path from the region in the alert (egress, DNS, firewall, WAF or geo rules); do not restart the gateway',
  snapshot_stale: 'Check the snapshot shipper on the gateway host',
  bill_threshold: 'Check spend per key in /analytics/by_key; revoke or cap the offender',
  cost_projection: 'Check spend per key in /analytics/by_key',
  quota_alert: 'Check which key hit its quota in /analytics/by_key',
  quota_exceeded_sustained: 'Check which key hit its quota in /analytics/by_key',
  key_revoked_in_use: 'Find the client still using the revoked key',
  latency_p95: 'Compare provider latency; flip METIS_GATEWAY_GLOBAL_DEFAULT if one provider is slow',
  traceback: 'Read the traceback in the gateway logs',
  trace_db_log_error: 'df -h on the PVC mount and PRAGMA integrity_check on metis.db; scale the gateway to zero before any restore',
  pipeline_health: 'Check the sink named in the alert: its SSM parameter and integration',
  // Beyond the runbook.
  key_cap_projection: "Ask the key's owner whether the burst is expected; raise its cap or slow the client before the breaker refuses it",
  fallback_surge:
    "Check the first choice's provider; flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider rather than pay fallback pricing",
  requests_hanging: "Check the model's provider status; flip METIS_GATEWAY_GLOBAL_DEFAULT if it hangs for everyone",
  model_deprecation: "Tell the top keys' owners to move to the successor model before the retirement date",
  key_without_cap: 'Re-issue the key with --daily-cap-usd (and --allow-model), then revoke the old one',
};

export function firstMove(signal: Pick<Signal, 'rule' | 'details'>): string {
  const own = signal.details.firstMove;
  if (typeof own === 'string' && own.trim()) return own.trim();
  // Own keys only: a rule named like an Object.prototype member ("toString") must not pick up a function.
  return Object.hasOwn(FIRST_MOVE, signal.rule) ? FIRST_MOVE[signal.rule]! : 'Open the runbook section linked below';
}
