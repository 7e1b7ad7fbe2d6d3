// Deadlines to the minute as EventBridge Scheduler one-time schedules: `at(...)` in UTC, deleted after they
// run, targeting the sweeper with the small deadline payload; failed invocations land in the DLQ. The
// name is derived from incident, episode, kind and minute, so scheduling one deadline twice is one schedule.
import { createHash } from 'node:crypto';
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { deadlineName, wakeUpAt, type Deadline, type DeadlineScheduler } from '../core/deadlines.ts';

export interface EventBridgeDeadlineSchedulerProps {
  client: SchedulerClient;
  /** The schedule group the stack created (its name scopes the scheduler's IAM grant). */
  groupName: string;
  /** The function a deadline wakes (the sweeper). */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  roleArn: string;
  /** Where an invocation that failed all its retries is parked. */
  deadLetterArn: string;
}

/** What the woken function receives. */
export interface DeadlineEvent {
  deadline: Deadline;
}

export class EventBridgeDeadlineScheduler implements DeadlineScheduler {
  constructor(private readonly props: EventBridgeDeadlineSchedulerProps) {}

  async schedule(deadlines: Deadline[]): Promise<void> {
    for (const deadline of deadlines) {
      const input: DeadlineEvent = { deadline };
      try {
        await this.props.client.send(
          new CreateScheduleCommand({
            Name: scheduleName(deadline),
            GroupName: this.props.groupName,
            ScheduleExpression: `at(${wakeUpAt(deadline).toISOString().slice(0, 19)})`,
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: this.props.targetArn,
              RoleArn: this.props.roleArn,
              Input: JSON.stringify(input),
              DeadLetterConfig: { Arn: this.props.deadLetterArn },
              // A late wake-up is still worth it (the handler acts only if due); after 15 min the sweep has it anyway.
              RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConflictException) continue; // already scheduled by an earlier write
        throw error;
      }
    }
  }
}

/** At most 64 characters of [0-9a-zA-Z-_.]: the kind (readable in the console) and a hash of the rest. */
export function scheduleName(deadline: Deadline): string {
  return `${deadline.kind}-${createHash('sha256').update(deadlineName(deadline)).digest('hex').slice(0, 40)}`;
}
