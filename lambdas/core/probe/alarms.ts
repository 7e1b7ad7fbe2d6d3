// Names and routing tags of the probe's CloudWatch alarms (lib/probes.ts builds them), and the signal such
// an alarm becomes in the router (lambdas/core/alarm-signal.ts), for previews such as the demo.
import { redactText } from '../redact.ts';
import { makeDedupKey, oneLine, type Severity, type Signal } from '../signal.ts';
import { diagnosisText, PROBE_RUNBOOK_SECTION } from './diagnosis.ts';
import type { ProbeOutcome } from './result.ts';

export const HEALTHZ_RULE = 'healthz_down';
export const TLS_RULE = 'tls_expiry';
export const HEARTBEAT_RULE = 'monitoring_blind';
export const HEARTBEAT_SUBJECT = 'probe';

export type ProbeAlarmKind = 'healthz' | 'tls';

/** `healthz-${target}-sev1`, `tls-${target}-sev3`, ...: the name after the prefix (lib/alarm-factory.ts adds it). */
export function probeAlarmSuffix(kind: ProbeAlarmKind, target: string, severity: Severity): string {
  return `${kind}-${target}-${severity.toLowerCase()}`;
}

/** `${prefix}-healthz-${target}-sev1`, `${prefix}-tls-${target}-sev3`, ... */
export function probeAlarmName(prefix: string, kind: ProbeAlarmKind, target: string, severity: Severity): string {
  return `${prefix}-${probeAlarmSuffix(kind, target, severity)}`;
}

export function heartbeatAlarmSuffix(): string {
  return 'probe-heartbeat';
}

export function heartbeatAlarmName(prefix: string): string {
  return `${prefix}-${heartbeatAlarmSuffix()}`;
}

/** The tags the router reads (metis:severity, metis:rule, metis:subject, metis:runbook). */
export function probeAlarmTags(rule: string, subject: string, severity: Severity): Record<string, string> {
  return { 'metis:severity': severity, 'metis:rule': rule, 'metis:subject': subject, 'metis:runbook': PROBE_RUNBOOK_SECTION };
}

/**
 * The state changes a target's two healthz alarms make after one more probe, as the signals the router
 * builds from them (alarmSignal(): source `cloudwatch-alarm`, rule and subject from the tags, dedup key
 * `healthz_down:<target>`), with the probe's own diagnosis where a real alarm carries its static
 * description. For previews such as the demo: the real alarms evaluate the `Failed` metric.
 *
 * - first failure: the SEV2 alarm (1 of 1) goes to ALARM;
 * - second failure in a row (30 s later): the SEV1 alarm (2 of 2) goes to ALARM (SEV2 stays in ALARM);
 * - further failures: no state change, nothing new;
 * - a passing probe after failures: each alarm that was in ALARM goes back to OK (resolved).
 */
export function healthzAlarmTransitions(input: {
  prefix: string;
  target: string;
  outcome: ProbeOutcome;
  /** Failed probes in a row before this one. */
  previousFailures: number;
  at: Date;
}): Signal[] {
  const { prefix, target, outcome, previousFailures, at } = input;
  if (outcome.ok) {
    const back: Severity[] = previousFailures >= 2 ? ['SEV1', 'SEV2'] : previousFailures === 1 ? ['SEV2'] : [];
    return back.map((severity) =>
      signal(severity, false, `${probeAlarmName(prefix, 'healthz', target, severity)} back to OK: ${diagnosisText(outcome)}`),
    );
  }
  const failures = previousFailures + 1;
  if (failures > 2) return [];
  const severity: Severity = failures === 2 ? 'SEV1' : 'SEV2';
  const reason = severity === 'SEV1' ? '2 consecutive probes failed (2 of 2 datapoints >= 1)' : '1 probe failed (1 of 1 datapoint >= 1)';
  return [signal(severity, true, `${probeAlarmName(prefix, 'healthz', target, severity)} in ALARM: ${diagnosisText(outcome)}; ${reason}`)];

  function signal(severity: Severity, firing: boolean, summary: string): Signal {
    return {
      source: 'cloudwatch-alarm',
      rule: HEALTHZ_RULE,
      subject: target,
      severity,
      status: firing ? 'firing' : 'resolved',
      dedupKey: makeDedupKey(HEALTHZ_RULE, target),
      summary: oneLine(redactText(summary)),
      observedAt: at.toISOString(),
      details: {
        alarmName: probeAlarmName(prefix, 'healthz', target, severity),
        state: firing ? 'ALARM' : 'OK',
        url: outcome.url,
        failure: outcome.failure,
        status: outcome.status,
        latencyMs: outcome.latencyMs,
        tlsDaysLeft: outcome.tlsDaysLeft,
        detail: outcome.detail,
      },
      runbook: PROBE_RUNBOOK_SECTION,
    };
  }
}
