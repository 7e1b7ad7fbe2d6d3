// The intake's memory of what it has already handled: a provider event id, a webhook delivery id, an ack
// link's id. Implemented in the incident table (adapters/dynamodb-seen-ids.ts).

export interface SeenIds {
  /** Records `id` unless already recorded: true for the one caller that may act on it. `expiresAt`: epoch seconds. */
  claim(id: string, expiresAt: number): Promise<boolean>;
  /** Forgets a claim whose action could not be written, so the provider's retry is not refused as a replay. */
  release(id: string): Promise<void>;
}

/** Signs the ack link a page carries (adapters/ssm-ack-links.ts); undefined when it cannot (the page goes out without). */
export interface AckLinks {
  linkFor(dedupKey: string, episode: number, now: Date): Promise<string | undefined>;
}

/** One alert of a PagerDuty incident, as `GET /incidents/{id}/alerts` lists it: `alert_key` is our dedup key. */
export interface PagerDutyAlert {
  alertKey: string;
  /** `triggered` or `resolved` (PagerDuty may add statuses). */
  status: string;
}

export type IncidentAlertsAnswer =
  /** `complete` is false when the lookup stopped at its bound with more pages left. */
  | { kind: 'alerts'; alerts: PagerDutyAlert[]; complete: boolean }
  /** 5xx, 429, a timeout, a network error, SSM failing: PagerDuty should retry the webhook. */
  | { kind: 'retry'; reason: string }
  /** 401/403 (a bad or under-scoped key), 404, 400, no key stored, an unreadable answer: retrying will not help. */
  | { kind: 'refused'; reason: string };

/** Lists a PagerDuty incident's alerts through the REST API (adapters/pagerduty-incident-alerts.ts). */
export interface PagerDutyIncidentAlerts {
  alertsOf(incidentId: string): Promise<IncidentAlertsAnswer>;
}
