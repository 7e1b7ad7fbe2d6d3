// Business hours in an IANA zone, with holidays; daylight-saving changes are the zone database's job.
import type { BusinessHours } from './config.ts';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export interface ZonedTime {
  date: string; // YYYY-MM-DD in the zone
  weekday: (typeof WEEKDAYS)[number];
  time: string; // HH:MM in the zone
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function zonedTime(instant: Date, timeZone: string): ZonedTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday as ZonedTime['weekday'],
    time: `${parts.hour}:${parts.minute}`,
  };
}

/** True from `start` (inclusive) to `end` (exclusive) on a working day that is not a holiday. */
export function isBusinessHours(instant: Date, hours: BusinessHours): boolean {
  const local = zonedTime(instant, hours.timezone);
  if (!hours.days.includes(local.weekday)) return false;
  if (hours.holidays.includes(local.date)) return false;
  return local.time >= hours.start && local.time < hours.end;
}
