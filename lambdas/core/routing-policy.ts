// The routing policy (docs/architecture.md, Contracts) as pure functions:
// (signal, incident state, now, settings) -> next incident state + the deliveries it owes.
import { threadKey } from './inhibition-link.ts';
import { groupAlarmSignal, sameMembers } from './alarm-group.ts';
import { isBusinessHours } from './business-hours.ts';
import { holdLatched } from './latch.ts';
import { afterHumanResolve } from './human-resolve.ts';
import { computeTargets } from './targets.ts';
import type { SinkSelection } from './config.ts';
import type { Delivery, DeliveryAction, DeliveryRecord, Incident, Sink } from './incident.ts';
import { SINKS } from './incident.ts';
import { activeSinks, expandSelection, isPagingProvider, orderSinks } from './notify/sinks.ts';
import { publishesToStatuspage } from './notify/statuspage/call.ts';
import type { RouterSettings } from './router-settings.ts';
import type { RoutingContext } from './suppression.ts';
import { isOwed } from './owed.ts';
import { isMoreSevere, type Severity, type Signal } from './signal.ts';

export interface Transition {
  next: Incident;
  /** False when the signal changes nothing worth a write (a repeated firing). */
  changed: boolean;
}

const MINUTE = 60_000;

/** Which sinks a severity reaches now, and whether it escalates later. */
export function sinksFor(severity: Severity, now: Date, settings: RouterSettings): { sinks: SinkSelection; escalates: boolean } {
  const rule = settings.routing.policy[severity];
  const inHours = isBusinessHours(now, settings.businessHours);
  const sinks = inHours ? rule.businessHours : rule.outOfHours;
  // Escalation only makes sense when nothing pages yet (no PagerDuty integration still has SNS page).
  return { sinks, escalates: !inHours && rule.escalateOutOfHours && !sinks.paging && !sinks.page };
}

/**
 * The concrete sinks a selection reaches among the active ones (see notify/sinks.ts). A pipeline-health
 * signal about a sink never routes to that sink (PagerDuty down must not page PagerDuty); the status page
 * gets only what it publishes (a SEV1/SEV2 users see).
 */
export function allowedSinks(signal: Signal, selection: SinkSelection, active: readonly Sink[] = SINKS): Sink[] {
  return expandSelection(selection, active).filter(
    (sink) =>
      !(signal.source === 'pipeline' && signal.subject === sink) &&
      (sink !== 'statuspage' || publishesToStatuspage(signal, signal.severity)),
  );
}

/** `tag` tells repeated posts of one kind apart (each reminder is its own delivery). */
export function deliveryId(episode: number, sink: Sink, action: DeliveryAction, severity: Severity, tag?: string): string {
  const base = action === 'resolve' ? `${episode}:${sink}:resolve` : `${episode}:${sink}:${action}:${severity}`;
  return tag ? `${base}:${tag}` : base;
}

export function record(
  incident: Incident,
  sink: Sink,
  action: DeliveryAction,
  severity: Severity,
  now: Date,
  tag?: string,
): DeliveryRecord {
  return {
    id: deliveryId(incident.episode, sink, action, severity, tag),
    sink,
    action,
    severity,
    dedupKey: incident.dedupKey,
    status: 'pending',
    attempts: 0,
    plannedAt: now.toISOString(),
  };
}

/** Adds deliveries whose id is not on the incident yet (so a replay never plans one twice). */
export function plan(incident: Incident, wanted: DeliveryRecord[]): void {
  const known = new Set(incident.deliveries.map((d) => d.id));
  incident.deliveries.push(...wanted.filter((d) => !known.has(d.id)));
}

export function applySignal(
  existing: Incident | undefined,
  signal: Signal,
  now: Date,
  settings: RouterSettings,
  context: RoutingContext = {},
): Transition {
  const open = existing?.status === 'open' ? existing : undefined;
  const grouped = groupAlarmSignal(open, signal);
  const transition = applyGroupSignal(existing, grouped.signal, now, settings, context);
  const untouched = !open && !transition.changed; // e.g. an OK from an alarm with no open incident
  if (untouched || grouped.alarms === undefined || transition.next.status !== 'open' || sameMembers(transition.next.alarms, grouped.alarms))
    return transition;
  // A member alarm changed state without changing the incident's severity: still worth remembering.
  const next = transition.changed ? transition.next : structuredClone(transition.next);
  next.alarms = grouped.alarms;
  return { next, changed: true };
}

/**
 * Plans what `severity` owes now under the policy, or under a silence (nothing) or an inhibition (one
 * chatops "suppressed" post). Returns the timeline wording.
 */
function notify(incident: Incident, severity: Severity, now: Date, settings: RouterSettings, context: RoutingContext): string {
  const at = now.toISOString();
  if (context.silencedBy) {
    incident.silencedBy = context.silencedBy.id;
    return `silenced by ${context.silencedBy.id} (${context.silencedBy.reason}): not notified`;
  }
  delete incident.silencedBy;
  if (context.inhibitedBy) {
    incident.suppressedBy = context.inhibitedBy.dedupKey;
    incident.suppressedThread = threadKey(context.inhibitedBy.dedupKey, context.inhibitedBy.episode);
    plan(incident, [record(incident, 'chatops', 'suppressed', severity, now)]);
    incident.lastPostAt = at;
    return `suppressed by ${context.inhibitedBy.dedupKey} (inhibition ${context.inhibitedBy.inhibition}): posted to chatops, not paged`;
  }
  delete incident.suppressedBy;
  delete incident.suppressedThread;
  // Someone is paged now: the runbook's ack / mitigation / resolution clocks start (tighter ones at an upgrade).
  incident.targets = computeTargets(incident, now, settings);
  const { sinks, escalates } = sinksFor(severity, now, settings);
  const targets = allowedSinks(incident.lastSignal, sinks, activeSinks(settings));
  plan(
    incident,
    targets.map((sink) => record(incident, sink, 'trigger', severity, now)),
  );
  if (targets.some(isPagingProvider)) delete incident.escalateAt;
  else if (escalates && !incident.escalateAt)
    incident.escalateAt = new Date(now.getTime() + settings.routing.escalateAfterMinutes * MINUTE).toISOString();
  if (targets.includes('chatops')) incident.lastPostAt = at;
  return `${targets.length ? `notified ${targets.join(', ')}` : 'no sink selected'}${incident.escalateAt ? `; escalates at ${incident.escalateAt}` : ''}`;
}

function applyGroupSignal(
  existing: Incident | undefined,
  signal: Signal,
  now: Date,
  settings: RouterSettings,
  context: RoutingContext,
): Transition {
  const at = now.toISOString();
  const open = existing?.status === 'open' ? existing : undefined;

  const human = open ? ({ kind: 'route' } as const) : afterHumanResolve(existing, signal, now, settings);
  if (human.kind === 'hold') return { next: human.next, changed: human.changed };

  if (signal.status === 'resolved') {
    if (!open) return { next: existing ?? newIncident(signal, 0, at), changed: false };
    // A late copy of an older report (EventBridge redelivery, a Lambda retry) must not close what a newer firing opened.
    if (Date.parse(signal.observedAt) < Date.parse(open.lastSignal.observedAt)) return { next: open, changed: false };
    return (
      holdLatched(open, signal, now, settings) ?? {
        next: resolveIncident(open, now, settings, signal.summary, signal.observedAt),
        changed: true,
      }
    );
  }

  if (!open && existing && isStale(signal, existing)) {
    const next = structuredClone(existing);
    next.timeline.push({
      at,
      event: `stale ${signal.severity} firing observed at ${signal.observedAt} (resolved as of ${resolvedAsOf(existing)}): not re-opened`,
    });
    return { next, changed: true };
  }

  if (!open)
    return {
      next: openEpisode(existing, signal, now, settings, context, human.kind === 'reopen' ? human.because : undefined),
      changed: true,
    };

  const next = structuredClone(open);
  next.lastSignal = signal;
  delete next.latchedAt; // firing again: the next rollover is noted again
  if (isMoreSevere(signal.severity, open.severity)) {
    // Re-notify under the tighter policy: new delivery ids (they carry the severity).
    next.severity = signal.severity;
    next.updatedAt = at;
    next.timeline.push({
      at,
      event: `upgraded ${open.severity} -> ${signal.severity}: ${notify(next, signal.severity, now, settings, context)}`,
    });
    return { next, changed: true };
  }
  if (signal.severity !== open.severity) {
    // A downgrade is recorded, not notified: on-call re-evaluates severity at the next status update.
    next.severity = signal.severity;
    next.updatedAt = at;
    if (!sinksFor(signal.severity, now, settings).escalates) delete next.escalateAt;
    next.timeline.push({ at, event: `downgraded ${open.severity} -> ${signal.severity}` });
    return { next, changed: true };
  }
  if (becomesSymptom(next, now, settings, context)) return { next, changed: true };
  const release = releaseIfClear(next, now, settings, context);
  if (release) return { next: release, changed: true };
  // Same severity again: nothing to notify, but keep the newest signal (its details, and its time:
  // a traceback resolves after quiet minutes counted from its LAST occurrence).
  if (Date.parse(signal.observedAt) > Date.parse(open.lastSignal.observedAt)) return { next, changed: true };
  return { next: open, changed: false };
}

/**
 * A new episode of `existing` (or the first one) from a firing signal, notified under the policy; `reopenedBecause`
 * when a person resolved the last one while it still fired (its posts say so).
 */
export function openEpisode(
  existing: Incident | undefined,
  signal: Signal,
  now: Date,
  settings: RouterSettings,
  context: RoutingContext,
  reopenedBecause?: string,
): Incident {
  const incident = newIncident(signal, (existing?.episode ?? 0) + 1, now.toISOString());
  incident.version = existing?.version ?? 0;
  // Resolves the last episode still owes go out first, under the same dedup key, before the new trigger.
  if (existing) incident.deliveries = existing.deliveries.filter((d) => d.action === 'resolve' && isOwed(d));
  if (reopenedBecause) incident.reopenedBecause = reopenedBecause;
  const opened = `opened ${signal.severity}${reopenedBecause ? ` (${reopenedBecause})` : ''}`;
  incident.timeline.push({ at: now.toISOString(), event: `${opened}: ${notify(incident, signal.severity, now, settings, context)}` });
  return incident;
}

/**
 * An open incident that an inhibitor opened after it now explains (the per-shape SEV2 opens a run before the
 * total outage's SEV1) becomes its symptom on its next signal: one chatops "suppressed" post in the
 * inhibitor's thread, no escalation, no reminders; released like any inhibited incident. Mutates `incident`.
 */
function becomesSymptom(incident: Incident, now: Date, settings: RouterSettings, context: RoutingContext): boolean {
  if (!context.inhibitedBy || context.silencedBy || incident.suppressedBy || incident.silencedBy) return false;
  delete incident.escalateAt;
  incident.updatedAt = now.toISOString();
  incident.timeline.push({ at: incident.updatedAt, event: `while open, ${notify(incident, incident.severity, now, settings, context)}` });
  return true;
}

/**
 * An incident kept quiet by a silence or an inhibition that no longer applies is notified now, under the
 * policy for its current severity (used by the router on a repeated signal and by the sweeper).
 */
export function releaseIfClear(incident: Incident, now: Date, settings: RouterSettings, context: RoutingContext): Incident | undefined {
  const wasSilenced = incident.silencedBy !== undefined && !context.silencedBy;
  const wasSuppressed = incident.suppressedBy !== undefined && !context.inhibitedBy && !context.silencedBy;
  if (!wasSilenced && !wasSuppressed) return undefined;
  const next = structuredClone(incident);
  const why = wasSilenced ? `silence ${incident.silencedBy} over` : `inhibition by ${incident.suppressedBy} released`;
  next.updatedAt = now.toISOString();
  next.timeline.push({ at: now.toISOString(), event: `${why}, still firing: ${notify(next, next.severity, now, settings, context)}` });
  return next;
}

/** A firing signal observed before the incident's last resolve: a late or retried copy of an older report. */
function isStale(signal: Signal, resolved: Incident): boolean {
  return resolved.status === 'resolved' && Date.parse(signal.observedAt) < Date.parse(resolvedAsOf(resolved));
}

function resolvedAsOf(incident: Incident): string {
  return incident.resolvedAsOf ?? incident.resolvedAt ?? incident.updatedAt;
}

/**
 * Close an open incident: PagerDuty resolve and "resolved" posts on every sink it reached. `asOf` is the
 * time of the report that resolved it (else `now`): a firing signal observed before it is stale.
 */
export function resolveIncident(open: Incident, now: Date, settings: RouterSettings, reason: string, asOf?: string): Incident {
  const at = now.toISOString();
  const next = structuredClone(open);
  next.status = 'resolved';
  next.resolvedAt = at;
  next.resolvedAsOf = asOf && Date.parse(asOf) < now.getTime() ? asOf : at;
  next.updatedAt = at;
  delete next.escalateAt;
  next.expiresAt = Math.floor(now.getTime() / 1000) + settings.routing.retainResolvedDays * 86_400;
  // Storm control held these back and they were never sent: the incident resolves quietly on those sinks.
  for (const d of next.deliveries) {
    if (d.status === 'pending' && d.heldAt && d.action !== 'resolve' && d.id.startsWith(`${next.episode}:`)) {
      d.status = 'skipped';
      d.error = 'held by storm control; resolved before it was sent';
    }
  }
  const reached = new Set(
    // A trigger still pending or awaiting retry will reach its sink, so it owes a resolve too; one that
    // was refused for good (PagerDuty 400, no routing key) opened nothing to resolve.
    next.deliveries
      .filter(
        (d) =>
          (d.action === 'trigger' || d.action === 'suppressed') &&
          d.id.startsWith(`${next.episode}:`) &&
          d.status !== 'skipped' &&
          (d.status !== 'failed' || d.retryable === true),
      )
      .map((d) => d.sink),
  );
  const targets = orderSinks(reached).filter((sink) => !(next.lastSignal.source === 'pipeline' && next.lastSignal.subject === sink));
  plan(
    next,
    targets.map((sink) => record(next, sink, 'resolve', next.severity, now)),
  );
  next.timeline.push({ at, event: `resolved${reason ? `: ${reason}` : ''}` });
  return next;
}

function newIncident(signal: Signal, episode: number, at: string): Incident {
  return {
    dedupKey: signal.dedupKey,
    episode,
    source: signal.source,
    rule: signal.rule,
    subject: signal.subject,
    severity: signal.severity,
    status: 'open',
    openedAt: at,
    updatedAt: at,
    lastSignal: signal,
    deliveries: [],
    timeline: [],
    version: 0,
  };
}

/** Deliveries as the CLI prints them. */
export function toDelivery(record: DeliveryRecord): Delivery {
  return { sink: record.sink, action: record.action, severity: record.severity, dedupKey: record.dedupKey };
}
