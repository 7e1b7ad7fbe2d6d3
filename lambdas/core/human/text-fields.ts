// Small readers shared by the webhook parsers: a provider's free text becomes one redacted line before it
// reaches an incident, and its timestamps (ISO text, epoch seconds or epoch milliseconds) one ISO instant.
import { createHash } from 'node:crypto';
import { redactText } from '../redact.ts';
import { oneLine } from '../signal.ts';

const MAX_NAME = 120;
const MAX_NOTE = 300;

/**
 * A person's name as the timeline shows it: one line, redacted, at most 120 characters. Providers often
 * name people by e-mail address, which redaction masks whole: its local part is kept instead ("fili").
 */
export function nameOf(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const email = /^\s*([^@\s]{1,64})@[^@\s]+\.[^@\s]+\s*$/.exec(value);
  const text = oneLine(redactText(email ? email[1]! : value), MAX_NAME);
  return text || fallback;
}

export function noteOf(value: unknown): string | undefined {
  const text = typeof value === 'string' ? oneLine(redactText(value), MAX_NOTE) : '';
  return text || undefined;
}

/**
 * An ISO instant from ISO text or an epoch number, as text or number, in seconds, milliseconds, micro- or
 * nanoseconds (Opsgenie's `updatedAt` is in nanoseconds, its `createdAt` in milliseconds); else undefined.
 */
export function instantOf(value: unknown): string | undefined {
  if (typeof value === 'string' && /^\d{9,19}$/.test(value.trim())) return instantOf(Number(value.trim()));
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const ms = value >= 1e17 ? value / 1e6 : value >= 1e14 ? value / 1e3 : value >= 1e11 ? value : value * 1000;
    return isoOf(ms);
  }
  return typeof value === 'string' ? isoOf(Date.parse(value)) : undefined;
}

/** An out-of-range time (year 275760 and beyond) is no instant: toISOString would throw. */
function isoOf(ms: number): string | undefined {
  const date = new Date(Math.floor(ms));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that answers undefined instead of throwing (a malformed body is a 400, never a crash). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The id of a delivery from a provider that sends none (Opsgenie, Splunk On-Call): a digest of the exact
 * body, so the same body replayed within the seen-id lifetime is refused, whatever its times say.
 */
export function bodyDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 40);
}
