// The demo runs on the example config a newcomer copies, and says what it adds to it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoConfigFrom, EXAMPLE_CONFIG_FILE } from '../../../scripts/demo-config.ts';

const example = readFileSync(EXAMPLE_CONFIG_FILE, 'utf8');

describe('demo config', () => {
  it("keeps the example's sinks, business hours and routing and names the sinks it adds", () => {
    const { config, describe: lines } = demoConfigFrom(example);
    const parsed = JSON.parse(example);
    expect(config.name).toBe(parsed.name);
    expect(config.businessHours.timezone).toBe(parsed.businessHours.timezone);
    expect(config.routing.escalateAfterMinutes).toBe(parsed.routing.escalateAfterMinutes);
    expect(config.sinks.page).toEqual(parsed.sinks.page);
    expect(config.sinks.pagerduty).toMatchObject(parsed.sinks.pagerduty);
    expect(config.sinks.opsgenie?.apiKeyParameter).toBe('/metis-alerts/demo/opsgenie-api-key');
    expect(config.sinks.splunkOnCall?.restEndpointParameter).toBe('/metis-alerts/demo/splunk-oncall-endpoint');
    expect(config.sinks.webhooks?.map((w) => w.name)).toEqual(['keep']);
    expect(lines[0]).toBe(
      "config: metis-alerts.config.example.json; sinks from it: pagerduty, page, chatops; the demo adds opsgenie, splunk-oncall, webhook:keep (dry-run, so the wire log shows every vendor's request)",
    );
    expect(lines[1]).toContain('Europe/Berlin');
    expect(lines[1]).toContain('cost_projection.dailyBudgetUsd 100');
  });

  it('an example config that no longer validates stops the demo with the key path', () => {
    const broken = JSON.stringify({ ...JSON.parse(example), routing: { escalateAfterMinutes: 'soon' } });
    expect(() => demoConfigFrom(broken, 'broken.json')).toThrow(/routing\.escalateAfterMinutes/);
  });
});
