// The PagerDuty fake must be trustworthy before the client tests lean on it: it rejects what the
// Events API v2 rejects, follows its script, and keeps PagerDuty's alert semantics.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakePagerDuty, validateEvent } from './pagerduty-server.ts';
import { ROUTING_KEY, triggerEvent } from './fixtures.ts';

const fake = new FakePagerDuty();

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

async function post(body: unknown, init: { contentType?: string; signal?: AbortSignal } = {}) {
  const response = await fetch(fake.eventsUrl, {
    method: 'POST',
    headers: { 'Content-Type': init.contentType ?? 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const valid = (overrides: Record<string, unknown> = {}) => ({ routing_key: ROUTING_KEY, ...triggerEvent(), ...overrides });

describe('FakePagerDuty validation', () => {
  it('accepts a complete, valid trigger with 202 and echoes the dedup_key', async () => {
    const answer = await post(valid());
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'model_error_rate:claude-sonnet-4' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.errors).toEqual([]);
  });

  it('rejects a trigger without payload.severity', async () => {
    const event = valid();
    delete (event.payload as Record<string, unknown>).severity;
    const answer = await post(event);
    expect(answer.status).toBe(400);
    expect(answer.body.status).toBe('invalid event');
    expect(answer.body.errors).toEqual(["'payload.severity' is required and must be one of critical, error, warning, info"]);
  });

  it('rejects a severity outside critical|error|warning|info', async () => {
    const event = valid();
    (event.payload as Record<string, unknown>).severity = 'SEV1';
    expect((await post(event)).status).toBe(400);
  });

  it('rejects a summary over 1024 characters and accepts exactly 1024', async () => {
    const long = valid();
    (long.payload as Record<string, unknown>).summary = 'x'.repeat(1025);
    const rejected = await post(long);
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors).toEqual(["'payload.summary' must be at most 1024 characters, got 1025"]);

    const limit = valid();
    (limit.payload as Record<string, unknown>).summary = 'x'.repeat(1024);
    expect((await post(limit)).status).toBe(202);
  });

  it('rejects a routing key that is not 32 characters', async () => {
    const answer = await post(valid({ routing_key: ROUTING_KEY.slice(0, 31) }));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual(["'routing_key' must be 32 characters, got 31"]);
  });

  it('rejects resolve and acknowledge without dedup_key', async () => {
    for (const action of ['resolve', 'acknowledge']) {
      const answer = await post({ routing_key: ROUTING_KEY, event_action: action });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([`'dedup_key' is required for event_action '${action}'`]);
    }
  });

  it('rejects a non-JSON content type, invalid JSON and a body over 512 KB', async () => {
    expect((await post(valid(), { contentType: 'text/plain' })).status).toBe(400);
    expect((await post('{not json')).status).toBe(400);
    const huge = valid();
    (huge.payload as Record<string, unknown>).custom_details = { blob: 'x'.repeat(512 * 1024) };
    const answer = await post(huge);
    expect(answer.status).toBe(400);
    expect(String((answer.body.errors as string[])[0])).toMatch(/too large/);
  });

  it('checks optional fields: timestamp, custom_details, links, images, unknown keys', () => {
    const base = valid();
    const payload = base.payload as Record<string, unknown>;
    expect(validateEvent({ ...base, payload: { ...payload, timestamp: 'yesterday' } })).toEqual([
      "'payload.timestamp' must be an ISO 8601 date-time",
    ]);
    expect(validateEvent({ ...base, payload: { ...payload, custom_details: 'text' } })).toEqual([
      "'payload.custom_details' must be an object",
    ]);
    expect(validateEvent({ ...base, links: [{ text: 'no href' }] })).toEqual(["'links[0].href' is required"]);
    expect(validateEvent({ ...base, images: [{ src: 'http://insecure.example/x.png' }] })).toEqual([
      "'images[0].src' must be an https URL",
    ]);
    expect(validateEvent({ ...base, severity: 'critical' })).toEqual(["Unknown field 'severity'"]);
    expect(validateEvent({ ...base, dedup_key: 'k'.repeat(256) })).toEqual(["'dedup_key' must be at most 255 characters, got 256"]);
  });

  it('answers an invalid event with 400 without consuming the script', async () => {
    fake.setScript({ type: 'error' });
    expect((await post(valid({ routing_key: 'short' }))).status).toBe(400);
    expect((await post(valid())).status).toBe(500);
    expect(fake.requests.map((r) => r.answer.status)).toEqual([400, 500]);
  });
});

describe('FakePagerDuty script', () => {
  it('plays scripted answers in order, then the default', async () => {
    fake.setScript({ type: 'rate-limit', retryAfterSeconds: 2 }, { type: 'error', status: 503 }, { type: 'reject', message: 'nope' });
    const first = await post(valid());
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect((await post(valid())).status).toBe(503);
    const rejected = await post(valid());
    expect(rejected.status).toBe(400);
    expect(rejected.body.message).toBe('nope');
    expect((await post(valid())).status).toBe(202);
    fake.respondWith({ type: 'error' });
    expect((await post(valid())).status).toBe(500);
    expect((await post(valid())).status).toBe(500);
    expect(fake.requests).toHaveLength(6);
    // Only the accepted trigger touched alert state.
    expect(fake.incidentsOpened).toBe(1);
  });

  it('hangs without answering until the client gives up, and records the request', async () => {
    fake.setScript({ type: 'hang' });
    const started = Date.now();
    await expect(post(valid(), { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.answer.status).toBeNull();
    expect(fake.incidentsOpened).toBe(0);
  });
});

describe('FakePagerDuty alert semantics', () => {
  it('merges triggers on one dedup_key, resolves, and opens a new alert on the next trigger', async () => {
    await post(valid());
    await post(valid());
    expect(fake.openAlerts()).toHaveLength(1);
    expect(fake.openAlerts()[0]?.triggers).toBe(2);

    await post({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'model_error_rate:claude-sonnet-4' });
    expect(fake.openAlerts()).toHaveLength(0);

    await post(valid());
    expect(fake.openAlerts()).toHaveLength(1);
    expect(fake.incidentsOpened).toBe(2);
    expect(fake.requests.map((r) => r.effect)).toEqual(['opened', 'merged', 'resolved', 'opened']);
  });

  it('drops acknowledge/resolve sent with another routing key', async () => {
    await post(valid());
    const other = 'X'.repeat(32);
    const answer = await post({ routing_key: other, event_action: 'resolve', dedup_key: 'model_error_rate:claude-sonnet-4' });
    expect(answer.status).toBe(202);
    expect(fake.requests[1]?.effect).toBe('dropped');
    expect(fake.openAlerts(ROUTING_KEY)).toHaveLength(1);

    await post({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'model_error_rate:claude-sonnet-4' });
    expect(fake.openAlerts()[0]?.status).toBe('acknowledged');
  });
});
