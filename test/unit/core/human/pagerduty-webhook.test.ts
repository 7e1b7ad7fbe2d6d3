// PagerDuty webhooks v3: signatures (every v1= of the header against every secret, so a rotation works),
// and the body read into one HumanAction. Fixtures: PagerDuty's documented sample payload.
import { describe, expect, it } from 'vitest';
import { readPagerDutyWebhook, verifyPagerDutySignature } from '../../../../lambdas/core/human/pagerduty-webhook.ts';
import { pagerDutyEvent, pagerDutySignature, SAMPLE_PRIORITY_UPDATED } from '../../../fixtures/pagerduty/webhooks-v3.ts';

const OLD = 'old-subscription-secret-0123456789';
const NEW = 'new-subscription-secret-9876543210';
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('verifyPagerDutySignature', () => {
  const body = JSON.stringify(pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: 'healthz_down:gateway' }));

  it('accepts a body signed with the one secret we hold', () => {
    expect(verifyPagerDutySignature(bytes(body), pagerDutySignature(body, NEW), [NEW])).toBe(true);
  });

  it('during a rotation accepts any v1= signature that matches any stored secret', () => {
    // PagerDuty signs with both secrets while rotating; we may hold only the old, only the new, or both.
    const header = pagerDutySignature(body, OLD, NEW);
    expect(verifyPagerDutySignature(bytes(body), header, [OLD])).toBe(true);
    expect(verifyPagerDutySignature(bytes(body), header, [NEW])).toBe(true);
    expect(verifyPagerDutySignature(bytes(body), pagerDutySignature(body, NEW), [OLD, NEW])).toBe(true);
  });

  it('refuses a forged signature, a missing header, a body changed after signing and an empty secret list', () => {
    expect(verifyPagerDutySignature(bytes(body), pagerDutySignature(body, 'attacker-secret'), [NEW])).toBe(false);
    expect(verifyPagerDutySignature(bytes(body), undefined, [NEW])).toBe(false);
    expect(verifyPagerDutySignature(bytes(body.replace('healthz_down', 'other_rule')), pagerDutySignature(body, NEW), [NEW])).toBe(false);
    expect(verifyPagerDutySignature(bytes(body), pagerDutySignature(body, NEW), [])).toBe(false);
  });

  it('refuses a truncated body and a truncated signature', () => {
    const header = pagerDutySignature(body, NEW);
    expect(verifyPagerDutySignature(bytes(body.slice(0, -10)), header, [NEW])).toBe(false);
    expect(verifyPagerDutySignature(bytes(body), header.slice(0, -2), [NEW])).toBe(false);
  });

  it('ignores signatures of another version and garbage between the commas', () => {
    const v1 = pagerDutySignature(body, NEW);
    expect(verifyPagerDutySignature(bytes(body), `v0=${v1.slice(3)}`, [NEW])).toBe(false);
    expect(verifyPagerDutySignature(bytes(body), `junk, v1=zz, ${v1}`, [NEW])).toBe(true);
  });

  it('signs the raw bytes: a re-serialised copy of the same JSON does not verify', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(verifyPagerDutySignature(bytes(pretty), pagerDutySignature(body, NEW), [NEW])).toBe(false);
  });
});

describe('readPagerDutyWebhook', () => {
  const read = (options: Parameters<typeof pagerDutyEvent>[0]) => readPagerDutyWebhook(JSON.stringify(pagerDutyEvent(options)));

  it('maps incident.acknowledged to an ack of our dedup key by the agent', () => {
    expect(read({ type: 'incident.acknowledged', incidentKey: 'healthz_down:gateway', occurredAt: '2026-11-17T10:07:00Z' })).toEqual({
      kind: 'action',
      action: {
        kind: 'ack',
        dedupKey: 'healthz_down:gateway',
        at: '2026-11-17T10:07:00.000Z',
        by: 'Tenex Engineer',
        via: 'pagerduty',
        eventId: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      },
    });
  });

  it('maps unacknowledged, resolved and reassigned', () => {
    const kinds = ['incident.unacknowledged', 'incident.resolved', 'incident.reassigned'].map((type) => {
      const reading = read({ type, incidentKey: 'k' });
      return reading.kind === 'action' ? reading.action.kind : reading.kind;
    });
    expect(kinds).toEqual(['unack', 'resolve', 'reassign']);
  });

  it('a reassignment names the new assignee and says whether the ack survived', () => {
    const triggered = read({ type: 'incident.reassigned', incidentKey: 'k', status: 'triggered' });
    const acked = read({ type: 'incident.reassigned', incidentKey: 'k', status: 'acknowledged' });
    expect(triggered.kind === 'action' && triggered.action).toMatchObject({ note: 'to User 123; status triggered', clearsAck: true });
    expect(acked.kind === 'action' && acked.action.clearsAck).toBeUndefined();
  });

  it('ignores the documented priority_updated sample (authentic, but nothing for us)', () => {
    expect(readPagerDutyWebhook(JSON.stringify(SAMPLE_PRIORITY_UPDATED))).toEqual({
      kind: 'ignored',
      reason: 'event type incident.priority_updated is not one we act on',
      eventId: '5ac64822-4adc-4fda-ade0-410becf0de4f',
    });
  });

  it('an incident without incident_key (grouped from several alerts) is read for the alert lookup by its id', () => {
    expect(read({ type: 'incident.acknowledged', incidentKey: null, occurredAt: '2026-11-24T10:07:00Z' })).toEqual({
      kind: 'grouped',
      incidentId: 'PGR0VU2',
      action: {
        kind: 'ack',
        at: '2026-11-24T10:07:00.000Z',
        by: 'Tenex Engineer',
        via: 'pagerduty',
        eventId: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      },
    });
  });

  it('a grouped incident whose id is missing or not a PagerDuty id is ignored (the id goes into a REST API path)', () => {
    for (const id of [undefined, '', '../users', 'PGR0VU2?x=1', 'x'.repeat(65)]) {
      const event = pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: null });
      (event.event.data as { id?: string }).id = id;
      expect(readPagerDutyWebhook(JSON.stringify(event))).toMatchObject({
        kind: 'ignored',
        reason: 'the incident has neither incident_key nor a PagerDuty incident id',
      });
    }
  });

  it('names automation when the agent is null', () => {
    const reading = read({ type: 'incident.resolved', incidentKey: 'k', agentSummary: null });
    expect(reading.kind === 'action' && reading.action.by).toBe('PagerDuty automation');
  });

  it('redacts a secret-looking agent name and keeps it on one line', () => {
    const reading = read({
      type: 'incident.acknowledged',
      incidentKey: 'k',
      agentSummary: 'eve\nsk-proj-abcdefghijklmnopqrstuvwxyz012345',
    });
    expect(reading.kind === 'action' && reading.action.by).not.toMatch(/sk-proj-abcdefghij|\n/);
  });

  it.each([
    ['not JSON', '{"event": '],
    ['no event', '{"data": {}}'],
    ['an array', '[]'],
    ['event without id', JSON.stringify({ event: { event_type: 'incident.acknowledged' } })],
    ['a time that is no time', JSON.stringify(pagerDutyEvent({ type: 'incident.acknowledged', occurredAt: 'yesterday' }))],
  ])('calls %s malformed', (_name, body) => {
    expect(readPagerDutyWebhook(body).kind).toBe('malformed');
  });
});
