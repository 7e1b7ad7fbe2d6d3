// A PagerDuty incident grouped from several alerts has no incident_key. With a REST API key configured the
// intake (built by buildAckIntakeDeps, against moto and the PagerDuty fake's REST part) lists the incident's
// alerts, all pages, and applies the action to each of ours among their keys. PagerDuty failing answers 500
// (PagerDuty retries the webhook) and changes nothing; a refused key answers 200, changes nothing and logs
// why without the key; without a key configured the event is answered 200 and logged as not mapped.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../../lambdas/adapters/dynamodb-incident-store.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import { applySignal } from '../../../../lambdas/core/routing-policy.ts';
import { buildAckIntakeDeps } from '../../../../lambdas/functions/ack-intake/deps.ts';
import { readAckIntakeEnvironment } from '../../../../lambdas/functions/ack-intake/env.ts';
import { GROUPED_UNMAPPED, makeAckIntakeHandler, type UrlResponse } from '../../../../lambdas/functions/ack-intake/handler.ts';
import { pagerDutyEvent, signedPagerDutyRequest } from '../../../fixtures/pagerduty/webhooks-v3.ts';
import { createIncidentTable, dynamoClient, perFileName, putSecureString, ssmClient } from '../../support/aws.ts';
import { collectingLogger } from '../../support/lifecycle-world.ts';
import { FakePagerDuty } from '../../support/pagerduty-server.ts';
import { PAGERDUTY_REST_KEY } from '../../support/vendors/pagerduty-rest.ts';

const SECRET = 'pd-subscription-secret-0123456789';
const OPENED = new Date('2026-11-24T10:00:00.000Z');
const NOW = new Date('2026-11-24T10:08:00.000Z');
const tableName = perFileName('ack-intake-grouped');
const dynamo = dynamoClient();
const ssm = ssmClient();
const store = new DynamoDbIncidentStore({ client: dynamo, tableName });
const settings = routerSettingsOf(parseConfig({ sinks: { pagerduty: { routingKeyParameter: '/metis/pd' } } }));
const pd = new FakePagerDuty();
type LogLine = { level: string; message: string; fields?: Record<string, unknown> };
const logs: LogLine[] = [];
let withKey: (event: unknown) => Promise<UrlResponse>;
let wrongKey: (event: unknown) => Promise<UrlResponse>;
let withoutKey: (event: unknown) => Promise<UrlResponse>;

function intake(pagerduty: Record<string, string>): (event: unknown) => Promise<UrlResponse> {
  const env = readAckIntakeEnvironment({
    INCIDENT_TABLE: tableName,
    ROUTER_SETTINGS: JSON.stringify(settings),
    INTAKE_SETTINGS: JSON.stringify({ pagerduty: { secretParameter: '/metis/grouped/signing', ...pagerduty } }),
  });
  return makeAckIntakeHandler(buildAckIntakeDeps(env, { dynamodb: dynamo, ssm }, { logger: collectingLogger(logs), clock: () => NOW }));
}

beforeAll(async () => {
  await pd.start();
  await createIncidentTable(dynamo, tableName);
  await putSecureString(ssm, '/metis/grouped/signing', SECRET);
  await putSecureString(ssm, '/metis/grouped/rest-key', PAGERDUTY_REST_KEY);
  await putSecureString(ssm, '/metis/grouped/stale-key', 'revoked-key-0123456789');
  withKey = intake({ restApiKeyParameter: '/metis/grouped/rest-key', restApiUrl: pd.restApiUrl });
  wrongKey = intake({ restApiKeyParameter: '/metis/grouped/stale-key', restApiUrl: pd.restApiUrl });
  withoutKey = intake({});
});
afterAll(async () => {
  await pd.close();
});
beforeEach(() => {
  pd.reset();
  logs.length = 0;
});

/** A SEV1 opened at 10:00 under `dedupKey`, every delivery sent. */
async function openIncident(dedupKey: string): Promise<Incident> {
  const { next } = applySignal(
    undefined,
    {
      source: 'probe',
      rule: 'healthz_down',
      subject: dedupKey.split(':')[1]!,
      severity: 'SEV1',
      status: 'firing',
      dedupKey,
      summary: 'healthz down',
      observedAt: OPENED.toISOString(),
      details: {},
    },
    OPENED,
    settings,
  );
  for (const d of next.deliveries) d.status = 'sent';
  expect(await store.put(next, undefined)).toBe(true);
  return next;
}

/** A signed webhook for PagerDuty incident `incidentId`, grouped: no incident_key. */
function groupedWebhook(type: string, incidentId: string, eventId: string) {
  const event = pagerDutyEvent({ type, incidentKey: null, occurredAt: '2026-11-24T10:07:00Z', id: eventId });
  event.event.data.id = incidentId;
  const body = JSON.stringify(event);
  return signedPagerDutyRequest(body, SECRET, `wh-${eventId}`);
}

describe('ack intake: PagerDuty incidents grouped from several alerts', () => {
  it('an incident.acknowledged for a grouped incident acknowledges both of our incidents among its alerts', async () => {
    await openIncident('healthz_down:grp-a');
    await openIncident('healthz_down:grp-b');
    pd.rest.group('PGRPAB1', ['healthz_down:grp-a', 'someone-elses-alert-key', 'healthz_down:grp-b']);
    const response = await withKey(groupedWebhook('incident.acknowledged', 'PGRPAB1', 'ev-grp-ack'));
    expect(response).toMatchObject({ statusCode: 200, body: '{"status":"accepted"}' });
    for (const key of ['healthz_down:grp-a', 'healthz_down:grp-b']) {
      const stored = await store.get(key);
      expect(stored?.ack).toEqual({ at: '2026-11-24T10:07:00.000Z', by: 'Tenex Engineer', via: 'pagerduty' });
      expect(stored?.timeline.at(-1)).toEqual({ at: '2026-11-24T10:07:00.000Z', event: 'ack by Tenex Engineer (PagerDuty)' });
    }
    expect(await store.get('someone-elses-alert-key')).toBeUndefined();
    expect(pd.requests.map((r) => r.path)).toEqual(['/incidents/PGRPAB1/alerts?limit=100&offset=0']);
    expect(pd.requests.flatMap((r) => r.errors)).toEqual([]);
  });

  it('reads every page: an incident with 150 alerts, ours on the second page, is resolved there', async () => {
    await openIncident('healthz_down:grp-page2');
    const others = Array.from({ length: 149 }, (_, i) => `other-${i}`);
    pd.rest.group('PGRPBIG', [...others, 'healthz_down:grp-page2']);
    expect((await withKey(groupedWebhook('incident.resolved', 'PGRPBIG', 'ev-grp-big'))).statusCode).toBe(200);
    expect(pd.requests.map((r) => r.path)).toEqual([
      '/incidents/PGRPBIG/alerts?limit=100&offset=0',
      '/incidents/PGRPBIG/alerts?limit=100&offset=100',
    ]);
    expect(await store.get('healthz_down:grp-page2')).toMatchObject({ status: 'resolved', humanResolved: { via: 'pagerduty' } });
  });

  it('PagerDuty answering 500 (or 429) answers 500, changes nothing, and the retried delivery then acknowledges', async () => {
    const before = await openIncident('healthz_down:grp-500');
    pd.rest.group('PGRP500', ['healthz_down:grp-500']);
    pd.rest.setScript({ type: 'error', status: 500 }, { type: 'rate-limit', retryAfterSeconds: 1 });
    const webhook = groupedWebhook('incident.acknowledged', 'PGRP500', 'ev-grp-500');
    expect(await withKey(webhook)).toMatchObject({ statusCode: 500, body: '{"status":"try again later"}' });
    expect((await withKey(webhook)).statusCode).toBe(500);
    expect(await store.get('healthz_down:grp-500')).toEqual(before);
    // The replay ids were released: PagerDuty's retry of the same delivery is not refused as a duplicate.
    expect(await withKey(webhook)).toMatchObject({ statusCode: 200, body: '{"status":"accepted"}' });
    expect((await store.get('healthz_down:grp-500'))?.ack?.by).toBe('Tenex Engineer');
  });

  it('a key PagerDuty refuses (401) answers 200, changes nothing and logs why, never the key', async () => {
    const before = await openIncident('healthz_down:grp-401');
    pd.rest.group('PGRP401', ['healthz_down:grp-401']);
    expect(await wrongKey(groupedWebhook('incident.acknowledged', 'PGRP401', 'ev-grp-401'))).toMatchObject({ statusCode: 200 });
    expect(await store.get('healthz_down:grp-401')).toEqual(before);
    expect(logs.filter((l) => l.level === 'error')).toEqual([
      {
        level: 'error',
        message: GROUPED_UNMAPPED,
        fields: {
          door: 'pagerduty',
          incidentId: 'PGRP401',
          kind: 'ack',
          reason: 'PagerDuty refused the REST API key (401: Authentication failed): check restApiKeyParameter',
        },
      },
    ]);
    expect(JSON.stringify(logs)).not.toContain('revoked-key');
    expect(JSON.stringify(logs)).not.toContain(PAGERDUTY_REST_KEY);
  });

  it('without restApiKeyParameter the event is answered 200, changes nothing and is logged as not mapped', async () => {
    const before = await openIncident('healthz_down:grp-nokey');
    pd.rest.group('PGRPNOKEY', ['healthz_down:grp-nokey']);
    expect(await withoutKey(groupedWebhook('incident.acknowledged', 'PGRPNOKEY', 'ev-grp-nokey'))).toMatchObject({ statusCode: 200 });
    expect(await store.get('healthz_down:grp-nokey')).toEqual(before);
    expect(pd.requests).toHaveLength(0);
    expect(logs).toContainEqual({
      level: 'warn',
      message: GROUPED_UNMAPPED,
      fields: {
        door: 'pagerduty',
        incidentId: 'PGRPNOKEY',
        kind: 'ack',
        reason: 'grouped PagerDuty incident without incident_key: configure restApiKeyParameter to map it',
      },
    });
  });

  it('a grouped incident PagerDuty does not know (404) and one whose alerts are none of ours answer 200 and change nothing', async () => {
    const before = await openIncident('healthz_down:grp-none');
    expect((await withKey(groupedWebhook('incident.acknowledged', 'PGONE', 'ev-grp-404'))).statusCode).toBe(200);
    pd.rest.group('PGRPFOREIGN', ['not-ours-1', 'not-ours-2']);
    expect((await withKey(groupedWebhook('incident.acknowledged', 'PGRPFOREIGN', 'ev-grp-foreign'))).statusCode).toBe(200);
    expect(await store.get('healthz_down:grp-none')).toEqual(before);
    expect(logs.find((l) => l.message === GROUPED_UNMAPPED)?.fields?.reason).toBe('PagerDuty answered 404: Not Found');
  });
});
