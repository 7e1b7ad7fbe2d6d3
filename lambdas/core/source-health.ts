// A detector that stopped reporting must not let its incidents rot or resolve silently: when a source's
// last evaluation report is older than three of its intervals, a pipeline-health signal says so; it
// resolves when reports resume. A source with more than one schedule (the probe's health rounds every
// minute, its inbound-shape run every few minutes) is watched per run: one run's reports must not hide
// that the other stopped. A probe measuring from another region (a vantage) is watched per region: a
// vantage whose reports stop leaves the vote across vantages (probe/vote.ts) and says so here.
import { makeDedupKey, type EvaluationReport, type Signal, type SignalSource } from './signal.ts';

export const SOURCE_STALE_RULE = 'source_stale';
/** Missed runs tolerated before raising it. */
const MISSED_INTERVALS = 3;

export interface SourceExpectation {
  source: SignalSource;
  /** The run, when the source has several (the reports' `reporter`); absent: the source's main run. */
  reporter?: string;
  /** The region it measures from, when not the home region (the reports' `vantage`). */
  vantage?: string;
  /** How often it reports, in minutes (trace-check: snapshot.scheduleMinutes). */
  intervalMinutes: number;
}

/**
 * The heartbeat a report refreshes, and the subject of its source_stale: `probe`, `probe/inbound-shape`,
 * `probe@us-east-1` (a vantage other than the home region: the router drops the home region's own name).
 */
export function heartbeatKey(report: Pick<EvaluationReport, 'source' | 'reporter' | 'vantage'>): string {
  const run = report.reporter ? `${report.source}/${report.reporter}` : report.source;
  return report.vantage ? `${run}@${report.vantage}` : run;
}

/** The sweeper's own heartbeat: when it first ran, i.e. since when a source that never reported is missed. */
const PIPELINE_HEARTBEAT = 'pipeline';
/** The sweeper's mark of when it first expected a run that has not reported yet. */
const watchKey = (key: string) => `watch/${key}`;

export interface WatchPlan {
  /** Per expectation's heartbeat key, since when it is watched if it never reported. */
  since: Record<string, string>;
  /** Marks to write now (the first sweep's pipeline heartbeat, a newly expected run's start). */
  record: { key: string; at: string }[];
}

/** The heartbeats to read for `expected`: each expected key, the pipeline's, and the runs' watch marks. */
export function heartbeatKeysOf(expected: readonly SourceExpectation[]): string[] {
  return [PIPELINE_HEARTBEAT, ...expected.flatMap((e) => (ownRun(e) ? [heartbeatKey(e), watchKey(heartbeatKey(e))] : [heartbeatKey(e)]))];
}

/**
 * Since when each expected key is watched. A source that never reported counts from the sweeper's first
 * run (a fresh deployment gets time for its first run; one that never reported since install stays
 * missed). A run of its own (`reporter`) counts from the first sweep that expected it: an upgrade that
 * starts expecting it must not page for the minutes before its first report.
 */
export function watchPlan(expected: readonly SourceExpectation[], last: Partial<Record<string, string>>, now: Date): WatchPlan {
  const at = now.toISOString();
  const record: WatchPlan['record'] = [];
  const pipelineSince = last[PIPELINE_HEARTBEAT] ?? at;
  if (!last[PIPELINE_HEARTBEAT]) record.push({ key: PIPELINE_HEARTBEAT, at });
  const since: Record<string, string> = {};
  for (const expectation of expected) {
    const key = heartbeatKey(expectation);
    if (!ownRun(expectation)) {
      since[key] = pipelineSince;
      continue;
    }
    const mark = last[watchKey(key)];
    since[key] = mark ?? at;
    if (!mark && !last[key]) record.push({ key: watchKey(key), at });
  }
  return { since, record };
}

/** A run of its own (another schedule, another region): watched from the first sweep that expected it. */
function ownRun(expectation: SourceExpectation): boolean {
  return expectation.reporter !== undefined || expectation.vantage !== undefined;
}

/** One signal per expected run: firing when stale, resolved when fresh. */
export function sourceHealthSignals(
  lastReports: Partial<Record<string, string>>,
  expected: readonly SourceExpectation[],
  now: Date,
  since: Readonly<Record<string, string>>,
): Signal[] {
  return expected.map((expectation) => {
    const { source, reporter, vantage, intervalMinutes } = expectation;
    const key = heartbeatKey(expectation);
    const last = lastReports[key];
    const watchingSince = since[key] ?? now.toISOString();
    const ageMinutes = (now.getTime() - Date.parse(last ?? watchingSince)) / 60_000;
    const stale = ageMinutes > MISSED_INTERVALS * intervalMinutes;
    const run = reporter ? `${source} ${reporter} run` : source;
    const what = vantage ? `${run} from ${vantage}` : run;
    const where = vantage
      ? `the ${source} stack in ${vantage} (its Lambda's errors and schedule, and its permission to put events on the home bus)`
      : reporter
        ? `the ${source} Lambda's errors and its ${reporter} schedule`
        : `the ${source} Lambda's errors and schedule`;
    const summary = stale
      ? `Monitoring blind: no ${what} evaluation report ${last ? `since ${last}` : `received since monitoring started at ${watchingSince}`} (${Math.round(ageMinutes)} min, expected every ${intervalMinutes} min). ${vantage ? 'The other vantages still vote' : 'Its open incidents are frozen, neither resolved nor re-checked'}: look at ${where}.`
      : `${what} evaluation reports arrive again (last ${last})`;
    return {
      source: 'pipeline',
      rule: SOURCE_STALE_RULE,
      subject: key,
      severity: 'SEV2',
      status: stale ? 'firing' : 'resolved',
      dedupKey: makeDedupKey(SOURCE_STALE_RULE, key),
      summary,
      observedAt: now.toISOString(),
      details: {
        lastReportAt: last ?? null,
        intervalMinutes,
        missedIntervals: Math.floor(ageMinutes / intervalMinutes),
        ...(vantage ? { vantage } : {}),
      },
      runbook: 'Alert sources',
    };
  });
}
