// The Statuspage fake must be trustworthy before the connector's tests lean on it: it refuses what the
// incidents API refuses (auth, page, shape, enums), follows its script (429 with Retry-After) and keeps
// Statuspage's state (the incident's status and updates, the components' status).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeStatuspage, STATUSPAGE_COMPONENTS, STATUSPAGE_KEY, STATUSPAGE_PAGE } from './statuspage-server.ts';

const fake = new FakeStatuspage();
const API = STATUSPAGE_COMPONENTS.api;

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

async function call(method: 'POST' | 'PATCH', path: string, body: unknown, key = STATUSPAGE_KEY) {
  const response = await fetch(`${fake.apiUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `OAuth ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const incidents = `/pages/${STATUSPAGE_PAGE}/incidents`;
const create = (overrides: Record<string, unknown> = {}) => ({
  incident: {
    name: 'API unavailable',
    status: 'investigating',
    body: 'We are investigating an issue: requests to the API are failing.',
    component_ids: [API],
    components: { [API]: 'major_outage' },
    deliver_notifications: true,
    ...overrides,
  },
});

describe('FakeStatuspage contract', () => {
  it('creates an incident (201 with its id) and marks the component; a PATCH resolves both', async () => {
    const created = await call('POST', incidents, create());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'inc000000001', name: 'API unavailable', status: 'investigating', page_id: STATUSPAGE_PAGE });
    expect(fake.components.get(API)).toBe('major_outage');
    const resolved = await call('PATCH', `${incidents}/inc000000001`, {
      incident: { status: 'resolved', body: 'Resolved.', components: { [API]: 'operational' } },
    });
    expect(resolved.status).toBe(200);
    expect(fake.incidents[0]).toMatchObject({
      status: 'resolved',
      updates: [{ status: 'investigating' }, { status: 'resolved', body: 'Resolved.' }],
    });
    expect(fake.components.get(API)).toBe('operational');
    expect(fake.violations()).toEqual([]);
  });

  it('answers 401 without "OAuth <key>" and changes nothing', async () => {
    expect((await call('POST', incidents, create(), 'wrong')).status).toBe(401);
    const bearer = await fetch(`${fake.apiUrl}${incidents}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${STATUSPAGE_KEY}` },
      body: JSON.stringify(create()),
    });
    expect(bearer.status).toBe(401);
    expect(fake.incidents).toEqual([]);
  });

  it('answers 404 for another page, an unknown incident or a path outside the incidents API', async () => {
    expect((await call('POST', '/pages/otherpage123/incidents', create())).status).toBe(404);
    expect((await call('PATCH', `${incidents}/inc999999999`, { incident: { status: 'resolved' } })).status).toBe(404);
    expect((await call('POST', '/incidents', create())).status).toBe(404);
  });

  it('answers 422 for a body outside the contract, naming each violation', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x' }, "body must be an object with an 'incident' object"],
      [create({ status: 'draft' }), "'incident.status' must be one of investigating, identified, monitoring, resolved"],
      [create({ components: { [API]: 'down' } }), `'incident.components.${API}' must be one of operational`],
      [create({ component_ids: ['nosuchcomp1'] }), 'component nosuchcomp1 is not on this page'],
      [create({ name: undefined }), "'name' is required"],
      [create({ impact: 'critical' }), "Unknown field 'incident.impact'"],
      [create({ deliver_notifications: 'yes' }), "'incident.deliver_notifications' must be a boolean"],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', incidents, body);
      expect(answer.status).toBe(422);
      expect(JSON.stringify(answer.body)).toContain(message);
    }
    expect(fake.incidents).toEqual([]);
  });

  it('answers a scripted 429 with Retry-After, then accepts', async () => {
    fake.setScript({ type: 'rate-limit', retryAfterSeconds: 2 }, { type: 'accept' });
    const limited = await call('POST', incidents, create());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await call('POST', incidents, create())).status).toBe(201);
    expect(fake.incidents).toHaveLength(1);
  });
});
