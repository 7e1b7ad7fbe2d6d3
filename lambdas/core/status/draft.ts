// A ready-to-paste status-page update for a SEV1/SEV2 incident (the runbook's comms rule: post on every
// status change and at least every 30 min, even "still investigating"). Built only from the rule's public
// wording (wording.ts) and times: the incident's subject, summary and details never enter it.
import type { Incident } from '../incident.ts';
import { clockTime } from '../evidence.ts';
import { redactText } from '../redact.ts';
import { isPublic, wordingFor, type ComponentStatus } from './wording.ts';

/** Atlassian Statuspage's incident states (its API has no draft state). */
export const STATUS_PHASES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type StatusPhase = (typeof STATUS_PHASES)[number];

/** What a draft reads of an incident; `ack` is set once a person acknowledged it. */
export type DraftIncident = Pick<Incident, 'rule' | 'severity' | 'status' | 'openedAt' | 'resolvedAt' | 'latchedAt'> & {
  ack?: { at: string };
};

export interface StatusDraft {
  phase: StatusPhase;
  /** The status-page incident's name. */
  name: string;
  body: string;
  /** The affected component's status while it lasts; `operational` once resolved. */
  component: ComponentStatus | 'operational';
  /** False for a security matter: a person decides on disclosure, no connector posts it. */
  autoPublish: boolean;
}

export type DraftOutcome =
  | { kind: 'draft'; draft: StatusDraft }
  /** A SEV1/SEV2 that users do not see by itself: no update is invented. */
  | { kind: 'internal'; why: string };

export interface DraftOptions {
  /** A repeat of the same phase (the comms reminder): "still investigating". */
  followUp?: boolean;
  /** When the next update is promised (the reminder cadence). */
  nextUpdateMinutes?: number;
}

/** Where the incident stands for its users: resolved, recovering, cause known (acknowledged), or under investigation. */
export function statusPhase(incident: DraftIncident): StatusPhase {
  if (incident.status === 'resolved') return 'resolved';
  if (incident.latchedAt) return 'monitoring';
  if (incident.ack) return 'identified';
  return 'investigating';
}

/** The draft for a SEV1/SEV2 at `now`; undefined for SEV3/SEV4 (they get no status-page update). */
export function statusDraft(incident: DraftIncident, now: Date, options: DraftOptions = {}): DraftOutcome | undefined {
  if (incident.severity !== 'SEV1' && incident.severity !== 'SEV2') return undefined;
  const wording = wordingFor(incident.rule);
  if (!isPublic(wording)) return { kind: 'internal', why: wording.why };
  const phase = statusPhase(incident);
  const next = `Next update by ${clockTime(new Date(now.getTime() + (options.nextUpdateMinutes ?? 30) * 60_000).toISOString())}.`;
  const body: Record<StatusPhase, string> = {
    investigating: options.followUp
      ? `We are still investigating: ${wording.now}. ${next}`
      : `We are investigating an issue: ${wording.now}. ${next}`,
    identified: `We have identified the cause and are working on a fix. Until it is in place, ${wording.now}. ${next}`,
    monitoring: `We are seeing recovery and are monitoring to confirm the issue is over. ${next}`,
    resolved: `This incident has been resolved. From ${clockTime(incident.openedAt)} to ${clockTime(incident.resolvedAt ?? now.toISOString())}, ${wording.was}.`,
  };
  return {
    kind: 'draft',
    draft: {
      phase,
      name: redactText(wording.title),
      body: redactText(capitalize(body[phase])),
      component:
        phase === 'resolved'
          ? 'operational'
          : wording.slow
            ? 'degraded_performance'
            : incident.severity === 'SEV1'
              ? 'major_outage'
              : 'partial_outage',
      autoPublish: wording.security !== true,
    },
  };
}

/** The draft as chat lines (Slack mrkdwn: a quoted block to copy), or the reason there is none. */
export function draftLines(outcome: DraftOutcome): string[] {
  if (outcome.kind === 'internal')
    return [`*Status page:* no update needed, users do not see this by itself (${outcome.why}); post one if customers report problems.`];
  const { draft } = outcome;
  return [
    `*Status page update (${capitalize(draft.phase)}), ready to paste:*${draft.autoPublish ? '' : ' a security matter: decide on disclosure before posting.'}`,
    `> *${draft.name}*`,
    `> ${draft.body}`,
  ];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
