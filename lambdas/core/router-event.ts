// Classifies what EventBridge hands the router: an evaluation report from a detector, a CloudWatch
// alarm state change, or something the router does not understand (parked in the DLQ with a reason).
import { alarmStateChangeSchema, type AlarmStateChange } from './alarm-signal.ts';
import { ALARM_STATE_CHANGE_DETAIL_TYPE, REPORT_DETAIL_TYPE, REPORT_SOURCE_PREFIX } from './constants.ts';

export type RouterEvent =
  | { kind: 'report'; detail: unknown }
  | { kind: 'alarm'; event: AlarmStateChange }
  | { kind: 'unknown'; reason: string };

export function classifyRouterEvent(event: unknown): RouterEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { kind: 'unknown', reason: 'event is not a JSON object' };
  const e = event as Record<string, unknown>;
  const detailType = e['detail-type'];
  if (detailType === REPORT_DETAIL_TYPE) {
    if (typeof e.source !== 'string' || !e.source.startsWith(REPORT_SOURCE_PREFIX)) {
      return { kind: 'unknown', reason: `evaluation report from unexpected source ${JSON.stringify(e.source)}` };
    }
    return { kind: 'report', detail: e.detail };
  }
  if (detailType === ALARM_STATE_CHANGE_DETAIL_TYPE) {
    const parsed = alarmStateChangeSchema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { kind: 'unknown', reason: `malformed alarm state change: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
    }
    return { kind: 'alarm', event: parsed.data };
  }
  if (detailType === undefined && isAlarmActionPayload(e)) return { kind: 'unknown', reason: alarmActionReason(e) };
  return { kind: 'unknown', reason: `unsupported detail-type ${JSON.stringify(detailType ?? null)}` };
}

/** What a Lambda receives when an alarm's own action invokes it: `alarmArn` and `alarmData`, no EventBridge envelope. */
function isAlarmActionPayload(e: Record<string, unknown>): boolean {
  return e.source === 'aws.cloudwatch' && typeof e.alarmArn === 'string' && typeof e.alarmData === 'object' && e.alarmData !== null;
}

function alarmActionReason(e: Record<string, unknown>): string {
  const name = (e.alarmData as { alarmName?: unknown }).alarmName;
  const alarm = typeof name === 'string' ? `"${name.slice(0, 255)}" ` : '';
  return (
    `a CloudWatch alarm action invoked the router directly (alarm ${alarm}${String(e.alarmArn).slice(0, 512)}): the router routes ` +
    `alarms from EventBridge only. Remove the Lambda action from the alarm and tag the alarm metis:severity=SEV1..SEV4: the ` +
    `stack's rule forwards its "${ALARM_STATE_CHANGE_DETAIL_TYPE}" events from the default bus to the router`
  );
}
