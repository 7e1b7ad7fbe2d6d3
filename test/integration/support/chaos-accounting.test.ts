import { describe, expect, it } from 'vitest';
import { resolveMismatches, unexplainedDuplicates } from './chaos-accounting.ts';

const KEY = 'model_error_rate:model-1';
const sent = (...ids: string[]) => new Map([[KEY, new Set(ids)]]);
const unrecorded = (...ids: string[]) => new Map([[KEY, ids]]);
const accepted = (n: number) => new Map([[KEY, n]]);

describe('chaos accounting', () => {
  it('matches a resolve recorded once and accepted once', () => {
    expect(resolveMismatches(sent('1:pagerduty:trigger:SEV2', '1:pagerduty:resolve'), unrecorded(), accepted(1))).toEqual([]);
  });

  it('flags a resolve accepted twice when no record write failed (a real double send)', () => {
    expect(resolveMismatches(sent('1:pagerduty:resolve'), unrecorded(), accepted(2))).toEqual([`${KEY}: 2 accepted, 1 recorded`]);
  });

  it('allows one more acceptance per resolve whose first "sent" record was in a failed write, and no more', () => {
    expect(resolveMismatches(sent('1:pagerduty:resolve'), unrecorded('1:pagerduty:resolve'), accepted(2))).toEqual([]);
    expect(resolveMismatches(sent('1:pagerduty:resolve'), unrecorded('1:pagerduty:resolve'), accepted(3))).toEqual([
      `${KEY}: 3 accepted, 1 recorded (+1 unrecorded)`,
    ]);
  });

  it('flags a resolve recorded as sent that PagerDuty never accepted, lost write or not', () => {
    expect(resolveMismatches(sent('1:pagerduty:resolve', '2:pagerduty:resolve'), unrecorded('2:pagerduty:resolve'), accepted(1))).toEqual([
      `${KEY}: 1 accepted, 2 recorded (+1 unrecorded)`,
    ]);
  });

  it('a lost trigger record explains one repeated trigger of its key; a lost resolve record explains none', () => {
    const duplicates = new Map([[KEY, [`${KEY} error`, `${KEY} error`]]]);
    expect(unexplainedDuplicates(duplicates, unrecorded('1:pagerduty:trigger:SEV2'))).toEqual([`${KEY} error`]);
    expect(unexplainedDuplicates(duplicates, unrecorded('1:pagerduty:resolve'))).toEqual([`${KEY} error`, `${KEY} error`]);
  });
});
