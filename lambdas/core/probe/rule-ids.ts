// Rule ids and the blind-monitoring subject of the health probes' evaluation reports (docs/runbook-mapping.md).
export const HEALTHZ_RULE = 'healthz_down';
export const TLS_RULE = 'tls_expiry';
/** Fired when a target could not be probed (header parameter unreadable, prober bug): the probe is blind to it. */
export const HEARTBEAT_RULE = 'monitoring_blind';
export const HEARTBEAT_SUBJECT = 'probe';
/** The runbook's "two consecutive failures in 60 s": the previous failed round must be at most this old. */
export const CONSECUTIVE_WINDOW_MS = 60_000;
/** A vantage that fails alone while the others reach the target: that region's path, never a page (vote.ts). */
export const VANTAGE_RULE = 'vantage_unreachable';
