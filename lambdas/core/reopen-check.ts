// The reopen check: a person resolved an incident whose detector's last word was "firing"; at the minute
// the wait (`routing.reopenAfterMinutes`) ends, a one-time schedule wakes the sweeper for it (the 5-minute
// sweep catches a missed wake-up) and this decides from the detector's latest evidence. Detectors report on
// their own cadence, and an alarm or a log source may never report again while the condition stands, so the
// check cannot wait for the next report: silence is never recovery.
import { clockTime } from './evidence.ts';
import { VIA_LABEL } from './human/action.ts';
import { latestEvidenceFiring, stillFiringBecause } from './human-resolve.ts';
import type { Incident } from './incident.ts';
import { awaitsReopenCheck } from './owed.ts';
import type { RouterSettings } from './router-settings.ts';
import { openEpisode } from './routing-policy.ts';
import type { Signal } from './signal.ts';
import type { RoutingContext } from './suppression.ts';
import type { SweepOptions } from './sweep-policy.ts';

const MINUTE = 60_000;
/** A source that re-sends its firing signals every run is silent after this many runs without one (as source_stale). */
const MISSED_RUNS = 3;

export type ReopenDecision =
  /** Not a pending check, or not due yet. */
  | { kind: 'not-due' }
  /** Reopen as a new episode from the detector's last firing signal, saying why. */
  | { kind: 'reopen'; signal: Signal; because: string }
  /** The check is decided without a reopen: `next` stays resolved and says why. */
  | { kind: 'closed'; next: Incident };

/** The check's verdict at `now` from what the incident recorded of the detector since the person's resolve. */
export function decideReopen(
  incident: Incident,
  now: Date,
  settings: Pick<RouterSettings, 'routing'>,
  options: SweepOptions,
): ReopenDecision {
  const human = incident.humanResolved;
  if (!awaitsReopenCheck(incident) || !human || now.getTime() < Date.parse(incident.reopenCheckAt!)) return { kind: 'not-due' };
  const at = now.toISOString();
  const who = `${human.by} resolved it in ${VIA_LABEL[human.via]}`;
  if (!latestEvidenceFiring(incident))
    return closed(incident, at, `reopen check: healthy since ${clockTime(incident.healthySinceHumanResolve!)} after ${who}: not reopened`);
  const last = incident.lastSignal;
  const ageMinutes = (now.getTime() - Date.parse(last.observedAt)) / MINUTE;
  // A log rule is over once quiet this long (the sweeper resolves an open one the same way): nothing to reopen.
  const quiet = incident.rule === 'traceback' ? options.tracebackQuietMinutes : options.quietResolveMinutes?.[incident.rule];
  if (quiet !== undefined && ageMinutes >= quiet)
    return closed(
      incident,
      at,
      `reopen check: no new occurrence for ${quiet} min since ${clockTime(last.observedAt)} after ${who}: over, not reopened`,
    );
  // A detector that re-sends its firing signals every run and sent none for three runs went silent: reopen
  // anyway (a person must look), naming since when; the sweeper's source_stale says why it is silent.
  const every = options.reportEveryMinutes?.[incident.source];
  if (every !== undefined && ageMinutes > MISSED_RUNS * every)
    return {
      kind: 'reopen',
      signal: last,
      because: `reopened: no report since ${clockTime(last.observedAt)}, when it was still firing, ${settings.routing.reopenAfterMinutes} min after ${who} (silence is not recovery)`,
    };
  // Still firing by its last report (a CloudWatch alarm still in ALARM, a recent probe round, a log line).
  return { kind: 'reopen', signal: last, because: stillFiringBecause(human, settings) };
}

/** The incident after its due reopen check (a new open episode, or resolved with the check decided), or undefined. */
export function reopenCheck(
  incident: Incident,
  now: Date,
  settings: RouterSettings,
  options: SweepOptions,
  context: RoutingContext = {},
): Incident | undefined {
  const decision = decideReopen(incident, now, settings, options);
  if (decision.kind === 'not-due') return undefined;
  if (decision.kind === 'closed') return decision.next;
  return openEpisode(incident, decision.signal, now, settings, context, decision.because);
}

function closed(incident: Incident, at: string, event: string): ReopenDecision {
  const next = structuredClone(incident);
  delete next.reopenCheckAt;
  delete next.firingSinceHumanResolve;
  next.updatedAt = at;
  next.timeline.push({ at, event });
  return { kind: 'closed', next };
}
