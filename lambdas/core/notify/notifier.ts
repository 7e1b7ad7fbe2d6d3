// A Notifier is one sink (Alertmanager's notify/ shape): it renders a delivery for its vendor and hands
// it to its transport. dispatch.ts claims, retries and records deliveries the same way for every sink and
// only looks a notifier up by the delivery's sink name, so a new sink is a new folder plus a registry line.
import type { DeliveryRecord, Incident, Sink } from '../incident.ts';
import type { SendOutcome } from './ports.ts';
import type { Severity } from '../signal.ts';
import type { SignalTargets } from '../target-label.ts';

/** What renderers read of the router settings (the router passes all of them). */
export interface RenderSettings {
  /** The stack's name, shown as the source of an alert. */
  name: string;
  runbookBaseUrl: string;
  /** The comms cadence: a status-page draft promises its next update this many minutes on (default 30). */
  routing?: { reminderMinutes: number };
  /** Which health target each source's traffic is: the status page's components follow it. */
  signalTargets?: SignalTargets;
}

export interface NotifyContext {
  settings: RenderSettings;
  now: Date;
  /**
   * Storm control's count of every request: an HTTP transport calls it before each retry of the same
   * delivery; false means the sink's budget for this minute is spent, so it stops and the delivery stays owed.
   */
  retryBudget?: RetryBudget;
}

export type RetryBudget = () => Promise<boolean>;

/** A post that belongs to no incident's delivery plan: a silence ended, a storm summary. */
export interface Notice {
  /** Groups the notice with others in one chat thread (e.g. "storm:2026-11-24T10:00"). */
  threadId: string;
  severity: Severity;
  /** Message attributes for subscription filters, e.g. rule "silence" or "storm". */
  rule: string;
  /** `digest`: the SEV4 daily digest (its own subscription-filter value). */
  status: 'firing' | 'resolved' | 'digest';
  title: string;
  /** Readable lines (already redacted by the caller or by the renderer). */
  lines: string[];
  /** Headline for e-mail and SNS Subject. */
  subject: string;
  /** Marks every payload as a test (`metis-alerts test-page`). */
  test?: boolean;
  /** Set on a storm notice: what it stands for, for sinks that show fields (PagerDuty details, webhook labels). */
  storm?: StormFacts;
}

/** The grouped storm notice's facts: one notice per sink and minute, never held by the budget it reports. */
export interface StormFacts {
  /** `metis-storm:<sink>:<minute>`: the notice's dedup key / alias / entity id, stable per sink and minute. */
  key: string;
  sink: Sink;
  /** Start of the minute whose budget was spent (ISO). */
  minute: string;
  /** Incidents held for this sink and minute so far, across parallel invocations. */
  held: number;
  budget: number;
  /** The most severe, then oldest, held incidents (at most TOP_HELD). */
  top: { severity: Severity; dedupKey: string; rule: string; subject: string; openedAt: string }[];
}

export interface Notifier {
  /** Sends one planned delivery; never throws: a failure is an outcome the dispatcher records. */
  deliver(incident: Incident, delivery: DeliveryRecord, context: NotifyContext): Promise<SendOutcome>;
  /** Posts a notice (grouped storm notification, silence end); every sink that can show free text implements it. */
  announce?(notice: Notice, context: NotifyContext): Promise<SendOutcome>;
  /**
   * An HTTP paging provider that fails for good (wrong key, rejected event) raises a pipeline-health incident
   * on the other sinks instead of being retried; an SNS topic that is missing keeps being retried.
   */
  readonly raisesPipelineHealth: boolean;
}

export type Notifiers = Partial<Record<Sink, Notifier>>;
