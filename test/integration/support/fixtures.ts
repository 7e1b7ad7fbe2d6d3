// Plain-data fixtures shared by the integration suites.
import type { Incident } from '../../../lambdas/core/incident.ts';
import type { PagerDutyEvent } from '../../../lambdas/core/notify/pagerduty/event.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';

/** A well-formed 32-character routing key (fake). */
export const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

export function makeSignal(overrides: Partial<Signal> = {}): Signal {
  const rule = overrides.rule ?? 'model_error_rate';
  const subject = overrides.subject ?? 'claude-sonnet-4';
  return {
    source: 'trace-db',
    rule,
    subject,
    severity: 'SEV2',
    status: 'firing',
    dedupKey: `${rule}:${subject}`,
    summary: `error rate 12.5% on ${subject} (threshold 5%)`,
    observedAt: '2026-11-20T12:00:00.000Z',
    details: { errorShare: 0.125, calls: 40, threshold: 0.05 },
    runbook: 'provider-outage',
    ...overrides,
  };
}

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  const signal = makeSignal(overrides.lastSignal);
  return {
    dedupKey: signal.dedupKey,
    episode: 1,
    source: signal.source,
    rule: signal.rule,
    subject: signal.subject,
    severity: signal.severity,
    status: 'open',
    openedAt: '2026-11-20T12:00:00.000Z',
    updatedAt: '2026-11-20T12:00:00.000Z',
    lastSignal: signal,
    deliveries: [
      {
        id: '1:pagerduty:trigger:SEV2',
        sink: 'pagerduty',
        action: 'trigger',
        severity: 'SEV2',
        dedupKey: signal.dedupKey,
        status: 'pending',
        attempts: 0,
        plannedAt: '2026-11-20T12:00:00.000Z',
      },
    ],
    timeline: [{ at: '2026-11-20T12:00:00.000Z', event: 'opened SEV2' }],
    version: 1,
    ...overrides,
  };
}

export function triggerEvent(overrides: Partial<PagerDutyEvent> = {}): PagerDutyEvent {
  return {
    event_action: 'trigger',
    dedup_key: 'model_error_rate:claude-sonnet-4',
    payload: {
      summary: '[SEV2] error rate 12.5% on claude-sonnet-4',
      source: 'metis-alerts/trace-db',
      severity: 'error',
      timestamp: '2026-11-20T12:00:00.000Z',
      component: 'claude-sonnet-4',
      group: 'gateway',
      class: 'model_error_rate',
      custom_details: { errorShare: 0.125, calls: 40 },
    },
    links: [{ href: 'https://runbook.example/provider-outage', text: 'Runbook' }],
    client: 'metis-alerts',
    ...overrides,
  };
}
