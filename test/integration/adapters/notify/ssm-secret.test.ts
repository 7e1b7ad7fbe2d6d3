// The routing key from an SSM SecureString (moto), decrypted, cached, and wired into the PD client.
import { DeleteParameterCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SsmSecret as SsmRoutingKey } from '../../../../lambdas/adapters/notify/ssm-secret.ts';
import { pagerDutyClient } from '../../support/pagerduty-client.ts';
import { putSecureString, ssmClient } from '../../support/aws.ts';
import { ROUTING_KEY, triggerEvent } from '../../support/fixtures.ts';
import { FakePagerDuty } from '../../support/pagerduty-server.ts';

const ssm = ssmClient();
const NAME = '/metis-alerts/pagerduty/routing-key';
const fake = new FakePagerDuty();

beforeAll(async () => {
  await fake.start();
  await putSecureString(ssm, NAME, ROUTING_KEY);
});
afterAll(async () => {
  await fake.close();
});

describe('SsmRoutingKey', () => {
  it('reads the SecureString decrypted (the raw parameter is stored encrypted)', async () => {
    const raw = await ssm.send(new GetParameterCommand({ Name: NAME, WithDecryption: false }));
    expect(raw.Parameter?.Type).toBe('SecureString');
    expect(raw.Parameter?.Value).not.toBe(ROUTING_KEY);

    expect(await new SsmRoutingKey({ client: ssm, parameterName: NAME }).get()).toBe(ROUTING_KEY);
  });

  it('caches the value for maxAge: a deleted parameter is still served until it expires', async () => {
    const name = '/metis-alerts/cached';
    await putSecureString(ssm, name, 'first-value');
    const keys = new SsmRoutingKey({ client: ssm, parameterName: name });
    expect(await keys.get()).toBe('first-value');
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    expect(await keys.get()).toBe('first-value');
    // With maxAge 0 every call reads SSM and sees the deletion.
    expect(await new SsmRoutingKey({ client: ssm, parameterName: name, maxAgeSeconds: 0 }).get()).toBeUndefined();
  });

  it('returns undefined for a missing parameter', async () => {
    expect(await new SsmRoutingKey({ client: ssm, parameterName: '/metis-alerts/does-not-exist' }).get()).toBeUndefined();
  });

  it('feeds the PagerDuty transport: the key reaches PagerDuty, and a missing key sends nothing', async () => {
    const sleep = async () => {};
    const good = pagerDutyClient({
      eventsUrl: fake.eventsUrl,
      routingKey: new SsmRoutingKey({ client: ssm, parameterName: NAME }).asProvider(),
      sleep,
    });
    expect(await good.enqueue(triggerEvent())).toEqual({ ok: true });
    expect(fake.requests[0]?.body).toMatchObject({ routing_key: ROUTING_KEY });

    const missing = pagerDutyClient({
      eventsUrl: fake.eventsUrl,
      routingKey: new SsmRoutingKey({ client: ssm, parameterName: '/metis-alerts/absent' }).asProvider(),
      sleep,
    });
    expect(await missing.enqueue(triggerEvent())).toEqual({
      ok: false,
      retryable: false,
      kind: 'config',
      reason: 'PagerDuty routing key unavailable: no key configured',
    });
    expect(fake.requests).toHaveLength(1);
  });
});
