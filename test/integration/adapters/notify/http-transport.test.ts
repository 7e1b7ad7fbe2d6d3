// The PagerDuty sink's HTTP transport over real HTTP against the schema-checking PagerDuty fake.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../../lambdas/adapters/notify/http-transport.ts';
import { pagerDutyClient, type PagerDutyClientOptions } from '../../support/pagerduty-client.ts';
import { FakePagerDuty } from '../../support/pagerduty-server.ts';
import { ROUTING_KEY, triggerEvent } from '../../support/fixtures.ts';

const fake = new FakePagerDuty();
let sleeps: number[] = [];

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  sleeps = [];
});

function client(overrides: Partial<PagerDutyClientOptions> = {}): ReturnType<typeof pagerDutyClient> {
  return pagerDutyClient({
    eventsUrl: fake.eventsUrl,
    routingKey: async () => ROUTING_KEY,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

describe('PagerDuty transport', () => {
  it('sends a schema-valid event with the routing key added, and reports ok on 202', async () => {
    const outcome = await client().enqueue(triggerEvent());
    expect(outcome).toEqual({ ok: true });
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0];
    expect(request?.errors).toEqual([]);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ routing_key: ROUTING_KEY, ...triggerEvent() });
    expect(fake.openAlerts()).toEqual([
      expect.objectContaining({ dedupKey: 'model_error_rate:claude-sonnet-4', severity: 'error', status: 'triggered' }),
    ]);
  });

  it('trims whitespace around the key (a trailing newline is a common SSM paste error)', async () => {
    const outcome = await client({ routingKey: async () => `${ROUTING_KEY}\n` }).enqueue(triggerEvent());
    expect(outcome).toEqual({ ok: true });
    expect(fake.requests[0]?.body).toMatchObject({ routing_key: ROUTING_KEY });
  });

  it('does not retry a 400 and returns PagerDuty’s message as a rejected outcome', async () => {
    const summaryTooLong = triggerEvent();
    summaryTooLong.payload = { ...summaryTooLong.payload!, summary: 's'.repeat(1025) };
    const outcome = await client().enqueue(summaryTooLong);
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      kind: 'rejected',
      reason:
        "PagerDuty rejected the request (HTTP 400): Event object is invalid; 'payload.summary' must be at most 1024 characters, got 1025",
    });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries 429 twice, then succeeds: 3 requests, one open alert, Retry-After honoured', async () => {
    fake.setScript({ type: 'rate-limit', retryAfterSeconds: 2 }, { type: 'rate-limit' });
    const outcome = await client().enqueue(triggerEvent());
    expect(outcome).toEqual({ ok: true });
    expect(fake.requests.map((r) => r.answer.status)).toEqual([429, 429, 202]);
    // First wait from Retry-After (2 s); second, without the header, from backoff: 500 * 2^1 = 1000,
    // half fixed + 0.5 * half random = 750.
    expect(sleeps).toEqual([2000, 750]);
    expect(fake.openAlerts()).toHaveLength(1);
    expect(fake.incidentsOpened).toBe(1);
  });

  it('asks storm control before each retry and stops when the minute is spent: the delivery stays retryable', async () => {
    fake.setScript({ type: 'rate-limit' }, { type: 'rate-limit' }, { type: 'rate-limit' });
    let granted = 1;
    let asked = 0;
    const outcome = await client().enqueue(triggerEvent(), async () => {
      asked++;
      return granted-- > 0;
    });
    // The first attempt was admitted by the caller; one retry granted, the next refused: 2 requests, not 4.
    expect(fake.requests.map((r) => r.answer.status)).toEqual([429, 429]);
    expect(asked).toBe(2);
    expect(outcome).toMatchObject({ ok: false, retryable: true, kind: 'transient' });
    expect((outcome as { reason: string }).reason).toMatch(
      /^PagerDuty retry not sent: this minute's request budget is spent \(last: HTTP 429/,
    );
  });

  it('gives up at once when Retry-After exceeds the delay budget', async () => {
    fake.setScript({ type: 'rate-limit', retryAfterSeconds: 120 });
    const outcome = await client().enqueue(triggerEvent());
    expect(outcome).toMatchObject({ ok: false, retryable: true, kind: 'transient' });
    expect(outcome.ok === false && outcome.reason).toMatch(/Retry-After 120 s exceeds the 30000 ms budget/);
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries 500 until maxAttempts, with growing backoff, then reports transient', async () => {
    fake.respondWith({ type: 'error', status: 500 });
    const outcome = await client().enqueue(triggerEvent());
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      kind: 'transient',
      reason: 'PagerDuty unavailable after 4 attempts (last: HTTP 500: Internal server error)',
    });
    expect(fake.requests).toHaveLength(4);
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(fake.incidentsOpened).toBe(0);
  });

  it('times out a hung request and retries it', async () => {
    fake.setScript({ type: 'hang' });
    const outcome = await client({ timeoutMs: 300 }).enqueue(triggerEvent());
    expect(outcome).toEqual({ ok: true });
    expect(fake.requests.map((r) => r.answer.status)).toEqual([null, 202]);
    expect(sleeps).toEqual([375]);
    expect(fake.incidentsOpened).toBe(1);
  });

  it('reports a timeout as the last failure when every attempt hangs', async () => {
    fake.respondWith({ type: 'hang' });
    const outcome = await client({ timeoutMs: 200, maxAttempts: 2 }).enqueue(triggerEvent());
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      kind: 'transient',
      reason: 'PagerDuty unavailable after 2 attempts (last: timeout after 200 ms)',
    });
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a refused connection as a network error', async () => {
    const closed = new FakePagerDuty();
    await closed.start();
    const url = closed.eventsUrl;
    await closed.close();
    const outcome = await client({ eventsUrl: url, maxAttempts: 2 }).enqueue(triggerEvent());
    expect(outcome).toMatchObject({ ok: false, retryable: true, kind: 'transient' });
    expect(outcome.ok === false && outcome.reason).toMatch(/after 2 attempts \(last: network error: .*ECONNREFUSED/);
    expect(sleeps).toHaveLength(1);
  });

  it('returns a config outcome and sends nothing when the key provider returns undefined', async () => {
    const outcome = await client({ routingKey: async () => undefined }).enqueue(triggerEvent());
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      kind: 'config',
      reason: 'PagerDuty routing key unavailable: no key configured',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('returns a config outcome and sends nothing when the key provider throws', async () => {
    const outcome = await client({
      routingKey: async () => {
        throw new Error('cannot read SSM parameter /metis/pd: AccessDeniedException');
      },
    }).enqueue(triggerEvent());
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      kind: 'config',
      reason: 'PagerDuty routing key unavailable: cannot read SSM parameter /metis/pd: AccessDeniedException',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('never puts the routing key in a reason, even when PagerDuty echoes it', async () => {
    fake.setScript({ type: 'reject', message: `Invalid routing key ${ROUTING_KEY}` });
    const outcome = await client().enqueue(triggerEvent());
    expect(outcome.ok).toBe(false);
    const reason = outcome.ok ? '' : outcome.reason;
    expect(reason).toContain('Invalid routing key [REDACTED]');
    expect(reason).not.toContain(ROUTING_KEY);
  });

  it('resolves the alert it triggered with the same dedup_key', async () => {
    const pd = client();
    await pd.enqueue(triggerEvent());
    const outcome = await pd.enqueue({ event_action: 'resolve', dedup_key: 'model_error_rate:claude-sonnet-4' });
    expect(outcome).toEqual({ ok: true });
    expect(fake.requests.map((r) => r.effect)).toEqual(['opened', 'resolved']);
    expect(fake.openAlerts()).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-20T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
