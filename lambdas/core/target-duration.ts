// The runbook's target clocks as config text ("15m", "1h", "1 business day", "1 week", "none"), parsed
// into wall-clock minutes (24/7) or business minutes (counted only inside business hours).
export type TargetDuration =
  | { kind: 'wall'; minutes: number }
  | { kind: 'business'; minutes: number }
  | { kind: 'business-days'; days: number };

const WALL_UNITS: Record<string, number> = { m: 1, min: 1, minute: 1, h: 60, hour: 60, d: 1440, day: 1440, w: 10_080, week: 10_080 };

/** A target clock, or undefined for "none" (SEV4's best effort). Throws on anything else, naming what it accepts. */
export function parseTargetDuration(text: string): TargetDuration | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'none') return undefined;
  const business = /^(\d+)\s+business\s+(day|hour|minute)s?$/.exec(value);
  if (business) {
    const n = Number(business[1]);
    if (n <= 0) throw new Error(`"${text}": expected a positive duration`);
    if (business[2] === 'day') return { kind: 'business-days', days: n };
    return { kind: 'business', minutes: business[2] === 'hour' ? n * 60 : n };
  }
  const wall = /^(\d+)\s*(m|min|minute|h|hour|d|day|w|week)s?$/.exec(value);
  if (wall && Number(wall[1]) > 0) return { kind: 'wall', minutes: Number(wall[1]) * WALL_UNITS[wall[2]!]! };
  throw new Error(`"${text}": expected a duration such as "15m", "4h", "1 week", "1 business day" or "none"`);
}

/** True when the text parses (the config schema's check). */
export function isTargetDuration(text: string): boolean {
  try {
    parseTargetDuration(text);
    return true;
  } catch {
    return false;
  }
}
