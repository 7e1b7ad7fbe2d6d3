// Every rule id a signal can carry: the configurable rules (the keys of the config's `rules`, so a new
// rule is listed the moment it gets a config entry) and the few that fire without one. What the CLI
// checks a rule id against (`silence add --rule`, with "did you mean").
import { CLOUDWATCH_ALARM_RULE } from './alarm-signal.ts';
import { rulesSchema } from './config.ts';
import { HEARTBEAT_RULE, VANTAGE_RULE } from './probe/rule-ids.ts';
import { SOURCE_STALE_RULE } from './source-health.ts';
import { ANALYTICS_UNAVAILABLE } from './trace-db/analytics-drift.ts';
import { TRACE_DB_SCHEMA } from './trace-db/schema.ts';

export const CONFIGURABLE_RULE_IDS: readonly string[] = Object.keys(rulesSchema.unwrap().shape);

export const RULE_IDS: readonly string[] = [
  ...CONFIGURABLE_RULE_IDS,
  HEARTBEAT_RULE,
  VANTAGE_RULE,
  SOURCE_STALE_RULE,
  TRACE_DB_SCHEMA,
  ANALYTICS_UNAVAILABLE,
  CLOUDWATCH_ALARM_RULE,
];
