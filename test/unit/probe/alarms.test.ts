import { describe, expect, it } from 'vitest';
import { alarmSignal } from '../../../lambdas/core/alarm-signal.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { healthzAlarmTransitions, heartbeatAlarmName, probeAlarmName, probeAlarmTags } from '../../../lambdas/core/probe/alarms.ts';
import { outcome } from './support.ts';

const AT = new Date('2026-11-20T03:00:00.000Z');
const failing = outcome({ ok: false, failure: 'http_status', status: 503, detail: 'HTTP 503 (expected 2xx)' });

describe('alarm names and tags', () => {
  it('names alarms `<prefix>-<kind>-<target>-<sev>` and the heartbeat `<prefix>-probe-heartbeat`', () => {
    expect(probeAlarmName('metis-prod', 'healthz', 'gateway', 'SEV1')).toBe('metis-prod-healthz-gateway-sev1');
    expect(probeAlarmName('metis-prod', 'tls', 'server', 'SEV3')).toBe('metis-prod-tls-server-sev3');
    expect(heartbeatAlarmName('metis-prod')).toBe('metis-prod-probe-heartbeat');
  });

  it('tags carry severity, rule, subject and runbook section', () => {
    expect(probeAlarmTags('healthz_down', 'gateway', 'SEV2')).toEqual({
      'metis:severity': 'SEV2',
      'metis:rule': 'healthz_down',
      'metis:subject': 'gateway',
      'metis:runbook': 'Alert sources',
    });
  });
});

describe('healthzAlarmTransitions', () => {
  const step = (previousFailures: number, o = failing) =>
    healthzAlarmTransitions({ prefix: 'metis-prod', target: 'gateway', outcome: o, previousFailures, at: AT });

  it('first failure: the SEV2 alarm fires, as the router would build it from the alarm', () => {
    const [signal, ...rest] = step(0);
    expect(rest).toEqual([]);
    expect(signal).toMatchObject({
      source: 'cloudwatch-alarm',
      rule: 'healthz_down',
      subject: 'gateway',
      severity: 'SEV2',
      status: 'firing',
      dedupKey: 'healthz_down:gateway',
      observedAt: '2026-11-20T03:00:00.000Z',
      runbook: 'Alert sources',
      details: { alarmName: 'metis-prod-healthz-gateway-sev2', state: 'ALARM', failure: 'http_status', status: 503 },
    });
    expect(signal!.summary).toBe(
      'metis-prod-healthz-gateway-sev2 in ALARM: sick app: https://gateway.metis.example.com/healthz answered HTTP 503; first: check the app logs: ' +
        'kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway (or docker compose logs --tail=100 gateway); 1 probe failed (1 of 1 datapoint >= 1)',
    );
  });

  it('second failure in a row: the SEV1 alarm fires with the same dedup key; a third changes nothing', () => {
    const [signal] = step(1);
    expect(signal).toMatchObject({
      severity: 'SEV1',
      status: 'firing',
      dedupKey: 'healthz_down:gateway',
      details: { alarmName: 'metis-prod-healthz-gateway-sev1' },
    });
    expect(signal!.summary).toContain('2 consecutive probes failed (2 of 2 datapoints >= 1)');
    expect(step(2)).toEqual([]);
  });

  it('a passing probe after failures: every alarm that was in ALARM goes back to OK', () => {
    expect(step(3, outcome()).map((s) => [s.severity, s.status, s.details.alarmName])).toEqual([
      ['SEV1', 'resolved', 'metis-prod-healthz-gateway-sev1'],
      ['SEV2', 'resolved', 'metis-prod-healthz-gateway-sev2'],
    ]);
    expect(step(1, outcome()).map((s) => [s.severity, s.status])).toEqual([['SEV2', 'resolved']]);
    expect(step(0, outcome())).toEqual([]);
  });
});

describe('the preview matches what the router builds from the real alarm', () => {
  it('alarmSignal() on a state change of the tagged SEV2 alarm gives the same identity, severity and runbook', () => {
    const [preview] = healthzAlarmTransitions({ prefix: 'metis-prod', target: 'gateway', outcome: failing, previousFailures: 0, at: AT });
    const alarmName = probeAlarmName('metis-prod', 'healthz', 'gateway', 'SEV2');
    const result = alarmSignal(
      {
        source: 'aws.cloudwatch',
        'detail-type': 'CloudWatch Alarm State Change',
        time: AT.toISOString(),
        resources: [`arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${alarmName}`],
        detail: {
          alarmName,
          state: { value: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [1.0] was >= 1.0', timestamp: AT.toISOString() },
          previousState: { value: 'OK' },
          configuration: { description: 'healthz_down SEV2' },
        },
      },
      probeAlarmTags('healthz_down', 'gateway', 'SEV2'),
    );
    expect(result.kind).toBe('signal');
    const real = (result as { signal: Signal }).signal;
    const identity = (s: Signal) => ({
      source: s.source,
      rule: s.rule,
      subject: s.subject,
      severity: s.severity,
      status: s.status,
      dedupKey: s.dedupKey,
      runbook: s.runbook,
      alarmName: s.details.alarmName,
      observedAt: s.observedAt,
    });
    expect(identity(preview!)).toEqual(identity(real));
    expect(real.summary.startsWith(`${alarmName} in ALARM: `)).toBe(true);
    expect(preview!.summary.startsWith(`${alarmName} in ALARM: `)).toBe(true);
  });
});
