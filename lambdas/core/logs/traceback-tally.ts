// The batch's tracebacks, tallied as scan.ts finds each one: which the rules see (ERROR or unknown level,
// within the quiet window), grouped by fingerprint (count, first and last time, latest occurrence,
// streams), and the traceback counter's per-minute increments. Only the latest occurrence of a group is
// kept: a crash loop's thousands of occurrences per batch are not held until the batch ends.
import type { CounterIncrement } from './ports.ts';
import { epochMinute, type TracebackGroup, type TracebackOccurrence } from './rules.ts';

/** The two scan counters the tally bumps (scan.ts's ScanStats has both; declared here so the files do not import each other). */
interface SkippedTracebacks {
  tracebacksBelowError: number;
  tracebacksOutsideWindow: number;
}

interface Tally {
  group: TracebackGroup;
  minutes: Map<number, CounterIncrement>;
  lastIncrement: CounterIncrement;
}

export class TracebackTally {
  private readonly byFingerprint = new Map<string, Tally>();
  /** The traceback counter's increments in first-seen order of (fingerprint, minute). */
  readonly increments: CounterIncrement[] = [];

  /**
   * Occurrences stamped in [windowStart, windowEnd] (ms) are tallied; of those, the ones from epoch minute
   * `countFromMinute` on also go into the group's count for the reported window (the counters' minutes).
   */
  constructor(
    private readonly windowStart: number,
    private readonly windowEnd: number,
    private readonly stats: SkippedTracebacks,
    private readonly countFromMinute = Number.NEGATIVE_INFINITY,
  ) {}

  add(o: TracebackOccurrence): void {
    if (o.finding.level === 'below-error') {
      this.stats.tracebacksBelowError++;
      return;
    }
    if (o.timestamp < this.windowStart || o.timestamp > this.windowEnd) {
      this.stats.tracebacksOutsideWindow++;
      return;
    }
    const minute = epochMinute(o.timestamp);
    const inCountWindow = minute >= this.countFromMinute ? 1 : 0;
    const tally = this.byFingerprint.get(o.fingerprint);
    if (!tally) {
      const increment: CounterIncrement = { kind: 'traceback', key: o.fingerprint, minute, n: 1 };
      this.increments.push(increment);
      this.byFingerprint.set(o.fingerprint, {
        group: {
          fingerprint: o.fingerprint,
          count: 1,
          countInCountWindow: inCountWindow,
          firstSeen: o.timestamp,
          lastSeen: o.timestamp,
          latest: o,
          logStreams: [o.logStream],
        },
        minutes: new Map([[minute, increment]]),
        lastIncrement: increment,
      });
      return;
    }
    const group = tally.group;
    group.count++;
    group.countInCountWindow += inCountWindow;
    if (o.timestamp < group.firstSeen) group.firstSeen = o.timestamp;
    if (o.timestamp >= group.lastSeen) {
      group.lastSeen = o.timestamp;
      group.latest = o;
    }
    if (group.logStreams.length < 5 && !group.logStreams.includes(o.logStream)) group.logStreams.push(o.logStream);
    let increment = tally.lastIncrement;
    if (increment.minute !== minute) {
      let known = tally.minutes.get(minute);
      if (!known) {
        known = { kind: 'traceback', key: o.fingerprint, minute, n: 0 };
        tally.minutes.set(minute, known);
        this.increments.push(known);
      }
      increment = known;
      tally.lastIncrement = known;
    }
    increment.n++;
  }

  /** The groups in first-seen order. */
  groups(): TracebackGroup[] {
    const out: TracebackGroup[] = [];
    for (const tally of this.byFingerprint.values()) out.push(tally.group);
    return out;
  }
}
