// What each rule means to the gateway's users, in the words a status page uses: a short title and what
// users see, now and afterwards. Only these fixed sentences reach a status-page draft, never the signal's
// subject, summary or details (they hold hostnames, key ids, SQL, traces), so nothing internal can leak.
// A rule whose firing users cannot see (the monitoring's own health, a bill) is `internal`: no draft is
// invented for it. A rule about a security matter is drafted but never published automatically: whether
// and how to disclose it is a person's decision.

export type ComponentStatus = 'degraded_performance' | 'partial_outage' | 'major_outage';

export interface PublicWording {
  /** The status-page incident's name. */
  title: string;
  /** What users see while it lasts, as a clause: "requests to the API are failing". */
  now: string;
  /** The same, once over: "requests to the API failed". */
  was: string;
  /** A slowdown, not failures: the component is degraded whatever the severity. */
  slow?: true;
  /** Drafted for a person to post; never sent to a status page automatically. */
  security?: true;
}

export type Wording = PublicWording | { internal: true; why: string };

const OUTAGE: PublicWording = { title: 'API unavailable', now: 'requests to the API are failing', was: 'requests to the API failed' };
const ERRORS: PublicWording = {
  title: 'Elevated API error rates',
  now: 'an elevated share of API requests are failing',
  was: 'an elevated share of API requests failed',
};
const USAGE_DATA: PublicWording = {
  title: 'Delayed usage data',
  now: 'usage and analytics figures may be delayed or incomplete',
  was: 'usage and analytics figures were delayed or incomplete',
};
const monitoring = (why: string): Wording => ({ internal: true, why });

/** Every rule id of rule-ids.ts (a unit test holds the two lists together). */
export const WORDING: Record<string, Wording> = {
  healthz_down: OUTAGE,
  gateway_down: OUTAGE,
  traffic_stopped: {
    title: 'API requests not completing',
    now: 'requests to the API may not be completing',
    was: 'requests to the API were not completing',
  },
  inbound_shape_down: {
    title: 'Errors on some API endpoints',
    now: 'requests to one of the API endpoints are failing',
    was: 'requests to one of the API endpoints failed',
  },
  error_rate_overall: ERRORS,
  traceback: {
    title: 'Errors on some API requests',
    now: 'some API requests are failing with errors',
    was: 'some API requests failed with errors',
  },
  model_error_rate: {
    title: 'Elevated errors for some models',
    now: 'requests to some models are failing at an elevated rate',
    was: 'requests to some models failed at an elevated rate',
  },
  provider_unavailable: {
    title: 'Upstream model provider outage',
    now: 'requests to models of one upstream provider are failing',
    was: 'requests to models of one upstream provider failed',
  },
  fallback_surge: {
    title: 'Requests served by fallback models',
    now: 'some requests are being answered by fallback models instead of the requested one',
    was: 'some requests were answered by fallback models instead of the requested one',
  },
  latency_p95: {
    title: 'Slow API responses',
    now: 'API responses are slower than usual',
    was: 'API responses were slower than usual',
    slow: true,
  },
  requests_hanging: {
    title: 'Slow or stalled API requests',
    now: 'some API requests take much longer than usual or do not complete',
    was: 'some API requests took much longer than usual or did not complete',
    slow: true,
  },
  tls_expiry: {
    title: 'Secure connection errors',
    now: 'connections to the API may fail with certificate errors',
    was: 'connections to the API could fail with certificate errors',
  },
  quota_alert: {
    title: 'Quota errors for some customers',
    now: 'some customers are receiving quota or rate-limit errors',
    was: 'some customers received quota or rate-limit errors',
  },
  quota_exceeded_sustained: {
    title: 'Requests rejected for quota',
    now: 'some requests are being rejected with quota errors',
    was: 'some requests were rejected with quota errors',
  },
  db_integrity: {
    title: 'Usage data and request errors',
    now: 'some API requests may fail and usage figures may be delayed or incomplete',
    was: 'some API requests could fail and usage figures were delayed or incomplete',
  },
  trace_db_log_error: {
    title: 'Errors on some API requests',
    now: 'some API requests may fail while we recover a storage problem',
    was: 'some API requests could fail because of a storage problem',
  },
  disk_usage: {
    title: 'Errors on some API requests',
    now: 'some API requests may fail and usage figures may be delayed',
    was: 'some API requests could fail and usage figures were delayed',
  },
  analytics_drift: USAGE_DATA,
  key_over_cap: {
    title: 'Spending limits not enforced',
    now: 'daily spending limits on some API keys are not being enforced',
    was: 'daily spending limits on some API keys were not enforced',
  },
  key_compromise_suspected: {
    title: 'Unusual API key activity',
    now: 'there is unusual activity on some API keys',
    was: 'there was unusual activity on some API keys',
    security: true,
  },
  prompt_exposure: {
    title: 'Request data in service logs',
    now: 'request content may have been written to our service logs',
    was: 'request content was written to our service logs',
    security: true,
  },
  key_revoked_in_use: {
    title: 'Revoked API keys still in use',
    now: 'clients are still calling the API with revoked keys and are refused',
    was: 'clients called the API with revoked keys and were refused',
  },
  cloudwatch_alarm: {
    title: 'Service degradation',
    now: 'some API requests may be affected',
    was: 'some API requests may have been affected',
  },
  // Nothing a user sees by itself: the monitoring's own health, spending, and hygiene.
  bill_threshold: monitoring('a provider bill threshold: spending, not service'),
  cost_projection: monitoring('a spending projection'),
  key_spend_spike: monitoring('one key spending more than usual'),
  key_cap_projection: monitoring('a key on course for its daily cap'),
  key_without_cap: monitoring('a key issued without a daily cap'),
  model_deprecation: monitoring('a model retiring soon'),
  snapshot_stale: monitoring('the trace-DB snapshot is late (monitoring input)'),
  snapshot_unreadable: monitoring('a snapshot damaged in transit (monitoring input)'),
  trace_db_bad_timestamps: monitoring('bad timestamps in the trace DB'),
  trace_db_schema: monitoring('the trace DB has an unexpected schema (monitoring input)'),
  backup_stale: monitoring('the trace-DB backup is late'),
  log_noise: monitoring('log noise'),
  monitoring_blind: monitoring('the probe could not probe (monitoring health)'),
  source_stale: monitoring('a detector stopped reporting (monitoring health)'),
  vantage_unreachable: monitoring('one probe region lost its path to the gateway; the others still reach it'),
  analytics_unavailable: monitoring('the analytics endpoint the drift check reads'),
  pipeline_health: monitoring('an alert sink failing (monitoring health)'),
};

/** A rule not in the table (a custom alarm's own `metis:rule` tag): a cautious generic wording. */
export function wordingFor(rule: string): Wording {
  return WORDING[rule] ?? (WORDING.cloudwatch_alarm as PublicWording);
}

export function isPublic(wording: Wording): wording is PublicWording {
  return !('internal' in wording);
}
