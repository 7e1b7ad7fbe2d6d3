// What time alone does to an open incident (docs/architecture.md, Contracts), for the sweeper, its
// deadline wake-ups and replays: the SEV2 out-of-hours escalation, missed ack / mitigation / resolution
// targets, the 30-minute "status update due" reminder of SEV1/SEV2 incidents, and quiet resolves.
import type { Config } from './config.ts';
import { clockTime, noDataSince } from './evidence.ts';
import type { Incident } from './incident.ts';
import type { SignalSource } from './signal.ts';
import type { RouterSettings } from './router-settings.ts';
import { allowedSinks, plan, record, resolveIncident } from './routing-policy.ts';
import { activeSinks } from './notify/sinks.ts';
import { missTargets, reminderAt } from './deadlines.ts';
import { PROBE_REPORT_INTERVAL_MINUTES } from './constants.ts';

export interface SweepOptions {
  /** A traceback incident with no new occurrence for this long resolves (rules.traceback.quietMinutes). */
  tracebackQuietMinutes: number;
  /**
   * Other rules whose detector only reports when matching input arrives (log watch): when the logs go
   * quiet no report resolves them, so they resolve once their last signal is this many minutes old.
   */
  quietResolveMinutes?: Record<string, number>;
  /**
   * Per source whose detector re-sends firing signals every run: after this many minutes without one (and
   * without a healthy verdict, which would have resolved it) the reminder says "no data since HH:MM".
   */
  noDataAfterMinutes?: Partial<Record<SignalSource, number>>;
  /**
   * Per source whose detector re-sends its firing signals every run, how often it runs: at a reopen check
   * after a person's resolve, a last firing report older than three runs means the source went silent.
   */
  reportEveryMinutes?: Partial<Record<SignalSource, number>>;
}

/** The sweep options a configuration implies. */
export function sweepOptionsOf(config: Pick<Config, 'rules'> & Partial<Pick<Config, 'snapshot'>>): Required<SweepOptions> {
  const { traceback, quota_exceeded_sustained: quota, key_revoked_in_use: revoked } = config.rules;
  return {
    tracebackQuietMinutes: traceback.quietMinutes,
    // One minute past the rule's window: by then a still-firing key would have been reported again.
    quietResolveMinutes: {
      quota_exceeded_sustained: quota.minutes + 1,
      key_revoked_in_use: revoked.windowMinutes + 1,
      // Log lines with prompt content: resolved once none has been seen for this long.
      prompt_exposure: config.rules.prompt_exposure.quietMinutes,
      // The trace DB's SQLite errors in the logs: as quiet as a traceback before they count as over.
      trace_db_log_error: traceback.quietMinutes,
    },
    // Three missed trace-check runs, at least 5 minutes.
    noDataAfterMinutes: { 'trace-db': Math.max(5, 3 * (config.snapshot?.scheduleMinutes ?? 1)) },
    reportEveryMinutes: { probe: PROBE_REPORT_INTERVAL_MINUTES, 'trace-db': config.snapshot?.scheduleMinutes ?? 1 },
  };
}

const MINUTE = 60_000;

/** The incident after `now`'s due actions, or undefined when nothing is due. */
export function sweepIncident(incident: Incident, now: Date, settings: RouterSettings, options: SweepOptions): Incident | undefined {
  if (incident.status !== 'open') return undefined;
  const at = now.toISOString();

  const quietMinutes = incident.rule === 'traceback' ? options.tracebackQuietMinutes : options.quietResolveMinutes?.[incident.rule];
  if (quietMinutes !== undefined && now.getTime() - Date.parse(incident.lastSignal.observedAt) >= quietMinutes * MINUTE) {
    return resolveIncident(incident, now, settings, `no new occurrence for ${quietMinutes} min`);
  }

  // Silenced or suppressed incidents stay quiet until released (dispatch.ts releases them first).
  if (incident.silencedBy || incident.suppressedBy) return undefined;
  const next = structuredClone(incident);
  let changed = false;

  // A person already has it: the out-of-hours escalation would page them (and the rota) for nothing.
  if (next.escalateAt && next.ack && Date.parse(next.escalateAt) <= now.getTime()) {
    next.timeline.push({ at, event: `acknowledged by ${next.ack.by} at ${clockTime(next.ack.at)}: out-of-hours escalation not needed` });
    delete next.escalateAt;
    changed = true;
  }
  if (next.escalateAt && Date.parse(next.escalateAt) <= now.getTime()) {
    // Still firing after the grace period out of hours: page as business hours would have.
    const rule = settings.routing.policy[next.severity].businessHours;
    const targets = allowedSinks(next.lastSignal, { ...rule, chatops: false }, activeSinks(settings));
    plan(
      next,
      targets.map((sink) => record(next, sink, 'trigger', next.severity, now)),
    );
    plan(next, [record(next, 'chatops', 'escalate', next.severity, now)]);
    next.timeline.push({
      at,
      event: `escalated after ${settings.routing.escalateAfterMinutes} min out of hours: notified ${[...targets, 'chatops'].join(', ')}`,
    });
    delete next.escalateAt;
    next.lastPostAt = at;
    changed = true;
  }

  if (missTargets(next, now, settings)) changed = true;

  if ((next.severity === 'SEV1' || next.severity === 'SEV2') && reminderDue(next, now, settings)) {
    const ageMinutes = Math.round((now.getTime() - Date.parse(next.openedAt)) / MINUTE);
    // A latched breach has data (its new period is healthy); it stands, it is not silent.
    const since = next.latchedAt ? undefined : noDataSince(next, now, options.noDataAfterMinutes?.[next.source]);
    if (since) next.noDataSince = since;
    else delete next.noDataSince;
    plan(next, [record(next, 'chatops', 'remind', next.severity, now, at)]);
    const latched = next.latchedAt ? `; period ended ${clockTime(next.latchedAt)}, the breach stands until resolved` : '';
    next.timeline.push({
      at,
      event: `status update due: ${next.severity} open for ${ageMinutes} min${since ? `; no data since ${clockTime(since)}` : ''}${latched}`,
    });
    next.lastPostAt = at;
    changed = true;
  }

  if (!changed) return undefined;
  next.updatedAt = at;
  return next;
}

/**
 * The comms reminder is due `reminderMinutes` after the last post, to the minute: a one-time deadline wakes
 * the sweeper then (deadlines.ts); the 5-minute sweep only catches one the scheduler missed.
 */
export function reminderDue(incident: Pick<Incident, 'lastPostAt' | 'openedAt'>, now: Date, settings: RouterSettings): boolean {
  return now.getTime() >= reminderAt(incident, settings);
}
