// The Statuspage connector's requests, rendered by the pure core: create at the first SEV1/SEV2 trigger of
// an episode, update on an upgrade, resolve with components operational; and what never goes to the page.
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, Incident } from '../../../../../lambdas/core/incident.ts';
import { SECRET, type HttpCall } from '../../../../../lambdas/core/notify/http-call.ts';
import {
  componentIds,
  publishesToStatuspage,
  statuspageCall,
  type StatuspageTarget,
} from '../../../../../lambdas/core/notify/statuspage/call.ts';
import { statuspageNotifier } from '../../../../../lambdas/core/notify/statuspage/notifier.ts';
import type { SendOutcome } from '../../../../../lambdas/core/notify/ports.ts';
import { allowedSinks, applySignal, record, resolveIncident } from '../../../../../lambdas/core/routing-policy.ts';
import type { Signal } from '../../../../../lambdas/core/signal.ts';
import { settings, signal, TUE_10_00 } from '../../support.ts';

const S = settings({ healthTargets: [{ name: 'gateway', url: 'https://gw.internal.example.net/healthz' }] });
const TARGET: StatuspageTarget = {
  pageId: 'kctbh9vrtdwd',
  components: { gateway: 'b13yz5g2cw10', model_error_rate: 'x7k2m9p4q1r8' },
  apiUrl: 'https://api.statuspage.io/v1/',
};
const later = (minutes: number): Date => new Date(TUE_10_00.getTime() + minutes * 60_000);
const BASE = 'https://api.statuspage.io/v1/pages/kctbh9vrtdwd/incidents';

const outage = (overrides: Partial<Signal> = {}): Signal =>
  signal({
    source: 'probe',
    rule: 'healthz_down',
    subject: 'gateway',
    severity: 'SEV1',
    summary: 'GET /healthz timed out twice',
    ...overrides,
  });

function open(overrides: Partial<Signal> = {}): Incident {
  return applySignal(undefined, outage(overrides), TUE_10_00, S).next;
}

function delivery(incident: Incident, action: DeliveryRecord['action'] = 'trigger'): DeliveryRecord {
  return record(incident, 'statuspage', action, incident.severity, TUE_10_00);
}

/** The incident after its Statuspage create went out and Statuspage answered with `id`. */
function created(incident: Incident, id = 'inc000000001'): Incident {
  return { ...incident, statuspageIncidentId: id, deliveries: [...incident.deliveries, { ...delivery(incident), status: 'sent' }] };
}

function asCall(result: ReturnType<typeof statuspageCall>): HttpCall {
  if ('skip' in result) throw new Error(`expected a call, got skip: ${result.skip}`);
  return result;
}

describe('statuspageCall', () => {
  it('creates the incident at the first SEV1 trigger: OAuth key, the draft, the mapped component as a major outage', () => {
    const incident = open();
    expect(statuspageCall(incident, delivery(incident), S, TUE_10_00, TARGET)).toEqual({
      method: 'POST',
      url: BASE,
      headers: { 'Content-Type': 'application/json', Authorization: `OAuth ${SECRET}` },
      body: {
        incident: {
          name: 'API unavailable',
          status: 'investigating',
          body: 'We are investigating an issue: requests to the API are failing. Next update by 10:30 UTC.',
          component_ids: ['b13yz5g2cw10'],
          components: { b13yz5g2cw10: 'major_outage' },
          deliver_notifications: true,
        },
      },
      readReply: true,
    });
  });

  it('a SEV2 is a partial outage; an upgrade to SEV1 updates the created incident (PATCH, no new name)', () => {
    const sev2 = open({ severity: 'SEV2' });
    expect(asCall(statuspageCall(sev2, delivery(sev2), S, TUE_10_00, TARGET)).body).toMatchObject({
      incident: { components: { b13yz5g2cw10: 'partial_outage' } },
    });
    const upgraded = applySignal(created(sev2), outage({ observedAt: later(5).toISOString() }), later(5), S).next;
    const call = asCall(statuspageCall(upgraded, delivery(upgraded), S, later(5), TARGET));
    expect(call.method).toBe('PATCH');
    expect(call.url).toBe(`${BASE}/inc000000001`);
    expect(call.body).toEqual({
      incident: {
        status: 'investigating',
        body: 'We are investigating an issue: requests to the API are failing. Next update by 10:35 UTC.',
        component_ids: ['b13yz5g2cw10'],
        components: { b13yz5g2cw10: 'major_outage' },
        deliver_notifications: true,
      },
    });
  });

  it('resolve: the incident resolved and its components operational again', () => {
    const resolved = resolveIncident(created(open()), later(42), S, 'healthy again');
    const call = asCall(statuspageCall(resolved, delivery(resolved, 'resolve'), S, later(42), TARGET));
    expect(call).toMatchObject({ method: 'PATCH', url: `${BASE}/inc000000001` });
    expect(call.body).toEqual({
      incident: {
        status: 'resolved',
        body: 'This incident has been resolved. From 10:00 UTC to 10:42 UTC, requests to the API failed.',
        component_ids: ['b13yz5g2cw10'],
        components: { b13yz5g2cw10: 'operational' },
        deliver_notifications: true,
      },
    });
  });

  it('a resolve whose create has not gone out waits for it (no request)', () => {
    const resolved = resolveIncident(open(), later(42), S, 'healthy again');
    expect(statuspageCall(resolved, delivery(resolved, 'resolve'), S, later(42), TARGET)).toEqual({
      skip: 'the Statuspage incident of this episode is not created yet',
      waiting: true,
    });
  });

  it('a new episode creates a new Statuspage incident, not an update of the last one', () => {
    const first = resolveIncident(created(open()), later(42), S, 'healthy again');
    const again = applySignal(first, outage({ observedAt: later(60).toISOString() }), later(60), S).next;
    expect(again.episode).toBe(2);
    expect(asCall(statuspageCall(again, delivery(again), S, later(60), TARGET)).method).toBe('POST');
  });

  it('components by health target and by rule; none mapped is an incident without components', () => {
    expect(componentIds(open(), TARGET, S)).toEqual(['b13yz5g2cw10']);
    const model = applySignal(undefined, signal({ rule: 'model_error_rate', severity: 'SEV2' }), TUE_10_00, S).next;
    expect(componentIds(model, TARGET, S)).toEqual(['b13yz5g2cw10', 'x7k2m9p4q1r8']); // the trace DB's traffic is the gateway's
    expect(componentIds(open(), { ...TARGET, components: {} }, S)).toEqual([]);
  });
});

describe('what the status page is never sent', () => {
  it('SEV3/SEV4, a test-page incident, a rule users cannot see, a security matter', () => {
    expect(publishesToStatuspage(outage(), 'SEV1')).toBe(true);
    expect(publishesToStatuspage(outage(), 'SEV2')).toBe(true);
    expect(publishesToStatuspage(outage(), 'SEV3')).toBe(false);
    expect(publishesToStatuspage(outage({ details: { test: true } }), 'SEV1')).toBe(false);
    expect(publishesToStatuspage(signal({ rule: 'bill_threshold' }), 'SEV1')).toBe(false);
    expect(publishesToStatuspage(signal({ rule: 'prompt_exposure' }), 'SEV1')).toBe(false);
    expect(publishesToStatuspage(signal({ rule: 'key_compromise_suspected' }), 'SEV1')).toBe(false);
  });

  it('the routing policy plans the statuspage sink only for what it publishes', () => {
    const active = ['chatops', 'statuspage'] as const;
    const all = { paging: true, page: true, chatops: true };
    expect(allowedSinks(outage(), all, active)).toEqual(['chatops', 'statuspage']);
    expect(allowedSinks(outage({ severity: 'SEV3' }), all, active)).toEqual(['chatops']);
    expect(allowedSinks(signal({ rule: 'prompt_exposure', severity: 'SEV1' }), all, active)).toEqual(['chatops']);
  });
});

describe('statuspageNotifier', () => {
  const answering = (outcome: SendOutcome) => ({ send: async () => outcome });

  it("keeps the created incident's id from Statuspage's answer", async () => {
    const incident = open();
    const notifier = statuspageNotifier(answering({ ok: true, reply: { id: 'inc000000007', status: 'investigating' } }), TARGET);
    expect(await notifier.deliver(incident, delivery(incident), { settings: S, now: TUE_10_00 })).toEqual({
      ok: true,
      learned: { statuspageIncidentId: 'inc000000007' },
    });
  });

  it('a create answered without an id is a rejection (it could never be updated or resolved)', async () => {
    const incident = open();
    const notifier = statuspageNotifier(answering({ ok: true, reply: { status: 'investigating' } }), TARGET);
    expect(await notifier.deliver(incident, delivery(incident), { settings: S, now: TUE_10_00 })).toEqual({
      ok: false,
      retryable: false,
      kind: 'rejected',
      reason: 'Statuspage answered the create without an incident id',
    });
  });

  it('a resolve before the create went out stays owed (retryable), with no request', async () => {
    const resolved = resolveIncident(open(), later(42), S, 'healthy again');
    let sent = 0;
    const notifier = statuspageNotifier(
      {
        send: async () => {
          sent++;
          return { ok: true };
        },
      },
      TARGET,
    );
    const outcome = await notifier.deliver(resolved, delivery(resolved, 'resolve'), { settings: S, now: later(42) });
    expect(outcome).toMatchObject({ ok: false, retryable: true, kind: 'transient' });
    expect(sent).toBe(0);
  });
});
