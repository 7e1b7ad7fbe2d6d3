// The one strict reading of an ISO-8601 instant typed by a person (every CLI flag that takes a time).
// `Date.parse` rolls impossible dates over (2026-02-30 becomes March 2) and reads a time without a zone
// in the machine's local time; here both are refused, so a typo never shifts a window silently.

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

export type InstantProblem = 'format' | 'zone' | 'calendar';

export type InstantReading = { ok: true; ms: number } | { ok: false; problem: InstantProblem; detail: string };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function readIsoInstant(text: string): InstantReading {
  const m = PATTERN.exec(text.trim());
  if (!m) return { ok: false, problem: 'format', detail: 'expected YYYY-MM-DDTHH:MM[:SS[.fff]] and a zone' };
  const [, y, mo, d, h, mi, s = '00', , zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return { ok: false, problem: 'calendar', detail: `there is no month ${mo}` };
  if (day < 1 || day > daysInMonth(year, month))
    return { ok: false, problem: 'calendar', detail: `${y}-${mo} has ${daysInMonth(year, month)} days, not ${d}` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'calendar', detail: `there is no time ${h}:${mi}:${s}` };
  if (zone === undefined) return { ok: false, problem: 'zone', detail: 'no time zone' };
  if (zone !== 'Z' && zone !== 'z') {
    const offset = /^[+-](\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(offset[1]) > 18 || Number(offset[2]) > 59) return { ok: false, problem: 'calendar', detail: `there is no offset ${zone}` };
  }
  return { ok: true, ms: Date.parse(text.trim().replace(/z$/, 'Z')) };
}
