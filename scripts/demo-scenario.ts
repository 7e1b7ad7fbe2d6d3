// The demo's scripted timeline: an outage that pages, upgrades, dedups and resolves, and a SEV2 out of
// hours. These stand in for the probe and log-watch detectors until they land; the trace-DB step is real.
import { makeDedupKey, type EvaluationReport, type Severity, type Signal, type SignalSource } from '../lambdas/core/signal.ts';

export interface DemoStep {
  at: Date;
  title: string;
  signals: Signal[];
  /** A detector run: its open incidents of evaluated rules that no longer fire are resolved. */
  report?: EvaluationReport;
}

function signal(source: SignalSource, rule: string, subject: string, severity: Severity, status: Signal['status'], at: string, summary: string, details: Record<string, unknown> = {}, runbook?: string): Signal {
  return { source, rule, subject, severity, status, dedupKey: makeDedupKey(rule, subject), summary, observedAt: at, details, ...(runbook ? { runbook } : {}) };
}

export function scriptedSteps(): DemoStep[] {
  const tue = (hhmm: string) => `2026-11-24T${hhmm}:00Z`;
  const healthz = (severity: Severity, status: Signal['status'], at: string) =>
    signal('cloudwatch-alarm', 'healthz_down', 'gateway', severity, status, at,
      status === 'firing'
        ? `gateway GET /healthz failing (${severity === 'SEV1' ? 'two consecutive failures' : 'one failure'}): HTTP 503 = sick app. First move: kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway`
        : 'gateway GET /healthz healthy again',
      { failure: 'http_status', status: 503 }, 'Triage');
  return [
    { at: new Date(tue('10:00')), title: 'Tuesday 10:00: gateway /healthz fails once (SEV2, business hours)', signals: [healthz('SEV2', 'firing', tue('10:00'))] },
    { at: new Date(tue('10:01')), title: 'the same alarm again: deduplicated', signals: [healthz('SEV2', 'firing', tue('10:01'))] },
    { at: new Date(tue('10:01')), title: 'second consecutive failure: upgrade to SEV1, re-notified under the tighter policy', signals: [healthz('SEV1', 'firing', tue('10:01'))] },
    {
      at: new Date(tue('10:03')),
      title: 'a log line leaks a token and a prompt into a signal: redacted before it leaves',
      signals: [
        signal('logs', 'traceback', 'KeyError@gateway/router.py:412', 'SEV2', 'firing', tue('10:03'),
          'KeyError in gateway/router.py:412 (3 in 5 min) while handling Authorization: Bearer gw_live_4f9a8b7c6d5e request from ops@example.com',
          { excerpt: '{"prompt": "my customer secret plan", "api_key": "sk-ant-api03-abcdefghijklmnop"}' }, 'Triage'),
      ],
    },
    { at: new Date(tue('10:20')), title: 'gateway recovers: PagerDuty resolve with the same dedup_key', signals: [healthz('SEV1', 'resolved', tue('10:20'))] },
  ];
}

/** Saturday 03:00, after the business-hours steps: a SEV2 out of hours goes to chatops and waits to escalate. */
export function outOfHoursStep(): DemoStep {
  return (
{
      at: new Date('2026-11-28T03:00:00Z'),
      title: 'Saturday 03:00: a model error rate SEV2 out of hours: chatops now, PagerDuty only if it escalates',
      signals: [signal('trace-db', 'model_error_rate', 'openai:gpt-4o', 'SEV2', 'firing', '2026-11-28T03:00:00Z',
        'openai:gpt-4o error rate 12.5% over 10 min (25 of 200 calls) > 5%. First move: flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider; pinned keys keep failing until flipped',
        { calls: 200, errors: 25, share: 0.125, threshold: 0.05 }, 'Provider outage')],
    }
  );
}
