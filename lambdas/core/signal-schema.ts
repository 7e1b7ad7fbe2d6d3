// Runtime validation of signals and evaluation reports arriving at the router or the CLI.
import { z } from 'zod';
import { MAX_DEDUP_KEY, MAX_SUMMARY, SEVERITIES, SIGNAL_SOURCES } from './signal.ts';
import { awsRegionSchema } from './probe/vantages.ts';

const isoInstant = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 timestamp such as "2026-11-20T12:00:00Z"' });

export const signalSchema = z.object({
  source: z.enum(SIGNAL_SOURCES),
  rule: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a rule id such as "model_error_rate"'),
  subject: z.string().min(1).max(512),
  severity: z.enum(SEVERITIES),
  status: z.enum(['firing', 'resolved']),
  dedupKey: z.string().min(1).max(MAX_DEDUP_KEY),
  summary: z.string().min(1).max(MAX_SUMMARY),
  observedAt: isoInstant,
  details: z.record(z.string(), z.unknown()).default({}),
  runbook: z.string().max(200).optional(),
  /** The AWS region a probe signal was measured from; absent: the home region. */
  vantage: awsRegionSchema.optional(),
});

const probeMeasurementSchema = z.object({
  ok: z.boolean(),
  status: z.int().nullable(),
  latencyMs: z.number().min(0),
  tlsDaysLeft: z.int().nullable(),
});

/** A run's name in its reports (`inbound-shape`): part of a heartbeat key and an incident subject. */
export const reporterName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a reporter name such as "inbound-shape"');

export const evaluationReportSchema = z.object({
  source: z.enum(SIGNAL_SOURCES),
  reporter: reporterName.optional(),
  evaluatedAt: isoInstant,
  /** A report from a vantage that is no region name is refused (to the DLQ, which pages), never counted as the home region. */
  vantage: awsRegionSchema.optional(),
  /** Informational, like notEvaluated: a malformed one is dropped, never a reason to lose the report's signals. */
  measurements: z.record(z.string(), probeMeasurementSchema).optional().catch(undefined),
  evaluated: z.array(z.string()),
  healthy: z.record(z.string(), z.array(z.string())).default({}),
  signals: z.array(z.unknown()),
  /**
   * Optional and informational (rule -> why it could not judge): never routed. A malformed one is dropped,
   * never a reason to reject the report and lose its signals.
   */
  notEvaluated: z.record(z.string(), z.string()).optional().catch(undefined),
});

/** One line naming the first problem, for logs and the CLI's stderr. */
export function describeIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return `${path || '(root)'}: ${issue.message}`;
}
