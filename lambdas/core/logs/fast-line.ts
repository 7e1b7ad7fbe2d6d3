// log-watch's cheap path for the common line (scan.ts): a flat JSON object with plain values (flat-json.ts),
// classified from the few fields the rules read instead of a JSON.parse of the whole line. A line it
// cannot vouch for (a traceback, an exception field, a container wrapper, an object logged as a string,
// anything the flat reader refuses) is left to the full path, which gives the same verdicts by construction:
// the shared rule code reads the same values (test/unit/core/logs/fast-line.property.test.ts).
import { EXCEPTION_FIELDS, KEY_HIT_FIELDS, type KeyHit, keyHitsOfFields } from './classify.ts';
import { FlatJsonLine } from './flat-json.ts';
import { type ExposureKind, flatPromptExposureOf } from './prompt-exposure.ts';
import { hasTracebackMarker } from './traceback.ts';

export interface FastLine {
  /** What classifyMessage(applicationText(message)) says: these key hits and no traceback. */
  keyHits: KeyHit[];
  /** What promptExposureOf says (empty when not asked for). */
  exposure: readonly ExposureKind[];
}

const NO_KINDS: readonly ExposureKind[] = Object.freeze([]);

/** The member names the reader indexes: every field the rules below read, and those that send a line to the full path. */
export const FAST_LINE_FIELDS: readonly string[] = [...KEY_HIT_FIELDS, ...EXCEPTION_FIELDS, 'log', 'prompt', 'completion', 'content'];

export class FastLineReader {
  // Every name read below is indexed while the line is read, so each lookup is one array read.
  private readonly flat = new FlatJsonLine(FAST_LINE_FIELDS);
  private readonly out: FastLine = { keyHits: [], exposure: NO_KINDS };
  /** Members that send a line to the full path: a Docker / Fluent Bit `log` wrapper, an exception field. */
  private readonly stepAside = this.flat.maskOf(['log', ...EXCEPTION_FIELDS]);

  /**
   * The verdicts for `message` when its application text is the message itself (no wrapper, nothing
   * to sanitize) and the flat reader can answer every question; undefined: take the full path. The
   * answer is valid until the next call.
   */
  read(message: string, withExposure: boolean): Readonly<FastLine> | undefined {
    const flat = this.flat;
    // A `log` member may be a Docker / Fluent Bit wrapper that applicationText() unwraps.
    if (!flat.read(message) || flat.hasAny(this.stepAside) || hasTracebackMarker(message)) return undefined;
    let exposure: readonly ExposureKind[] = NO_KINDS;
    if (withExposure) {
      const kinds = flatPromptExposureOf(message, flat);
      if (kinds === undefined) return undefined;
      exposure = kinds;
    }
    // One result object per reader, overwritten by the next line: the caller reads it before reading another line.
    const out = this.out;
    out.keyHits = keyHitsOfFields(flat, message);
    out.exposure = exposure;
    return out;
  }
}
