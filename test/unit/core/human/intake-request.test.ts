// One intake request judged before any I/O: the path picks the door; a wrong secret, a request meant for
// another provider, a stale timestamp, a malformed body each get their answer; replay ids are named.
import { describe, expect, it } from 'vitest';
import { judgeProviderRequest, routeOf } from '../../../../lambdas/core/human/intake-request.ts';
import { opsgenieBody } from '../../../fixtures/opsgenie/webhooks.ts';
import { pagerDutyEvent, pagerDutySignature } from '../../../fixtures/pagerduty/webhooks-v3.ts';

const NOW = new Date('2026-11-17T10:08:00.000Z');
const PD_SECRET = 'pd-secret-0123456789';
const SHARED = 'shared-secret-abcdef';
const bytes = (text: string) => new TextEncoder().encode(text);

function pagerDutyRequest(type = 'incident.acknowledged', secret = PD_SECRET) {
  const body = JSON.stringify(pagerDutyEvent({ type, incidentKey: 'healthz_down:gateway', occurredAt: '2026-11-17T10:07:00Z' }));
  return { headers: { 'x-pagerduty-signature': pagerDutySignature(body, secret), 'x-webhook-id': 'wh-1' }, body: bytes(body) };
}

describe('routeOf', () => {
  it('knows the three provider paths and /ack/<token>, with or without a trailing slash', () => {
    expect(routeOf('/pagerduty')).toEqual({ kind: 'provider', provider: 'pagerduty' });
    expect(routeOf('/opsgenie/')).toEqual({ kind: 'provider', provider: 'opsgenie' });
    expect(routeOf('/splunk-oncall')).toEqual({ kind: 'provider', provider: 'splunk-oncall' });
    expect(routeOf('/ack/abc.def')).toEqual({ kind: 'ack-link', token: 'abc.def' });
    expect(routeOf('/')).toEqual({ kind: 'unknown' });
    expect(routeOf('/pagerduty/extra')).toEqual({ kind: 'unknown' });
    expect(routeOf('/ack/a/b')).toEqual({ kind: 'unknown' });
  });
});

describe('judgeProviderRequest', () => {
  it('a signed PagerDuty ack acts, with the event id and the webhook id as replay ids', () => {
    const verdict = judgeProviderRequest('pagerduty', pagerDutyRequest(), [PD_SECRET], NOW);
    expect(verdict).toMatchObject({
      kind: 'act',
      action: { kind: 'ack', dedupKey: 'healthz_down:gateway', by: 'Tenex Engineer' },
      replayIds: ['pagerduty:event:5ac64822-4adc-4fda-ade0-410becf0de4f', 'pagerduty:webhook:wh-1'],
    });
  });

  it('a signed PagerDuty event for a grouped incident (no incident_key) waits for the alert lookup, with the same replay ids', () => {
    const body = JSON.stringify(pagerDutyEvent({ type: 'incident.resolved', incidentKey: null, occurredAt: '2026-11-17T10:07:00Z' }));
    const request = {
      headers: { 'x-pagerduty-signature': pagerDutySignature(body, PD_SECRET), 'x-webhook-id': 'wh-g' },
      body: bytes(body),
    };
    expect(judgeProviderRequest('pagerduty', request, [PD_SECRET], NOW)).toMatchObject({
      kind: 'grouped',
      incidentId: 'PGR0VU2',
      action: { kind: 'resolve', by: 'Tenex Engineer' },
      replayIds: ['pagerduty:event:5ac64822-4adc-4fda-ade0-410becf0de4f', 'pagerduty:webhook:wh-g'],
    });
    expect(judgeProviderRequest('pagerduty', request, ['not-the-secret'], NOW)).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('a forged PagerDuty signature is refused with 403 before the body is read', () => {
    const forged = pagerDutyRequest('incident.acknowledged', 'not-our-secret');
    expect(judgeProviderRequest('pagerduty', forged, [PD_SECRET], NOW)).toEqual({
      kind: 'refused',
      status: 403,
      reason: 'authentication failed',
    });
    const garbage = { headers: { 'x-pagerduty-signature': 'v1=00' }, body: bytes('{{{{') };
    expect(judgeProviderRequest('pagerduty', garbage, [PD_SECRET], NOW)).toMatchObject({ status: 403 });
  });

  it('no configured secret refuses every request (a door without a lock stays shut)', () => {
    expect(judgeProviderRequest('pagerduty', pagerDutyRequest(), [], NOW)).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('a PagerDuty request sent to the Opsgenie path is refused (no shared-secret header)', () => {
    expect(judgeProviderRequest('opsgenie', pagerDutyRequest(), [SHARED], NOW)).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('an Opsgenie body with the right secret on the Splunk On-Call path is malformed there (400)', () => {
    const request = { headers: { 'x-metis-webhook-secret': SHARED }, body: bytes(opsgenieBody('Acknowledge', 'k', NOW)) };
    expect(judgeProviderRequest('splunk-oncall', request, [SHARED], NOW)).toMatchObject({ kind: 'refused', status: 400 });
  });

  it('a signed but truncated PagerDuty body is malformed (400)', () => {
    const body = JSON.stringify(pagerDutyEvent({ type: 'incident.acknowledged' })).slice(0, 200);
    const request = { headers: { 'x-pagerduty-signature': pagerDutySignature(body, PD_SECRET) }, body: bytes(body) };
    expect(judgeProviderRequest('pagerduty', request, [PD_SECRET], NOW)).toMatchObject({ kind: 'refused', status: 400 });
  });

  it('a body that is not UTF-8 is malformed (400)', () => {
    const body = new Uint8Array([0xff, 0xfe, 0x7b]);
    const request = { headers: { 'x-metis-webhook-secret': SHARED }, body };
    expect(judgeProviderRequest('opsgenie', request, [SHARED], NOW)).toMatchObject({ kind: 'refused', status: 400 });
  });

  it('an authentic event we do not act on is ignored', () => {
    expect(judgeProviderRequest('pagerduty', pagerDutyRequest('incident.annotated'), [PD_SECRET], NOW).kind).toBe('ignored');
  });

  it('Opsgenie: the configured header, or basic auth, with a rotated secret; its body digest is the replay id', () => {
    const body = bytes(opsgenieBody('Acknowledge', 'healthz_down:gateway', new Date(NOW.getTime() - 60_000)));
    const custom = judgeProviderRequest('opsgenie', { headers: { 'x-ops-key': 'new' }, body }, ['old', 'new'], NOW, 'X-Ops-Key');
    expect(custom).toMatchObject({ kind: 'act', action: { kind: 'ack', dedupKey: 'healthz_down:gateway', by: 'fili' } });
    expect(custom.kind === 'act' && custom.replayIds).toEqual([expect.stringMatching(/^opsgenie:event:[0-9a-f]{40}$/)]);
    const basic = { authorization: `Basic ${Buffer.from(`metis:old`).toString('base64')}` };
    expect(judgeProviderRequest('opsgenie', { headers: basic, body }, ['old', 'new'], NOW).kind).toBe('act');
    expect(judgeProviderRequest('opsgenie', { headers: { 'x-metis-webhook-secret': 'older' }, body }, ['old', 'new'], NOW).kind).toBe(
      'refused',
    );
  });

  it('Opsgenie and Splunk On-Call events more than 5 minutes from now are stale (replays)', () => {
    const old = bytes(opsgenieBody('Acknowledge', 'k', new Date(NOW.getTime() - 6 * 60_000)));
    expect(judgeProviderRequest('opsgenie', { headers: { 'x-metis-webhook-secret': SHARED }, body: old }, [SHARED], NOW).kind).toBe(
      'stale',
    );
    const splunk = bytes(JSON.stringify({ entity_id: 'k', phase: 'ACKED', ack_user: 'j', ack_timestamp: NOW.getTime() + 10 * 60_000 }));
    expect(judgeProviderRequest('splunk-oncall', { headers: { 'x-metis-webhook-secret': SHARED }, body: splunk }, [SHARED], NOW).kind).toBe(
      'stale',
    );
  });

  it('a PagerDuty event hours old still acts (its retries run 48 h; replays are caught by id)', () => {
    const late = new Date(NOW.getTime() + 3 * 3600_000);
    expect(judgeProviderRequest('pagerduty', pagerDutyRequest(), [PD_SECRET], late).kind).toBe('act');
  });
});
