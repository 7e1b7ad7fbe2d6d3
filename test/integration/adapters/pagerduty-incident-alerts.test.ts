// The REST client behind the grouped-incident lookup, against the PagerDuty fake's REST part (which checks
// the documented auth header, Accept and pagination): every page is read, the bounds hold, and each
// PagerDuty failure is sorted into "retry the webhook" (5xx, 429, too slow, network) or "retrying will not
// help" (401/403, 404, no key), never with the key in the reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PagerDutyRestIncidentAlerts } from '../../../lambdas/adapters/pagerduty-incident-alerts.ts';
import { FakePagerDuty } from '../support/pagerduty-server.ts';
import { PAGERDUTY_REST_KEY } from '../support/vendors/pagerduty-rest.ts';

const fake = new FakePagerDuty();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const client = (options: { key?: string | undefined; pageSize?: number; maxPages?: number; timeoutMs?: number } = {}) =>
  new PagerDutyRestIncidentAlerts({
    apiUrl: `${fake.restApiUrl}/`,
    apiKey: async () => ('key' in options ? options.key : `${PAGERDUTY_REST_KEY}\n`),
    bounds: { pageSize: options.pageSize ?? 2, maxPages: options.maxPages ?? 5, timeoutMs: options.timeoutMs ?? 2_000 },
  });

describe('PagerDutyRestIncidentAlerts', () => {
  it('reads every page of a grouped incident (limit, offset, more) with the documented headers', async () => {
    fake.rest.group('PGRP01', ['a:1', 'b:2', { alert_key: 'c:3', status: 'resolved' }]);
    expect(await client().alertsOf('PGRP01')).toEqual({
      kind: 'alerts',
      complete: true,
      alerts: [
        { alertKey: 'a:1', status: 'triggered' },
        { alertKey: 'b:2', status: 'triggered' },
        { alertKey: 'c:3', status: 'resolved' },
      ],
    });
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/incidents/PGRP01/alerts?limit=2&offset=0',
      '/incidents/PGRP01/alerts?limit=2&offset=2',
    ]);
    expect(fake.requests.flatMap((r) => r.errors)).toEqual([]);
  });

  it('stops at maxPages and says the list is incomplete', async () => {
    fake.rest.group('PBIG', ['a', 'b', 'c', 'd', 'e']);
    expect(await client({ maxPages: 2 }).alertsOf('PBIG')).toMatchObject({ kind: 'alerts', complete: false, alerts: [{}, {}, {}, {}] });
    expect(fake.requests).toHaveLength(2);
  });

  it('500, 429 and a second page slower than the deadline are "retry"', async () => {
    fake.rest.group('PGRP01', ['a:1', 'b:2', 'c:3']);
    fake.rest.setScript({ type: 'error', status: 500 });
    expect(await client().alertsOf('PGRP01')).toEqual({ kind: 'retry', reason: 'PagerDuty answered 500: Internal Server Error' });
    fake.rest.setScript({ type: 'rate-limit', retryAfterSeconds: 2 });
    expect(await client().alertsOf('PGRP01')).toEqual({ kind: 'retry', reason: 'PagerDuty answered 429: Rate Limit Exceeded' });
    // The deadline covers all pages: the first answers at once, the second too late.
    fake.rest.setScript({ type: 'accept' }, { type: 'slow', ms: 1_000 });
    expect(await client({ timeoutMs: 300 }).alertsOf('PGRP01')).toEqual({
      kind: 'retry',
      reason: 'PagerDuty did not answer within 300 ms',
    });
  });

  it('a wrong key (401), a key without access (403) and an unknown incident (404) are "refused", the key never in the reason', async () => {
    fake.rest.group('PGRP01', ['a:1']);
    const wrong = await client({ key: 'not-the-key-0123456789' }).alertsOf('PGRP01');
    expect(wrong).toEqual({
      kind: 'refused',
      reason: 'PagerDuty refused the REST API key (401: Authentication failed): check restApiKeyParameter',
    });
    fake.rest.setScript({ type: 'error', status: 403 });
    expect(await client().alertsOf('PGRP01')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('(403: Access Denied)') });
    expect(await client().alertsOf('PNONE')).toEqual({ kind: 'refused', reason: 'PagerDuty answered 404: Not Found' });
    expect(JSON.stringify(wrong)).not.toContain('not-the-key');
  });

  it('no key stored is "refused" without a request; an SSM failure is "retry"; an unreachable API is "retry"', async () => {
    expect(await client({ key: undefined }).alertsOf('PGRP01')).toEqual({
      kind: 'refused',
      reason: 'no PagerDuty REST API key stored in its SSM parameter',
    });
    expect(fake.requests).toHaveLength(0);
    const failing = new PagerDutyRestIncidentAlerts({
      apiUrl: fake.restApiUrl,
      apiKey: async () => {
        throw new Error('cannot read SSM parameter /metis/pd/rest: ThrottlingException');
      },
    });
    expect(await failing.alertsOf('PGRP01')).toEqual({
      kind: 'retry',
      reason: 'PagerDuty REST API key unavailable: cannot read SSM parameter /metis/pd/rest: ThrottlingException',
    });
    const closed = new PagerDutyRestIncidentAlerts({ apiUrl: 'http://127.0.0.1:9', apiKey: async () => PAGERDUTY_REST_KEY });
    expect(await closed.alertsOf('PGRP01')).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^PagerDuty unreachable: /) });
  });
});
