// The `healthy` half of a trace-DB report: per rule, the subjects a run checked with enough data and
// found fine. Only these resolve open incidents, so a subject whose data vanished stays open.
import { signalSubject } from './context.ts';

/**
 * More subjects than this for one rule are not listed: the report must fit one 256 KB EventBridge entry
 * (a few key-based rules x 500 ids of ~30 chars stays far below it). The rest stay open until listed.
 */
export const MAX_HEALTHY_PER_RULE = 500;

/** Records a rule's healthy subjects, normalised as signals carry them, without the ones it fired for. */
export function addHealthy(
  result: { healthy: Record<string, string[]>; signals: { rule: string; subject: string }[] },
  rule: string,
  subjects: readonly string[] | undefined,
): void {
  if (!subjects || subjects.length === 0) return;
  const firing = new Set(result.signals.filter((s) => s.rule === rule).map((s) => s.subject));
  const list = [...new Set(subjects.map(signalSubject))].filter((s) => !firing.has(s)).slice(0, MAX_HEALTHY_PER_RULE);
  if (list.length === 0) return;
  result.healthy[rule] = [...new Set([...(result.healthy[rule] ?? []), ...list])];
}
