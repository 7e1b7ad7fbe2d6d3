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
  return { kind: 'unknown', reason: `unsupported detail-type ${JSON.stringify(detailType ?? null)}` };
}
