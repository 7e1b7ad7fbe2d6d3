// Inhibition (the gateway is down: trace-DB and log symptoms go to chatops as suppressed), its release,
// silences that expire mid-incident, and recurring maintenance windows.
import { describe, expect, it } from 'vitest';
import { routeSignals, sweepIncidents, type DispatchDeps } from '../../../lambdas/core/dispatch.ts';
import type { SilenceStore } from '../../../lambdas/core/ports.ts';
import type { Silence } from '../../../lambdas/core/silence.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { windowActive } from '../../../lambdas/core/suppression.ts';
import { chatopsThreadId } from '../../../lambdas/core/inhibition-link.ts';
import { FakeIncidentStore, FakePagerDuty, FakePublisher, settings, signal, notifiersOf } from './support.ts';

const TUE = new Date('2026-11-24T10:00:00Z');
const at = (minutes: number) => new Date(TUE.getTime() + minutes * 60_000);
const OPTIONS = { tracebackQuietMinutes: 30 };

class Silences implements SilenceStore {
  constructor(readonly items: Silence[] = []) {}
  async put(s: Silence) {
    this.items.push(structuredClone(s));
  }
  async listCurrent() {
    return this.items.filter((s) => !s.endAnnouncedAt).map((s) => structuredClone(s));
  }
  async listAll() {
    return this.items.map((s) => structuredClone(s));
  }
  async get(id: string) {
    return this.items.find((s) => s.id === id);
  }
  async markEndAnnounced(id: string, when: string) {
    const s = this.items.find((x) => x.id === id);
    if (!s || s.endAnnouncedAt) return false;
    s.endAnnouncedAt = when;
    return true;
  }
}

/** The gateway (its trace DB and logs by default: the target named like the gateway) and the agent server beside it. */
const TARGETS = [
  { name: 'gateway', url: 'https://gw.example.com/healthz' },
  { name: 'agent-server', url: 'https://agents.example.com/health' },
];

function world(overrides: Parameters<typeof settings>[0] = {}, silences = new Silences()) {
  const store = new FakeIncidentStore();
  const pd = new FakePagerDuty();
  const sns = new FakePublisher();
  const deps = (now: Date): DispatchDeps => ({
    store,
    notifiers: notifiersOf(pd, sns),
    settings: settings({ healthTargets: TARGETS, ...overrides }),
    now: () => now,
    silences,
  });
  const sent = () => [
    ...pd.events.map((e) => `pagerduty ${e.event_action} ${e.dedup_key}`),
    ...sns.published.map((p) => `${p.topic} ${p.message.subject.split(' ')[1]} ${p.message.subject.split(' ').slice(2).join(' ')}`),
  ];
  const mark = () => ({ pd: pd.events.length, sns: sns.published.length });
  /** What was sent after `m`, PagerDuty first. */
  const since = (m: { pd: number; sns: number }) => [
    ...pd.events.slice(m.pd).map((e) => `pagerduty ${e.event_action} ${e.dedup_key}`),
    ...sns.published
      .slice(m.sns)
      .map((p) => `${p.topic} ${p.message.subject.split(' ')[1]} ${p.message.subject.split(' ').slice(2).join(' ')}`),
  ];
  return { store, pd, sns, deps, sent, silences, mark, since };
}

// As the probe's round report sends it (lambdas/core/probe/healthz-report.ts): the default inhibition matches it.
const gatewayDown = (status: Signal['status'] = 'firing', minutes = 0) =>
  signal({
    source: 'probe',
    rule: 'healthz_down',
    subject: 'gateway',
    dedupKey: 'healthz_down:gateway',
    severity: 'SEV1',
    status,
    observedAt: at(minutes).toISOString(),
  });
const errorRate = (minutes = 1) =>
  signal({
    source: 'trace-db',
    rule: 'model_error_rate',
    subject: 'gpt-4o',
    dedupKey: 'model_error_rate:gpt-4o',
    severity: 'SEV2',
    observedAt: at(minutes).toISOString(),
  });

describe('inhibition', () => {
  it('while the gateway is SEV1 down, a trace-DB SEV2 is recorded and posted to chatops as suppressed, not paged', async () => {
    const w = world();
    await routeSignals([gatewayDown()], w.deps(at(0)));
    const before = w.mark();
    await routeSignals([errorRate()], w.deps(at(1)));
    expect(w.since(before)).toEqual(['chatops SUPPRESSED model_error_rate: gpt-4o']);
    const incident = w.store.peek('model_error_rate:gpt-4o')!;
    expect(incident.suppressedBy).toBe('healthz_down:gateway');
    expect(incident.timeline[0]!.event).toBe(
      'opened SEV2: suppressed by healthz_down:gateway (inhibition gateway-down): posted to chatops, not paged',
    );
  });

  it('is released when the gateway recovers: the still-firing symptom is paged at the next sweep', async () => {
    const w = world();
    await routeSignals([gatewayDown()], w.deps(at(0)));
    await routeSignals([errorRate()], w.deps(at(1)));
    await routeSignals([gatewayDown('resolved', 5)], w.deps(at(5)));
    const before = w.mark();
    await sweepIncidents(at(6), OPTIONS, w.deps(at(6)));
    expect(w.since(before).sort()).toEqual([
      'chatops FIRING model_error_rate: gpt-4o',
      'page FIRING model_error_rate: gpt-4o',
      'pagerduty trigger model_error_rate:gpt-4o',
    ]);
    expect(w.store.peek('model_error_rate:gpt-4o')!.suppressedBy).toBeUndefined();
    const events = w.store.peek('model_error_rate:gpt-4o')!.timeline.map((t) => t.event);
    expect(events.filter((e) => e.startsWith('inhibition'))).toEqual([
      'inhibition by healthz_down:gateway released, still firing: notified pagerduty, page, chatops',
    ]);
  });

  it('never hides a SEV1: db_integrity SEV1 during a SEV1 healthz outage still pages, while a SEV2 symptom is suppressed', async () => {
    const w = world();
    await routeSignals([gatewayDown()], w.deps(at(0)));
    const before = w.mark();
    const corrupt = signal({ rule: 'db_integrity', subject: 'trace-db', dedupKey: 'db_integrity:trace-db', severity: 'SEV1' });
    await routeSignals([{ ...corrupt, observedAt: at(1).toISOString() }], w.deps(at(1)));
    expect(w.since(before).sort()).toEqual([
      'chatops FIRING db_integrity: trace-db',
      'page FIRING db_integrity: trace-db',
      'pagerduty trigger db_integrity:trace-db',
    ]);
    expect(w.store.peek('db_integrity:trace-db')!.suppressedBy).toBeUndefined();
  });

  it("links an inhibited signal to the inhibiting incident: the inhibitor's timeline names it, the post names the inhibitor and its thread", async () => {
    const w = world();
    await routeSignals([gatewayDown()], w.deps(at(0)));
    await routeSignals([errorRate(1)], w.deps(at(1)));
    await routeSignals([errorRate(2)], w.deps(at(2))); // a repeat links nothing twice
    const inhibitor = w.store.peek('healthz_down:gateway')!;
    expect(inhibitor.inhibits).toEqual(['model_error_rate:gpt-4o#1']);
    expect(inhibitor.timeline.filter((t) => t.event.startsWith('inhibits'))).toEqual([
      {
        at: at(1).toISOString(),
        event: "inhibits SEV2 model_error_rate:gpt-4o: posted to chatops in this incident's thread as suppressed, not paged",
      },
    ]);
    const symptom = w.store.peek('model_error_rate:gpt-4o')!;
    expect(chatopsThreadId(symptom)).toBe('healthz_down:gateway#1');
    expect(chatopsThreadId(inhibitor)).toBe('healthz_down:gateway#1');
    const post = w.sns.published.find((p) => p.message.subject.includes('SUPPRESSED'))!;
    expect(post.message.body).toContain('Suppressed by healthz_down:gateway: a symptom of that open incident (its thread)');
  });

  it('does not inhibit when the gateway is only SEV2, nor signals of other sources', async () => {
    const w = world();
    await routeSignals([{ ...gatewayDown(), severity: 'SEV2' }], w.deps(at(0)));
    await routeSignals([errorRate()], w.deps(at(1)));
    expect(w.store.peek('model_error_rate:gpt-4o')!.suppressedBy).toBeUndefined();
    expect(w.pd.events.map((e) => e.dedup_key)).toContain('model_error_rate:gpt-4o');
  });

  it('honours equal labels (and lowerSeverityOnly: false lets a SEV2 inhibit a SEV2)', async () => {
    const w = world({
      routing: {
        inhibitions: [
          {
            name: 'same-subject',
            source: { rule: ['provider_unavailable'] },
            target: { rule: ['model_error_rate'] },
            equal: ['subject'],
            lowerSeverityOnly: false,
          },
        ],
      },
    });
    const provider = signal({
      rule: 'provider_unavailable',
      subject: 'gpt-4o',
      dedupKey: 'provider_unavailable:gpt-4o',
      severity: 'SEV2',
      observedAt: at(0).toISOString(),
    });
    await routeSignals([provider], w.deps(at(0)));
    await routeSignals([errorRate(1), { ...errorRate(1), subject: 'claude', dedupKey: 'model_error_rate:claude' }], w.deps(at(1)));
    expect(w.store.peek('model_error_rate:gpt-4o')!.suppressedBy).toBe('provider_unavailable:gpt-4o');
    expect(w.store.peek('model_error_rate:claude')!.suppressedBy).toBeUndefined();
  });
});

describe("inhibition scope: a target's outage holds back only the signals from its own traffic", () => {
  const serverDown = () => ({ ...gatewayDown(), subject: 'agent-server', dedupKey: 'healthz_down:agent-server' });
  const providerDown = signal({
    rule: 'provider_unavailable',
    subject: 'anthropic',
    dedupKey: 'provider_unavailable:anthropic',
    severity: 'SEV2',
    summary: 'provider anthropic unavailable, no failover',
    observedAt: at(1).toISOString(),
  });
  const traceback = (logGroup: string) =>
    signal({
      source: 'logs',
      rule: 'traceback',
      subject: 'KeyError@router.py',
      dedupKey: 'traceback:KeyError@router.py',
      severity: 'SEV2',
      observedAt: at(1).toISOString(),
      details: { logGroup },
    });

  it("the agent server's /health SEV1 does not inhibit the gateway's trace-DB SEV2 (provider down, no failover): it pages", async () => {
    const w = world();
    await routeSignals([serverDown()], w.deps(at(0)));
    const before = w.mark();
    await routeSignals([providerDown], w.deps(at(1)));
    expect(w.since(before).sort()).toEqual([
      'chatops FIRING provider_unavailable: anthropic',
      'page FIRING provider_unavailable: anthropic',
      'pagerduty trigger provider_unavailable:anthropic',
    ]);
    expect(w.store.peek('provider_unavailable:anthropic')!.suppressedBy).toBeUndefined();
  });

  it("the gateway's /healthz SEV1 still inhibits the same SEV2", async () => {
    const w = world();
    await routeSignals([serverDown(), gatewayDown()], w.deps(at(0)));
    const before = w.mark();
    await routeSignals([providerDown], w.deps(at(1)));
    expect(w.since(before)).toEqual(['chatops SUPPRESSED provider_unavailable: anthropic']);
    expect(w.store.peek('provider_unavailable:anthropic')!.suppressedBy).toBe('healthz_down:gateway');
  });

  it("log signals follow their group's target: a group the agent server writes is held back by its outage, not by the gateway's", async () => {
    const w = world({ logGroups: [{ name: '/eks/gateway' }, { name: '/eks/agents', target: 'agent-server' }] });
    await routeSignals([gatewayDown()], w.deps(at(0)));
    await routeSignals([traceback('/eks/agents')], w.deps(at(1)));
    expect(w.store.peek('traceback:KeyError@router.py')!.suppressedBy).toBeUndefined();
    const v = world({ logGroups: [{ name: '/eks/gateway' }, { name: '/eks/agents', target: 'agent-server' }] });
    await routeSignals([serverDown()], v.deps(at(0)));
    await routeSignals([traceback('/eks/agents')], v.deps(at(1)));
    expect(v.store.peek('traceback:KeyError@router.py')!.suppressedBy).toBe('healthz_down:agent-server');
  });

  it('snapshot.target moves the trace DB to another target; without any health target configured it is the one named gateway', async () => {
    const w = world({ snapshot: { target: 'agent-server' } });
    await routeSignals([serverDown()], w.deps(at(0)));
    await routeSignals([providerDown], w.deps(at(1)));
    expect(w.store.peek('provider_unavailable:anthropic')!.suppressedBy).toBe('healthz_down:agent-server');
    const none = world({ healthTargets: [] });
    await routeSignals([serverDown()], none.deps(at(0)));
    await routeSignals([providerDown], none.deps(at(1)));
    expect(none.store.peek('provider_unavailable:anthropic')!.suppressedBy).toBeUndefined();
    await routeSignals([gatewayDown()], none.deps(at(2)));
    const openai = { ...providerDown, subject: 'openai', dedupKey: 'provider_unavailable:openai', observedAt: at(3).toISOString() };
    await routeSignals([openai], none.deps(at(3)));
    expect(none.store.peek('provider_unavailable:openai')!.suppressedBy).toBe('healthz_down:gateway');
  });
});

describe('silences', () => {
  const silence: Silence = {
    id: 'sil_1',
    rule: 'model_error_rate',
    startsAt: at(0).toISOString(),
    endsAt: at(30).toISOString(),
    reason: 'provider maintenance',
    createdBy: 'ops',
    createdAt: at(0).toISOString(),
  };

  it('a silenced signal is recorded, not notified; when the silence expires mid-incident it is notified and the end is announced once', async () => {
    const w = world({}, new Silences([structuredClone(silence)]));
    await routeSignals([errorRate(1)], w.deps(at(1)));
    expect(w.sent()).toEqual([]);
    expect(w.store.peek('model_error_rate:gpt-4o')).toMatchObject({ status: 'open', silencedBy: 'sil_1' });
    await sweepIncidents(at(25), OPTIONS, w.deps(at(25)));
    expect(w.sent()).toEqual([]); // still silenced: no reminder, nothing
    await sweepIncidents(at(30), OPTIONS, w.deps(at(30)));
    expect(w.sent().sort()).toEqual([
      'chatops FIRING model_error_rate: gpt-4o',
      'chatops silence sil_1 ended: model_error_rate (all subjects)',
      'page FIRING model_error_rate: gpt-4o',
      'pagerduty trigger model_error_rate:gpt-4o',
    ]);
    const notice = w.sns.published.find((p) => p.message.subject.includes('silence'))!.message.body;
    expect(notice).toContain('Still firing, now notified: SEV2 model_error_rate:gpt-4o');
    await sweepIncidents(at(35), OPTIONS, w.deps(at(35)));
    expect(w.sent().filter((s) => s.includes('silence'))).toHaveLength(1);
  });

  it('a silence that outlives its incident says so when it ends, and the resolve of a silenced incident sends nothing', async () => {
    const w = world({}, new Silences([structuredClone(silence)]));
    await routeSignals([errorRate(1)], w.deps(at(1)));
    await routeSignals([{ ...errorRate(10), status: 'resolved' }], w.deps(at(10)));
    expect(w.sent()).toEqual([]);
    await sweepIncidents(at(31), OPTIONS, w.deps(at(31)));
    expect(w.sent()).toEqual(['chatops silence sil_1 ended: model_error_rate (all subjects)']);
    expect(w.sns.published[0]!.message.body).toContain('It outlived every incident it covered');
  });

  it('covers only its subject when one is given', async () => {
    const w = world({}, new Silences([{ ...silence, subject: 'claude' }]));
    await routeSignals([errorRate(1)], w.deps(at(1)));
    expect(w.pd.events.map((e) => e.dedup_key)).toEqual(['model_error_rate:gpt-4o']);
  });
});

describe('maintenance windows', () => {
  const window = {
    name: 'db-vacuum',
    rules: ['latency_p95'] as [string],
    timezone: 'Europe/Berlin',
    days: ['Sun'] as ['Sun'],
    start: '02:00',
    end: '04:00',
  };

  it('is active in its zone on its days and times only, for its rules only', () => {
    // Sunday 2026-11-29 02:30 in Berlin is 01:30Z.
    expect(windowActive(window, { rule: 'latency_p95', subject: 'gateway' }, new Date('2026-11-29T01:30:00Z'))).toBe(true);
    expect(windowActive(window, { rule: 'latency_p95', subject: 'gateway' }, new Date('2026-11-29T03:00:00Z'))).toBe(false);
    expect(windowActive(window, { rule: 'model_error_rate', subject: 'gateway' }, new Date('2026-11-29T01:30:00Z'))).toBe(false);
    expect(windowActive(window, { rule: 'latency_p95', subject: 'gateway' }, new Date('2026-11-28T01:30:00Z'))).toBe(false);
  });

  it('silences a matching signal inside the window', async () => {
    const w = world({ routing: { maintenanceWindows: [window] } });
    const slow = signal({
      rule: 'latency_p95',
      subject: 'gateway',
      dedupKey: 'latency_p95:gateway',
      severity: 'SEV3',
      observedAt: '2026-11-29T01:30:00Z',
    });
    await routeSignals([slow], w.deps(new Date('2026-11-29T01:30:00Z')));
    expect(w.sent()).toEqual([]);
    expect(w.store.peek('latency_p95:gateway')!.silencedBy).toBe('window:db-vacuum');
  });
});

describe('total outage: gateway_down holds back the per-shape inbound_shape_down of the same health target', () => {
  const SAT = new Date('2026-11-28T03:00:00Z'); // out of hours: a SEV2 goes to chatops and escalates after 30 min
  const sat = (minutes: number) => new Date(SAT.getTime() + minutes * 60_000);
  const shape = (name: string, minutes: number, healthTarget = 'gateway') =>
    signal({
      source: 'probe',
      rule: 'inbound_shape_down',
      subject: name,
      dedupKey: `inbound_shape_down:${name}`,
      severity: 'SEV2',
      observedAt: sat(minutes).toISOString(),
      details: { shape: 'openai-chat', status: 502, healthTarget },
    });
  const total = (status: Signal['status'], minutes: number, subject = 'gateway') =>
    signal({
      source: 'probe',
      rule: 'gateway_down',
      subject,
      dedupKey: `gateway_down:${subject}`,
      severity: 'SEV1',
      status,
      observedAt: sat(minutes).toISOString(),
    });

  it('a shape SEV2 opened a run before the outage becomes its symptom: one SUPPRESSED post, no escalation; released when the outage ends', async () => {
    const w = world();
    await routeSignals([shape('chat', 0)], w.deps(sat(0)));
    expect(w.store.peek('inbound_shape_down:chat')!.escalateAt).toBe(sat(30).toISOString());
    await routeSignals([total('firing', 1)], w.deps(sat(1)));
    const before = w.mark();
    await routeSignals([shape('chat', 1)], w.deps(sat(1))); // the same run's shape report, routed after it
    expect(w.since(before)).toEqual(['chatops SUPPRESSED inbound_shape_down: chat']);
    const symptom = w.store.peek('inbound_shape_down:chat')!;
    expect(symptom.suppressedBy).toBe('gateway_down:gateway');
    expect(symptom.escalateAt).toBeUndefined();
    expect(symptom.timeline.map((t) => t.event)).toContain(
      'while open, suppressed by gateway_down:gateway (inhibition gateway-down-shapes): posted to chatops, not paged',
    );
    expect(w.store.peek('gateway_down:gateway')!.inhibits).toEqual(['inbound_shape_down:chat#1']);
    // Past the SEV2's escalation time the SEV1 is the only page: the symptom is not escalated.
    await routeSignals([shape('chat', 31)], w.deps(sat(31)));
    const quiet = w.mark();
    await sweepIncidents(sat(35), OPTIONS, w.deps(sat(35)));
    expect(w.since(quiet).filter((s) => s.includes('inbound_shape_down'))).toEqual([]);
    // The outage ends with this shape still failing: the shape is its own SEV2 again. Chatops already has its
    // trigger (nothing is sent twice); out of hours its escalation is planned afresh.
    await routeSignals([total('resolved', 40)], w.deps(sat(40)));
    const released = w.mark();
    await sweepIncidents(sat(41), OPTIONS, w.deps(sat(41)));
    expect(w.since(released)).toEqual([]);
    expect(w.store.peek('inbound_shape_down:chat')!.suppressedBy).toBeUndefined();
    expect(w.store.peek('inbound_shape_down:chat')!.escalateAt).toBe(sat(71).toISOString());
    const escalated = w.mark();
    await sweepIncidents(sat(75), OPTIONS, w.deps(sat(75)));
    expect(w.since(escalated).filter((s) => s.includes('inbound_shape_down'))).toContain('pagerduty trigger inbound_shape_down:chat');
  });

  it('a shape failing after the outage opened is suppressed from its first signal', async () => {
    const w = world();
    await routeSignals([total('firing', 0)], w.deps(sat(0)));
    const before = w.mark();
    await routeSignals([shape('messages', 1)], w.deps(sat(1)));
    expect(w.since(before)).toEqual(['chatops SUPPRESSED inbound_shape_down: messages']);
  });

  it("a shape behind another health target is not the outage's symptom: it escalates as a SEV2 of its own", async () => {
    const w = world();
    await routeSignals([total('firing', 0)], w.deps(sat(0)));
    await routeSignals([shape('agents-chat', 1, 'agent-server')], w.deps(sat(1)));
    expect(w.store.peek('inbound_shape_down:agents-chat')!.suppressedBy).toBeUndefined();
    expect(w.store.peek('inbound_shape_down:agents-chat')!.escalateAt).toBe(sat(31).toISOString());
  });

  it('gateway_down derived from traffic_stopped is about the trace DB target: it holds back that target’s shapes only', async () => {
    const w = world();
    await routeSignals([total('firing', 0, 'traffic-stopped')], w.deps(sat(0)));
    await routeSignals([shape('chat', 1), shape('agents-chat', 1, 'agent-server')], w.deps(sat(1)));
    expect(w.store.peek('inbound_shape_down:chat')!.suppressedBy).toBe('gateway_down:traffic-stopped');
    expect(w.store.peek('inbound_shape_down:agents-chat')!.suppressedBy).toBeUndefined();
  });
});
