// Health probes (docs/architecture.md, Parts): a Lambda on a one-minute schedule probes every configured
// target twice (30 s apart; the second round by a delayed SQS message, lib/probe-second-round.ts) and puts
// one evaluation report per round on the bus: healthz_down (two consecutive failures within 60 s -> SEV1,
// one -> SEV2), tls_expiry (expired -> SEV2, < warnDays -> SEV3), monitoring_blind (a target not probed).
// The router decides and resolves from `healthy` evidence; the sweeper's source_stale:probe says when the
// reports stop. No custom metric and no per-target alarm: each would be billed every month. The previous
// rounds' per-target state is one item of the incident table (`probe-state#health`), the inbound-shape
// run's another (`probe-state#shapes`): the only keys this function may read or write there.
import { Duration, Stack, Token } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.ts';
import { PROBE_STATE_KEY } from '../lambdas/core/probe/probe-state.ts';
import { SHAPE_RUN_STATE_KEY } from '../lambdas/core/probe/shape-run-state.ts';
import type { HealthTarget } from '../lambdas/core/probe/result.ts';
import { MetisFunction } from './metis-function.ts';
import { ProbeSecondRound } from './probe-second-round.ts';
import type { ProbeVariables } from '../lambdas/functions/probe/env.ts';
import { PROBE_REPORT_INTERVAL_MINUTES } from '../lambdas/core/constants.ts';

/** Powertools' service name of the probe Lambda (its log lines carry it). */
export const PROBE_SERVICE = 'metis-alerts-probe';

/** Spacing of the two probes of one run: two datapoints per target per minute. */
export const PROBE_SPACING = Duration.seconds(30);
/** Lambda environment variables are limited to 4 KB in total; the targets travel as JSON in one of them. */
const MAX_TARGETS_JSON = 3500;

export interface ProbesProps {
  readonly namePrefix: string;
  /** The config's healthTargets; at least one. */
  readonly targets: readonly HealthTarget[];
  /** `healthz_down.enabled`, `tls_expiry.enabled` and `tls_expiry.warnDays`. */
  readonly rules: Pick<Config['rules'], 'healthz_down' | 'tls_expiry' | 'gateway_down'>;
  /** The bus the reports go on (the router's). */
  readonly bus: IEventBus;
  /** The router's incident table: holds the `probe-state#health` item. */
  readonly incidentTable: ITable;
  /**
   * Where this probe runs from when it is a vantage in another region than the bus (lib/probe-vantage-stack.ts):
   * its region (named on every report), the bus's region, and the fixed names the home stack refers to.
   * @default - the home region: reports name the stack's own region
   */
  readonly vantage?: {
    readonly region: string;
    readonly busRegion: string;
    readonly roleName: string;
    readonly logGroupName: string;
    /** Failed scheduled runs (the schedule's target and the function's on-failure destination). */
    readonly deadLetterQueue: IQueue;
  };
  /**
   * Each round is its own short invocation (no sleep billed): 128 MB is plenty for a few parallel GETs.
   * @default 128
   */
  readonly memorySize?: number;
}

export class Probes extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Rule;
  /** Absent in a vantage stack (see the constructor). */
  readonly errorsAlarm: Alarm | undefined;
  readonly secondRound: ProbeSecondRound;
  /** How often the probe reports (the sweeper's source_stale expectation). */
  readonly reportIntervalMinutes = PROBE_REPORT_INTERVAL_MINUTES;

  constructor(scope: Construct, id: string, props: ProbesProps) {
    super(scope, id);
    const targetsJson = validatedTargetsJson(props.targets);
    const lambda = this.createFunction(props, targetsJson);
    this.function = lambda.function;
    // A vantage's alarm could notify no one: alarm actions reach only same-region topics, and its state changes
    // stay on that region's default bus, which the router does not read. The router's per-vantage
    // source_stale says when a vantage stops reporting; the vantage DLQ keeps the failed runs' errors.
    if (props.vantage) lambda.node.tryRemoveChild('ErrorsAlarm');
    this.errorsAlarm = props.vantage ? undefined : lambda.errorsAlarm;
    // Round two by a delayed SQS message, not a 30 s sleep billed every minute (lib/probe-second-round.ts).
    this.secondRound = new ProbeSecondRound(this, 'SecondRound', { function: this.function });
    this.grantHeaderParameters(lambda, props.targets);
    this.grantReporting(lambda, props.bus, props.incidentTable);
    this.schedule = this.scheduleEveryMinute(props.vantage?.deadLetterQueue);
  }

  private createFunction(props: ProbesProps, targetsJson: string): MetisFunction {
    const maxTimeoutMs = Math.max(...props.targets.map((t) => t.timeoutMs));
    const rules = { healthz_down: props.rules.healthz_down, tls_expiry: props.rules.tls_expiry, gateway_down: props.rules.gateway_down };
    const { vantage } = props;
    return new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      ...(vantage
        ? { roleName: vantage.roleName, logGroupName: vantage.logGroupName, onFailure: new SqsDestination(vantage.deadLetterQueue) }
        : {}),
      entry: 'lambdas/functions/probe/index.ts',
      description: 'metis-alerts probe: GET each health target twice a minute, one evaluation report per round on the bus',
      memorySize: props.memorySize ?? 128,
      // Round 1, 30 s spacing, round 2 (each round at most one target timeout; a TLS failure's certificate
      // read stays within the same deadline), plus SSM, DynamoDB, PutEvents and cold-start slack. With the
      // second-round queue each invocation probes once; the in-process fallback still fits.
      timeout: Duration.seconds(PROBE_SPACING.toSeconds() + 2 * Math.ceil(maxTimeoutMs / 1000) + 10),
      // A missed run is replaced by the next one a minute later; a retry would only probe late.
      retryAttempts: 0,
      environment: {
        PROBE_TARGETS: targetsJson,
        PROBE_SPACING_MS: String(PROBE_SPACING.toMilliseconds()),
        EVENT_BUS_NAME: props.bus.eventBusName,
        EVENT_BUS_REGION: vantage?.busRegion,
        // Every report names where it was measured from; an env-agnostic home stack leaves it to AWS_REGION.
        PROBE_VANTAGE: vantage?.region ?? (Token.isUnresolved(Stack.of(this).region) ? undefined : Stack.of(this).region),
        PROBE_STATE_TABLE: props.incidentTable.tableName,
        PROBE_RULES: JSON.stringify(rules),
        POWERTOOLS_SERVICE_NAME: PROBE_SERVICE,
      } satisfies ProbeVariables,
      errorsAlarm: {
        name: 'probe-errors',
        severity: 'SEV3',
        description:
          "probe Lambda failed at least once in 5 minutes (e.g. its report could not be put on the bus): read its log group. If it keeps failing, the sweeper's source_stale:probe (SEV2) fires.",
      },
    });
  }

  /** Only the header parameters the config names. */
  private grantHeaderParameters(lambda: MetisFunction, targets: readonly HealthTarget[]): void {
    // SecureStrings under the AWS-managed aws/ssm key need no kms:Decrypt grant (its key policy allows use through SSM).
    const parameterArns = [...new Set(targets.flatMap((t) => Object.values(t.headersFromSsm ?? {})))]
      .sort()
      .map((name) => Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }));
    if (parameterArns.length) {
      lambda.role.addToPolicy(
        new PolicyStatement({ sid: 'ReadProbeHeaderParameters', actions: ['ssm:GetParameter'], resources: parameterArns }),
      );
    }
  }

  /** PutEvents on the bus; GetItem/PutItem on the two state items (dynamodb:LeadingKeys), nothing else of the table. */
  private grantReporting(lambda: MetisFunction, bus: IEventBus, table: ITable): void {
    lambda.role.addToPolicy(new PolicyStatement({ sid: 'PutProbeReports', actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));
    lambda.role.addToPolicy(
      new PolicyStatement({
        sid: 'ProbeStateItemOnly',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PROBE_STATE_KEY, SHAPE_RUN_STATE_KEY] } },
      }),
    );
  }

  private scheduleEveryMinute(deadLetterQueue: IQueue | undefined): Rule {
    return new Rule(this, 'Schedule', {
      description: 'Probe the health targets (twice per run, 30 s apart) and report each round',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0, ...(deadLetterQueue ? { deadLetterQueue } : {}) })],
    });
  }
}

/** The targets as the JSON variable the function reads; refuses what the Lambda environment cannot hold. */
function validatedTargetsJson(targets: readonly HealthTarget[]): string {
  if (targets.length === 0) throw new Error('Probes: props.targets is empty; create Probes only when config.healthTargets has entries');
  const targetsJson = JSON.stringify(targets);
  if (targetsJson.length > MAX_TARGETS_JSON) {
    throw new Error(
      `Probes: props.targets is ${targetsJson.length} characters as JSON; Lambda environment variables allow about ${MAX_TARGETS_JSON} (use fewer or shorter targets)`,
    );
  }
  return targetsJson;
}
