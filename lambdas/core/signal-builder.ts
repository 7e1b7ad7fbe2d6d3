// The one way a detector builds a firing signal: subject and summary redacted and on one line, details
// redacted, the dedup key derived from rule and (redacted) subject. Redaction is deterministic, so the
// dedup key of a subject that held a secret stays stable from run to run.
import { redactText, redactValue } from './redact.ts';
import { makeDedupKey, oneLine, type Severity, type Signal, type SignalSource } from './signal.ts';

export interface SignalSpec {
  rule: string;
  subject: string;
  severity: Severity;
  summary: string;
  details: Record<string, unknown>;
  runbook: string;
}

/** Subjects (model names, key ids, fingerprints) come from data and leave the account: redacted, one line, at most 200 chars. */
export function signalSubject(text: string): string {
  return oneLine(redactText(text), 200) || '(empty)';
}

export function firingSignal(source: SignalSource, observedAt: Date, spec: SignalSpec): Signal {
  const subject = signalSubject(spec.subject);
  return {
    source,
    rule: spec.rule,
    subject,
    severity: spec.severity,
    status: 'firing',
    dedupKey: makeDedupKey(spec.rule, subject),
    summary: oneLine(redactText(spec.summary)),
    observedAt: observedAt.toISOString(),
    details: redactValue(spec.details),
    runbook: spec.runbook,
  };
}
