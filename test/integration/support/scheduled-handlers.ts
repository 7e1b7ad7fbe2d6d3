// The router and sweeper handlers at a fixed time against the router world, with one-time schedules in
// moto's EventBridge Scheduler: the deadline tests (targets, reminders, reopen checks) build them alike.
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { CloudWatchAlarmTags } from '../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { EventBridgeDeadlineScheduler } from '../../../lambdas/adapters/eventbridge-deadline-scheduler.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { SqsDeadLetterSink } from '../../../lambdas/adapters/sqs-dead-letter.ts';
import type { SweepOptions } from '../../../lambdas/core/sweep-policy.ts';
import type { Logger } from '../../../lambdas/core/logger.ts';
import type { RouterSettings } from '../../../lambdas/core/router-settings.ts';
import { makeRouterHandler } from '../../../lambdas/functions/router/handler.ts';
import { makeSweeperHandler } from '../../../lambdas/functions/sweeper/handler.ts';
import { type RouterWorld, worldNotifiers } from './router-fixture.ts';

export interface SchedulerTarget {
  groupName: string;
  targetArn: string;
  roleArn: string;
  deadLetterArn: string;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export function scheduledHandlers(
  world: () => RouterWorld,
  scheduler: SchedulerClient,
  target: SchedulerTarget,
  settings: RouterSettings,
  options: SweepOptions,
) {
  const store = () => new DynamoDbIncidentStore({ client: world().dynamo, tableName: world().tableName });
  const deadlines = () => new EventBridgeDeadlineScheduler({ client: scheduler, ...target });
  return {
    store,
    deadlines,
    /** The router handler at `now`. */
    router: (now: string) =>
      makeRouterHandler({
        store: store(),
        notifiers: worldNotifiers(world()),
        settings,
        clock: () => new Date(now),
        deadLetter: new SqsDeadLetterSink({ client: world().sqs, queueUrl: world().dlqUrl }),
        alarmTags: new CloudWatchAlarmTags({ client: world().cloudwatch }),
        logger: quiet,
        deadlines: deadlines(),
      }),
    /** The sweeper handler at `now` (what Scheduler's invocation runs). */
    sweeper: (now: string) =>
      makeSweeperHandler({
        store: store(),
        notifiers: worldNotifiers(world()),
        settings,
        clock: () => new Date(now),
        heartbeats: new DynamoDbReportHeartbeats({ client: world().dynamo, tableName: world().tableName }),
        expectedSources: [],
        options,
        logger: quiet,
        deadlines: deadlines(),
      }),
  };
}
