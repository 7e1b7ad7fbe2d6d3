// Deadlines to the minute (docs/decisions/0014-deadlines-to-the-minute.md): one-time EventBridge
// Scheduler schedules in one group, each waking the sweeper for one incident at the minute an ack,
// mitigation or resolution target or a comms reminder is due. The router and the sweeper create them;
// the schedules assume a role that may invoke only the sweeper and park failures in the dead-letter queue.
import { Aws, Stack, ArnFormat } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadlineSchedulesProps {
  readonly namePrefix: string;
  /** Where an invocation that failed all its retries is parked. */
  readonly deadLetterQueue: IQueue;
  /** The dead-letter queue's key. */
  readonly encryptionKey: IKey;
}

/** What a function that schedules deadlines is granted and told (notification-access.ts). */
export interface DeadlineTargets {
  /** The group's name as a literal (IAM resource names) ... */
  readonly groupName: string;
  /** ... and as a reference to it (what the functions are told, so they deploy after it). */
  readonly groupRef: string;
  readonly sweeperFunctionName: string;
  readonly sweeperArn: string;
  readonly invokerRole: Role;
  readonly deadLetterQueue: IQueue;
}

export class DeadlineSchedules extends Construct {
  readonly targets: DeadlineTargets;

  constructor(scope: Construct, id: string, props: DeadlineSchedulesProps) {
    super(scope, id);
    const groupName = `${props.namePrefix}-deadlines`;
    const group = new CfnScheduleGroup(this, 'Group', { name: groupName });
    // The sweeper's name is fixed, so its ARN is known here without a reference to it (it schedules its own reminders).
    const sweeperFunctionName = `${props.namePrefix}-sweeper`;
    const sweeperArn = Stack.of(this).formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: sweeperFunctionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const invokerRole = new Role(this, 'InvokerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'metis-alerts deadlines: EventBridge Scheduler invokes the sweeper for one incident',
    });
    invokerRole.addToPolicy(new PolicyStatement({ sid: 'WakeSweeper', actions: ['lambda:InvokeFunction'], resources: [sweeperArn] }));
    invokerRole.addToPolicy(
      new PolicyStatement({ sid: 'ParkFailedWakeUps', actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
    );
    invokerRole.addToPolicy(
      new PolicyStatement({
        sid: 'UseAlertingKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    this.targets = { groupName, groupRef: group.ref, sweeperFunctionName, sweeperArn, invokerRole, deadLetterQueue: props.deadLetterQueue };
  }
}
