// Which detector a rule id belongs to, for `routes --rule` (inhibitions match on the source). A rule none
// of them has is taken for a tagged CloudWatch alarm's `metis:rule`.
import { PROMPT_EXPOSURE_RULE, LOG_NOISE_RULE } from '../../lambdas/core/logs/findings.ts';
import { LOG_RULE_IDS } from '../../lambdas/core/logs/rules.ts';
import { INBOUND_SHAPE_RULE } from '../../lambdas/core/probe/inbound-shape.ts';
import { HEALTHZ_RULE, HEARTBEAT_RULE, TLS_RULE } from '../../lambdas/core/probe/rule-ids.ts';
import type { SignalSource } from '../../lambdas/core/signal.ts';
import { TRACE_DB_RULES } from '../../lambdas/core/trace-db/evaluate.ts';

export function sourceOfRule(rule: string): SignalSource {
  if (TRACE_DB_RULES.some((r) => r.id === rule)) return 'trace-db';
  if ((LOG_RULE_IDS as readonly string[]).includes(rule) || rule === PROMPT_EXPOSURE_RULE || rule === LOG_NOISE_RULE) return 'logs';
  if ([HEALTHZ_RULE, TLS_RULE, HEARTBEAT_RULE, INBOUND_SHAPE_RULE].includes(rule)) return 'probe';
  if (rule === 'pipeline_health') return 'pipeline';
  return 'cloudwatch-alarm';
}
