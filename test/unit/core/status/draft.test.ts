import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import { applySignal, resolveIncident } from '../../../../lambdas/core/routing-policy.ts';
import { RULE_IDS } from '../../../../lambdas/core/rule-ids.ts';
import type { Severity } from '../../../../lambdas/core/signal.ts';
import { draftLines, statusDraft, statusPhase, type StatusDraft } from '../../../../lambdas/core/status/draft.ts';
import { isPublic, WORDING } from '../../../../lambdas/core/status/wording.ts';
import { settings, signal, TUE_10_00 } from '../support.ts';

const AT_10_20 = new Date('2026-11-17T10:20:00.000Z');
const AT_10_47 = new Date('2026-11-17T10:47:00.000Z');

// What a real incident carries that must never reach the public: a hostname, a key id, SQL, a trace, a prompt.
const HOST = 'gw-prod-01.internal.example.net';
const KEY_ID = 'key_7f3a9c21';
const SQL = "SELECT key_id FROM events WHERE type='llm.call_completed'";
const TRACE = 'Traceback (most recent call last): File "/app/metis/router.py", line 88';
const PROMPT = 'summarise the attached merger agreement';

function incidentOf(rule: string, severity: Severity = 'SEV1'): Incident {
  const subject = `${HOST}/${KEY_ID}`;
  return applySignal(
    undefined,
    signal({
      rule,
      subject,
      severity,
      summary: `${rule} on ${HOST}: ${SQL} ${TRACE}`,
      details: { host: HOST, keyId: KEY_ID, sql: SQL, trace: TRACE, prompt: PROMPT },
    }),
    TUE_10_00,
    settings(),
  ).next;
}

function draftOf(incident: Parameters<typeof statusDraft>[0], now = AT_10_20, followUp = false): StatusDraft {
  const outcome = statusDraft(incident, now, { followUp });
  if (outcome?.kind !== 'draft') throw new Error(`expected a draft for ${incident.rule}, got ${JSON.stringify(outcome)}`);
  return outcome.draft;
}

describe('public wording table', () => {
  it('has wording for every rule id a signal can carry, and no entry for a rule that does not exist', () => {
    const missing = RULE_IDS.filter((rule) => !(rule in WORDING));
    expect(missing).toEqual([]);
    const extra = Object.keys(WORDING).filter((rule) => !RULE_IDS.includes(rule) && rule !== 'pipeline_health');
    expect(extra).toEqual([]);
  });

  it('tells users of a gateway outage that requests to the API are failing', () => {
    expect(draftOf(incidentOf('gateway_down')).body).toContain('requests to the API are failing');
    expect(draftOf(incidentOf('healthz_down')).body).toContain('requests to the API are failing');
    expect(draftOf(incidentOf('latency_p95', 'SEV2')).body).toContain('API responses are slower than usual');
  });
});

describe('statusDraft: nothing internal leaks', () => {
  const publicRules = Object.keys(WORDING).filter((rule) => isPublic(WORDING[rule]!));
  for (const rule of publicRules)
    it(`${rule}: no subject, hostname, key id, SQL, trace, prompt or dedup key in any phase`, () => {
      for (const severity of ['SEV1', 'SEV2'] as const) {
        const open = incidentOf(rule, severity);
        const phases = [
          draftOf(open),
          draftOf(open, AT_10_47, true),
          draftOf({ ...open, ack: { at: AT_10_20.toISOString() } }),
          draftOf({ ...open, latchedAt: AT_10_20.toISOString() }),
          draftOf(resolveIncident(open, AT_10_47, settings(), 'healthy again')),
        ];
        expect(phases.map((d) => d.phase)).toEqual(['investigating', 'investigating', 'identified', 'monitoring', 'resolved']);
        for (const draft of phases) {
          const text = `${draft.name}\n${draft.body}\n${draftLines({ kind: 'draft', draft }).join('\n')}`;
          for (const internal of [open.subject, open.dedupKey, HOST, KEY_ID, 'SELECT', 'Traceback', 'router.py', PROMPT, rule])
            expect(text).not.toContain(internal);
          expect(draft.body.length).toBeGreaterThan(40);
        }
      }
    });
});

describe('statusDraft: phases in the runbook tone', () => {
  const open = incidentOf('gateway_down');

  it('opened: investigating, with the next update promised 30 minutes on', () => {
    expect(draftOf(open)).toEqual({
      phase: 'investigating',
      name: 'API unavailable',
      body: 'We are investigating an issue: requests to the API are failing. Next update by 10:50 UTC.',
      component: 'major_outage',
      autoPublish: true,
    });
  });

  it('the comms reminder says "still investigating"', () => {
    expect(draftOf(open, AT_10_47, true).body).toBe(
      'We are still investigating: requests to the API are failing. Next update by 11:17 UTC.',
    );
  });

  it('acknowledged: identified', () => {
    const acked = { ...open, ack: { at: AT_10_20.toISOString(), by: 'alice', via: 'cli' as const } };
    expect(statusPhase(acked)).toBe('identified');
    expect(draftOf(acked).body).toBe(
      'We have identified the cause and are working on a fix. Until it is in place, requests to the API are failing. Next update by 10:50 UTC.',
    );
  });

  it('detector healthy while the incident stays open (a latched breach): monitoring', () => {
    const draft = draftOf({ ...open, latchedAt: AT_10_20.toISOString(), ack: { at: '2026-11-17T10:05:00.000Z' } });
    expect(draft.phase).toBe('monitoring');
    expect(draft.body).toBe('We are seeing recovery and are monitoring to confirm the issue is over. Next update by 10:50 UTC.');
  });

  it('resolved: the window in UTC, in the past tense, and the component back to operational', () => {
    const draft = draftOf(resolveIncident(open, AT_10_47, settings(), 'healthy again'), AT_10_47);
    expect(draft).toMatchObject({
      phase: 'resolved',
      body: 'This incident has been resolved. From 10:00 UTC to 10:47 UTC, requests to the API failed.',
      component: 'operational',
    });
  });

  it('component status by severity; a slowdown is degraded performance', () => {
    expect(draftOf(incidentOf('model_error_rate', 'SEV1')).component).toBe('major_outage');
    expect(draftOf(incidentOf('model_error_rate', 'SEV2')).component).toBe('partial_outage');
    expect(draftOf(incidentOf('latency_p95', 'SEV1')).component).toBe('degraded_performance');
  });

  it('the reminder cadence sets the promised next update', () => {
    const outcome = statusDraft(open, AT_10_20, { nextUpdateMinutes: 15 });
    expect(outcome?.kind === 'draft' && outcome.draft.body).toContain('Next update by 10:35 UTC.');
  });
});

describe('statusDraft: what gets no draft', () => {
  it('SEV3 and SEV4 get none', () => {
    expect(statusDraft(incidentOf('model_error_rate', 'SEV3'), AT_10_20)).toBeUndefined();
    expect(statusDraft(incidentOf('log_noise', 'SEV4'), AT_10_20)).toBeUndefined();
  });

  it('a SEV1 users cannot see (a bill threshold) says so instead of inventing an outage', () => {
    const outcome = statusDraft(incidentOf('bill_threshold'), AT_10_20);
    expect(outcome).toEqual({ kind: 'internal', why: 'a provider bill threshold: spending, not service' });
    expect(draftLines(outcome!)).toEqual([
      '*Status page:* no update needed, users do not see this by itself (a provider bill threshold: spending, not service); post one if customers report problems.',
    ]);
  });

  it('a security matter is drafted but marked: never auto-published', () => {
    const draft = draftOf(incidentOf('prompt_exposure'));
    expect(draft.autoPublish).toBe(false);
    expect(draftLines({ kind: 'draft', draft })[0]).toContain('decide on disclosure before posting');
    expect(draftOf(incidentOf('key_compromise_suspected')).autoPublish).toBe(false);
  });

  it("a custom alarm's own rule tag gets the cautious generic wording", () => {
    const draft = draftOf(incidentOf('checkout_latency_custom'));
    expect(draft.name).toBe('Service degradation');
    expect(draft.body).toContain('some API requests may be affected');
  });
});
