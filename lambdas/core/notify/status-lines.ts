// The status-page draft a chatops post of a SEV1/SEV2 carries, so whoever runs comms finds the update to
// paste in the incident's thread at each status change (open, upgrade, escalation, resolve) and each
// comms reminder. Other posts (a suppressed symptom: the inhibiting incident's thread has its own) carry none.
import type { DeliveryAction, DeliveryRecord, Incident } from '../incident.ts';
import { draftLines, statusDraft } from '../status/draft.ts';
import type { RenderSettings } from './notifier.ts';

const DRAFTED: ReadonlySet<DeliveryAction> = new Set<DeliveryAction>(['trigger', 'escalate', 'remind', 'resolve']);

/** Slack mrkdwn lines (a quoted block), or none. */
export function statusDraftLines(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings, now: Date): string[] {
  if (!DRAFTED.has(delivery.action)) return [];
  const outcome = statusDraft({ ...incident, severity: delivery.severity }, now, {
    followUp: delivery.action === 'remind' || delivery.action === 'escalate',
    nextUpdateMinutes: settings.routing?.reminderMinutes ?? 30,
  });
  return outcome ? draftLines(outcome) : [];
}

/** The same lines for e-mail: no mrkdwn marks, the draft indented. */
export function plainDraftLines(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/^> /, '    ').replaceAll('*', ''));
}
