// The status-page draft a chatops post of a SEV1/SEV2 carries, so whoever runs comms finds the update to
// paste in the incident's thread at each status change (open, upgrade, escalation, acknowledgement,
// resolve) and each comms reminder. Other posts (a suppressed symptom: the inhibiting incident's thread has
// its own; an ack withdrawn, which changes nothing users see) carry none.
import type { DeliveryAction, DeliveryRecord, Incident } from '../incident.ts';
import { type DraftIncident, draftLines, statusDraft } from '../status/draft.ts';
import type { RenderSettings } from './notifier.ts';

const DRAFTED: ReadonlySet<DeliveryAction> = new Set<DeliveryAction>(['trigger', 'escalate', 'remind', 'resolve', 'acknowledged']);

/** Slack mrkdwn lines (a quoted block), or none. */
export function statusDraftLines(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings, now: Date): string[] {
  if (!DRAFTED.has(delivery.action)) return [];
  const drafted = delivery.action === 'acknowledged' ? asAcknowledged(incident, delivery) : incident;
  if (!drafted) return [];
  const outcome = statusDraft({ ...drafted, severity: delivery.severity }, now, {
    followUp: delivery.action === 'remind' || delivery.action === 'escalate',
    nextUpdateMinutes: settings.routing?.reminderMinutes ?? 30,
  });
  return outcome ? draftLines(outcome) : [];
}

/** The same lines for e-mail: no mrkdwn marks, the draft indented. */
export function plainDraftLines(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/^> /, '    ').replaceAll('*', ''));
}

/**
 * The incident as its ack left it (the draft says Identified even if the ack was withdrawn before the post
 * went out: the post tells that moment), or undefined once it moved on (recovering, resolved): the post
 * that carries the newer status has the newer draft.
 */
export function asAcknowledged(incident: Incident, delivery: DeliveryRecord): DraftIncident | undefined {
  if (incident.status !== 'open' || incident.latchedAt) return undefined;
  return { ...incident, ack: { at: delivery.human?.at ?? delivery.plannedAt } };
}
