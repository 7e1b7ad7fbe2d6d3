// Time as SQLite sees it. Windows are compared as instants with julianday() on both sides, never as
// raw strings: '2026-11-20T12:00:00Z' > '2026-11-20 14:50:00' as text, because 'T' sorts after ' '.
// `now` is always injected and bound as a parameter; SQLite's own 'now' is never used.

export const MS_PER_DAY = 86_400_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
/** Julian day 0 in Unix milliseconds is -210866760000000 (JD 2440587.5 = 1970-01-01T00:00:00Z). */
const JD_EPOCH_OFFSET_MS = 210_866_760_000_000;

/**
 * The Julian day number SQLite's julianday() returns for this instant: SQLite keeps milliseconds
 * since JD 0 as an integer and divides by 86400000.0, so doing the same gives bit-identical doubles
 * and exact boundary comparisons.
 */
export function toJulianDay(ms: number | Date): number {
  const t = typeof ms === 'number' ? ms : ms.getTime();
  return (Math.round(t) + JD_EPOCH_OFFSET_MS) / MS_PER_DAY;
}

export function fromJulianDay(jd: number): Date {
  return new Date(Math.round(jd * MS_PER_DAY) - JD_EPOCH_OFFSET_MS);
}

/** ISO-8601 UTC for a julianday() value read back from SQL, or null. */
export function isoFromJulianDayOrNull(jd: unknown): string | null {
  return typeof jd === 'number' && Number.isFinite(jd) ? fromJulianDay(jd).toISOString() : null;
}

/**
 * A cheap string lower bound for `timestamp >= :bound`, one day before the instant. Every ISO-8601
 * text starts with its date, and a UTC offset moves the local date by at most 14 hours, so this
 * never drops a row the exact julianday() test would keep; it lets SQLite skip most rows (or use an
 * index on `timestamp`) before parsing dates.
 */
export function coarseLowerBound(ms: number): string {
  return new Date(ms - MS_PER_DAY).toISOString().slice(0, 10);
}

/** 00:00:00 UTC of the instant's day. */
export function startOfUtcDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** 00:00:00 UTC on the first of the instant's month. */
export function startOfUtcMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Parse an ISO-8601 timestamp as SQLite would accept it ('T' or space, fraction, 'Z' or offset). */
export function parseInstant(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const zone = m[3] === undefined || m[3].toUpperCase() === 'Z' ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}
