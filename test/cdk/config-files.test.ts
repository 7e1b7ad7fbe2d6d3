// The committed config example and JSON Schema: the example must validate, and the schema must be what
// `npm run schema` generates from the zod definition today (so editors and synth agree).
import { describe, expect, it } from 'vitest';
import { configJsonSchema, parseConfig } from '../../lambdas/core/config.ts';
import { EXAMPLE_CONFIG_PATH, REPO_ROOT, readJson } from './synth-helpers.ts';

describe('metis-alerts.config.example.json', () => {
  const raw = readJson(EXAMPLE_CONFIG_PATH) as Record<string, unknown>;

  it('passes parseConfig with the values the example is meant to show', () => {
    const config = parseConfig(raw, EXAMPLE_CONFIG_PATH);
    expect(config.healthTargets.map((t) => [t.name, new URL(t.url).pathname])).toEqual([
      ['gateway', '/healthz'],
      ['server', '/health'],
    ]);
    expect(config.snapshot?.prefix).toBe('metis/prod');
    expect(config.logGroups.map((g) => g.name)).toEqual(['/metis/prod/gateway']);
    expect(config.rules.cost_projection.dailyBudgetUsd).toBe(250);
    expect(config.businessHours.timezone).toBe('Europe/Berlin');
    expect(config.businessHours.holidays).toContain('2026-12-25');
    expect(config.sinks.pagerduty?.routingKeyParameter).toBe('/metis-alerts/pagerduty/routing-key');
    expect(config.sinks.page.emails).toHaveLength(1);
    expect(config.sinks.page.sms).toHaveLength(1);
    expect(config.sinks.chatops.emails).toHaveLength(1);
  });

  it('points editors at the committed schema', () => {
    expect(raw.$schema).toBe('./metis-alerts.config.schema.json');
  });
});

describe('metis-alerts.config.schema.json', () => {
  it('is what scripts/write-config-schema.ts generates from the zod schema (run `npm run schema`)', () => {
    expect(readJson(`${REPO_ROOT}metis-alerts.config.schema.json`)).toEqual(configJsonSchema());
  });
});
