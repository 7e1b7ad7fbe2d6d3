// The vantages of a config once the home region is known (what bin/app.ts deploys); the config keys'
// own validation is in test/unit/core/config.test.ts.
import { describe, expect, it } from 'vitest';
import { majority, vantagePlan } from '../../../../lambdas/core/probe/vantages.ts';

describe('vantagePlan', () => {
  it('is the home region alone by default, quorum 1', () => {
    expect(vantagePlan({ vantages: [] }, 'eu-west-1')).toEqual({ home: 'eu-west-1', all: ['eu-west-1'], extra: [], quorum: 1 });
  });

  it('counts a listed home region once: three vantages, two extra stacks, majority 2', () => {
    expect(vantagePlan({ vantages: ['eu-central-1', 'us-east-1', 'ap-southeast-2'] }, 'eu-central-1')).toEqual({
      home: 'eu-central-1',
      all: ['eu-central-1', 'us-east-1', 'ap-southeast-2'],
      extra: ['us-east-1', 'ap-southeast-2'],
      quorum: 2,
    });
  });

  it('adds the home region when it is not listed', () => {
    const plan = vantagePlan({ vantages: ['us-east-1', 'ap-southeast-2', 'sa-east-1'] }, 'eu-west-1');
    expect(plan).toMatchObject({ all: ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'sa-east-1'], quorum: 3 });
  });

  it('keeps an explicit quorum and refuses one above the vantage count', () => {
    expect(vantagePlan({ vantages: ['us-east-1'], quorum: 2 }, 'eu-west-1')).toMatchObject({ quorum: 2 });
    expect(vantagePlan({ vantages: ['eu-west-1', 'us-east-1'], quorum: 3 }, 'eu-west-1')).toBe(
      'probes.quorum: 3 is more than the 2 vantages (eu-west-1, us-east-1)',
    );
  });

  it('refuses a home region that is no region name', () => {
    expect(vantagePlan({ vantages: [] }, 'moon-1')).toBe('home region "moon-1" is not an AWS region name');
  });

  it('majority is more than half', () => {
    expect([1, 2, 3, 4, 5].map(majority)).toEqual([1, 2, 2, 3, 3]);
  });
});
