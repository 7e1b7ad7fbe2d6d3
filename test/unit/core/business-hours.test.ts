import { describe, expect, it } from 'vitest';
import { isBusinessHours, zonedTime } from '../../../lambdas/core/business-hours.ts';
import { businessHoursSchema, type BusinessHours } from '../../../lambdas/core/config.ts';

function hours(overrides: Partial<BusinessHours> = {}): BusinessHours {
  return businessHoursSchema.parse(overrides);
}

const at = (iso: string): Date => new Date(iso);

describe('zonedTime', () => {
  it('renders date, weekday and HH:MM in the zone', () => {
    expect(zonedTime(at('2026-11-20T15:59:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-11-20', weekday: 'Fri', time: '16:59' });
    expect(zonedTime(at('2026-12-24T23:30:00Z'), 'Asia/Tokyo')).toEqual({ date: '2026-12-25', weekday: 'Fri', time: '08:30' });
    expect(zonedTime(at('2026-12-24T23:30:00Z'), 'UTC')).toEqual({ date: '2026-12-24', weekday: 'Thu', time: '23:30' });
  });

  it('renders midnight as 00:MM, never 24:MM', () => {
    expect(zonedTime(at('2026-06-01T00:15:00Z'), 'UTC')).toEqual({ date: '2026-06-01', weekday: 'Mon', time: '00:15' });
    expect(zonedTime(at('2026-06-01T22:05:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-06-02', weekday: 'Tue', time: '00:05' });
  });
});

describe('isBusinessHours', () => {
  const berlin = hours({ timezone: 'Europe/Berlin' });

  it('defaults to UTC, Mon-Fri 09:00-17:00, no holidays', () => {
    const defaults = hours();
    expect(defaults).toEqual({ timezone: 'UTC', days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], start: '09:00', end: '17:00', holidays: [] });
    expect(isBusinessHours(at('2026-11-17T08:59:59Z'), defaults)).toBe(false);
    expect(isBusinessHours(at('2026-11-17T09:00:00Z'), defaults)).toBe(true);
    expect(isBusinessHours(at('2026-11-17T16:59:59Z'), defaults)).toBe(true);
    expect(isBusinessHours(at('2026-11-17T17:00:00Z'), defaults)).toBe(false);
  });

  it('Friday 16:59 Berlin is in hours, 17:00 is out (end is exclusive)', () => {
    // 2026-11-20 is a Friday; Berlin is UTC+1 in November.
    expect(zonedTime(at('2026-11-20T15:59:00Z'), 'Europe/Berlin').time).toBe('16:59');
    expect(isBusinessHours(at('2026-11-20T15:59:00Z'), berlin)).toBe(true);
    expect(isBusinessHours(at('2026-11-20T16:00:00Z'), berlin)).toBe(false);
  });

  it('start is inclusive', () => {
    expect(isBusinessHours(at('2026-11-20T08:00:00Z'), berlin)).toBe(true); // 09:00 local
    expect(isBusinessHours(at('2026-11-20T07:59:00Z'), berlin)).toBe(false); // 08:59 local
  });

  it('Saturday and Sunday are out of hours at noon', () => {
    expect(isBusinessHours(at('2026-11-21T11:00:00Z'), berlin)).toBe(false);
    expect(isBusinessHours(at('2026-11-22T11:00:00Z'), berlin)).toBe(false);
    // ...unless the operator lists them.
    expect(isBusinessHours(at('2026-11-21T11:00:00Z'), hours({ timezone: 'Europe/Berlin', days: ['Sat'] }))).toBe(true);
  });

  it('a weekday that is a holiday in the zone is out of hours', () => {
    const withHoliday = hours({ timezone: 'Europe/Berlin', holidays: ['2026-12-24', '2026-12-31'] });
    expect(isBusinessHours(at('2026-12-24T10:00:00Z'), withHoliday)).toBe(false); // Thursday 11:00 local, holiday
    expect(isBusinessHours(at('2026-12-23T10:00:00Z'), withHoliday)).toBe(true); // Wednesday 11:00 local
    expect(isBusinessHours(at('2026-12-31T10:00:00Z'), withHoliday)).toBe(false);
  });

  it('handles the end of daylight saving time in Europe/Berlin (2026-10-25)', () => {
    // Friday before (CEST, UTC+2): 09:30 local is 07:30Z.
    expect(zonedTime(at('2026-10-23T07:30:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-10-23', weekday: 'Fri', time: '09:30' });
    expect(isBusinessHours(at('2026-10-23T07:30:00Z'), berlin)).toBe(true);
    // 08:30Z on that Friday is 10:30 local.
    expect(zonedTime(at('2026-10-23T08:30:00Z'), 'Europe/Berlin').time).toBe('10:30');
    expect(isBusinessHours(at('2026-10-23T08:30:00Z'), berlin)).toBe(true);
    // Monday after (CET, UTC+1): 09:30 local is 08:30Z, 07:59Z is 08:59 local.
    expect(zonedTime(at('2026-10-26T08:30:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-10-26', weekday: 'Mon', time: '09:30' });
    expect(isBusinessHours(at('2026-10-26T08:30:00Z'), berlin)).toBe(true);
    expect(zonedTime(at('2026-10-26T07:59:00Z'), 'Europe/Berlin').time).toBe('08:59');
    expect(isBusinessHours(at('2026-10-26T07:59:00Z'), berlin)).toBe(false);
    // The same UTC wall time (07:30Z) is in hours on the Friday but not on the Monday.
    expect(isBusinessHours(at('2026-10-26T07:30:00Z'), berlin)).toBe(false);
    // End of day moves too: 15:59Z is 16:59 local on Monday (in), 16:00Z is 17:00 (out); on Friday 15:00Z is already 17:00.
    expect(isBusinessHours(at('2026-10-26T15:59:00Z'), berlin)).toBe(true);
    expect(isBusinessHours(at('2026-10-26T16:00:00Z'), berlin)).toBe(false);
    expect(isBusinessHours(at('2026-10-23T15:00:00Z'), berlin)).toBe(false);
  });

  it('handles the America/New_York spring-forward (2026-03-08)', () => {
    const newYork = hours({ timezone: 'America/New_York' });
    // Friday 2026-03-06 (EST, UTC-5): 09:00 local is 14:00Z; 13:30Z is 08:30 local.
    expect(isBusinessHours(at('2026-03-06T14:00:00Z'), newYork)).toBe(true);
    expect(isBusinessHours(at('2026-03-06T13:30:00Z'), newYork)).toBe(false);
    // Monday 2026-03-09 (EDT, UTC-4): 13:00Z is 09:00 local, 13:30Z is 09:30 local, 12:59Z is 08:59.
    expect(zonedTime(at('2026-03-09T13:00:00Z'), 'America/New_York')).toEqual({ date: '2026-03-09', weekday: 'Mon', time: '09:00' });
    expect(isBusinessHours(at('2026-03-09T13:00:00Z'), newYork)).toBe(true);
    expect(isBusinessHours(at('2026-03-09T13:30:00Z'), newYork)).toBe(true);
    expect(isBusinessHours(at('2026-03-09T12:59:00Z'), newYork)).toBe(false);
    expect(isBusinessHours(at('2026-03-09T20:59:00Z'), newYork)).toBe(true); // 16:59 EDT
    expect(isBusinessHours(at('2026-03-09T21:00:00Z'), newYork)).toBe(false); // 17:00 EDT
    // The skipped hour on the Sunday itself: 06:59Z is 01:59 EST, 07:00Z is 03:00 EDT.
    expect(zonedTime(at('2026-03-08T06:59:00Z'), 'America/New_York').time).toBe('01:59');
    expect(zonedTime(at('2026-03-08T07:00:00Z'), 'America/New_York').time).toBe('03:00');
    const sundayNight = hours({ timezone: 'America/New_York', days: ['Sun'], start: '02:00', end: '04:00' });
    expect(isBusinessHours(at('2026-03-08T06:59:00Z'), sundayNight)).toBe(false);
    expect(isBusinessHours(at('2026-03-08T07:00:00Z'), sundayNight)).toBe(true);
  });

  it('looks holidays up by the date in the zone, not the UTC date', () => {
    // 2026-12-24T23:30Z is Friday 2026-12-25 08:30 in Tokyo.
    const instant = at('2026-12-24T23:30:00Z');
    const tokyoChristmas = hours({ timezone: 'Asia/Tokyo', start: '08:00', holidays: ['2026-12-25'] });
    const tokyoUtcDate = hours({ timezone: 'Asia/Tokyo', start: '08:00', holidays: ['2026-12-24'] });
    expect(isBusinessHours(instant, tokyoChristmas)).toBe(false);
    expect(isBusinessHours(instant, tokyoUtcDate)).toBe(true);
    // The reverse in Honolulu (UTC-10): 2026-12-25T02:00Z is Thursday 2026-12-24 16:00 local.
    const later = at('2026-12-25T02:00:00Z');
    expect(isBusinessHours(later, hours({ timezone: 'Pacific/Honolulu', holidays: ['2026-12-25'] }))).toBe(true);
    expect(isBusinessHours(later, hours({ timezone: 'Pacific/Honolulu', holidays: ['2026-12-24'] }))).toBe(false);
    // And in UTC the same instant is on the 25th.
    expect(isBusinessHours(at('2026-12-25T10:00:00Z'), hours({ holidays: ['2026-12-25'] }))).toBe(false);
  });
});
