// Storm control: at most N requests a minute per sink (PagerDuty 120 per integration, page 10, chatops 30,
// configurable), counting every request: first attempts, the transport's retries, resolves. Triggers and
// posts may take the budget minus a tenth (at least one: headroom for resolves and retries) minus two;
// resolves and retries all but the last two; a pipeline-health delivery all but the last; the last request
// is the grouped notice's (PagerDuty 120: 106 / 118 / 119 / 120). Beyond its share a delivery is held (left pending with `heldAt`), one grouped notice per
// sink and minute says how many incidents are held and lists the top ones, and held deliveries go out as
// later invocations and sweeps find budget, most severe first (held triggers are skipped quietly if their
// incident resolved meanwhile; a held resolve stays owed until sent). Nothing is dropped.
import type { DeliveryRecord, Incident, Sink } from '../incident.ts';
import type { RouterSettings } from '../router-settings.ts';
import { severityRank } from '../signal.ts';
import type { Notice } from './notifier.ts';
import { stormBudgetOf } from './sink-catalog.ts';

/** Shared per-minute counters (DynamoDB in Lambda, memory in the CLI), so parallel invocations add up. */
export interface StormLedger {
  /** Takes one request from `sink`'s budget for `minute` (epoch minute); false once `limit` is spent. */
  take(sink: Sink, minute: number, limit: number): Promise<boolean>;
  /** Adds `n` held incidents for `sink` and `minute`; returns the count so far. */
  hold(sink: Sink, minute: number, n: number): Promise<number>;
  /** True for the one caller that may post `sink`'s grouped notice for `minute`. */
  claimNotice(sink: Sink, minute: number): Promise<boolean>;
}

/**
 * How a request competes for a sink's minute: `post` (triggers, reminders, escalations, suppressed posts)
 * first runs out; `owed` (resolves and every retry) has headroom beyond it; `health` (pipeline health,
 * the message that says deliveries fail) is never held.
 */
export type RequestKind = 'post' | 'owed' | 'health';

const PIPELINE_RULE = 'pipeline_health';

export function requestKind(delivery: Pick<DeliveryRecord, 'action'>, rule: string): RequestKind {
  if (rule === PIPELINE_RULE) return 'health';
  return delivery.action === 'resolve' ? 'owed' : 'post';
}

/** What requests of `kind` may take of a sink's per-minute `budget` in total; the last request is the notice's. */
export function requestLimit(kind: RequestKind, budget: number): number {
  const post = Math.max(1, budget - 2 - Math.max(1, Math.floor(budget / 10)));
  const owed = Math.max(post, budget - 2);
  if (kind === 'post') return post;
  return kind === 'owed' ? owed : Math.max(owed, budget - 1);
}

export function epochMinute(now: Date): number {
  return Math.floor(now.getTime() / 60_000);
}

export function budgetFor(sink: Sink, settings: RouterSettings): number {
  return stormBudgetOf(sink, settings.routing.storm);
}

export interface HeldIncident {
  incident: Pick<Incident, 'dedupKey' | 'severity' | 'rule' | 'subject' | 'openedAt'>;
  delivery: DeliveryRecord;
}

/** The grouped notice's key on every sink (dedup key, alias, entity id): one per sink and minute, so a retry merges. */
export function stormKey(sink: Sink, now: Date): string {
  return `metis-storm:${sink}:${new Date(epochMinute(now) * 60_000).toISOString().slice(0, 16)}Z`;
}

/** How many of the held incidents a notice names. */
export const TOP_HELD = 5;

/** The grouped notice of one sink: the count it stands for, the top incidents by severity then age. */
export function stormNotice(sink: Sink, held: HeldIncident[], totalHeld: number, budget: number, now: Date): Notice {
  const top = [...held]
    .sort(
      (a, b) =>
        severityRank(a.incident.severity) - severityRank(b.incident.severity) ||
        Date.parse(a.incident.openedAt) - Date.parse(b.incident.openedAt),
    )
    .slice(0, TOP_HELD);
  const worst = top[0]?.incident.severity ?? 'SEV3';
  const minuteStart = new Date(epochMinute(now) * 60_000).toISOString();
  const minute = minuteStart.slice(11, 16);
  return {
    threadId: `storm:${sink}:${minuteStart}`,
    severity: worst,
    rule: 'notification_storm',
    status: 'firing',
    title: `Storm: ${totalHeld} more incidents held on ${sink} (budget ${budget}/min)`,
    subject: `[${worst}] STORM ${totalHeld} incidents held on ${sink}`,
    lines: [
      `More than ${budget} notifications a minute for ${sink} since ${minute} UTC: ${totalHeld} incidents are held back, not dropped.`,
      'They are sent as the budget frees up (the sweeper runs every 5 min), most severe first; those that resolve meanwhile resolve quietly.',
      `Top held: ${top.map((h) => `${h.incident.severity} ${h.incident.dedupKey}`).join(', ')}${totalHeld > top.length ? ` and ${totalHeld - top.length} more` : ''}.`,
      'Every incident is in the incident table: `metis-alerts incidents --open`.',
    ],
    storm: {
      key: stormKey(sink, now),
      sink,
      minute: minuteStart,
      held: totalHeld,
      budget,
      top: top.map(({ incident: i }) => ({
        severity: i.severity,
        dedupKey: i.dedupKey,
        rule: i.rule,
        subject: i.subject,
        openedAt: i.openedAt,
      })),
    },
  };
}
