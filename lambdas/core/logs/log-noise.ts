// log_noise (SEV4, the runbook's "log noise, deprecation warnings"): Python warnings written to the
// logs (DeprecationWarning, PendingDeprecationWarning, FutureWarning, and the other warning classes
// that are noise rather than failures) and lines announcing something "deprecated". Never a page: the
// router folds these into one chatops digest per rule and day (see core/digest.ts).
import { redactText } from '../redact.ts';

export interface NoiseFinding {
  /** `deprecation` or `warning`. */
  category: 'deprecation' | 'warning';
  /** One incident per place: `DeprecationWarning@/app/x.py:12`, or the message's shape. */
  subject: string;
}

const DEPRECATION_CLASSES = new Set(['DeprecationWarning', 'PendingDeprecationWarning', 'FutureWarning']);
/** `warnings.warn` output: `/app/metis/x.py:12: DeprecationWarning: datetime.utcnow() is deprecated`. */
// The lookbehind starts a path only at a token's start: without it a long token is retried from every
// position (quadratic).
const PY_WARNING = /(?<![\w./\\-])([\w./\\-]+\.py):(\d+): (\w*Warning): /;
const WARNING_CLASS =
  /\b(DeprecationWarning|PendingDeprecationWarning|FutureWarning|ResourceWarning|RuntimeWarning|UserWarning|SyntaxWarning)\b/;
const DEPRECATED_WORD = /\bdeprecated\b/i;
const MAX_TEXT = 4096;
/** What every pattern below needs, in one pass (three substring scans cost about three times as much). */
const MAYBE_NOISE = /Warning|eprecat|EPRECAT/;

export function logNoiseOf(text: string): NoiseFinding | undefined {
  // Most lines mention neither: skip the regexes for them (log-watch's throughput is benchmarked).
  if (!MAYBE_NOISE.test(text)) return undefined;
  // The place is at the start of a warnings.warn line; bounding the text keeps the regexes linear on a huge line.
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
  const located = PY_WARNING.exec(text);
  if (located) {
    const cls = located[3]!;
    return { category: DEPRECATION_CLASSES.has(cls) ? 'deprecation' : 'warning', subject: `${cls}@${located[1]}:${located[2]}` };
  }
  const cls = WARNING_CLASS.exec(text)?.[1];
  if (cls) return { category: DEPRECATION_CLASSES.has(cls) ? 'deprecation' : 'warning', subject: `${cls}:${shape(text)}` };
  if (DEPRECATED_WORD.test(text)) return { category: 'deprecation', subject: `deprecated:${shape(text)}` };
  return undefined;
}

/**
 * The message without what varies between occurrences (time stamps, numbers, ids, quoted values),
 * short: the same warning logged a thousand times is one subject.
 */
function shape(text: string): string {
  return redactText(text)
    .replace(/^\S*\d{2}:\d{2}:\d{2}\S*\s*/, '')
    .replace(/(['"]).*?\1/g, '…')
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}
