// The demo's configuration: the example config a newcomer copies (its sinks, business hours and routing),
// plus what the demo needs and says it adds: every other sink kind, so the wire log shows each vendor's
// request (their secrets are placeholder parameter names, masked), and budgets that the sample data breaks.
import { readFileSync } from 'node:fs';
import { type Config, parseConfig } from '../lambdas/core/config.ts';

export const EXAMPLE_CONFIG_FILE = 'metis-alerts.config.example.json';

const ADDED_SINKS = {
  opsgenie: { apiKeyParameter: '/metis-alerts/demo/opsgenie-api-key' },
  splunkOnCall: { restEndpointParameter: '/metis-alerts/demo/splunk-oncall-endpoint' },
  webhooks: [{ name: 'keep', urlParameter: '/metis-alerts/demo/keep-webhook-url', format: 'alertmanager' as const }],
};
const ADDED_SINK_NAMES = ['opsgenie', 'splunk-oncall', 'webhook:keep'];

// Budgets the sample trace DB's spend breaks, so the demo shows cost_projection (the example's are higher).
const DEMO_RULES = { cost_projection: { dailyBudgetUsd: 100 }, bill_threshold: { dailyHardCapUsd: 2000 } };

export interface DemoConfig {
  config: Config;
  /** What the demo runs with, one line each: which sinks come from the example and which it adds. */
  describe: string[];
}

/** The example config text (JSON) with the demo's additions, validated like any operator's config. */
export function demoConfigFrom(exampleText: string, file = EXAMPLE_CONFIG_FILE): DemoConfig {
  const example = JSON.parse(exampleText) as { sinks?: Record<string, unknown>; rules?: Record<string, unknown> };
  const exampleSinks = Object.keys(example.sinks ?? {});
  const config = parseConfig({ ...example, rules: { ...example.rules, ...DEMO_RULES }, sinks: { ...example.sinks, ...ADDED_SINKS } }, file);
  const hours = config.businessHours;
  return {
    config,
    describe: [
      `config: ${file}; sinks from it: ${exampleSinks.join(', ')}; the demo adds ${ADDED_SINK_NAMES.join(', ')} (dry-run, so the wire log shows every vendor's request)`,
      `business hours: ${hours.days.join(' ')} ${hours.start}-${hours.end} ${hours.timezone}; the demo sets cost_projection.dailyBudgetUsd ${DEMO_RULES.cost_projection.dailyBudgetUsd} and bill_threshold.dailyHardCapUsd ${DEMO_RULES.bill_threshold.dailyHardCapUsd} so the sample data breaks the budget`,
    ],
  };
}

export function loadDemoConfig(file = EXAMPLE_CONFIG_FILE): DemoConfig {
  return demoConfigFrom(readFileSync(file, 'utf8'), file);
}
