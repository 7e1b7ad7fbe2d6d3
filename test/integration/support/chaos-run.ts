// A seeded bad day for the router and the sweeper: the real handlers over moto and the PagerDuty fake, which
// answers like PagerDuty under load (mostly 202; 429 with Retry-After, 5xx, a rare 400 on a trigger, hangs
// past the client timeout, dropped sockets, an outage window). Reports from two sources arrive through a
// simulated EventBridge (duplicates, late copies) and Lambda (concurrent invocations, two async retries of
// a failed one, then the DLQ); the sweeper runs every 5 simulated minutes. DynamoDB calls are delayed from the seed,
// as on a loaded machine (and can lose their answer, see CHAOS_FAULT_RATE). Time is injected: one clock for the
// handlers, the storm ledger's minutes and the fake's request stamps.
// Diagnosis: CHAOS_TRACE=<dedup key> prints that key's writes and PagerDuty requests; CHAOS_FAULT_RATE sets
// the share of DynamoDB calls that fail before or after the table applied them (default 0; at 0.05 a rare
// run still ends with a PagerDuty alert open, so it stays off in CI until that is explained).
import { randomUUID } from 'node:crypto';
import { DynamoDbDigestStore } from '../../../lambdas/adapters/dynamodb-digest-store.ts';
import { listIncidents } from '../../../lambdas/adapters/dynamodb-incident-list.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { DynamoDbStormLedger } from '../../../lambdas/adapters/dynamodb-storm-ledger.ts';
import { awsTransports } from '../../../lambdas/adapters/notify/transports.ts';
import { SnsPublisher } from '../../../lambdas/adapters/sns-publisher.ts';
import { CloudWatchAlarmTags } from '../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { SqsDeadLetterSink } from '../../../lambdas/adapters/sqs-dead-letter.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { buildNotifiers } from '../../../lambdas/core/notify/sink-catalog.ts';
import { isOwed } from '../../../lambdas/core/owed.ts';
import type { IncidentStore } from '../../../lambdas/core/ports.ts';
import { routerSettingsOf } from '../../../lambdas/core/router-settings.ts';
import type { Severity, Signal, SignalSource } from '../../../lambdas/core/signal.ts';
import { makeRouterHandler } from '../../../lambdas/functions/router/handler.ts';
import { makeSweeperHandler } from '../../../lambdas/functions/sweeper/handler.ts';
import type { RecordedRequest, ScriptStep } from './pagerduty-server.ts';
import { resolveMismatches as resolveMismatchesOf, unexplainedDuplicates } from './chaos-accounting.ts';
import { dynamoClient } from './aws.ts';
import { createTable, reportEvent, ROUTING_KEY_PARAMETER, type RouterWorld } from './router-fixture.ts';

export interface ChaosOptions {
  seed: number;
  /** Simulated minutes of workload; then the fake turns healthy and final sweeps run. */
  minutes: number;
  /** Subjects per source (each is one incident key). */
  subjects: number;
  /** PagerDuty's per-minute budget given to storm control (the vendor's limit is 120). */
  pagerDutyBudget: number;
  /** A storm: this many extra SEV1 subjects fire in one report at `minutes / 2`. */
  burst: number;
}

export interface ChaosOutcome {
  /** Accepted triggers beyond the first per PagerDuty alert and severity. */
  duplicateTriggers: string[];
  /** PagerDuty alerts still open at the end. */
  openAlerts: string[];
  /** Resolves PagerDuty accepted per key, against the resolve deliveries the table recorded as sent. */
  resolveMismatches: string[];
  /** Deliveries still owed at the end (from a full scan, not only the index). */
  owed: string[];
  /** Requests at the fake per simulated minute. */
  requestsPerMinute: Map<number, number>;
  /** What the run did, for the test's sanity checks. */
  stats: {
    reports: number;
    invocations: number;
    failedInvocations: number;
    deadLettered: number;
    requests: number;
    accepted: number;
    episodes: number;
  };
}

const START = Date.parse('2026-11-24T10:00:00.000Z'); // a Tuesday in business hours: SEV1 and SEV2 page
const MINUTE = 60_000;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** mulberry32: a small seeded PRNG, so a failing seed replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const REQUEST_ID = 'x-chaos-request';
const FAULT_RATE = Number(process.env.CHAOS_FAULT_RATE ?? 0);

/**
 * A fetch whose requests time out when, and only when, the fake hangs them. A real-time client timeout
 * (it was 250 ms) also fired, on a loaded machine, on answers already on their way: the fake had accepted
 * a trigger the router then saw as a timeout and rightly sent again, which the judge counted as a
 * duplicate trigger. The transport sees the same TimeoutError either way.
 */
function clientTimingOutOnHangs(): { fetch: typeof fetch; hang: (request: RecordedRequest) => ScriptStep } {
  const inFlight = new Map<string, AbortController>();
  let next = 0;
  return {
    fetch: async (input, init) => {
      const id = String(++next);
      const controller = new AbortController();
      inFlight.set(id, controller);
      const signals = init?.signal ? [controller.signal, init.signal] : [controller.signal];
      const headers = { ...(init?.headers as Record<string, string> | undefined), [REQUEST_ID]: id };
      try {
        return await fetch(input, { ...init, headers, signal: AbortSignal.any(signals) });
      } finally {
        inFlight.delete(id);
      }
    },
    hang(request) {
      const controller = inFlight.get(String(request.headers[REQUEST_ID]));
      if (!controller) throw new Error(`chaos: hung request ${String(request.headers[REQUEST_ID])} is not in flight`);
      // After the fake has registered the hung response, so its close is seen.
      setImmediate(() => controller.abort(new DOMException('the fake hung this request', 'TimeoutError')));
      return { type: 'hang' };
    },
  };
}

interface Pending {
  due: number;
  event: Record<string, unknown>;
  /** Lambda's async retries left for this copy. */
  retriesLeft: number;
}

export async function runChaos(world: RouterWorld, options: ChaosOptions): Promise<ChaosOutcome> {
  // The workload replays exactly from the seed; the fake's answers depend on the order concurrent requests arrive in.
  const rng = prng(options.seed);
  const answers = prng(options.seed ^ 0x9e3779b9);
  const tableName = await createTable(world, `chaos-${options.seed}-${randomUUID().slice(0, 8)}`);
  let now = START;
  const clock = () => new Date(now);
  // The vendor's outage starts with the storm (as storms start): every admitted request then fails and is retried.
  const stormMinute = Math.floor(options.minutes / 2);
  const outage = { from: START + stormMinute * MINUTE, to: START + (stormMinute + 3) * MINUTE };
  let healthy = false;

  world.pd.reset();
  world.pd.useClock(() => now);
  const client = clientTimingOutOnHangs();
  world.pd.respondWithEach((event, request): ScriptStep => {
    if (healthy) return { type: 'accept' };
    const r = answers();
    if (now >= outage.from && now < outage.to)
      return r < 0.6 ? { type: 'error', status: 503 } : r < 0.8 ? client.hang(request) : { type: 'close' };
    if (r < 0.78) return { type: 'accept' };
    if (r < 0.88) return { type: 'rate-limit', retryAfterSeconds: 1 };
    if (r < 0.93) return { type: 'error', status: r < 0.9 ? 500 : 502 };
    if (r < 0.96) return client.hang(request);
    if (r < 0.99) return { type: 'close' };
    // A rare 400 on a trigger: PagerDuty refuses it for good (the pipeline raises pipeline health).
    return event.event_action === 'trigger' ? { type: 'reject', message: 'chaos: invalid event' } : { type: 'accept' };
  });

  // A DynamoDB client whose every call waits a seeded 0-10 ms before it leaves: the interleavings a loaded
  // machine makes, replayed from the seed instead of left to the scheduler.
  const dynamo = dynamoClient();
  const delays = prng(options.seed ^ 0x85ebca6b);
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(delays() * 10)));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'chaosDelay' },
  );
  // Under load a DynamoDB call can fail past the SDK's retries, before the table saw it or after it applied:
  // the product must neither lose a delivery nor send one twice except where such a failure hid a send.
  const faults = prng(options.seed ^ 0xc2b2ae35);
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const r = healthy ? 1 : faults();
      const lost = () => Object.assign(new Error('chaos: the DynamoDB answer was lost'), { name: 'NetworkingError' });
      if (r < FAULT_RATE / 2) throw lost();
      const result = await next(args);
      if (r < FAULT_RATE) throw lost();
      return result;
    },
    { step: 'initialize', name: 'chaosFault' },
  );
  const trace = process.env.CHAOS_TRACE;
  const log = (line: string) => trace && console.log(`[${Math.round((now - START) / 1000)}s] ${line}`);
  const settings = routerSettingsOf(parseConfig({ routing: { storm: { pagerduty: options.pagerDutyBudget } } }));
  // Every delivery record the table ever held as sent, by key and id (ids carry the episode).
  const sent = new Map<string, Set<string>>();
  // PagerDuty deliveries whose first "sent" record was in a write that failed (the table's answer was lost):
  // the product cannot know the vendor took them, so it sends them again once the claim lapses.
  const unrecorded = new Map<string, string[]>();
  const base = new DynamoDbIncidentStore({ client: dynamo, tableName });
  const newlySent = (incident: Incident) =>
    incident.deliveries.filter((d) => d.sink === 'pagerduty' && d.status === 'sent' && !sent.get(incident.dedupKey)?.has(d.id));
  const store: IncidentStore = {
    get: (key) => base.get(key),
    listOpen: (source) => base.listOpen(source),
    listOwed: () => base.listOwed(),
    listWatched: (source) => base.listWatched(source),
    async put(incident, expected) {
      let ok: boolean;
      try {
        ok = await base.put(incident, expected);
      } catch (error) {
        const lost = newlySent(incident).map((d) => d.id);
        unrecorded.set(incident.dedupKey, [...(unrecorded.get(incident.dedupKey) ?? []), ...lost]);
        if (incident.dedupKey === trace) log(`put over v${expected} threw (${String(error)}); unrecorded: ${lost.join(' ')}`);
        throw error;
      }
      if (incident.dedupKey === trace) log(`put over v${expected} ${ok ? 'written' : 'lost the race'}: ${describeDeliveries(incident)}`);
      if (ok) recordSent(sent, incident);
      return ok;
    },
  };
  const publisher = new SnsPublisher({ client: world.sns, topics: { page: world.page.topicArn, chatops: world.chatops.topicArn } });
  // The client times out exactly the requests the fake hangs (see clientTimingOutOnHangs); its own timer is
  // only a safety net. Backoff and Retry-After waits are skipped (they would only stretch the run: the
  // budget counts the retries either way).
  const transports = awsTransports({
    ssm: world.ssm,
    publisher,
    secretMaxAgeSeconds: 3600,
    http: { sleep: async () => {}, random: answers, timeoutMs: 60_000, fetch: client.fetch },
  });
  const notifiers = buildNotifiers(
    { pagerduty: { routingKeyParameter: ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl }, webhooks: [] },
    transports,
  );
  const shared = {
    store,
    notifiers,
    settings,
    storm: new DynamoDbStormLedger({ client: dynamo, tableName }),
    silences: new DynamoDbSilenceStore({ client: dynamo, tableName }),
    digests: new DynamoDbDigestStore({ client: dynamo, tableName }),
    clock,
    logger: quiet,
  };
  const heartbeats = new DynamoDbReportHeartbeats({ client: dynamo, tableName });
  const router = makeRouterHandler({
    ...shared,
    heartbeats,
    deadLetter: new SqsDeadLetterSink({ client: world.sqs, queueUrl: world.dlqUrl }),
    alarmTags: new CloudWatchAlarmTags({ client: world.cloudwatch }),
  });
  const sweeper = makeSweeperHandler({ ...shared, heartbeats, expectedSources: [], options: { tracebackQuietMinutes: 10 } });

  const subjects: { source: SignalSource; rule: string; subject: string; severity: Severity }[] = [];
  for (let i = 0; i < options.subjects; i++) {
    subjects.push({ source: 'trace-db', rule: 'model_error_rate', subject: `model-${i}`, severity: i % 3 === 0 ? 'SEV1' : 'SEV2' });
    subjects.push({ source: 'logs', rule: 'traceback', subject: `E${i}@app.py:${10 + i}`, severity: 'SEV2' });
  }
  const firing = new Set<string>();
  const queue: Pending[] = [];
  const stats = { reports: 0, invocations: 0, failedInvocations: 0, deadLettered: 0, requests: 0, accepted: 0, episodes: 0 };

  function publish(source: SignalSource, signals: Signal[], evaluated: string[], healthy: Record<string, string[]> = {}): void {
    const at = new Date(now).toISOString();
    const event = reportEvent({ source, evaluatedAt: at, evaluated, healthy, signals }, at, `metis-alerts.${source}`);
    stats.reports++;
    queue.push({ due: now, event, retriesLeft: 2 });
    // EventBridge delivers at least once: sometimes twice at once, sometimes a copy minutes later.
    if (rng() < 0.15) queue.push({ due: now, event: structuredClone(event), retriesLeft: 2 });
    if (rng() < 0.1) queue.push({ due: now + (2 + Math.floor(rng() * 6)) * MINUTE, event: structuredClone(event), retriesLeft: 2 });
  }

  function workload(minute: number): void {
    for (const source of ['trace-db', 'logs'] as const) {
      if (rng() < 0.4) continue; // not every minute has a report
      const signals: Signal[] = [];
      const fine: string[] = [];
      for (const s of subjects.filter((x) => x.source === source)) {
        const key = `${s.rule}:${s.subject}`;
        const flip = firing.has(key) ? rng() < 0.25 : rng() < 0.12;
        const fires = flip ? !firing.has(key) : firing.has(key);
        if (fires) firing.add(key);
        else firing.delete(key);
        const at = new Date(now).toISOString();
        const base = { source, rule: s.rule, subject: s.subject, dedupKey: key, observedAt: at, runbook: 'Provider outage' };
        if (fires)
          signals.push({ ...base, severity: s.severity, status: 'firing', summary: `${s.rule} firing for ${s.subject}`, details: {} });
        // Log watch only reports what it saw: tracebacks resolve when the sweeper finds them quiet. The trace
        // check names what it found healthy; the router resolves those of its open incidents.
        else if (source === 'trace-db') fine.push(s.subject);
      }
      if (minute === stormMinute && source === 'trace-db')
        for (let i = 0; i < options.burst; i++) {
          const at = new Date(now).toISOString();
          signals.push({
            source,
            rule: 'model_error_rate',
            subject: `burst-${i}`,
            dedupKey: `model_error_rate:burst-${i}`,
            severity: 'SEV1',
            status: 'firing',
            summary: `storm ${i}`,
            observedAt: at,
            runbook: 'Provider outage',
            details: {},
          });
        }
      if (source === 'logs' && signals.length > 0) publish(source, signals, ['traceback']);
      if (source === 'trace-db') publish(source, signals, ['model_error_rate'], { model_error_rate: fine });
    }
  }

  async function invoke(item: Pending): Promise<void> {
    stats.invocations++;
    try {
      await router(item.event);
    } catch {
      stats.failedInvocations++;
      // Lambda's async retries: about a minute, then two; then the event goes to the DLQ.
      if (item.retriesLeft > 0) queue.push({ ...item, due: now + (3 - item.retriesLeft) * MINUTE, retriesLeft: item.retriesLeft - 1 });
      else stats.deadLettered++;
    }
  }

  async function tick(minute: number, sweep: boolean): Promise<void> {
    const due = queue.filter((p) => p.due <= now);
    queue.splice(0, queue.length, ...queue.filter((p) => p.due > now));
    // Everything due this minute runs concurrently, the sweeper included (it fails like Lambda: the next run retries).
    await Promise.all([...due.map(invoke), ...(sweep && minute % 5 === 0 ? [sweeper().catch(() => undefined)] : [])]);
  }

  for (let minute = 0; minute < options.minutes; minute++) {
    now = START + minute * MINUTE + Math.floor(rng() * 50_000);
    workload(minute);
    await tick(minute, true);
  }
  // The end of the bad day: everything recovers and every report says so; the fake turns healthy.
  healthy = true;
  for (let minute = options.minutes; queue.length > 0 && minute < options.minutes + 10; minute++) {
    now = START + minute * MINUTE;
    await tick(minute, false);
  }
  now += MINUTE;
  const all = [...subjects.map((s) => ({ ...s, key: `${s.rule}:${s.subject}` }))];
  const resolving = all
    .filter((s) => s.source === 'trace-db')
    .map((s) => s.key)
    .concat(Array.from({ length: options.burst }, (_, i) => `model_error_rate:burst-${i}`));
  // As a detector reports it: healthy subjects, which resolve open incidents only (nothing re-sends an old resolve).
  publish('trace-db', [], ['model_error_rate'], { model_error_rate: resolving.map((key) => key.slice('model_error_rate:'.length)) });
  queue.splice(1); // the final report once, no late copies
  await tick(options.minutes + 11, false);
  // Final sweeps, 5 minutes apart (the tracebacks go quiet and resolve; whatever is owed goes out).
  for (let i = 0; i < 6; i++) {
    now += 5 * MINUTE;
    await sweeper().catch(() => undefined);
  }

  return judge(world, tableName, sent, unrecorded, stats);
}

function recordSent(sent: Map<string, Set<string>>, incident: Incident): void {
  for (const d of incident.deliveries)
    if (d.status === 'sent') (sent.get(incident.dedupKey) ?? sent.set(incident.dedupKey, new Set()).get(incident.dedupKey)!).add(d.id);
}

function describeDeliveries(incident: Incident): string {
  return incident.deliveries
    .filter((d) => d.sink === 'pagerduty')
    .map((d) => `${d.id}=${d.status}${d.claimedUntil ? ` (claimed)` : ''}`)
    .join(' ');
}

async function judge(
  world: RouterWorld,
  tableName: string,
  sent: Map<string, Set<string>>,
  unrecorded: Map<string, string[]>,
  stats: ChaosOutcome['stats'],
): Promise<ChaosOutcome> {
  const incidents: Incident[] = await listIncidents({ client: world.dynamo, tableName });
  // A write whose answer was lost may still have been applied: the table's final word counts as recorded.
  for (const incident of incidents) recordSent(sent, incident);
  const requests = world.pd.requests.filter((r) => r.path === '/v2/enqueue');
  stats.requests = requests.length;
  const requestsPerMinute = new Map<number, number>();
  for (const r of requests) {
    const minute = Math.floor((r.at ?? 0) / MINUTE);
    requestsPerMinute.set(minute, (requestsPerMinute.get(minute) ?? 0) + 1);
  }
  // One accepted trigger per alert (episode) and severity: replay the accepted events per key in order.
  const duplicates = new Map<string, string[]>();
  const acceptedResolves = new Map<string, number>();
  const alerts = new Map<string, Set<string> | undefined>();
  for (const r of requests) {
    if (r.answer.status !== 202) continue;
    stats.accepted++;
    const body = r.body as { event_action: string; dedup_key: string; payload?: { severity: string } };
    if (body.dedup_key.startsWith('metis-storm:')) continue;
    if (body.event_action === 'resolve') {
      alerts.set(body.dedup_key, undefined);
      acceptedResolves.set(body.dedup_key, (acceptedResolves.get(body.dedup_key) ?? 0) + 1);
      continue;
    }
    const open = alerts.get(body.dedup_key) ?? new Set<string>();
    const severity = body.payload?.severity ?? '';
    if (open.has(severity)) duplicates.set(body.dedup_key, [...(duplicates.get(body.dedup_key) ?? []), `${body.dedup_key} ${severity}`]);
    open.add(severity);
    alerts.set(body.dedup_key, open);
  }
  // PagerDuty merges a repeated trigger into the open alert; one per lost "sent" record is at-least-once delivery.
  const duplicateTriggers = unexplainedDuplicates(duplicates, unrecorded);
  const trace = process.env.CHAOS_TRACE;
  if (trace)
    for (const r of requests) {
      const body = r.body as { event_action: string; dedup_key: string };
      if (body.dedup_key === trace)
        console.log(`[${Math.round(((r.at ?? 0) - START) / 1000)}s] pagerduty ${body.event_action} -> ${r.answer.status}`);
    }
  const openAlerts = world.pd
    .openAlerts()
    .filter((a) => !a.dedupKey.startsWith('metis-storm:'))
    .map((a) => a.dedupKey);
  // Each resolve delivery the table recorded as sent reached PagerDuty, and once more at most for each
  // send whose record write failed (then its claim lapsed and it went again); no other resolve twice.
  const resolveMismatches = resolveMismatchesOf(sent, unrecorded, acceptedResolves);
  for (const ids of sent.values()) stats.episodes += [...ids].filter((id) => /:pagerduty:trigger:/.test(id)).length;
  const owed = incidents.flatMap((i) => i.deliveries.filter(isOwed).map((d) => `${i.dedupKey} ${d.id} ${d.status}`));
  return { duplicateTriggers, openAlerts, resolveMismatches, owed, requestsPerMinute, stats };
}
