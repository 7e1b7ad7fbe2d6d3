// The sweeper (docs/architecture.md, Parts): every 5 minutes it does what time alone does to open incidents
// (SEV2 out-of-hours escalation, 30-minute reminders, missed targets, quiet traceback resolution), retries
// deliveries still owed, and raises "monitoring blind" when a detector stops reporting. Deadline schedules
// wake it for one incident at the minute a target or reminder is due.
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { OWED_INDEX } from '../lambdas/core/constants.ts';
import type { RouterSettings } from '../lambdas/core/router-settings.ts';
import type { SourceExpectation } from '../lambdas/core/source-health.ts';
import { MetisFunction } from './metis-function.ts';
import { grantTableActions } from './table-access.ts';
import { grantNotificationAccess, notificationEnvironment, type NotificationTargets } from './notification-access.ts';
import type { SweeperVariables } from '../lambdas/functions/sweeper/env.ts';

export interface SweeperProps extends NotificationTargets {
  readonly namePrefix: string;
  readonly settings: RouterSettings;
  /** rules.traceback.quietMinutes */
  readonly tracebackQuietMinutes: number;
  /** Rules resolved by the sweeper when their detector has been quiet this long (log-watch key rules). @default - none */
  readonly quietResolveMinutes?: Record<string, number>;
  /** Per source: minutes without a firing signal after which a reminder says "no data since HH:MM". @default - none */
  readonly noDataAfterMinutes?: Partial<Record<string, number>>;
  /** Per source that re-sends firing signals every run: how often it runs (a reopen check's "no report since"). @default - none */
  readonly reportEveryMinutes?: Partial<Record<string, number>>;
  /** Detectors that report on a schedule; one silent for three intervals raises "monitoring blind". */
  readonly expectedSources: SourceExpectation[];
  /** @default Duration.minutes(5) */
  readonly interval?: Duration;
}

export class Sweeper extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(5);
    const lambda = new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      entry: 'lambdas/functions/sweeper/index.ts',
      // Deadline schedules name it by ARN, and it schedules its own next reminders: a fixed name breaks the cycle.
      functionName: props.deadlines?.sweeperFunctionName,
      description: 'metis-alerts sweeper: escalations, reminders, quiet resolves, stalled detectors',
      timeout: Duration.seconds(120),
      // The next sweep does the same work minutes later; an old retried one would only race it.
      retryAttempts: 0,
      environment: {
        ...notificationEnvironment(props, JSON.stringify(props.settings)),
        SWEEPER_SETTINGS: JSON.stringify({
          tracebackQuietMinutes: props.tracebackQuietMinutes,
          quietResolveMinutes: props.quietResolveMinutes ?? {},
          noDataAfterMinutes: props.noDataAfterMinutes ?? {},
          reportEveryMinutes: props.reportEveryMinutes ?? {},
          expectedSources: props.expectedSources,
        }),
        POWERTOOLS_SERVICE_NAME: 'metis-alerts-sweeper',
      } satisfies SweeperVariables,
      errorsAlarm: {
        name: 'sweeper-errors',
        severity: 'SEV3',
        description: 'The metis-alerts sweeper failed: escalations and reminders may be late. Read its log group.',
      },
    });
    this.function = lambda.function;
    // UpdateItem: marking a silence's end notice as posted (conditional, so two sweepers post it once).
    grantNotificationAccess(lambda.role, props, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Scan',
      'dynamodb:BatchGetItem',
    ]);
    // Resolved incidents that still owe a delivery (a failed resolve), from their sparse index.
    grantTableActions(lambda.role, 'OwedIncidents', props.incidentTable, ['dynamodb:Query'], OWED_INDEX);
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Sweep open incidents',
      schedule: Schedule.rate(interval),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
