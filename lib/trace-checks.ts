// trace-check (DESIGN.md sections 1, 3): on a schedule, reads the newest trace-DB snapshot from S3 with
// sql.js, runs every trace-DB rule and puts the evaluation report on the bus. Its numbers go out as EMF
// metrics under the MetisAlerts namespace, shown on a small dashboard.
import { Duration, Stack } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.ts';
import { MetisFunction } from './metis-function.ts';
import { SnapshotBucket } from './snapshot-bucket.ts';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { TraceCheckVariables } from '../lambdas/functions/trace-check/env.ts';

export interface TraceChecksProps {
  readonly namePrefix: string;
  readonly bus: IEventBus;
  readonly snapshot: NonNullable<Config['snapshot']>;
  readonly rules: Config['rules'];
  /**
   * The whole database lives in the WASM heap: about 3.4x the DB size at peak (FACTS.md), so 2 GB serves
   * a DB of roughly 500 MB.
   * @default 2048
   */
  readonly memorySize?: number;
}

export class TraceChecks extends Construct {
  readonly function: NodejsFunction;
  readonly snapshots: SnapshotBucket;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: TraceChecksProps) {
    super(scope, id);
    this.snapshots = new SnapshotBucket(this, 'Snapshots', { prefix: props.snapshot.prefix });
    const { bucket, snapshotKey } = this.snapshots;
    const minutes = props.snapshot.scheduleMinutes;

    const lambda = new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      entry: 'lambdas/functions/trace-check/index.ts',
      description: 'metis-alerts trace-check: trace-DB rules over the newest snapshot',
      memorySize: props.memorySize ?? 2048,
      // Must end before the next scheduled run.
      timeout: Duration.seconds(Math.min(60 * minutes - 5, 120)),
      // A missed run is replaced by the next one within minutes: retrying an old one only adds load.
      retryAttempts: 0,
      // sql.js ships as its JS (bundled) and sql-wasm.wasm copied next to index.mjs: not the whole 31 MB package,
      // and no base64 copy of the .wasm inside the bundle.
      // No source map (it would double the asset, DESIGN.md section 10 keeps it under 1.5 MB); keepNames keeps
      // function names readable in stack traces instead.
      bundling: { commandHooks: copySqlJsWasm(), sourceMap: false, keepNames: true },
      environment: {
        SNAPSHOT_BUCKET: bucket.bucketName,
        SNAPSHOT_KEY: snapshotKey,
        EVENT_BUS_NAME: props.bus.eventBusName,
        TRACE_RULES: JSON.stringify(props.rules),
        POWERTOOLS_SERVICE_NAME: 'metis-alerts-trace-check',
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      } satisfies TraceCheckVariables,
      errorsAlarm: {
        name: 'trace-check-errors',
        severity: 'SEV3',
        description: 'trace-check failed at least once in 5 minutes: trace-DB alerts are blind until it runs again. Read its log group.',
      },
    });
    this.function = lambda.function;

    lambda.role.addToPolicy(
      new PolicyStatement({ sid: 'ReadSnapshot', actions: ['s3:GetObject'], resources: [bucket.arnForObjects(snapshotKey)] }),
    );
    // Without ListBucket a missing object answers 403 instead of 404 and would read as a permissions problem.
    lambda.role.addToPolicy(
      new PolicyStatement({
        sid: 'SeeMissingSnapshot',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': snapshotKey } },
      }),
    );
    lambda.role.addToPolicy(
      new PolicyStatement({ sid: 'PutEvaluationReports', actions: ['events:PutEvents'], resources: [props.bus.eventBusArn] }),
    );

    this.schedule = new Rule(this, 'Schedule', {
      description: `Run the trace-DB rules every ${minutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(minutes)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.namePrefix}-trace-db`,
      widgets: [
        [
          graph('Spend today vs projection (USD)', ['SpendTodayUsd', 'ProjectedDailySpendUsd']),
          graph('p95 latency (ms)', ['LatencyP95Ms']),
        ],
        [
          new GraphWidget({
            title: 'Error share per model (%)',
            left: [
              new MathExpression({
                expression: `SEARCH('{${METRIC_NAMESPACE},Model,service} MetricName="ErrorSharePercent"', 'Maximum', 60)`,
                label: '',
              }),
            ],
            width: 12,
          }),
          graph('Snapshot age (s)', ['SnapshotAgeSeconds', 'NewestEventAgeSeconds']),
        ],
      ],
    });
    void Stack.of(this);
  }
}

function copySqlJsWasm(): NonNullable<BundlingOptions['commandHooks']> {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      `cp "${inputDir}/node_modules/sql.js/dist/sql-wasm.wasm" "${outputDir}/sql-wasm.wasm"`,
    ],
  };
}

function graph(title: string, names: string[]): GraphWidget {
  return new GraphWidget({
    title,
    width: 12,
    left: names.map(
      (name) =>
        new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: name,
          dimensionsMap: { service: 'metis-alerts-trace-check' },
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
    ),
  });
}
