// Applies signals to the incident store and delivers what each transition owes: deliveries are recorded
// on the incident and claimed with a conditional write before sending, so a retried or racing invocation
// neither pages twice nor drops a sink that failed. A send whose "sent" record could not be written (the
// table failed after the vendor answered) is sent again once its claim lapses: at least once, never lost.
import { isDigestSignal, recordInDigest, type DigestStore } from './digest.ts';
import { newDeadlines, type Deadline, type DeadlineScheduler } from './deadlines.ts';
import type { DeliveryRecord, Incident, Sink } from './incident.ts';
import type { Notifiers } from './notify/notifier.ts';
import { secretLabel, sinkLabel } from './notify/sink-catalog.ts';
import { orderSinks } from './notify/sinks.ts';
import type { IncidentStore, SilenceStore } from './ports.ts';
import type { SendOutcome } from './notify/ports.ts';
import { redactText } from './redact.ts';
import type { RouterSettings } from './router-settings.ts';
import { applySignal, releaseIfClear } from './routing-policy.ts';
import { linkInhibited } from './inhibition-link.ts';
import { silenceEnd, type Silence } from './silence.ts';
import { inhibitorFor, mayBeInhibited, silenceFor, type RoutingContext } from './suppression.ts';
import { sweepIncident, type SweepOptions } from './sweep-policy.ts';
import { reopenCheck } from './reopen-check.ts';
import { makeDedupKey, oneLine, severityRank, type Signal } from './signal.ts';
import { awaitsReopenCheck, isOwed, MAX_DELIVERY_ATTEMPTS } from './owed.ts';
import { budgetFor, epochMinute, requestKind, requestLimit, stormNotice, type HeldIncident, type StormLedger } from './notify/storm.ts';
import type { RetryBudget } from './notify/notifier.ts';

export interface DispatchDeps {
  store: IncidentStore;
  /** One Notifier per configured sink, keyed by sink name: the policy plans only sinks present here. */
  notifiers: Notifiers;
  settings: RouterSettings;
  /** The routing time for a signal: the wall clock in Lambda, the signal's own time in a replay. */
  now: (signal: Signal) => Date;
  /** How long a claim on a delivery holds before another invocation may take it over (a crashed sender). */
  leaseSeconds?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
  /** One-off silences (`metis-alerts silence add`); maintenance windows come from settings. */
  silences?: SilenceStore;
  /** SEV4 digest rules' signals are folded into daily digests here instead of opening incidents (digest.ts). */
  digests?: DigestStore;
  /** Storm control's shared per-minute counters; absent: no per-sink budget (unit tests, one-off tools). */
  storm?: StormLedger;
  /** One-time wake-ups for each new deadline an incident write creates; absent: only the 5-minute sweep keeps time. */
  deadlines?: DeadlineScheduler;
}

/**
 * What one routeSignals/sweep call loads at most once: silences, and the open incidents (kept current in
 * place as this call opens, changes and resolves incidents, so a storm reads the table once, not per incident).
 */
interface CallCache {
  silences?: Silence[];
  open?: Incident[];
}

export interface DispatchResult {
  /** Every delivery attempted in this call, with its outcome. */
  attempted: DeliveryRecord[];
  /** Deliveries that failed and may succeed later: the caller fails the invocation so it is retried. */
  retryableFailures: DeliveryRecord[];
  /**
   * Deliveries that failed for good on a sink that raises no pipeline-health signal (an SNS topic): nothing
   * else would tell anyone, so the caller fails the invocation and the event lands in the DLQ.
   */
  permanentFailuresWithoutSignal: DeliveryRecord[];
  /** Deliveries storm control held back in this call (still pending: sent later, or skipped if resolved first). */
  held: HeldIncident[];
}

/** Sink-minutes whose budget this call already found spent, so a storm costs one ledger call per sink, not per incident. */
const spentBudgets = new WeakMap<DispatchResult, Set<string>>();

function emptyResult(): DispatchResult {
  return { attempted: [], retryableFailures: [], permanentFailuresWithoutSignal: [], held: [] };
}

const MAX_WRITE_ATTEMPTS = 8;
const PIPELINE_RULE = 'pipeline_health';

export async function routeSignals(signals: Signal[], deps: DispatchDeps): Promise<DispatchResult> {
  const settings = withActiveSinks(deps.settings, deps.notifiers);
  const result = emptyResult();
  const cache: CallCache = {};
  for (const signal of signals) {
    if (deps.digests && isDigestSignal(signal)) {
      await recordInDigest(deps.digests, signal, deps.now(signal));
      continue;
    }
    await processSignal(signal, { ...deps, settings }, result, cache);
  }
  await reportHttpSinkHealth(result, { ...deps, settings });
  await announceStorm(result, { ...deps, settings }, signals.length ? deps.now(signals.at(-1)!) : undefined);
  return result;
}

async function processSignal(signal: Signal, deps: DispatchDeps, result: DispatchResult, cache: CallCache = {}): Promise<void> {
  const now = deps.now(signal);
  const context = await routingContext(signal, now, deps, cache);
  let after: Incident | undefined;
  await processTransition(
    signal.dedupKey,
    (existing) => {
      const transition = applySignal(existing, signal, now, deps.settings, context);
      after = transition.changed ? transition.next : undefined;
      return transition;
    },
    now,
    deps,
    result,
  );
  const inhibitor = context.inhibitedBy?.dedupKey;
  if (inhibitor && after?.suppressedBy === inhibitor) {
    const symptom = after;
    await processTransition(inhibitor, (existing) => linkInhibited(existing, symptom, now), now, deps, result);
  }
  if (cache.open && after) remember(cache.open, after); // inhibitors may have changed
}

/** The cached open incidents with `incident` as this call just wrote it (added, replaced, or gone once resolved). */
function remember(open: Incident[], incident: Incident): void {
  const index = open.findIndex((o) => o.dedupKey === incident.dedupKey);
  if (incident.status !== 'open') {
    if (index >= 0) open.splice(index, 1);
  } else if (index >= 0) open[index] = incident;
  else open.push(incident);
}

/** Silences, maintenance windows and inhibitions that apply to a firing signal now. */
async function routingContext(signal: Signal, now: Date, deps: DispatchDeps, cache: CallCache): Promise<RoutingContext> {
  if (signal.status !== 'firing') return {};
  const { inhibitions, maintenanceWindows } = deps.settings.routing;
  cache.silences ??= deps.silences ? await deps.silences.listCurrent() : [];
  const silencedBy = silenceFor(signal, cache.silences, maintenanceWindows, now);
  if (!mayBeInhibited(signal, inhibitions)) return silencedBy ? { silencedBy } : {};
  cache.open ??= await deps.store.listOpen();
  const inhibitedBy = inhibitorFor(signal, cache.open, inhibitions, deps.settings.signalTargets);
  return { ...(silencedBy ? { silencedBy } : {}), ...(inhibitedBy ? { inhibitedBy } : {}) };
}

/** What a decision makes of the stored incident; `undefined` next = nothing to do. */
export type Decide = (existing: Incident | undefined) => { next: Incident | undefined; changed: boolean };

/**
 * Read, decide, claim the deliveries with one conditional write, send them, record the outcomes.
 * A lost race re-reads and decides again, so two invocations never both send one delivery.
 */
async function processTransition(
  dedupKey: string,
  decide: Decide,
  now: Date,
  deps: DispatchDeps,
  result: DispatchResult,
): Promise<boolean> {
  const leaseMs = (deps.leaseSeconds ?? 120) * 1000;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const existing = await deps.store.get(dedupKey);
    const { next, changed } = decide(existing);
    if (!next) return false;
    const deliverable = next.deliveries.filter((d) => isDeliverable(d, now));
    if (!changed && deliverable.length === 0) return false;
    const { allowed: claimable, held } = await admit(deliverable, next.rule, now, deps, result);
    const newlyHeld = held.filter((d) => !d.heldAt);
    if (!changed && claimable.length === 0 && newlyHeld.length === 0) return false;
    const claimed = structuredClone(next);
    const until = new Date(now.getTime() + leaseMs).toISOString();
    for (const d of claimed.deliveries) {
      if (claimable.some((c) => c.id === d.id)) d.claimedUntil = until;
      if (held.some((h) => h.id === d.id)) d.heldAt ??= now.toISOString();
    }
    if (newlyHeld.length > 0)
      claimed.timeline.push({
        at: now.toISOString(),
        event: `storm control held ${newlyHeld.map((d) => `${d.sink} ${d.action}`).join(', ')}`,
      });
    claimed.updatedAt = changed ? now.toISOString() : claimed.updatedAt;
    claimed.version = (existing?.version ?? 0) + 1;
    if (!(await deps.store.put(claimed, existing?.version))) continue; // lost a race: re-read and re-decide
    await scheduleDeadlines(existing, claimed, deps);
    result.held.push(...held.map((delivery) => ({ incident: claimed, delivery })));
    const learned: Learned = {};
    const outcomes = await send(claimed, claimable, deps, now, learned);
    result.attempted.push(...outcomes);
    result.retryableFailures.push(...outcomes.filter((d) => d.status === 'failed' && d.retryable));
    result.permanentFailuresWithoutSignal.push(
      ...outcomes.filter((d) => d.status === 'failed' && !d.retryable && !deps.notifiers[d.sink]?.raisesPipelineHealth),
    );
    await recordOutcomes(dedupKey, outcomes, deps, now, claimed, learned);
    return true;
  }
  throw new Error(`incident ${dedupKey}: gave up after ${MAX_WRITE_ATTEMPTS} conflicting writes`);
}

/**
 * The sweeper's pass at `now`: each open incident's due escalation, reminder or quiet resolve, and any
 * delivery still owed (a failed one to retry, or one whose sender crashed past its claim), on open
 * incidents and on resolved ones that still owe something (a resolve that failed, a held post).
 */
export async function sweepIncidents(now: Date, options: SweepOptions, deps: DispatchDeps): Promise<DispatchResult> {
  const settings = withActiveSinks(deps.settings, deps.notifiers);
  const swept = { ...deps, settings };
  const result = emptyResult();
  const silences = deps.silences ? await deps.silences.listCurrent() : [];
  // Most severe and oldest first: after a storm, held SEV1 pages go out before SEV3 posts.
  const open = (await deps.store.listOpen()).sort(mostSevereFirst);
  await announceEndedSilences(silences, open, now, swept);
  for (const incident of open) {
    const context = await stillQuiet(incident, silences, now, swept);
    await processTransition(
      incident.dedupKey,
      (existing) => {
        if (!existing) return { next: undefined, changed: false };
        const released = releaseIfClear(existing, now, settings, context) ?? existing;
        const next = sweepIncident(released, now, settings, options) ?? (released !== existing ? released : undefined);
        return next ? { next, changed: true } : { next: existing, changed: false };
      },
      now,
      swept,
      result,
    );
  }
  // Resolved incidents still owing a delivery (nothing else would ever send their resolves again) or a
  // reopen check whose wake-up never came.
  const seen = new Set(open.map((i) => i.dedupKey));
  const owed = (await deps.store.listOwed()).filter((i) => !seen.has(i.dedupKey)).sort(mostSevereFirst);
  for (const incident of owed) await checkReopen(incident.dedupKey, now, options, swept, result);
  await reportHttpSinkHealth(result, swept);
  await announceStorm(result, swept, now);
  return result;
}

/**
 * A deadline's wake-up: the same per-incident sweep, for the one incident it names, only while it is still
 * that episode and open (a stale wake-up, an acknowledged or resolved incident: nothing is due, nothing happens);
 * a reopen check's, the check of that resolved episode (reopen-check.ts; once decided, nothing happens).
 * A `deliveries` wake-up also sends what a resolved episode still owes (a person's resolve in a provider).
 */
export async function sweepDeadline(deadline: Deadline, now: Date, options: SweepOptions, deps: DispatchDeps): Promise<DispatchResult> {
  const settings = withActiveSinks(deps.settings, deps.notifiers);
  const swept = { ...deps, settings };
  const result = emptyResult();
  if (deadline.kind === 'reopen') await checkReopen(deadline.dedupKey, now, options, swept, result, deadline.episode);
  else
    await processTransition(
      deadline.dedupKey,
      (existing) => {
        if (existing?.episode !== deadline.episode) return { next: undefined, changed: false };
        if (existing.status !== 'open')
          return deadline.kind === 'deliveries' ? { next: existing, changed: false } : { next: undefined, changed: false };
        const next = sweepIncident(existing, now, settings, options);
        return next ? { next, changed: true } : { next: existing, changed: false };
      },
      now,
      swept,
      result,
    );
  await reportHttpSinkHealth(result, swept);
  await announceStorm(result, swept, now);
  return result;
}

/**
 * A resolved incident's due reopen check (of `episode` when a wake-up names one), with its owed deliveries;
 * a wake-up and a report of the same minute both re-read it, so the conditional write lets one reopen it.
 */
async function checkReopen(
  dedupKey: string,
  now: Date,
  options: SweepOptions,
  deps: DispatchDeps,
  result: DispatchResult,
  episode?: number,
): Promise<void> {
  const current = await deps.store.get(dedupKey);
  const due = current !== undefined && awaitsReopenCheck(current) && Date.parse(current.reopenCheckAt!) <= now.getTime();
  // A reopened episode obeys silences and inhibitions like any other firing.
  const context = due ? await routingContext(current.lastSignal, now, deps, {}) : {};
  await processTransition(
    dedupKey,
    (existing) => {
      // Otherwise (another episode, already decided, not due): only what it still owes goes out.
      const next =
        existing && (episode === undefined || existing.episode === episode)
          ? reopenCheck(existing, now, deps.settings, options, context)
          : undefined;
      return next ? { next, changed: true } : { next: existing, changed: false };
    },
    now,
    deps,
    result,
  );
}

/** Schedules what the write added; a failure is logged, not fatal: the next sweep catches a missed deadline. */
async function scheduleDeadlines(before: Incident | undefined, after: Incident, deps: DispatchDeps): Promise<void> {
  if (!deps.deadlines) return;
  const fresh = newDeadlines(before, after, deps.settings);
  if (fresh.length === 0) return;
  try {
    await deps.deadlines.schedule(fresh);
  } catch (error) {
    deps.log?.('deadline not scheduled; the 5-minute sweep catches it', {
      dedupKey: after.dedupKey,
      kinds: fresh.map((d) => d.kind),
      error: oneLine(redactText(String(error)), 300),
    });
  }
}

function mostSevereFirst(a: Incident, b: Incident): number {
  return severityRank(a.severity) - severityRank(b.severity) || Date.parse(a.openedAt) - Date.parse(b.openedAt);
}

/**
 * Splits due deliveries into those the sinks' per-minute budgets allow now and those held back. Each
 * takes one request of its kind's share (storm.ts requestLimit); pipeline health is counted, never held.
 */
async function admit(
  deliveries: DeliveryRecord[],
  rule: string,
  now: Date,
  deps: DispatchDeps,
  result: DispatchResult,
): Promise<{ allowed: DeliveryRecord[]; held: DeliveryRecord[] }> {
  if (!deps.storm) return { allowed: deliveries, held: [] };
  const minute = epochMinute(now);
  const spent = spentBudgets.get(result) ?? new Set<string>();
  spentBudgets.set(result, spent);
  const allowed: DeliveryRecord[] = [];
  const held: DeliveryRecord[] = [];
  for (const delivery of deliveries) {
    const kind = requestKind(delivery, rule);
    const key = `${delivery.sink}#${minute}#${kind}`;
    const limit = requestLimit(kind, budgetFor(delivery.sink, deps.settings));
    if (kind === 'health') {
      await deps.storm.take(delivery.sink, minute, limit); // counted so others see it; sent either way
      allowed.push(delivery);
    } else if (!spent.has(key) && (await deps.storm.take(delivery.sink, minute, limit))) allowed.push(delivery);
    else {
      spent.add(key);
      held.push(delivery);
    }
  }
  return { allowed, held };
}

/** The transport's retries of one delivery to `sink`, each taking a request of the `owed` share (absent without storm control). */
function retryBudget(sink: Sink, now: Date, deps: DispatchDeps, kind: 'owed' | 'notice' = 'owed'): RetryBudget | undefined {
  const storm = deps.storm;
  if (!storm) return undefined;
  const budget = budgetFor(sink, deps.settings);
  const limit = kind === 'notice' ? budget : requestLimit('owed', budget);
  return () => storm.take(sink, epochMinute(now), limit);
}

/** One grouped notice per sink and minute (claimed once in the ledger) for what this call held back, in the request its budget kept for it. */
async function announceStorm(result: DispatchResult, deps: DispatchDeps, now: Date | undefined): Promise<void> {
  if (!deps.storm || result.held.length === 0 || !now) return;
  const minute = epochMinute(now);
  for (const sink of orderSinks(result.held.map((h) => h.delivery.sink))) {
    const held = result.held.filter((h) => h.delivery.sink === sink);
    const incidents = new Set(held.map((h) => h.incident.dedupKey)).size;
    const total = await deps.storm.hold(sink, minute, incidents);
    const notifier = deps.notifiers[sink];
    if (!notifier?.announce || !(await deps.storm.claimNotice(sink, minute))) continue;
    // The notice's own request, in the slot every other kind leaves free (so the count stays the whole truth).
    await deps.storm.take(sink, minute, budgetFor(sink, deps.settings));
    const budgetFn = retryBudget(sink, now, deps, 'notice');
    const outcome = await notifier.announce(stormNotice(sink, held, total, budgetFor(sink, deps.settings), now), {
      settings: deps.settings,
      now,
      ...(budgetFn ? { retryBudget: budgetFn } : {}),
    });
    if (!outcome.ok) deps.log?.('storm notice failed', { sink, reason: outcome.reason });
  }
}

/** Whether what kept an incident quiet still applies: its silence or window, or its inhibitor still open and matching. */
async function stillQuiet(incident: Incident, silences: Silence[], now: Date, deps: DispatchDeps): Promise<RoutingContext> {
  const context: RoutingContext = {};
  if (incident.silencedBy) {
    const silencedBy = silenceFor(incident.lastSignal, silences, deps.settings.routing.maintenanceWindows, now);
    if (silencedBy) context.silencedBy = silencedBy;
  }
  if (incident.suppressedBy) {
    const inhibitor = await deps.store.get(incident.suppressedBy);
    const inhibitedBy = inhibitor
      ? inhibitorFor(
          { ...incident.lastSignal, severity: incident.severity },
          [inhibitor],
          deps.settings.routing.inhibitions,
          deps.settings.signalTargets,
        )
      : undefined;
    if (inhibitedBy) context.inhibitedBy = inhibitedBy;
  }
  return context;
}

/** One chatops notice per ended silence, saying what it still covered (or that it outlived its incidents). */
async function announceEndedSilences(silences: Silence[], open: Incident[], now: Date, deps: DispatchDeps): Promise<void> {
  for (const silence of silences) {
    if (silenceEnd(silence) > now.getTime() || !deps.silences) continue;
    if (!(await deps.silences.markEndAnnounced(silence.id, now.toISOString()))) continue; // another sweeper posted it
    const covered = open.filter((i) => i.silencedBy === silence.id);
    const scope = `${silence.rule}${silence.subject ? `:${silence.subject}` : ' (all subjects)'}`;
    const body = covered.length
      ? `Silence ${silence.id} on ${scope} ended at ${new Date(silenceEnd(silence)).toISOString()} (${silence.reason}). Still firing, now notified: ${covered.map((i) => `${i.severity} ${i.dedupKey}`).join(', ')}.`
      : `Silence ${silence.id} on ${scope} ended at ${new Date(silenceEnd(silence)).toISOString()} (${silence.reason}). It outlived every incident it covered: nothing it silenced is still firing.`;
    const chatops = deps.notifiers.chatops;
    if (!chatops?.announce) continue;
    const outcome = await chatops.announce(
      {
        threadId: `silence:${silence.id}`,
        severity: 'SEV4',
        rule: 'silence',
        status: 'resolved',
        title: oneLine(redactText(`Silence ${silence.id} ended: ${scope}`), 200),
        subject: oneLine(redactText(`[metis-alerts] silence ${silence.id} ended: ${scope}`), 99),
        lines: [redactText(body)],
      },
      { settings: deps.settings, now },
    );
    if (!outcome.ok) deps.log?.('silence end notice failed', { silence: silence.id, reason: outcome.reason });
  }
}

function isDeliverable(d: DeliveryRecord, now: Date): boolean {
  return isOwed(d) && (!d.claimedUntil || Date.parse(d.claimedUntil) <= now.getTime());
}

/** What sinks' answers add to the incident (the Statuspage incident id), written with the outcomes. */
type Learned = NonNullable<Extract<SendOutcome, { ok: true }>['learned']>;

async function send(
  incident: Incident,
  deliveries: DeliveryRecord[],
  deps: DispatchDeps,
  now: Date,
  learned: Learned,
): Promise<DeliveryRecord[]> {
  const done: DeliveryRecord[] = [];
  for (const delivery of deliveries) {
    const outcome = await sendOne(incident, delivery, deps, now);
    const record: DeliveryRecord = { ...delivery, attempts: delivery.attempts + 1, lastAttemptAt: now.toISOString() };
    delete record.claimedUntil;
    if (outcome.ok && outcome.superseded) {
      // Never sent and never owed again: what it would have said is out of date (a newer delivery carries it).
      record.status = 'skipped';
      record.error = oneLine(redactText(`superseded: ${outcome.superseded}`), 500);
      delete record.heldAt;
      delete record.retryable;
      delete record.failureKind;
    } else if (outcome.ok) {
      Object.assign(learned, outcome.learned);
      record.status = 'sent';
      record.sentAt = now.toISOString();
      delete record.heldAt;
      delete record.error;
      delete record.retryable;
    } else {
      record.status = 'failed';
      // An SNS topic that is missing or a KMS grant that is denied is an operator fix away: keep retrying it
      // (the invocation fails and lands in the DLQ) rather than losing the page. HTTP sinks' config failures
      // raise a pipeline-health incident instead.
      const fixable = outcome.retryable || (!deps.notifiers[record.sink]?.raisesPipelineHealth && outcome.kind === 'config');
      record.retryable = fixable && record.attempts < MAX_DELIVERY_ATTEMPTS;
      record.error = oneLine(redactText(`${outcome.kind}: ${outcome.reason}`), 500);
      record.failureKind = outcome.kind;
      deps.log?.('delivery failed', {
        dedupKey: incident.dedupKey,
        sink: record.sink,
        action: record.action,
        error: record.error,
        retryable: record.retryable,
      });
    }
    done.push(record);
  }
  return done;
}

/**
 * One delivery's outcome. A notifier that throws (its storm-ledger call failed mid-retry) is a transient
 * failure of that delivery only: a throw here would lose the "sent" records of the deliveries already sent
 * in this batch, and their claims would lapse into sending them again.
 */
async function sendOne(incident: Incident, delivery: DeliveryRecord, deps: DispatchDeps, now: Date): Promise<SendOutcome> {
  const notifier = deps.notifiers[delivery.sink];
  if (!notifier) return { ok: false, retryable: false, kind: 'config', reason: `sink ${delivery.sink} is not configured` };
  const budget = retryBudget(delivery.sink, now, deps);
  try {
    return await notifier.deliver(incident, delivery, { settings: deps.settings, now, ...(budget ? { retryBudget: budget } : {}) });
  } catch (error) {
    return { ok: false, retryable: true, kind: 'transient', reason: `${delivery.sink} delivery threw: ${String(error)}` };
  }
}

/** Writes each delivery's outcome and a timeline line onto the incident, re-reading on a lost race. */
async function recordOutcomes(
  dedupKey: string,
  outcomes: DeliveryRecord[],
  deps: DispatchDeps,
  now: Date,
  claimed: Incident,
  learned: Learned = {},
): Promise<void> {
  if (outcomes.length === 0) return;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    // First against the version this call just wrote (usually still current): no read per incident.
    const current = attempt === 0 ? claimed : await deps.store.get(dedupKey);
    if (!current) return;
    const next = Object.assign(structuredClone(current), learned);
    for (const outcome of outcomes) {
      const index = next.deliveries.findIndex((d) => d.id === outcome.id);
      if (index >= 0) next.deliveries[index] = outcome;
      next.timeline.push({
        at: now.toISOString(),
        event: `${outcome.sink} ${outcome.action} ${outcome.severity} ${outcome.status === 'failed' ? `failed (${outcome.error})` : outcome.status === 'skipped' ? `not sent (${outcome.error})` : 'sent'}`,
      });
    }
    next.version = current.version + 1;
    if (await deps.store.put(next, current.version)) return;
  }
  throw new Error(`incident ${dedupKey}: could not record delivery outcomes after ${MAX_WRITE_ATTEMPTS} conflicting writes`);
}

/**
 * A delivery to an HTTP sink that cannot succeed by retrying (secret missing, request rejected) raises a
 * SEV2 pipeline-health incident per sink on the other sinks (never held by storm control); the next
 * successful delivery after its own notifications went out resolves it.
 */
async function reportHttpSinkHealth(result: DispatchResult, deps: DispatchDeps): Promise<void> {
  const watched = orderSinks(result.attempted.map((d) => d.sink)).filter((sink) => deps.notifiers[sink]?.raisesPipelineHealth);
  for (const sink of watched) await reportSinkHealth(sink, result, deps);
}

async function reportSinkHealth(sink: Sink, result: DispatchResult, deps: DispatchDeps): Promise<void> {
  const attempts = result.attempted.filter((d) => d.sink === sink);
  const broken = attempts.filter((d) => d.status === 'failed' && !d.retryable);
  const healthy = attempts.some((d) => d.status === 'sent');
  const dedupKey = makeDedupKey(PIPELINE_RULE, sink);
  const label = sinkLabel(sink);
  if (broken.length === 0 && !healthy) return;
  if (broken.length === 0) {
    const open = await deps.store.get(dedupKey);
    if (open?.status !== 'open') return;
    // Not before its own page and posts went out: resolving first would leave them unsent (or skipped) and tell nobody.
    if (open.deliveries.some((d) => d.id.startsWith(`${open.episode}:`) && isOwed(d))) return;
    await processSignal({ ...open.lastSignal, status: 'resolved', summary: `${label} deliveries succeed again` }, deps, result);
    return;
  }
  const first = broken[0]!;
  const signal: Signal = {
    source: 'pipeline',
    rule: PIPELINE_RULE,
    subject: sink,
    severity: 'SEV2',
    status: 'firing',
    dedupKey,
    summary: oneLine(
      `${label} delivery failed for ${broken.map((d) => d.dedupKey).join(', ')} (${first.error}); SNS page/chatops still delivered. Check the ${secretLabel(sink)} SSM parameter and the integration.`,
    ),
    observedAt: first.lastAttemptAt ?? first.plannedAt,
    details: { failures: broken.map((d) => ({ dedupKey: d.dedupKey, action: d.action, severity: d.severity, error: d.error })) },
    runbook: 'Paging pipeline',
  };
  await processSignal(signal, deps, result);
}

/** The settings with the sinks this process can deliver to: a sink without a Notifier is never planned. */
function withActiveSinks(settings: RouterSettings, notifiers: Notifiers): RouterSettings {
  return { ...settings, activeSinks: orderSinks(Object.keys(notifiers) as Sink[]) };
}
