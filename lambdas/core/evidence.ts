// "No data since HH:MM": an open incident of a detector that re-sends its firing signals every run (the
// trace checks) whose last firing signal is older than a few runs was neither seen firing nor named
// healthy since then. It stays open (silence is not recovery) and its reminder says since when.
import type { Incident } from './incident.ts';

/** When the incident's subject last had data, if that is longer ago than `afterMinutes`; else undefined. */
export function noDataSince(incident: Pick<Incident, 'lastSignal'>, now: Date, afterMinutes: number | undefined): string | undefined {
  if (afterMinutes === undefined) return undefined;
  const last = Date.parse(incident.lastSignal.observedAt);
  return now.getTime() - last > afterMinutes * 60_000 ? incident.lastSignal.observedAt : undefined;
}

/** `HH:MM UTC` of an ISO instant, as on-call reads it in a reminder. */
export function clockTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(11, 16)} UTC`;
}

/** The reminder's line for an incident without fresh data. */
export function noDataLine(since: string): string {
  return `No data since ${clockTime(since)}: the detector has neither seen it firing nor found it healthy since then, so it stays open; check that the source still reports (silence is not recovery).`;
}
