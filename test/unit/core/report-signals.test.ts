import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { InvalidReportError, parseReport, signalsFromReport } from '../../../lambdas/core/report-signals.ts';
import { applySignal } from '../../../lambdas/core/routing-policy.ts';
import type { EvaluationReport, Signal } from '../../../lambdas/core/signal.ts';
import { TUE_10_00, settings, signal } from './support.ts';

const EVALUATED_AT = '2026-11-17T10:05:00.000Z';

function openIncident(overrides: Partial<Signal>): Incident {
  return applySignal(undefined, signal(overrides), TUE_10_00, settings()).next;
}

function report(overrides: Partial<EvaluationReport> = {}): EvaluationReport {
  return {
    source: 'trace-db',
    evaluatedAt: EVALUATED_AT,
    evaluated: ['model_error_rate'],
    healthy: { model_error_rate: ['gpt-4o', 'claude-sonnet-4'], latency_p95: ['gpt-4o'] },
    signals: [],
    ...overrides,
  };
}

describe('signalsFromReport', () => {
  const gpt = openIncident({ rule: 'model_error_rate', subject: 'gpt-4o' });

  it('resolves an open incident whose subject the report names as healthy', () => {
    const out = signalsFromReport(report(), [gpt]);
    expect(out).toHaveLength(1);
    const [resolved] = out;
    expect(resolved).toMatchObject({
      source: 'trace-db',
      rule: 'model_error_rate',
      subject: 'gpt-4o',
      dedupKey: 'model_error_rate:gpt-4o',
      severity: 'SEV2',
      status: 'resolved',
      observedAt: EVALUATED_AT,
    });
    expect(resolved?.summary).toBe(`model_error_rate checked and fine for gpt-4o (evaluated ${EVALUATED_AT})`);
  });

  it('keeps open an incident whose rule ran but whose subject had no data (silence is not recovery)', () => {
    // The model's traffic vanished: the rule ran, the model is neither firing nor healthy.
    expect(signalsFromReport(report({ healthy: { model_error_rate: ['claude-sonnet-4'] } }), [gpt])).toEqual([]);
    // A report without any `healthy` (an older detector) resolves nothing either.
    expect(signalsFromReport(report({ healthy: undefined }), [gpt])).toEqual([]);
  });

  it('keeps a firing signal firing and does not resolve its incident', () => {
    const firing = signal({ rule: 'model_error_rate', subject: 'gpt-4o', observedAt: EVALUATED_AT });
    const claude = openIncident({ rule: 'model_error_rate', subject: 'claude-sonnet-4' });
    const out = signalsFromReport(report({ signals: [firing] }), [gpt, claude]);
    expect(out.map((s) => [s.dedupKey, s.status])).toEqual([
      ['model_error_rate:gpt-4o', 'firing'],
      ['model_error_rate:claude-sonnet-4', 'resolved'],
    ]);
  });

  it('does not resolve an incident whose rule is not in `evaluated`', () => {
    const latency = openIncident({ rule: 'latency_p95', subject: 'gpt-4o', severity: 'SEV3' });
    expect(signalsFromReport(report({ evaluated: ['model_error_rate'] }), [latency])).toEqual([]);
    expect(signalsFromReport(report({ evaluated: [] }), [gpt])).toEqual([]);
  });

  it('does not touch an incident of another source, even with the same rule id', () => {
    const fromLogs = openIncident({ source: 'logs', rule: 'model_error_rate', subject: 'gpt-4o-logs' });
    const traceback = openIncident({ source: 'logs', rule: 'traceback', subject: 'KeyError@router.py:42' });
    expect(signalsFromReport(report({ evaluated: ['model_error_rate', 'traceback'] }), [fromLogs, traceback])).toEqual([]);
  });

  it('does not resolve the incidents of a rule whose signal was rejected', () => {
    const raw = {
      source: 'trace-db',
      evaluatedAt: EVALUATED_AT,
      evaluated: ['model_error_rate', 'latency_p95'],
      healthy: { model_error_rate: ['gpt-4o'], latency_p95: ['gpt-4o'] },
      signals: [{ ...signal({ subject: 'claude-sonnet-4' }), severity: 'SEV9' }],
    };
    const { report: parsed, rejected } = parseReport(raw);
    expect(parsed.signals).toEqual([]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatch(/^signals\.0\.severity: /);
    expect(rejected[0]?.signal).toEqual(raw.signals[0]);

    const latency = openIncident({ rule: 'latency_p95', subject: 'gpt-4o', severity: 'SEV3' });
    const rejectedRules = rejected.map((r) => (r.signal as { rule: string }).rule);
    const out = signalsFromReport(parsed, [gpt, latency], rejectedRules);
    // model_error_rate was not cleanly evaluated: gpt-4o stays open; latency_p95 was, so it resolves.
    expect(out.map((s) => [s.dedupKey, s.status])).toEqual([['latency_p95:gpt-4o', 'resolved']]);
  });
});

describe('parseReport', () => {
  it('accepts a valid report and fills defaults', () => {
    const { details: _omit, ...withoutDetails } = signal({ observedAt: EVALUATED_AT });
    const { report: parsed, rejected } = parseReport(report({ signals: [withoutDetails as Signal] }));
    expect(rejected).toEqual([]);
    expect(parsed.source).toBe('trace-db');
    expect(parsed.evaluated).toEqual(['model_error_rate']);
    expect(parsed.signals).toHaveLength(1);
    expect(parsed.signals[0]?.details).toEqual({});
    expect(parsed.signals[0]?.dedupKey).toBe('model_error_rate:gpt-4o');
  });

  it('accepts the optional notEvaluated notes and routes nothing from them; a malformed one is dropped, never the report', () => {
    const firing = signal({ observedAt: EVALUATED_AT });
    const { report: parsed, rejected } = parseReport(
      report({ signals: [firing], notEvaluated: { disk_usage: 'no volume figure in the metadata' } }),
    );
    expect(rejected).toEqual([]);
    expect(parsed.notEvaluated).toEqual({ disk_usage: 'no volume figure in the metadata' });
    expect(signalsFromReport(parsed, []).map((s) => s.dedupKey)).toEqual([firing.dedupKey]);
    const odd = parseReport({ ...report({ signals: [firing] }), notEvaluated: { disk_usage: 42 } });
    expect(odd.report.notEvaluated).toBeUndefined();
    expect(odd.report.signals.map((s) => s.dedupKey)).toEqual([firing.dedupKey]);
    // A report from before the field existed reads as before.
    expect(parseReport(report({ signals: [firing] })).report.notEvaluated).toBeUndefined();
  });

  it("keeps the reporter a run names itself by (the sweeper watches each run's heartbeat)", () => {
    const { report: parsed } = parseReport({
      source: 'probe',
      reporter: 'inbound-shape',
      evaluatedAt: EVALUATED_AT,
      evaluated: [],
      signals: [],
    });
    expect(parsed.reporter).toBe('inbound-shape');
    expect(parseReport(report({})).report.reporter).toBeUndefined();
  });

  it('rejects each invalid signal with a reason naming its path, keeping the valid ones', () => {
    const good = signal({ subject: 'gpt-4o' });
    const { report: parsed, rejected } = parseReport(
      report({
        signals: [
          good,
          { ...signal({ subject: 'b' }), summary: '' } as Signal,
          { ...signal({ subject: 'c' }), observedAt: 'yesterday' } as Signal,
          { ...signal({ subject: 'd' }), rule: 'Bad Rule' } as Signal,
          { ...signal({ subject: 'e' }), dedupKey: 'k'.repeat(256) } as Signal,
        ],
      }),
    );
    expect(parsed.signals).toEqual([good]);
    expect(rejected.map((r) => r.reason.split(':')[0])).toEqual([
      'signals.1.summary',
      'signals.2.observedAt',
      'signals.3.rule',
      'signals.4.dedupKey',
    ]);
    for (const r of rejected) expect(r.reason).not.toMatch(/[\r\n]/);
  });

  it('rejects a signal whose source differs from the report source', () => {
    const { report: parsed, rejected } = parseReport(report({ signals: [signal({ source: 'logs' })] }));
    expect(parsed.signals).toEqual([]);
    expect(rejected[0]?.reason).toBe('signals.0.source: "logs" in a "trace-db" report');
  });

  it.each([
    ['not an object', 'hello', '(root)'],
    ['null', null, '(root)'],
    ['missing evaluatedAt', { source: 'trace-db', evaluated: [], signals: [] }, 'evaluatedAt'],
    ['bad evaluatedAt', { source: 'trace-db', evaluatedAt: 'now', evaluated: [], signals: [] }, 'evaluatedAt'],
    ['unknown source', { source: 'nagios', evaluatedAt: EVALUATED_AT, evaluated: [], signals: [] }, 'source'],
    ['evaluated not an array', { source: 'trace-db', evaluatedAt: EVALUATED_AT, evaluated: 'model_error_rate', signals: [] }, 'evaluated'],
    ['signals not an array', { source: 'trace-db', evaluatedAt: EVALUATED_AT, evaluated: [], signals: {} }, 'signals'],
    [
      'a reporter that is no name',
      { source: 'probe', reporter: 'Inbound Shape', evaluatedAt: EVALUATED_AT, evaluated: [], signals: [] },
      'reporter',
    ],
  ])('a malformed envelope (%s) throws InvalidReportError with a one-line message', (_label, raw, path) => {
    let caught: unknown;
    try {
      parseReport(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidReportError);
    const error = caught as InvalidReportError;
    expect(error.name).toBe('InvalidReportError');
    expect(error.message.startsWith(`evaluation report: ${path}: `)).toBe(true);
    expect(error.message).not.toMatch(/[\r\n]/);
  });
});
