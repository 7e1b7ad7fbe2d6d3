// Health probes (docs/architecture.md, Parts): a Lambda on a one-minute schedule probes every configured
// target twice (30 s apart) and emits high-resolution EMF metrics; CloudWatch alarms on those metrics are
// the detector. No alarm actions: every alarm state change reaches the router through the default bus,
// and the router reads these alarms' tags (metis:severity / rule / subject / runbook) to route them.
//
// Per target:
//   healthz_down SEV1  Failed Maximum, 30 s periods, 2 of 2 >= 1  (two consecutive failures within 60 s)
//   healthz_down SEV2  Failed Maximum, 30 s periods, 1 of 1 >= 1  (one failure)
//   tls_expiry   SEV3  TlsDaysLeft Minimum over 5 min < warnDays  (https targets only)
//   tls_expiry   SEV2  TlsDaysLeft Minimum over 5 min < 0         (expired; https targets only)
// Once: monitoring_blind SEV2 (subject `probe`): ProbeHeartbeat SampleCount < 1 over 3 min, missing = breaching.
import { Duration, Stack } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.ts';
import {
  HEALTHZ_RULE,
  HEARTBEAT_RULE,
  HEARTBEAT_SUBJECT,
  TLS_RULE,
  heartbeatAlarmSuffix,
  probeAlarmSuffix,
} from '../lambdas/core/probe/alarms.ts';
import {
  healthzAlarmDescription,
  heartbeatAlarmDescription,
  PROBE_RUNBOOK_SECTION,
  tlsAlarmDescription,
} from '../lambdas/core/probe/diagnosis.ts';
import type { Severity } from '../lambdas/core/signal.ts';
import { PROBE_METRIC, PROBE_SERVICE, TARGET_DIMENSION } from '../lambdas/core/probe/metric-points.ts';
import type { HealthTarget } from '../lambdas/core/probe/result.ts';
import { AlarmFactory, type AlarmRouting, type AlarmThreshold, AT_LEAST_ONE } from './alarm-factory.ts';
import { MetisFunction } from './metis-function.ts';
import { ProbeSecondRound } from './probe-second-round.ts';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { ProbeVariables } from '../lambdas/functions/probe/env.ts';

/** Spacing of the two probes of one run: two datapoints per target per minute. */
export const PROBE_SPACING = Duration.seconds(30);
/** Lambda environment variables are limited to 4 KB in total; the targets travel as JSON in one of them. */
const MAX_TARGETS_JSON = 3500;

export interface ProbesProps {
  readonly namePrefix: string;
  /** The config's healthTargets; at least one. */
  readonly targets: readonly HealthTarget[];
  /** `healthz_down.enabled`, `tls_expiry.enabled` and `tls_expiry.warnDays`. */
  readonly rules: Pick<Config['rules'], 'healthz_down' | 'tls_expiry'>;
  /**
   * The function mostly sleeps (30 s between rounds) and is billed for it every minute: 128 MB keeps that at
   * about 43 200 x 31 s x 0.125 GB = 167 000 GB-s a month (about USD 2.2 on arm64 outside the free tier).
   * @default 128
   */
  readonly memorySize?: number;
}

export interface TargetAlarms {
  readonly healthzSev1?: Alarm;
  readonly healthzSev2?: Alarm;
  /** https targets only. */
  readonly tlsSev3?: Alarm;
  readonly tlsSev2?: Alarm;
}

/** The probe alarms' thresholds, per rule and severity (metrics in 30 s periods for healthz, 5 min for TLS). */
export const PROBE_ALARMS = {
  // Missing data keeps the last state (IGNORE): a gap is "not measured", neither "down" (a probe that stops
  // must not page healthz_down for every target) nor "healthy" (it must not resolve an outage in progress).
  // The heartbeat alarm says "monitoring blind" instead.
  /** Two consecutive failures within 60 s. */
  healthzSev1: { ...AT_LEAST_ONE, evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: TreatMissingData.IGNORE },
  /** One failure. */
  healthzSev2: { ...AT_LEAST_ONE, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: TreatMissingData.IGNORE },
  // Missing data (target down: no certificate seen) keeps the current state: an expiring-certificate
  // incident should neither resolve nor re-open because the endpoint was briefly unreachable.
  /** Fewer days left than `tls_expiry.warnDays` (the threshold is set from the config). */
  tlsSev3: {
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 14,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.IGNORE,
  },
  /** Expired. */
  tlsSev2: {
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 0,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.IGNORE,
  },
  // The one alarm that watches the watcher: missing data IS breaching here, because no heartbeat is exactly
  // the failure (schedule disabled, Lambda crashing, header parameter gone, throttled).
  /** No heartbeat in 3 minutes. */
  heartbeat: {
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.BREACHING,
  },
} satisfies Record<string, AlarmThreshold>;

export class Probes extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Rule;
  readonly heartbeatAlarm: Alarm;
  readonly errorsAlarm: Alarm;
  readonly secondRound: ProbeSecondRound;
  /** By target name. */
  readonly alarms: Readonly<Record<string, TargetAlarms>>;

  constructor(scope: Construct, id: string, props: ProbesProps) {
    super(scope, id);
    const targetsJson = validatedTargetsJson(props.targets);
    const lambda = this.createFunction(props, targetsJson);
    this.function = lambda.function;
    this.errorsAlarm = lambda.errorsAlarm;
    // Round two by a delayed SQS message, not a 30 s sleep billed every minute (lib/probe-second-round.ts).
    this.secondRound = new ProbeSecondRound(this, 'SecondRound', { function: this.function });
    this.grantHeaderParameters(lambda, props.targets);
    this.schedule = this.scheduleEveryMinute();
    const alarms = new AlarmFactory(this, props.namePrefix);
    this.alarms = Object.fromEntries(props.targets.map((target) => [target.name, this.addTargetAlarms(alarms, target, props.rules)]));
    this.heartbeatAlarm = this.addHeartbeatAlarm(alarms);
  }

  private createFunction(props: ProbesProps, targetsJson: string): MetisFunction {
    const maxTimeoutMs = Math.max(...props.targets.map((t) => t.timeoutMs));
    return new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      entry: 'lambdas/functions/probe/index.ts',
      description: 'metis-alerts probe: GET each health target twice a minute, EMF metrics for the healthz/tls alarms',
      memorySize: props.memorySize ?? 128,
      // Round 1, 30 s spacing, round 2 (each round at most one target timeout; a TLS failure's certificate
      // read stays within the same deadline), plus SSM and cold-start slack.
      timeout: Duration.seconds(PROBE_SPACING.toSeconds() + 2 * Math.ceil(maxTimeoutMs / 1000) + 10),
      // A missed run is replaced by the next one a minute later; a retry would only probe late.
      retryAttempts: 0,
      environment: {
        PROBE_TARGETS: targetsJson,
        PROBE_SPACING_MS: String(PROBE_SPACING.toMilliseconds()),
        POWERTOOLS_SERVICE_NAME: PROBE_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      } satisfies ProbeVariables,
      errorsAlarm: {
        name: 'probe-errors',
        severity: 'SEV3',
        description:
          'probe Lambda failed at least once in 5 minutes: read its log group. If it keeps failing the probe heartbeat alarm (SEV2) fires.',
      },
    });
  }

  /** Only the header parameters the config names; EMF metrics need no cloudwatch:PutMetricData. */
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

  private scheduleEveryMinute(): Rule {
    return new Rule(this, 'Schedule', {
      description: 'Probe the health targets (twice per run, 30 s apart)',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }

  private addTargetAlarms(alarms: AlarmFactory, target: HealthTarget, rules: ProbesProps['rules']): TargetAlarms {
    const dimensionsMap = { service: PROBE_SERVICE, [TARGET_DIMENSION]: target.name };
    const entry: { -readonly [K in keyof TargetAlarms]: TargetAlarms[K] } = {};
    if (rules.healthz_down.enabled) {
      const failed = alarms.metric({ metricName: PROBE_METRIC.failed, dimensionsMap, statistic: 'Maximum', period: PROBE_SPACING });
      const healthz = (severity: 'SEV1' | 'SEV2') =>
        alarms.addAlarm(`Healthz${target.name}${severity === 'SEV1' ? 'Sev1' : 'Sev2'}`, {
          ...(severity === 'SEV1' ? PROBE_ALARMS.healthzSev1 : PROBE_ALARMS.healthzSev2),
          name: probeAlarmSuffix('healthz', target.name, severity),
          description: healthzAlarmDescription(target, severity),
          metric: failed,
          routing: probeRouting(HEALTHZ_RULE, target.name, severity),
        });
      entry.healthzSev1 = healthz('SEV1');
      entry.healthzSev2 = healthz('SEV2');
    }
    if (rules.tls_expiry.enabled && new URL(target.url).protocol === 'https:') {
      const daysLeft = alarms.metric({
        metricName: PROBE_METRIC.tlsDaysLeft,
        dimensionsMap,
        statistic: 'Minimum',
        period: Duration.minutes(5),
      });
      const warnDays = rules.tls_expiry.warnDays;
      entry.tlsSev3 = alarms.addAlarm(`Tls${target.name}Sev3`, {
        ...PROBE_ALARMS.tlsSev3,
        threshold: warnDays,
        name: probeAlarmSuffix('tls', target.name, 'SEV3'),
        description: tlsAlarmDescription(target, 'expiring', warnDays),
        metric: daysLeft,
        routing: probeRouting(TLS_RULE, target.name, 'SEV3'),
      });
      entry.tlsSev2 = alarms.addAlarm(`Tls${target.name}Sev2`, {
        ...PROBE_ALARMS.tlsSev2,
        name: probeAlarmSuffix('tls', target.name, 'SEV2'),
        description: tlsAlarmDescription(target, 'expired', warnDays),
        metric: daysLeft,
        routing: probeRouting(TLS_RULE, target.name, 'SEV2'),
      });
    }
    return entry;
  }

  private addHeartbeatAlarm(alarms: AlarmFactory): Alarm {
    return alarms.addAlarm('Heartbeat', {
      ...PROBE_ALARMS.heartbeat,
      name: heartbeatAlarmSuffix(),
      description: heartbeatAlarmDescription(),
      metric: alarms.metric({
        metricName: PROBE_METRIC.heartbeat,
        dimensionsMap: { service: PROBE_SERVICE },
        statistic: 'SampleCount',
        period: Duration.minutes(3),
      }),
      routing: probeRouting(HEARTBEAT_RULE, HEARTBEAT_SUBJECT, 'SEV2'),
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

/** The tags the router reads from a probe alarm (probeAlarmTags in lambdas/core/probe/alarms.ts). */
function probeRouting(rule: string, subject: string, severity: Severity): AlarmRouting {
  return { severity, rule, subject, runbook: PROBE_RUNBOOK_SECTION };
}
