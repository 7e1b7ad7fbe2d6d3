// Where events go that the pipeline could not process: EventBridge targets that kept failing and router
// invocations that failed after their retries. A message here means an alert may be missing, so its
// alarm notifies the topics directly: the router may be the very thing that is broken.
import { Duration, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmFactory, type AlarmThreshold } from './alarm-factory.ts';

export interface DeadLetterQueueProps {
  /** Prefix of the queue and alarm names. */
  readonly namePrefix: string;
  /** Customer-managed key that encrypts the queue; EventBridge must be allowed to use it. */
  readonly encryptionKey: IKey;
  /** Topics the not-empty alarm notifies directly (page and chatops). */
  readonly alarmTopics: readonly ITopic[];
  /**
   * How long dead letters are kept for inspection and redrive.
   * @default Duration.days(14), the SQS maximum
   */
  readonly retentionPeriod?: Duration;
}

export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly notEmptyAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-dead-letters`,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });

    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter queue: of the EventBridge rule targets and of the router's asynchronous " +
        'on-failure destination, which cdk-nag does not recognise (it only sees queue redrive policies and Lambda DeadLetterConfig).',
    });

    this.notEmptyAlarm = new AlarmFactory(this, props.namePrefix).addAlarm('NotEmptyAlarm', {
      name: 'dead-letters-not-empty',
      description:
        'An event the alert pipeline could not process is in the dead-letter queue: an alert may be missing. ' +
        'Read the message (it carries the failure reason), fix the cause, then redrive or delete it.',
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      ...NOT_EMPTY,
      routing: { severity: 'SEV2' },
      actions: props.alarmTopics,
    });
  }
}

/** Any message visible in the queue (one 1-minute period). */
const NOT_EMPTY: AlarmThreshold = {
  comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
  threshold: 0,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: TreatMissingData.NOT_BREACHING,
};
