// The on-call query of one probe vantage: latency percentiles and the lowest TLS days left per target, from
// that region's own probe log lines (each carries `vantage`; no custom metric per target and region). The
// home dashboard shows it as a panel per region; each vantage stack also saves it in its own region
// (Logs Insights, "Saved queries"), where the operator looking at that region's logs finds it.
import { CfnQueryDefinition, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DASHBOARD_MESSAGES as M } from '../lambdas/core/dashboard/log-records.ts';

/** One vantage's probes: latency percentiles and the lowest TLS days left per target (a timeout shows as max = timeout). */
export const VANTAGE_QUERY = [
  `filter message in ['${M.probeOk}', '${M.probeFailed}']`,
  "fields strcontains(message, 'failed') as isFailed",
  'stats count(*) as probes, sum(isFailed) as failed, pct(latencyMs, 50) as p50, pct(latencyMs, 95) as p95, min(tlsDaysLeft) as tlsDaysLeft by vantage, target',
  'sort target',
];

/** The panel's and the saved query's title for a vantage region. */
export function vantagePanelTitle(region: string, home = false): string {
  return `Probe latency (ms) and TLS days left from ${region}${home ? ' (home)' : ''}`;
}

/** Where the on-call dashboard's saved queries live in Logs Insights: `<name>/on-call/<panel title>`. */
export function onCallQueryName(namePrefix: string, title: string): string {
  return `${namePrefix}/on-call/${title}`.slice(0, 255);
}

/** The vantage's query saved in its own region, on its probe's log group. */
export function saveVantageQuery(
  scope: Construct,
  id: string,
  props: { namePrefix: string; region: string; logGroup: ILogGroup },
): CfnQueryDefinition {
  return new CfnQueryDefinition(scope, id, {
    name: onCallQueryName(props.namePrefix, vantagePanelTitle(props.region)),
    queryString: VANTAGE_QUERY.join('\n| '),
    logGroupNames: [props.logGroup.logGroupName],
  });
}
