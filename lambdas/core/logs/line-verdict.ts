// What one log event's message says to every per-line rule (key hits, traceback, prompt exposure, log
// noise), worked out once per distinct message within a batch. A storm repeats the same lines: a revoked
// key retried by a client, a health-check access line, a crash loop's traceback, a logger without a time
// stamp in its format (the event carries its own). Every verdict is a pure function of the message text,
// so a repeat reuses the first answer; the timestamp, the position and the split-traceback completion
// stay with the caller (scan.ts).
import { classifyMessage, type KeyHit, type TracebackFinding } from './classify.ts';
import { FastLineReader } from './fast-line.ts';
import { logNoiseOf, type NoiseFinding } from './log-noise.ts';
import { applicationText, parseJsonObject } from './message.ts';
import { type ExposureKind, promptExposureOf } from './prompt-exposure.ts';
import { RepeatGate } from './repeat-gate.ts';
import { type TraceDbErrorKind, traceDbErrorKindOf } from './trace-db-errors.ts';

export interface LineVerdict {
  /** The application's own line (applicationText). */
  text: string;
  keyHits: readonly KeyHit[];
  /** A traceback the line carries; shared between repeats, so a caller that completes it works on a copy. */
  traceback?: TracebackFinding;
  /** prompt_exposure's field kinds (empty when none, or when the rule is off). */
  exposure: readonly ExposureKind[];
  /** log_noise's finding: only for a line that is neither a traceback nor an exposure, with the rule on. */
  noise?: NoiseFinding;
  /** A trace-DB SQLite error named outside a traceback (a traceback's own is read from its completed parse). */
  traceDb?: TraceDbErrorKind;
}

/** Distinct messages remembered per batch; cleared when full (a batch of unique lines only pays the lookups). */
const MAX_VERDICTS = 4_096;
/**
 * Longer messages are worked out every time: V8 hashes a string only up to ~16 K characters (longer ones
 * share a hash, and a map of them degrades to comparisons), and a long line rarely repeats exactly.
 */
const MAX_MESSAGE_CHARS = 8_192;
const NO_KINDS: readonly ExposureKind[] = Object.freeze([]);

export class LineVerdicts {
  private readonly known = new Map<string, LineVerdict>();
  private readonly fast = new FastLineReader();
  /** Lines that do not repeat (each stamped to the millisecond, say) skip the lookup (repeat-gate.ts). */
  private readonly gate = new RepeatGate(MAX_MESSAGE_CHARS);
  /** Lines worked out, lines answered with an earlier line's verdict, and lookups made (the tests check the gate with them). */
  readonly counts = { worked: 0, reused: 0, lookups: 0 };

  constructor(private readonly rules: { exposure: boolean; noise: boolean }) {}

  of(message: string): LineVerdict {
    const length = message.length;
    if (length > MAX_MESSAGE_CHARS || !this.gate.shouldLookUp(length)) return this.work(message);
    this.counts.lookups++;
    let verdict = this.known.get(message);
    this.gate.record(length, verdict !== undefined);
    if (verdict !== undefined) {
      this.counts.reused++;
      return verdict;
    }
    verdict = this.work(message);
    if (this.known.size >= MAX_VERDICTS) this.known.clear();
    this.known.set(message, verdict);
    return verdict;
  }

  /** The verdict from scratch: the flat reader for the common flat JSON line (fast-line.ts), else the full path. */
  private work(message: string): LineVerdict {
    this.counts.worked++;
    const quick = this.fast.read(message, this.rules.exposure);
    if (quick) return this.withNoise(withTraceDb({ text: message, keyHits: quick.keyHits, exposure: quick.exposure }));
    const text = applicationText(message);
    const json = parseJsonObject(text);
    const { keyHits, traceback } = classifyMessage(text, json);
    let exposure = this.rules.exposure ? promptExposureOf(text, json ?? null) : NO_KINDS;
    // An exception message carrying customer content (exception-content.ts, read while the traceback was parsed).
    const inException = traceback?.parse.exposure;
    if (this.rules.exposure && inException?.length) exposure = mergeKinds(exposure, inException);
    const verdict: LineVerdict = { text, keyHits, exposure };
    if (traceback) {
      verdict.traceback = traceback;
      return verdict;
    }
    return this.withNoise(withTraceDb(verdict));
  }

  /** A line with prompt content is an exposure, never quoted as a noise sample (nor anywhere else). */
  private withNoise(verdict: LineVerdict): LineVerdict {
    if (!this.rules.noise || verdict.exposure.length > 0) return verdict;
    const noise = logNoiseOf(verdict.text);
    if (noise) verdict.noise = noise;
    return verdict;
  }
}

function withTraceDb(verdict: LineVerdict): LineVerdict {
  const kind = traceDbErrorKindOf(verdict.text);
  if (kind) verdict.traceDb = kind;
  return verdict;
}

/** Both lists of kinds as one sorted list without repeats. */
export function mergeKinds(a: readonly ExposureKind[], b: readonly ExposureKind[]): readonly ExposureKind[] {
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])].sort();
}
