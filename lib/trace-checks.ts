// trace-check (docs/architecture.md, Parts): on a schedule, reads the newest trace-DB snapshot from S3 with
// sql.js, runs every trace-DB rule and puts the evaluation report on the bus. Its numbers are log lines
// (no custom metric) that the on-call dashboard (lib/oncall-dashboard.ts) queries with Logs Insights.
import { Duration, Stack } from 'aws-cdk-lib';
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
   * Memory in MB. Default: from `snapshot.expectedDbMb` (traceCheckMemoryMb): the open snapshot peaks
   * near 2x its size above the runtime (bench/results.md).
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
      memorySize: props.memorySize ?? traceCheckMemoryMb(props.snapshot.expectedDbMb),
      // Must end before the next scheduled run.
      timeout: Duration.seconds(Math.min(60 * minutes - 5, 120)),
      // A missed run is replaced by the next one within minutes: retrying an old one only adds load.
      retryAttempts: 0,
      // sql.js ships as its JS (bundled) and sql-wasm.wasm copied next to index.mjs: not the whole 31 MB package,
      // and no base64 copy of the .wasm inside the bundle.
      // No source map (it would double the asset, docs/architecture.md keeps it under 1.5 MB); keepNames keeps
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

/** Runtime and sql.js (~200 MB) plus twice the database, in 64 MB steps, at least 512 MB. */
export function traceCheckMemoryMb(expectedDbMb: number): number {
  return Math.max(512, Math.ceil((200 + 2 * expectedDbMb) / 64) * 64);
}
