// A detector that stopped reporting must not let its incidents rot or resolve silently: when a source's
// last evaluation report is older than three of its intervals, a pipeline-health signal says so; it
// resolves when reports resume.
import { makeDedupKey, type Signal, type SignalSource } from './signal.ts';

export const SOURCE_STALE_RULE = 'source_stale';
/** Missed runs tolerated before raising it. */
const MISSED_INTERVALS = 3;

export interface SourceExpectation {
  source: SignalSource;
  /** How often the source reports, in minutes (trace-check: snapshot.scheduleMinutes). */
  intervalMinutes: number;
}

/**
 * One signal per expected source: firing when stale, resolved when fresh. A source never seen is judged
 * from `watchingSince` (when the sweeper first ran), so a fresh deployment gets time for its first run.
 */
export function sourceHealthSignals(
  lastReports: Partial<Record<SignalSource, string>>,
  expected: SourceExpectation[],
  now: Date,
  watchingSince: string,
): Signal[] {
  return expected.map(({ source, intervalMinutes }) => {
    const last = lastReports[source];
    const ageMinutes = (now.getTime() - Date.parse(last ?? watchingSince)) / 60_000;
    const stale = ageMinutes > MISSED_INTERVALS * intervalMinutes;
    const summary = stale
      ? `Monitoring blind: no ${source} evaluation report ${last ? `since ${last}` : `received since monitoring started at ${watchingSince}`} (${Math.round(ageMinutes)} min, expected every ${intervalMinutes} min). Its open incidents are frozen, neither resolved nor re-checked: look at the ${source} Lambda's errors and schedule.`
      : `${source} evaluation reports arrive again (last ${last})`;
    return {
      source: 'pipeline',
      rule: SOURCE_STALE_RULE,
      subject: source,
      severity: 'SEV2',
      status: stale ? 'firing' : 'resolved',
      dedupKey: makeDedupKey(SOURCE_STALE_RULE, source),
      summary,
      observedAt: now.toISOString(),
      details: { lastReportAt: last ?? null, intervalMinutes, missedIntervals: Math.floor(ageMinutes / intervalMinutes) },
      runbook: 'Alert sources',
    };
  });
}
