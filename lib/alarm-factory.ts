// Every CloudWatch alarm of the stack goes through here (after cdk-monitoring-constructs' AlarmFactory):
// the factory owns the naming (`<namePrefix>-<name>`), the metric namespace of our own metrics, the
// routing tags the router reads from an alarm's state change (metis:severity / rule / subject / runbook,
// see lambdas/core/alarm-signal.ts) and the alarm actions. Constructs declare their alarms as data: a
// Record<name, AlarmThreshold> of thresholds plus what each alarm watches and how it is routed.
import { type Duration, Tags } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { Severity } from '../lambdas/core/signal.ts';

/** When an alarm fires. */
export interface AlarmThreshold {
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  /** Periods evaluated. @default 1 */
  readonly evaluationPeriods?: number;
  /** Breaching periods among them that fire the alarm. @default - evaluationPeriods (CloudWatch's default) */
  readonly datapointsToAlarm?: number;
  /** What a period without data counts as. @default TreatMissingData.NOT_BREACHING */
  readonly treatMissingData?: TreatMissingData;
}

/** How the router routes the alarm's state changes (the metis:* tags). */
export interface AlarmRouting {
  readonly severity: Severity;
  /** metis:rule. @default - the router uses `cloudwatch_alarm` */
  readonly rule?: string;
  /** metis:subject. @default - the router uses the alarm name */
  readonly subject?: string;
  /** metis:runbook, the runbook section. @default - none */
  readonly runbook?: string;
}

export interface AlarmSpec extends AlarmThreshold {
  /** After the name prefix: the alarm is named `<namePrefix>-<name>`. */
  readonly name: string;
  readonly description: string;
  readonly metric: IMetric;
  /** Untagged alarms are not routed by the router (give them `actions`). @default - untagged */
  readonly routing?: AlarmRouting;
  /** Topics notified directly on ALARM. @default - none (state changes reach the router through the default bus) */
  readonly actions?: readonly ITopic[];
}

/** A metric the functions emit (EMF) under the project's namespace. */
export interface OwnMetricSpec {
  readonly metricName: string;
  readonly dimensionsMap: Record<string, string>;
  readonly statistic: string;
  readonly period: Duration;
}

export const ROUTING_TAGS = { severity: 'metis:severity', rule: 'metis:rule', subject: 'metis:subject', runbook: 'metis:runbook' } as const;

export class AlarmFactory {
  constructor(
    private readonly scope: Construct,
    readonly namePrefix: string,
  ) {}

  /** `<namePrefix>-<name>`. */
  alarmName(name: string): string {
    return `${this.namePrefix}-${name}`;
  }

  /** One of our own metrics, in the project's namespace. */
  metric(spec: OwnMetricSpec): Metric {
    return new Metric({ namespace: METRIC_NAMESPACE, ...spec });
  }

  /** The alarm `id` in the factory's scope: named, tagged for the router, with its actions. */
  addAlarm(id: string, spec: AlarmSpec): Alarm {
    const alarm = new Alarm(this.scope, id, {
      alarmName: this.alarmName(spec.name),
      alarmDescription: spec.description,
      metric: spec.metric,
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    if (spec.routing) {
      for (const [key, tag] of Object.entries(ROUTING_TAGS)) {
        const value = spec.routing[key as keyof AlarmRouting];
        if (value) Tags.of(alarm).add(tag, value);
      }
    }
    for (const topic of spec.actions ?? []) alarm.addAlarmAction(new SnsAction(topic));
    return alarm;
  }
}

/** At least one: the usual threshold of a failure count. */
export const AT_LEAST_ONE: AlarmThreshold = { comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, threshold: 1 };
