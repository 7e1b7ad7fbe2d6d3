// Deadlines to the minute: the instants at which time alone changes an incident (an open one's ack,
// mitigation and resolution targets and its next comms reminder; a human-resolved one's reopen check), what
// happens when a target passes unmet, and the port that schedules a one-time wake-up for each (EventBridge
// Scheduler when deployed, ticks in a replay).
import type { Incident, Sink, TargetKind } from './incident.ts';
import { activeSinks, orderSinks } from './notify/sinks.ts';
import type { RouterSettings } from './router-settings.ts';
import { plan, record } from './routing-policy.ts';
import { TARGET_KINDS, TARGET_LABEL, targetField } from './target-kinds.ts';
import { clockTime } from './evidence.ts';
import { isOwed } from './owed.ts';

/** `deliveries`: not a clock but a prompt: a write outside the router (a person's ack) left deliveries owed. */
export type DeadlineKind = TargetKind | 'status-reminder' | 'reopen' | 'deliveries';
export const DEADLINE_KINDS: readonly DeadlineKind[] = [...TARGET_KINDS, 'status-reminder', 'reopen', 'deliveries'];

/** One wake-up: the handler re-reads the incident and acts only if still due (a stale episode does nothing). */
export interface Deadline {
  dedupKey: string;
  episode: number;
  kind: DeadlineKind;
  /** When it is due (ISO); the wake-up runs at the start of the next whole minute. */
  at: string;
}

/** Schedules one-time wake-ups; the implementation owns the transport and makes a repeat a no-op. */
export interface DeadlineScheduler {
  schedule(deadlines: Deadline[]): Promise<void>;
}

const MINUTE = 60_000;

/** The whole minute a deadline's wake-up runs at: never before it is due (a scheduler fires within its minute). */
export function wakeUpAt(deadline: Pick<Deadline, 'at'>): Date {
  return new Date(Math.ceil(Date.parse(deadline.at) / MINUTE) * MINUTE);
}

/** A paused incident (silenced, or held back by an inhibition) pages nobody, so no clock of its runs. */
function paused(incident: Incident): boolean {
  return incident.silencedBy !== undefined || incident.suppressedBy !== undefined;
}

/** The next comms reminder of an open SEV1/SEV2: `reminderMinutes` after the last post. */
export function reminderAt(incident: Pick<Incident, 'lastPostAt' | 'openedAt'>, settings: Pick<RouterSettings, 'routing'>): number {
  return Date.parse(incident.lastPostAt ?? incident.openedAt) + settings.routing.reminderMinutes * MINUTE;
}

/**
 * The deadlines still ahead of an incident: an open one's targets (missed ones and an acknowledged ack are
 * done) and reminder; a resolved one's pending reopen check (reopen-check.ts).
 */
export function deadlinesOf(incident: Incident, settings: Pick<RouterSettings, 'routing'>): Deadline[] {
  const base = { dedupKey: incident.dedupKey, episode: incident.episode };
  if (incident.status === 'resolved' && incident.reopenCheckAt) return [{ ...base, kind: 'reopen', at: incident.reopenCheckAt }];
  if (incident.status !== 'open' || paused(incident)) return [];
  const deadlines: Deadline[] = [];
  for (const kind of TARGET_KINDS) {
    const at = incident.targets?.[targetField(kind)];
    if (!at || incident.missedTargets?.[kind] || (kind === 'ack' && incident.ack)) continue;
    deadlines.push({ ...base, kind, at });
  }
  if (incident.severity === 'SEV1' || incident.severity === 'SEV2')
    deadlines.push({ ...base, kind: 'status-reminder', at: new Date(reminderAt(incident, settings)).toISOString() });
  return deadlines;
}

/**
 * The wake-up that sends what a write outside the router left owed (the ack intake plans posts but sends
 * nothing itself): due now, so the sweeper sends them within the scheduler's minute, not at the next sweep.
 */
export function deliveriesWake(incident: Incident, now: Date): Deadline | undefined {
  const owed = incident.deliveries.some((d) => d.id.startsWith(`${incident.episode}:`) && isOwed(d) && !d.claimedUntil);
  return owed ? { dedupKey: incident.dedupKey, episode: incident.episode, kind: 'deliveries', at: now.toISOString() } : undefined;
}

/** Deadlines `after` has that `before` did not (a write schedules only what it changed). */
export function newDeadlines(before: Incident | undefined, after: Incident, settings: Pick<RouterSettings, 'routing'>): Deadline[] {
  const known = new Set((before ? deadlinesOf(before, settings) : []).map(deadlineName));
  return deadlinesOf(after, settings).filter((d) => !known.has(deadlineName(d)));
}

/** A stable name per incident, episode, kind and minute: scheduling it twice is one schedule. */
export function deadlineName(deadline: Deadline): string {
  return `${deadline.dedupKey}#${deadline.episode}#${deadline.kind}#${wakeUpAt(deadline).toISOString()}`;
}

/** The secondary sinks a missed ack pages, among those this process delivers to (unknown ones are named, not lost silently). */
export function secondaryTargets(settings: RouterSettings): { sinks: Sink[]; missing: string[] } {
  const active = new Set<string>(activeSinks(settings));
  const listed = settings.routing.secondary ?? [];
  return {
    sinks: orderSinks(listed.filter((s) => active.has(s)) as Sink[]),
    missing: listed.filter((s) => !active.has(s)),
  };
}

/**
 * Marks on `next` (a clone the caller owns) every target that has passed unmet at `now`: one chatops post
 * each, and for the ack target a page to `routing.secondary`. Returns whether anything changed.
 */
export function missTargets(next: Incident, now: Date, settings: RouterSettings): boolean {
  if (next.status !== 'open' || paused(next)) return false;
  const at = now.toISOString();
  let changed = false;
  for (const kind of TARGET_KINDS) {
    const due = next.targets?.[targetField(kind)];
    if (!due || Date.parse(due) > now.getTime() || next.missedTargets?.[kind]) continue;
    if (kind === 'ack' && next.ack) continue;
    next.missedTargets = { ...next.missedTargets, [kind]: at };
    const post = { ...record(next, 'chatops', 'target-missed', next.severity, now, kind), target: kind };
    plan(next, activeSinks(settings).includes('chatops') ? [post] : []);
    let paged = '';
    if (kind === 'ack') {
      const { sinks, missing } = secondaryTargets(settings);
      plan(
        next,
        sinks.map((sink) => record(next, sink, 'trigger', next.severity, now, 'secondary')),
      );
      next.escalatedAt = at;
      paged = sinks.length
        ? `; paged the secondary: ${sinks.join(', ')}`
        : '; no secondary configured (routing.secondary): chatops post only';
      if (missing.length) paged += `; secondary ${missing.join(', ')} not configured here, not paged`;
    }
    next.timeline.push({ at, event: `${TARGET_LABEL[kind]} target missed (due ${clockTime(due)})${paged}` });
    changed = true;
  }
  return changed;
}
