// The PagerDuty fake's REST part must hold the client to the documented contract before the intake's tests
// lean on it: the auth header and Accept formats, pagination, 404 for an unknown incident, scripted failures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakePagerDuty } from '../pagerduty-server.ts';
import { PAGERDUTY_REST_ACCEPT, PAGERDUTY_REST_KEY } from './pagerduty-rest.ts';

const fake = new FakePagerDuty();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

async function list(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake.restApiUrl}${path}`, {
    headers: {
      Authorization: `Token token=${PAGERDUTY_REST_KEY}`,
      Accept: PAGERDUTY_REST_ACCEPT,
      'Content-Type': 'application/json',
      ...headers,
    },
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const keysOf = (body: Record<string, unknown>) => (body.alerts as { alert_key: string }[]).map((a) => a.alert_key);

describe('FakePagerDuty REST: GET /incidents/{id}/alerts', () => {
  it('pages a grouped incident by limit and offset, with more, and full Alert objects', async () => {
    fake.rest.group('PGRP01', ['a:1', 'b:2', { alert_key: 'c:3', status: 'resolved' }]);
    const first = await list('/incidents/PGRP01/alerts?limit=2&offset=0');
    expect(first.status).toBe(200);
    expect(keysOf(first.body)).toEqual(['a:1', 'b:2']);
    expect(first.body).toMatchObject({ limit: 2, offset: 0, more: true, total: null });
    expect((first.body.alerts as Record<string, unknown>[])[0]).toMatchObject({
      type: 'alert',
      status: 'triggered',
      incident: { id: 'PGRP01', type: 'incident_reference' },
    });
    const second = await list('/incidents/PGRP01/alerts?limit=2&offset=2');
    expect(keysOf(second.body)).toEqual(['c:3']);
    expect(second.body).toMatchObject({ more: false, offset: 2 });
    expect((await list('/incidents/PGRP01/alerts')).body).toMatchObject({ limit: 25, more: false });
    expect(fake.requests.flatMap((r) => r.errors)).toEqual([]);
  });

  it('a wrong key or a Bearer header is 401; a wrong Accept or a limit over 100 is a recorded violation and 400', async () => {
    fake.rest.group('PGRP01', ['a:1']);
    expect((await list('/incidents/PGRP01/alerts', { Authorization: 'Token token=wrong' })).status).toBe(401);
    expect((await list('/incidents/PGRP01/alerts', { Authorization: `Bearer ${PAGERDUTY_REST_KEY}` })).status).toBe(401);
    expect((await list('/incidents/PGRP01/alerts', { Accept: 'application/json' })).status).toBe(400);
    expect((await list('/incidents/PGRP01/alerts?limit=101')).status).toBe(400);
    expect((await list('/incidents/PGRP01/alerts?offset=9990&limit=100')).status).toBe(400);
    expect(fake.requests.flatMap((r) => r.errors)).toHaveLength(4);
  });

  it('an unknown incident is 404; scripted 500, 403 and 429 (Retry-After) come first, then the default', async () => {
    expect(await list('/incidents/PNONE/alerts')).toMatchObject({ status: 404, body: { error: { message: 'Not Found', code: 2100 } } });
    fake.rest.group('PGRP01', ['a:1']);
    fake.rest.setScript({ type: 'error', status: 500 }, { type: 'error', status: 403 }, { type: 'rate-limit', retryAfterSeconds: 3 });
    expect((await list('/incidents/PGRP01/alerts')).status).toBe(500);
    expect((await list('/incidents/PGRP01/alerts')).status).toBe(403);
    expect(await list('/incidents/PGRP01/alerts')).toMatchObject({ status: 429, retryAfter: '3' });
    expect((await list('/incidents/PGRP01/alerts')).status).toBe(200);
  });

  it('a hung request never answers until the client gives up', async () => {
    fake.rest.group('PGRP01', ['a:1']);
    fake.rest.respondWith({ type: 'hang' });
    const response = fetch(`${fake.restApiUrl}/incidents/PGRP01/alerts`, {
      headers: { Authorization: `Token token=${PAGERDUTY_REST_KEY}`, Accept: PAGERDUTY_REST_ACCEPT },
      signal: AbortSignal.timeout(200),
    });
    await expect(response).rejects.toThrow();
    expect(fake.requests[0]?.answer.status).toBeNull();
  });
});
