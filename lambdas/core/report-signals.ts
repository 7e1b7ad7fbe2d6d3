// Turns an evaluation report into the signals the router applies: the firing ones as sent, plus a
// resolve for each open incident whose subject the report names under `healthy[rule]`. A resolve needs
// evidence: an open incident whose subject had no data this run (silence, too few calls) stays open.
import type { Incident } from './incident.ts';
import { describeIssue, evaluationReportSchema, signalSchema } from './signal-schema.ts';
import type { EvaluationReport, Signal } from './signal.ts';
import { MetisError } from './errors.ts';

export interface ReportSignals {
  signals: Signal[];
  /** Signals that failed validation, with the reason: parked, never silently dropped. */
  rejected: { signal: unknown; reason: string }[];
}

export class InvalidReportError extends MetisError {
  override readonly name = 'InvalidReportError';
}

/** Validates the report envelope (throws InvalidReportError) and each signal (rejected one by one). */
export function parseReport(raw: unknown): { report: EvaluationReport; rejected: ReportSignals['rejected'] } {
  const envelope = evaluationReportSchema.safeParse(raw);
  if (!envelope.success) throw new InvalidReportError(`evaluation report: ${describeIssue(envelope.error)}`);
  const signals: Signal[] = [];
  const rejected: ReportSignals['rejected'] = [];
  envelope.data.signals.forEach((candidate, index) => {
    const parsed = signalSchema.safeParse(candidate);
    if (!parsed.success) rejected.push({ signal: candidate, reason: describeIssue(parsed.error, `signals.${index}`) });
    else if (parsed.data.source !== envelope.data.source)
      rejected.push({
        signal: candidate,
        reason: `signals.${index}.source: "${parsed.data.source}" in a "${envelope.data.source}" report`,
      });
    else signals.push(parsed.data as Signal);
  });
  return { report: { ...envelope.data, signals }, rejected };
}

export function signalsFromReport(report: EvaluationReport, openOfSource: Incident[], rejectedRules: string[] = []): Signal[] {
  const firing = report.signals.filter((s) => s.status === 'firing');
  const firingKeys = new Set(firing.map((s) => s.dedupKey));
  // Explicit resolves in a report are applied as sent, whatever `evaluated` says.
  const explicit = report.signals.filter((s) => s.status === 'resolved' && !firingKeys.has(s.dedupKey));
  const explicitKeys = new Set(explicit.map((s) => s.dedupKey));
  // A rule with an invalid signal this run was not cleanly evaluated: resolving its incidents could hide an outage.
  const evaluated = new Set(report.evaluated.filter((rule) => !rejectedRules.includes(rule)));
  const resolved = openOfSource
    .filter(
      (incident) =>
        incident.source === report.source &&
        evaluated.has(incident.rule) &&
        isHealthy(report, incident) &&
        !firingKeys.has(incident.dedupKey) &&
        !explicitKeys.has(incident.dedupKey),
    )
    .map(
      (incident): Signal => ({
        ...incident.lastSignal,
        status: 'resolved',
        observedAt: report.evaluatedAt,
        summary: `${incident.rule} checked and fine for ${incident.subject} (evaluated ${report.evaluatedAt})`,
      }),
    );
  return [...firing, ...explicit, ...resolved];
}

/** Whether the report names the incident's subject as checked with enough data and found fine. */
export function isHealthy(report: Pick<EvaluationReport, 'healthy'>, incident: Pick<Incident, 'rule' | 'subject'>): boolean {
  return report.healthy?.[incident.rule]?.includes(incident.subject) ?? false;
}
