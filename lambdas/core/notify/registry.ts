// The sink registry: every sink spec, in planning order (paging providers, topics, then the sinks that get
// everything chatops gets). Everything the pipeline knows about sinks is derived from this list
// (sink-catalog.ts): a new sink is its folder (lambdas/core/notify/<sink>/spec.ts) plus one line here.
import { chatopsSpec } from './chatops/spec.ts';
import { opsgenieSpec } from './opsgenie/spec.ts';
import { pageSpec } from './page/spec.ts';
import { pageSecondarySpec } from './page-secondary/spec.ts';
import { pagerDutySpec } from './pagerduty/spec.ts';
import { splunkOnCallSpec } from './splunk-oncall/spec.ts';
import { statuspageSpec } from './statuspage/spec.ts';
import { webhookSpec } from './webhook/spec.ts';

export const SINK_SPECS = [
  pagerDutySpec,
  opsgenieSpec,
  splunkOnCallSpec,
  pageSpec,
  pageSecondarySpec,
  chatopsSpec,
  webhookSpec,
  statuspageSpec,
] as const;
