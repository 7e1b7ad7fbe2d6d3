// `routes` answers as the router plans: the Statuspage sink (autoPublish) only for a SEV1/SEV2 it publishes.
import { describe, expect, it } from 'vitest';
import { routesFor } from '../../../../cli/commands/routes.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';

const TUESDAY_10 = new Date('2026-11-24T10:00:00Z');
const config = (autoPublish: boolean) =>
  parseConfig({ sinks: { statuspage: { pageId: 'kctbh9vrtdwd', apiKeyParameter: '/metis/statuspage/key', autoPublish } } });

describe('routes with a Statuspage sink', () => {
  it('lists statuspage for a SEV1 and a SEV2, not for a SEV3', () => {
    expect(routesFor('SEV1', TUESDAY_10, config(true)).sinks).toEqual(['pagerduty', 'page', 'chatops', 'statuspage']);
    expect(routesFor('SEV2', TUESDAY_10, config(true)).sinks).toEqual(['pagerduty', 'page', 'chatops', 'statuspage']);
    expect(routesFor('SEV3', TUESDAY_10, config(true)).sinks).toEqual(['chatops']);
  });

  it('with --rule: not for a rule users cannot see, nor a security matter', () => {
    expect(routesFor('SEV1', TUESDAY_10, config(true), 'healthz_down').sinks).toContain('statuspage');
    expect(routesFor('SEV1', TUESDAY_10, config(true), 'bill_threshold').sinks).not.toContain('statuspage');
    expect(routesFor('SEV1', TUESDAY_10, config(true), 'prompt_exposure').sinks).not.toContain('statuspage');
  });

  it('without autoPublish it is no sink at all', () => {
    expect(routesFor('SEV1', TUESDAY_10, config(false)).sinks).toEqual(['pagerduty', 'page', 'chatops']);
  });
});
