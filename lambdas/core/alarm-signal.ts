// CloudWatch "Alarm State Change" events -> signals. An alarm joins the pipeline by carrying the tag
// `metis:severity=SEVn`; optional `metis:rule` / `metis:subject` / `metis:runbook` group several alarms
// (e.g. a target's SEV1 and SEV2 alarms) into one incident.
import { z } from 'zod';
import { ALARM_STATE_CHANGE_DETAIL_TYPE } from './constants.ts';
import type { Incident } from './incident.ts';
import { redactText } from './redact.ts';
import { makeDedupKey, oneLine, SEVERITIES, type Severity, type Signal } from './signal.ts';

/** The rule of an alarm without its own `metis:rule` tag. */
export const CLOUDWATCH_ALARM_RULE = 'cloudwatch_alarm';

export const alarmStateChangeSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal(ALARM_STATE_CHANGE_DETAIL_TYPE),
  time: z.string(),
  resources: z.array(z.string()).min(1),
  detail: z.object({
    alarmName: z.string(),
    state: z.object({
      value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
      reason: z.string().default(''),
      timestamp: z.string().optional(),
      /**
       * A composite alarm whose actions its suppressor alarm holds: `WaitPeriod`, `ExtensionPeriod` or `Alarm`.
       * A string, not an enum: a value CloudWatch adds later must not turn the event into bad input.
       */
      actionsSuppressedBy: z.string().optional(),
      actionsSuppressedReason: z.string().optional(),
    }),
    previousState: z.object({ value: z.string() }).optional(),
    configuration: z.object({ description: z.string().nullish() }).passthrough().optional(),
  }),
});
export type AlarmStateChange = z.infer<typeof alarmStateChangeSchema>;

export const SEVERITY_TAG = 'metis:severity';

export type AlarmSignalResult =
  | { kind: 'signal'; signal: Signal }
  | { kind: 'ignored'; reason: string }
  /** CloudWatch itself holds this composite alarm's actions: recorded, not paged; the later ALARM without it pages. */
  | { kind: 'suppressed'; signal: Signal; reason: string };

export function alarmSignal(event: AlarmStateChange, tags: Record<string, string>): AlarmSignalResult {
  const severity = tags[SEVERITY_TAG];
  const { alarmName, state } = event.detail;
  if (severity === undefined) return { kind: 'ignored', reason: `alarm "${alarmName}" has no ${SEVERITY_TAG} tag` };
  if (!(SEVERITIES as readonly string[]).includes(severity)) {
    return { kind: 'ignored', reason: `alarm "${alarmName}" has ${SEVERITY_TAG}="${severity}", expected SEV1..SEV4` };
  }
  // INSUFFICIENT_DATA says nothing about the target: neither firing nor recovered (silence is not recovery).
  if (state.value === 'INSUFFICIENT_DATA') return { kind: 'ignored', reason: `alarm "${alarmName}" is INSUFFICIENT_DATA` };
  const rule = tags['metis:rule'] && /^[a-z][a-z0-9_]{0,63}$/.test(tags['metis:rule']) ? tags['metis:rule'] : CLOUDWATCH_ALARM_RULE;
  const subject = tags['metis:subject'] || alarmName;
  const description = event.detail.configuration?.description;
  const firing = state.value === 'ALARM';
  const signal: Signal = {
    source: 'cloudwatch-alarm',
    rule,
    subject,
    severity: severity as Severity,
    status: firing ? 'firing' : 'resolved',
    dedupKey: makeDedupKey(rule, subject),
    summary: oneLine(
      redactText(`${alarmName} ${firing ? 'in ALARM' : 'back to OK'}: ${description ? `${description}; ` : ''}${state.reason}`),
    ),
    observedAt: new Date(state.timestamp ?? event.time).toISOString(),
    details: {
      alarmName,
      alarmArn: event.resources[0],
      state: state.value,
      previousState: event.detail.previousState?.value,
      reason: redactText(state.reason),
    },
    ...(tags['metis:runbook'] ? { runbook: tags['metis:runbook'] } : {}),
  };
  const suppressedBy = state.actionsSuppressedBy;
  if (firing && suppressedBy) {
    const why = state.actionsSuppressedReason ? `: ${redactText(state.actionsSuppressedReason)}` : '';
    return {
      kind: 'suppressed',
      signal,
      reason: oneLine(
        `alarm "${alarmName}" in ALARM with its actions suppressed by CloudWatch (${suppressedBy}${why}): recorded, not paged`,
      ),
    };
  }
  return { kind: 'signal', signal };
}

/** The open incident with CloudWatch's suppression written on its timeline (nothing is paged); undefined when none is open. */
export function noteSuppressedAlarm(existing: Incident | undefined, reason: string, now: Date): Incident | undefined {
  if (existing?.status !== 'open') return undefined;
  const next = structuredClone(existing);
  next.timeline.push({ at: now.toISOString(), event: reason });
  next.updatedAt = now.toISOString();
  next.version = existing.version + 1;
  return next;
}
