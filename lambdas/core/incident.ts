// The router's record of one alert episode, keyed by dedupKey. Stored in DynamoDB in the cloud and
// in memory in the CLI; every transition is computed by pure functions over this shape.
import type { Sink } from './notify/sink-names.ts';
import type { Severity, Signal, SignalSource } from './signal.ts';

export type { Sink };

/** The sinks every deployment has when PagerDuty is configured (the order deliveries are planned in). */
export const SINKS = ['pagerduty', 'page', 'chatops'] as const;

/**
 * trigger/resolve on every sink; remind/escalate/suppressed/target-missed are chatops posts;
 * acknowledged (a chatops post and, with autoPublish, a status-page update) and unacknowledged (a chatops
 * post) tell the incident's thread what a person did, at the moment they did it.
 */
export type DeliveryAction =
  | 'trigger'
  | 'resolve'
  | 'remind'
  | 'escalate'
  | 'suppressed'
  | 'target-missed'
  | 'acknowledged'
  | 'unacknowledged';

/** Where a person acknowledged or resolved an incident. */
export type HumanVia = 'pagerduty' | 'opsgenie' | 'splunk-oncall' | 'link' | 'cli';

/** The runbook's three clocks per severity (routing.targets). */
export type TargetKind = 'ack' | 'mitigate' | 'resolve';

/** `skipped`: held back by storm control and resolved before it was sent (never reached the sink). */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface Delivery {
  sink: Sink;
  action: DeliveryAction;
  severity: Severity;
  dedupKey: string;
}

/** A delivery as recorded on the incident, so a retried invocation sends only what is still pending. */
export interface DeliveryRecord extends Delivery {
  /** Unique within the incident: episode, sink, action and severity. */
  id: string;
  status: DeliveryStatus;
  attempts: number;
  plannedAt: string;
  sentAt?: string;
  lastAttemptAt?: string;
  /** Why the last attempt failed (already redacted). */
  error?: string;
  failureKind?: 'rejected' | 'config' | 'transient';
  /** Set on a failure that a later invocation may retry. */
  retryable?: boolean;
  /** A sender holds the delivery until then; another invocation takes it over only after. */
  claimedUntil?: string;
  /** Storm control held it back (the sink's per-minute budget was spent) since then; sent when budget frees up. */
  heldAt?: string;
  /** A `target-missed` post: which target it reports. */
  target?: TargetKind;
  /** An `acknowledged` / `unacknowledged` delivery: who acted, where and when (the incident's ack may change before it is sent). */
  human?: { at: string; by: string; via: HumanVia };
}

export interface TimelineEntry {
  at: string;
  event: string;
}

/** One CloudWatch alarm of an incident that groups several (see alarm-group.ts). */
export interface AlarmMember {
  severity: Severity;
  firing: boolean;
  at: string;
}

export interface Incident {
  dedupKey: string;
  /** Increments each time the key fires again after a resolve: a new PagerDuty alert, new delivery ids. */
  episode: number;
  source: SignalSource;
  rule: string;
  subject: string;
  severity: Severity;
  status: 'open' | 'resolved';
  openedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  /** The time of the report that resolved it (at most resolvedAt): firing signals observed before it are stale. */
  resolvedAsOf?: string;
  lastSignal: Signal;
  /** When a SEV2 opened out of hours is due to escalate to PagerDuty + page. */
  escalateAt?: string;
  /** Last chatops post, for the 30-minute status reminder. */
  lastPostAt?: string;
  /** The Atlassian Statuspage incident the `statuspage` sink created for the current episode. */
  statuspageIncidentId?: string;
  deliveries: DeliveryRecord[];
  timeline: TimelineEntry[];
  /** Silence or maintenance window that kept it from notifying (see suppression.ts). */
  silencedBy?: string;
  /** Open incident whose inhibition turned its pages into chatops "suppressed" posts. */
  suppressedBy?: string;
  /** The inhibitor's chat thread while suppressed (its dedup key and episode): symptoms post there. */
  suppressedThread?: string;
  /** Set at a reminder when the subject has had no data (neither firing nor healthy) since then (evidence.ts). */
  noDataSince?: string;
  /** A latched rule's detector found it healthy again (a new period) at this time; it stays open (latch.ts). */
  latchedAt?: string;
  /** Incidents this one inhibits (their pages became chatops "suppressed" posts), by dedupKey. */
  inhibits?: string[];
  /** Member alarms by name, when the incident comes from CloudWatch alarms. */
  alarms?: Record<string, AlarmMember>;
  /** Who acknowledged this episode, when and where. */
  ack?: { at: string; by: string; via: HumanVia; note?: string };
  /** This episode's target instants (ISO), computed at open and at an upgrade (targets.ts). */
  targets?: { ackBy?: string; mitigateBy?: string; resolveBy?: string };
  /** When the missed ack target paged the secondary. */
  escalatedAt?: string;
  /** Targets that passed unmet, with the time each was found missed (once each). */
  missedTargets?: Partial<Record<TargetKind, string>>;
  /** A person resolved this episode in a provider, through the ack link or the CLI. */
  humanResolved?: { at: string; by: string; via: HumanVia };
  /** After a human resolve: the first firing signal since, while the reopen wait runs (human-resolve.ts). */
  firingSinceHumanResolve?: string;
  /** After a human resolve: the detector's latest healthy verdict on it since (human-resolve.ts). */
  healthySinceHumanResolve?: string;
  /**
   * After a human resolve of a still-firing incident: when the reopen check runs (humanResolved.at +
   * routing.reopenAfterMinutes). A one-time schedule wakes the sweeper then; gone once the check decided.
   */
  reopenCheckAt?: string;
  /** Why this episode opened again (a human resolve while the detector still fired): its posts say so. */
  reopenedBecause?: string;
  /** Optimistic-locking counter: every write is conditional on the version read. */
  version: number;
  /** DynamoDB TTL (epoch seconds), set once resolved. */
  expiresAt?: number;
}
