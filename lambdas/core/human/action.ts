// What a person did to an incident, whatever door it came through (a paging provider's webhook, an ack
// link from a page, the CLI): every verifier and parser ends in one HumanAction, applied by apply.ts.

/** Where an acknowledgement or a resolve came from (the incident's `ack.via` / `humanResolved.via`). */
export type HumanVia = 'pagerduty' | 'opsgenie' | 'splunk-oncall' | 'link' | 'cli';

export type HumanActionKind = 'ack' | 'unack' | 'resolve' | 'reassign';

export interface HumanAction {
  kind: HumanActionKind;
  /** Our incident's dedup key (PagerDuty incident_key, Opsgenie alias, Splunk On-Call entity_id). */
  dedupKey: string;
  /** Only for ack links: the episode the page was about (an old link never acks a newer episode). */
  episode?: number;
  /** When the person acted (ISO-8601 UTC). */
  at: string;
  /** Who, as the provider names them (already one line, redacted). */
  by: string;
  via: HumanVia;
  note?: string;
  /** A reassignment that left the incident unacknowledged (the new assignee has not answered yet). */
  clearsAck?: boolean;
  /** The provider's id of this event: a replay of the same id is refused. */
  eventId: string;
}

/** How the timeline and the post-mortem name each door. */
export const VIA_LABEL: Record<HumanVia, string> = {
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  'splunk-oncall': 'Splunk On-Call',
  link: 'ack link',
  cli: 'CLI',
};

/** An action whose incident is not named yet: a PagerDuty incident grouped from several alerts. */
export type UnkeyedAction = Omit<HumanAction, 'dedupKey'>;

/** What a provider request amounts to once verified and parsed. */
export type WebhookReading =
  | { kind: 'action'; action: HumanAction }
  /**
   * A PagerDuty incident grouped from several alerts carries no incident_key: its alerts' keys (our dedup
   * keys) come from PagerDuty's REST API, `GET /incidents/{incidentId}/alerts` (pagerduty-grouped.ts).
   */
  | { kind: 'grouped'; incidentId: string; action: UnkeyedAction }
  /** Authentic, but nothing for us (another event type, an incident without our key): answered 2xx. */
  | { kind: 'ignored'; reason: string; eventId?: string }
  /** Authentic but unreadable: 400. */
  | { kind: 'malformed'; reason: string };
