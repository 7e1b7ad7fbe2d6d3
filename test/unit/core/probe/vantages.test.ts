import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../../../../lambdas/core/config.ts';
import { majority, vantagePlan } from '../../../../lambdas/core/probe/vantages.ts';

const targets = { healthTargets: [{ name: 'gateway', url: 'https://gateway.example.com/healthz' }] };

function configMessage(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, the config parsed');
}

describe('probes config', () => {
  it('defaults to the home region only, quorum left to the plan', () => {
    expect(defaultConfig().probes).toEqual({ vantages: [] });
  });

  it('keeps the listed regions and quorum', () => {
    const config = parseConfig({ ...targets, probes: { vantages: ['eu-central-1', 'us-east-1', 'ap-southeast-2'], quorum: 2 } });
    expect(config.probes).toEqual({ vantages: ['eu-central-1', 'us-east-1', 'ap-southeast-2'], quorum: 2 });
  });

  it('refuses a misspelt region, naming its index', () => {
    expect(configMessage({ ...targets, probes: { vantages: ['eu-central-1', 'eu-centrl-1'] } })).toBe(
      'config: probes.vantages.1: expected an AWS region name such as "eu-central-1"',
    );
    expect(configMessage({ ...targets, probes: { vantages: ['EU-CENTRAL-1'] } })).toContain('probes.vantages.0');
  });

  it('refuses a region listed twice', () => {
    expect(configMessage({ ...targets, probes: { vantages: ['us-east-1', 'us-east-1'] } })).toBe(
      'config: probes.vantages: a region is listed twice',
    );
  });

  it('refuses a quorum of 0, a fraction, or more than the vantages could be', () => {
    expect(configMessage({ ...targets, probes: { quorum: 0 } })).toContain('probes.quorum');
    expect(configMessage({ ...targets, probes: { vantages: ['us-east-1'], quorum: 1.5 } })).toContain('probes.quorum');
    expect(configMessage({ ...targets, probes: { quorum: 2 } })).toBe(
      'config: probes.quorum: expected at most the number of vantages (the listed regions plus the home region)',
    );
    expect(configMessage({ ...targets, probes: { vantages: ['us-east-1', 'eu-west-1'], quorum: 4 } })).toContain('probes.quorum');
  });

  it('refuses vantages without health targets (nothing to probe)', () => {
    expect(configMessage({ probes: { vantages: ['us-east-1'] } })).toBe(
      'config: probes.vantages: needs at least one healthTargets entry (the vantages probe the health targets)',
    );
  });

  it('refuses an unknown key under probes', () => {
    expect(configMessage({ ...targets, probes: { regions: ['us-east-1'] } })).toBe('config: probes: unknown key "regions"');
  });
});

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
