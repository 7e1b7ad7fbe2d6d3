import { describe, expect, it } from 'vitest';
import { readIsoInstant } from '../../../lambdas/core/iso-instant.ts';

describe('readIsoInstant: strict, no roll-over, a zone required', () => {
  it.each([
    ['2026-11-20T12:00:00Z', '2026-11-20T12:00:00.000Z'],
    ['2026-11-20T12:00Z', '2026-11-20T12:00:00.000Z'],
    ['2026-11-20T13:00:00.250+01:00', '2026-11-20T12:00:00.250Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['2026-11-20T12:00:00-0530', '2026-11-20T17:30:00.000Z'],
  ])('%s is %s', (text, iso) => {
    const reading = readIsoInstant(text);
    expect(reading.ok && new Date(reading.ms).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-02-30T10:00:00Z', 'calendar', '2026-02 has 28 days, not 30'],
    ['2027-02-29T10:00:00Z', 'calendar', '2027-02 has 28 days, not 29'],
    ['2026-00-10T10:00:00Z', 'calendar', 'there is no month 00'],
    ['2026-11-20T23:60:00Z', 'calendar', 'there is no time 23:60:00'],
    ['2026-11-20T12:00:00+25:00', 'calendar', 'there is no offset +25:00'],
    ['2026-11-20T12:00:00', 'zone', 'no time zone'],
    ['2026-11-20', 'format', 'expected YYYY-MM-DDTHH:MM[:SS[.fff]] and a zone'],
    ['yesterday', 'format', 'expected YYYY-MM-DDTHH:MM[:SS[.fff]] and a zone'],
  ])('%s is refused (%s)', (text, problem, detail) => {
    expect(readIsoInstant(text)).toEqual({ ok: false, problem, detail });
  });
});
