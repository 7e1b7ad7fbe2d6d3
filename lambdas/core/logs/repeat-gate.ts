// Whether looking a log line up among the batch's earlier lines is worth its cost (line-verdict.ts). A
// lookup hashes the whole line, about a third of what working the line out costs, and pays off only for
// lines that repeat. A storm mixes both kinds: a revoked key retried with the same line, next to quota
// rejections stamped to the millisecond that never repeat. Lines of one kind from one logger mostly share
// a length, so the gate keeps its tally per length as well as overall: a probe of lookups that finds too
// few repeats turns lookups off for a while, for that length or for every line. Only cost depends on it:
// a line that skips the lookup is worked out, and the answer is the same.

/** Lookups per probe, the repeats a probe must find to keep looking up, and the lines let through without a lookup after one that does not. */
export interface GateSettings {
  probe: number;
  minRepeats: number;
  skip: number;
}

/** Overall: a stream of unique lines whose lengths spread too widely for the per-length tally to see it soon. */
export const OVERALL_GATE: GateSettings = { probe: 256, minRepeats: 32, skip: 2_048 };
/** Per length: one kind of line in a mix (quota rejections with their own time stamp among repeated lines). */
export const LENGTH_GATE: GateSettings = { probe: 64, minRepeats: 8, skip: 1_024 };

export class RepeatGate {
  private overallProbed = 0;
  private overallRepeats = 0;
  private overallSkip = 0;
  private readonly probed: Int32Array;
  private readonly repeats: Int32Array;
  private readonly skips: Int32Array;

  /** `maxLength`: the longest line the caller looks up (longer ones never reach the gate). */
  constructor(
    maxLength: number,
    private readonly overall: GateSettings = OVERALL_GATE,
    private readonly byLength: GateSettings = LENGTH_GATE,
  ) {
    this.probed = new Int32Array(maxLength + 1);
    this.repeats = new Int32Array(maxLength + 1);
    this.skips = new Int32Array(maxLength + 1);
  }

  /** Whether to look up a line of `length` characters; false uses up one line of a skip. */
  shouldLookUp(length: number): boolean {
    if (this.overallSkip > 0) {
      this.overallSkip--;
      return false;
    }
    if (this.skips[length]! > 0) {
      this.skips[length]!--;
      return false;
    }
    return true;
  }

  /** The outcome of a lookup shouldLookUp allowed. */
  record(length: number, repeat: boolean): void {
    if (repeat) {
      this.overallRepeats++;
      this.repeats[length]!++;
    }
    if (++this.overallProbed === this.overall.probe) {
      if (this.overallRepeats < this.overall.minRepeats) this.overallSkip = this.overall.skip;
      this.overallProbed = 0;
      this.overallRepeats = 0;
    }
    if (++this.probed[length]! === this.byLength.probe) {
      if (this.repeats[length]! < this.byLength.minRepeats) this.skips[length] = this.byLength.skip;
      this.probed[length] = 0;
      this.repeats[length] = 0;
    }
  }
}
