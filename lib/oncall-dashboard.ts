// The one on-call dashboard: everything on-call needs at 3 a.m. on one page, instead of a
// dashboard per part. It adds no custom metric (each costs USD 0.30 a month): panels use metrics AWS
// vends for free (Lambda, SQS), alarm states, and Logs Insights queries over the log lines the Lambdas write once per run
// (lambdas/core/dashboard/log-records.ts), which cost only the bytes a query scans while someone looks.
import { Duration, Stack } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { CfnQueryDefinition } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DASHBOARD_MESSAGES as M } from '../lambdas/core/dashboard/log-records.ts';
import { onCallQueryName, VANTAGE_QUERY, vantagePanelTitle } from './vantage-query.ts';

export interface OnCallDashboardProps {
  readonly namePrefix: string;
  /**
   * The probe Lambda and its health target names; absent without healthTargets. `vantages`: the extra probe
   * regions (lib/probe-vantage-stack.ts) with their probe's log group name there. @default vantages none
   */
  readonly probe?: {
    readonly function: LambdaFn;
    readonly targets: readonly string[];
    readonly vantages?: readonly { readonly region: string; readonly logGroupName: string }[];
  };
  /** Inbound shape names (they run in the probe Lambda). @default - none */
  readonly inboundShapes?: readonly string[];
  /** The trace-check Lambda; absent without `snapshot`. */
  readonly traceCheck?: LambdaFn;
  /** The log-watch Lambda; absent without `logGroups`. */
  readonly logWatch?: LambdaFn;
  readonly router: LambdaFn;
  readonly sweeper: LambdaFn;
  readonly deadLetterQueue: IQueue;
  /** Budget and caps as configured, shown in the spend panel's title. */
  readonly spendLimits: {
    readonly dailyBudgetUsd?: number | undefined;
    readonly dailyHardCapUsd?: number | undefined;
    readonly monthlyHardCapUsd?: number | undefined;
  };
  /** The pipeline's own alarms (heartbeat, Lambda errors, DLQ): their state on the first row. */
  readonly alarms: readonly IAlarm[];
  /** @default `${namePrefix}-oncall` */
  readonly dashboardName?: string;
  /**
   * Whether to create the CloudWatch dashboard (USD 3 a month at list price). The Logs Insights panels
   * are saved queries (`<namePrefix>/on-call/<panel title>`, free) either way.
   * @default true
   */
  readonly createDashboard?: boolean;
}

const WIDTH = 24;
const HALF = 12;

export class OnCallDashboard extends Construct {
  /** Absent when `createDashboard` is false. */
  readonly dashboard: Dashboard | undefined;
  /** Every Logs Insights panel as a saved query (CloudWatch Logs Insights, "Saved queries"). */
  readonly savedQueries: readonly CfnQueryDefinition[];
  /** Every widget in order, for tests and for operators who extend the dashboard. */
  readonly widgets: readonly IWidget[];

  constructor(scope: Construct, id: string, props: OnCallDashboardProps) {
    super(scope, id);
    const detectors = [
      ['probe', props.probe?.function],
      ['trace-check', props.traceCheck],
      ['log-watch', props.logWatch],
      ['router', props.router],
      ['sweeper', props.sweeper],
    ].filter((d): d is [string, LambdaFn] => d[1] !== undefined);

    const rows: IWidget[][] = [];
    rows.push([
      new TextWidget({
        markdown:
          `# ${props.namePrefix} on-call\n` +
          'Open incidents, then the detectors. Every alert names its first move; ' +
          '`npx metis-alerts incidents --open` lists the incidents, `npx metis-alerts probe --url URL` re-checks a target by hand.',
        width: WIDTH,
        height: 2,
      }),
    ]);
    rows.push([
      logTable(
        'Open incidents by severity (sweeper, every 5 min)',
        [props.sweeper],
        [
          `filter message = '${M.openIncidents}'`,
          'stats latest(SEV1) as SEV1, latest(SEV2) as SEV2, latest(SEV3) as SEV3, latest(SEV4) as SEV4, latest(total) as total, latest(@timestamp) as at',
        ],
        HALF,
        LogQueryVisualizationType.TABLE,
      ),
      // An alarm status widget holds at most 100 alarms.
      new AlarmStatusWidget({ title: 'Pipeline alarms', alarms: props.alarms.slice(0, 100), width: HALF, height: 6 }),
    ]);

    if (props.probe) {
      rows.push([
        // From the per-target probe log lines (no custom metric): one line per target.
        logTable(
          'Probe failures per target (failed probes a minute)',
          [props.probe.function],
          [
            `filter message in ['${M.probeOk}', '${M.probeFailed}']`,
            "fields strcontains(message, 'failed') as isFailed",
            'stats sum(isFailed) as failed by bin(1m), target',
          ],
          HALF,
          LogQueryVisualizationType.LINE,
        ),
        logTable(
          'Probe latency per target (ms)',
          [props.probe.function],
          [
            `filter message in ['${M.probeOk}', '${M.probeFailed}']`,
            // A timeout shows as max = the timeout; a refused connection as a few ms: read with the failures column.
            "fields strcontains(message, 'failed') as isFailed",
            'stats count(*) as probes, sum(isFailed) as failed, pct(latencyMs, 50) as p50, pct(latencyMs, 95) as p95, max(latencyMs) as max by target',
            'sort target',
          ],
          HALF,
          LogQueryVisualizationType.TABLE,
        ),
      ]);
    }
    const vantages = props.probe?.vantages ?? [];
    if (props.probe && vantages.length > 0) {
      // Per vantage, from that region's own probe log lines (lib/vantage-query.ts). The home panel is saved
      // here with the others; each other region's stack saves its own query there (lib/probe-vantage-stack.ts).
      const home = Stack.of(this).region;
      // One row; CloudWatch wraps it two panels wide.
      rows.push([
        logTable(vantagePanelTitle(home, true), [props.probe.function], VANTAGE_QUERY, HALF, TABLE),
        ...vantages.map(
          ({ region, logGroupName }) =>
            new LogQueryWidget({
              title: vantagePanelTitle(region),
              logGroupNames: [logGroupName],
              region,
              queryLines: VANTAGE_QUERY,
              view: TABLE,
              width: HALF,
              height: 6,
            }),
        ),
      ]);
    }
    if (props.probe && (props.inboundShapes?.length ?? 0) > 0) {
      rows.push([
        logTable(
          'Inbound shapes (one-token request per run)',
          [props.probe.function],
          [
            `filter message = '${M.inboundShape}'`,
            "fields strcontains(verdict, 'shape_down') as isDown",
            'stats latest(verdict) as last, latest(status) as status, latest(reason) as why, count(*) as runs, sum(isDown) as down, avg(latencyMs) as avgMs by name, shape',
            'sort name',
          ],
          WIDTH,
          LogQueryVisualizationType.TABLE,
        ),
      ]);
    }

    if (props.traceCheck) {
      const limits = [
        props.spendLimits.dailyBudgetUsd !== undefined ? `budget $${props.spendLimits.dailyBudgetUsd}/day` : 'no daily budget set',
        props.spendLimits.dailyHardCapUsd !== undefined ? `cap $${props.spendLimits.dailyHardCapUsd}/day` : 'no daily cap',
        props.spendLimits.monthlyHardCapUsd !== undefined ? `cap $${props.spendLimits.monthlyHardCapUsd}/month` : 'no monthly cap',
      ].join(', ');
      rows.push([
        logTable(
          'Error share per model (%, last 10 min, busiest 20)',
          [props.traceCheck],
          [
            `filter message = '${M.modelErrorShare}'`,
            'stats latest(errorPct) as errorPct, max(errorPct) as peakPct, latest(calls) as calls, latest(errors) as errors by model',
            'sort errorPct desc',
            'limit 20',
          ],
          HALF,
          LogQueryVisualizationType.TABLE,
        ),
        logTable(
          `Spend today vs budget and caps (USD; ${limits})`,
          [props.traceCheck],
          [
            `filter message = '${M.traceNumbers}'`,
            'stats max(spendTodayUsd) as spendToday, max(projectedDailySpendUsd) as projectedToday, max(dailyBudgetUsd) as budget, max(projectionLimitUsd) as projectionLimit, max(dailyHardCapUsd) as dailyCap by bin(5m)',
          ],
          HALF,
          LogQueryVisualizationType.LINE,
        ),
      ]);
      rows.push([
        logTable(
          'Month to date vs monthly cap (USD)',
          [props.traceCheck],
          [
            `filter message = '${M.traceNumbers}'`,
            'stats max(monthToDateUsd) as monthToDate, max(monthlyHardCapUsd) as monthlyCap by bin(1h)',
          ],
          HALF,
          LogQueryVisualizationType.LINE,
        ),
        logTable(
          'Snapshot age (s): shipper upload and newest event',
          [props.traceCheck],
          [
            `filter message = '${M.traceNumbers}'`,
            'stats max(snapshotAgeSeconds) as snapshotAge, max(newestEventAgeSeconds) as newestEventAge by bin(5m)',
          ],
          HALF,
          LogQueryVisualizationType.LINE,
        ),
      ]);
    }

    rows.push([
      new GraphWidget({
        title: 'Dead-letter queue depth (events the router could not process)',
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
            label: 'DLQ messages',
          }),
        ],
        leftYAxis: { min: 0 },
        width: HALF,
      }),
      new GraphWidget({
        title: 'Detector heartbeats (invocations per 5 min; a flat zero is a detector that stopped)',
        left: detectors.map(([name, fn]) => fn.metricInvocations({ period: Duration.minutes(5), statistic: 'Sum', label: name })),
        right: detectors.map(([name, fn]) => fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum', label: `${name} errors` })),
        leftYAxis: { min: 0 },
        rightYAxis: { min: 0 },
        width: HALF,
      }),
    ]);

    this.widgets = rows.flat();
    this.savedQueries = this.widgets.flatMap((widget) => {
      const panel = PANEL_QUERIES.get(widget);
      if (!panel) return [];
      return [
        new CfnQueryDefinition(this, `Query${slug(panel.title)}`, {
          name: onCallQueryName(props.namePrefix, panel.title),
          queryString: panel.queryLines.join('\n| '),
          logGroupNames: [...panel.logGroupNames],
        }),
      ];
    });
    this.dashboard =
      (props.createDashboard ?? true)
        ? new Dashboard(this, 'Dashboard', {
            dashboardName: props.dashboardName ?? `${props.namePrefix}-oncall`,
            defaultInterval: Duration.hours(3),
            widgets: rows,
          })
        : undefined;
  }
}

const TABLE = LogQueryVisualizationType.TABLE;

/** What each Logs Insights panel queries, so the same query is also saved on its own (free). */
const PANEL_QUERIES = new WeakMap<IWidget, { title: string; logGroupNames: readonly string[]; queryLines: readonly string[] }>();

/** A construct id from a panel title: letters and digits only. */
function slug(title: string): string {
  return title
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
    .slice(0, 60);
}

function logTable(
  title: string,
  functions: readonly LambdaFn[],
  queryLines: string[],
  width: number,
  view: LogQueryVisualizationType,
): LogQueryWidget {
  const logGroupNames = functions.map((fn) => fn.logGroup.logGroupName);
  const widget = new LogQueryWidget({ title, logGroupNames, queryLines, view, width, height: 6 });
  PANEL_QUERIES.set(widget, { title, logGroupNames, queryLines });
  return widget;
}
