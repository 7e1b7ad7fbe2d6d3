// Business-time arithmetic: minutes count only inside business hours, across nights, weekends, holidays and zones.
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes } from '../../../lambdas/core/business-time.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';

const UTC = parseConfig({}).businessHours; // Mon-Fri 09:00-17:00 UTC
const at = (iso: string) => new Date(iso);

describe('addBusinessMinutes', () => {
  it('adds inside one working day', () => {
    expect(addBusinessMinutes(at('2026-11-24T10:00:00Z'), 60, UTC).toISOString()).toBe('2026-11-24T11:00:00.000Z');
  });

  it('carries over the night: Tuesday 16:00 + 480 business minutes is Wednesday 16:00', () => {
    expect(addBusinessMinutes(at('2026-11-24T16:00:00Z'), 480, UTC).toISOString()).toBe('2026-11-25T16:00:00.000Z');
  });

  it('starts counting at the next opening when started out of hours: Saturday 03:00 + 1 business day is Monday 17:00', () => {
    expect(addBusinessMinutes(at('2026-11-28T03:00:00Z'), 480, UTC).toISOString()).toBe('2026-11-30T17:00:00.000Z');
  });

  it('skips holidays', () => {
    const hours = parseConfig({ businessHours: { holidays: ['2026-11-25'] } }).businessHours;
    expect(addBusinessMinutes(at('2026-11-24T16:00:00Z'), 480, hours).toISOString()).toBe('2026-11-26T16:00:00.000Z');
  });

  it('counts in the configured zone, across a daylight-saving change', () => {
    // Berlin leaves summer time on 2026-10-25: Friday 16:00 CEST (14:00Z) + 2 business hours = Monday 10:00 CET (09:00Z).
    const berlin = parseConfig({ businessHours: { timezone: 'Europe/Berlin' } }).businessHours;
    expect(addBusinessMinutes(at('2026-10-23T14:00:00Z'), 120, berlin).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('refuses business hours without a working day instead of looping', () => {
    const never = { ...UTC, days: [] };
    expect(() => addBusinessMinutes(at('2026-11-24T10:00:00Z'), 60, never)).toThrow(/no working day/);
  });
});
