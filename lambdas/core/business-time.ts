// Business-time arithmetic for the runbook's "1 business day" clocks: minutes count only inside business
// hours (business-hours.ts), so a SEV3 opened on Friday at 16:00 is due on Monday at 16:00.
import type { BusinessHours } from './config.ts';
import { isBusinessHours, zonedTime } from './business-hours.ts';

const MINUTE = 60_000;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** The length of one business day in minutes (09:00-17:00 is 480). */
export function businessDayMinutes(hours: BusinessHours): number {
  return minutesOf(hours.end) - minutesOf(hours.start);
}

/**
 * The instant `minutes` business minutes after `start`. It jumps over closed time, landing up to an hour
 * before the next opening and walking the rest minute by minute, so a daylight-saving change in the
 * jump never skips an opening.
 */
export function addBusinessMinutes(start: Date, minutes: number, hours: BusinessHours): Date {
  if (hours.days.length === 0) throw new Error('business hours have no working day: a business-time target can never be reached');
  let at = Math.ceil(start.getTime() / MINUTE) * MINUTE;
  let left = minutes;
  const open = minutesOf(hours.start);
  const close = minutesOf(hours.end);
  // A year of closed days (holidays) is the most any configuration can skip.
  for (let guard = 0; left > 0 && guard < 1_000_000; guard++) {
    const local = minutesOf(zonedTime(new Date(at), hours.timezone).time);
    if (isBusinessHours(new Date(at), hours)) {
      const step = Math.max(1, Math.min(left, close - local));
      at += step * MINUTE;
      left -= step;
    } else {
      const untilOpen = local < open ? open - local : 1440 - local + open;
      at += Math.max(1, untilOpen - 60) * MINUTE;
    }
  }
  return new Date(at);
}
