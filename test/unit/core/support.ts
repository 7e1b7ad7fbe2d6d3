// Shared fixtures for the router unit tests: signal builders, settings, and in-test fakes of the
// ports (no module mocks). The fakes keep the contracts of lambdas/core/ports.ts.
import { defaultConfig, parseConfig, type ConfigInput } from '../../../lambdas/core/config.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { awaitsReopenCheck, owesSweep } from '../../../lambdas/core/owed.ts';
import type { HttpCall, HttpSender } from '../../../lambdas/core/notify/http-call.ts';
import type { Notifiers } from '../../../lambdas/core/notify/notifier.ts';
import type { PagerDutyEvent } from '../../../lambdas/core/notify/pagerduty/event.ts';
import { buildNotifiers } from '../../../lambdas/core/notify/sink-catalog.ts';
import type { IncidentStore } from '../../../lambdas/core/ports.ts';
import type { NotificationPublisher, SendOutcome, SnsMessage, TopicName } from '../../../lambdas/core/notify/ports.ts';
import { routerSettingsOf, type RouterSettings } from '../../../lambdas/core/router-settings.ts';
import { makeDedupKey, type Signal, type SignalSource } from '../../../lambdas/core/signal.ts';

/** Fixed instants (UTC). 2026-11-17 is a Tuesday, 2026-11-20 a Friday, 2026-11-21 a Saturday. */
export const TUE_10_00 = new Date('2026-11-17T10:00:00.000Z');
export const FRI_16_59 = new Date('2026-11-20T16:59:00.000Z');
export const FRI_17_00 = new Date('2026-11-20T17:00:00.000Z');
export const SAT_03_00 = new Date('2026-11-21T03:00:00.000Z');

export function settings(overrides: ConfigInput = {}): RouterSettings {
  // A fresh parse each time, deep-copied so no test can leak a mutation into another through shared defaults.
  return structuredClone(routerSettingsOf(Object.keys(overrides).length ? parseConfig(overrides) : defaultConfig()));
}

export function signal(overrides: Partial<Signal> = {}): Signal {
  const rule = overrides.rule ?? 'model_error_rate';
  const subject = overrides.subject ?? 'gpt-4o';
  return {
    source: 'trace-db',
    rule,
    subject,
    severity: 'SEV2',
    status: 'firing',
    dedupKey: makeDedupKey(rule, subject),
    summary: `${rule} firing for ${subject}`,
    observedAt: '2026-11-17T10:00:00.000Z',
    details: { value: 0.12, threshold: 0.05 },
    runbook: 'Provider down',
    ...overrides,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * IncidentStore fake: a Map with the conditional-version semantics of ports.ts (put succeeds only if the
 * stored version equals expectedVersion, or the item is absent when it is undefined), deep copies in and
 * out, and an event-loop tick inside get/put so concurrent callers interleave.
 */
export class FakeIncidentStore implements IncidentStore {
  readonly items = new Map<string, Incident>();
  puts = 0;
  conflicts = 0;

  constructor(initial: Incident[] = []) {
    for (const incident of initial) this.items.set(incident.dedupKey, structuredClone(incident));
  }

  async get(dedupKey: string): Promise<Incident | undefined> {
    await tick();
    const item = this.items.get(dedupKey);
    return item === undefined ? undefined : structuredClone(item);
  }

  async listOpen(source?: SignalSource): Promise<Incident[]> {
    await tick();
    return [...this.items.values()]
      .filter((item) => item.status === 'open' && (source === undefined || item.source === source))
      .map((item) => structuredClone(item));
  }

  async listOwed(): Promise<Incident[]> {
    await tick();
    return [...this.items.values()].filter((item) => item.status === 'resolved' && owesSweep(item)).map((item) => structuredClone(item));
  }

  async listWatched(source: SignalSource): Promise<Incident[]> {
    await tick();
    return [...this.items.values()]
      .filter((item) => item.source === source && (item.status === 'open' || awaitsReopenCheck(item)))
      .map((item) => structuredClone(item));
  }

  async put(incident: Incident, expectedVersion: number | undefined): Promise<boolean> {
    await tick();
    const current = this.items.get(incident.dedupKey);
    const ok = expectedVersion === undefined ? current === undefined : current !== undefined && current.version === expectedVersion;
    if (!ok) {
      this.conflicts++;
      return false;
    }
    this.puts++;
    this.items.set(incident.dedupKey, structuredClone(incident));
    return true;
  }

  /** Synchronous peek for assertions (a copy). */
  peek(dedupKey: string): Incident | undefined {
    const item = this.items.get(dedupKey);
    return item === undefined ? undefined : structuredClone(item);
  }
}

type Script<T> = (item: T, index: number) => SendOutcome;

const OK: SendOutcome = { ok: true };

/**
 * The PagerDuty sink's transport: records every event it is asked to send (the call's body without the
 * routing-key placeholder); the outcome of each call is scripted by the test.
 */
export class FakePagerDuty implements HttpSender {
  readonly events: PagerDutyEvent[] = [];
  readonly outcomes: SendOutcome[] = [];
  script: Script<PagerDutyEvent> = () => OK;

  async send(call: HttpCall): Promise<SendOutcome> {
    await tick();
    const { routing_key: _key, ...event } = call.body as unknown as PagerDutyEvent & { routing_key: string };
    const outcome = this.script(structuredClone(event), this.events.length);
    this.events.push(structuredClone(event));
    this.outcomes.push(outcome);
    return outcome;
  }

  /** Events PagerDuty accepted (ok outcome), in order. */
  accepted(): PagerDutyEvent[] {
    return this.events.filter((_, i) => this.outcomes[i]?.ok === true);
  }
}

export interface Published {
  topic: TopicName;
  message: SnsMessage;
}

export class FakePublisher implements NotificationPublisher {
  readonly published: Published[] = [];
  script: Script<Published> = () => OK;

  async publish(topic: TopicName, message: SnsMessage): Promise<SendOutcome> {
    await tick();
    const item = { topic, message: structuredClone(message) };
    const outcome = this.script(item, this.published.length);
    this.published.push(item);
    return outcome;
  }

  on(topic: TopicName): SnsMessage[] {
    return this.published.filter((p) => p.topic === topic).map((p) => p.message);
  }
}

/** The real PagerDuty, page and chatops notifiers over the fakes, as the registry builds them. */
export function notifiersOf(pd: FakePagerDuty | undefined, sns: FakePublisher): Notifiers {
  const pagerduty = pd
    ? { routingKeyParameter: '/metis-alerts/pagerduty/routing-key', eventsUrl: 'https://events.pagerduty.com/v2/enqueue' }
    : undefined;
  return buildNotifiers({ ...(pagerduty ? { pagerduty } : {}), webhooks: [] }, { http: () => pd!, publisher: sns });
}
