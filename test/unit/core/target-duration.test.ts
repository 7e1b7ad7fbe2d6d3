// The runbook's clocks as config text: what parses, to what, and what is refused with a clear message.
import { describe, expect, it } from 'vitest';
import { parseTargetDuration } from '../../../lambdas/core/target-duration.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';

describe('parseTargetDuration', () => {
  it('reads wall-clock durations in minutes, hours, days and weeks', () => {
    expect(parseTargetDuration('15m')).toEqual({ kind: 'wall', minutes: 15 });
    expect(parseTargetDuration('1h')).toEqual({ kind: 'wall', minutes: 60 });
    expect(parseTargetDuration('4 hours')).toEqual({ kind: 'wall', minutes: 240 });
    expect(parseTargetDuration('1 week')).toEqual({ kind: 'wall', minutes: 10_080 });
    expect(parseTargetDuration('2d')).toEqual({ kind: 'wall', minutes: 2880 });
  });

  it('reads business time, and "none" as no target', () => {
    expect(parseTargetDuration('1 business day')).toEqual({ kind: 'business-days', days: 1 });
    expect(parseTargetDuration('3 business days')).toEqual({ kind: 'business-days', days: 3 });
    expect(parseTargetDuration('2 business hours')).toEqual({ kind: 'business', minutes: 120 });
    expect(parseTargetDuration('none')).toBeUndefined();
  });

  it('refuses zero, negative and unknown units', () => {
    for (const bad of ['0m', '-5m', '15', '15 fortnights', '', '1 business week'])
      expect(() => parseTargetDuration(bad), bad).toThrow(/expected a duration such as/);
  });

  it('is checked by the config schema, naming the key', () => {
    expect(() => parseConfig({ routing: { targets: { SEV1: { ack: '15 parsecs' } } } })).toThrow(
      /routing\.targets\.SEV1\.ack: expected a duration such as "15m"/,
    );
    const config = parseConfig({ routing: { targets: { SEV2: { ack: '30m' } } } });
    // An override keeps the other defaults of the runbook's table.
    expect(config.routing.targets.SEV2).toEqual({ ack: '30m', mitigate: '4h', resolve: '1 business day' });
    expect(config.routing.targets.SEV1).toEqual({ ack: '15m', mitigate: '1h', resolve: '4h' });
    expect(config.routing.targets.SEV4).toEqual({ ack: 'none', mitigate: 'none', resolve: 'none' });
    expect(config.routing.reopenAfterMinutes).toBe(30);
  });

  it('refuses a secondary sink that is not configured, and an unknown sink name', () => {
    expect(() => parseConfig({ routing: { secondary: ['opsgenie'] } })).toThrow(
      /routing\.secondary\.0: sink "opsgenie" is not configured under "sinks"/,
    );
    expect(() => parseConfig({ routing: { secondary: ['chatops'] } })).toThrow(/routing\.secondary\.0: expected a sink name/);
    expect(parseConfig({ routing: { secondary: ['page'] } }).routing.secondary).toEqual(['page']);
  });
});
