// Several CloudWatch alarms can stand for one incident (a target's SEV1 "two failures" and SEV2 "one
// failure" alarms share metis:rule + metis:subject). The incident remembers each member alarm's state:
// it is as severe as its most severe alarm in ALARM and resolves only when all of them are OK.
import type { AlarmMember, Incident } from './incident.ts';
import { isMoreSevere, type Signal } from './signal.ts';

export interface GroupedSignal {
  /** The signal to apply to the incident: severity and status of the whole group. */
  signal: Signal;
  /** The member alarms after this signal; undefined for signals that are not from a named alarm. */
  alarms?: Record<string, AlarmMember>;
}

export function groupAlarmSignal(open: Incident | undefined, signal: Signal): GroupedSignal {
  const alarmName = signal.source === 'cloudwatch-alarm' ? signal.details.alarmName : undefined;
  if (typeof alarmName !== 'string') return { signal };
  const alarms: Record<string, AlarmMember> = { ...(open?.alarms ?? {}) };
  alarms[alarmName] = { severity: signal.severity, firing: signal.status === 'firing', at: signal.observedAt };
  const firing = Object.entries(alarms).filter(([, member]) => member.firing);
  if (firing.length === 0) return { signal, alarms };
  const severity = firing.map(([, member]) => member.severity).reduce((a, b) => (isMoreSevere(b, a) ? b : a));
  if (signal.status === 'firing') return { signal: { ...signal, severity }, alarms };
  // One member is OK again but another is still in ALARM: the incident stays open at the remaining severity.
  const still = firing.map(([name, member]) => `${name} (${member.severity})`).join(', ');
  return { signal: { ...signal, status: 'firing', severity, summary: `${signal.summary}; still in ALARM: ${still}` }, alarms };
}

export function sameMembers(a: Record<string, AlarmMember> | undefined, b: Record<string, AlarmMember> | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  for (const key of keys) {
    const x = a?.[key];
    const y = b?.[key];
    if (!x || !y || x.firing !== y.firing || x.severity !== y.severity) return false;
  }
  return true;
}
