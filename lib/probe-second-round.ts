// The probe's second round 30 s after the first without a Lambda sleeping for it: the scheduled run sends
// a message with DelaySeconds to this queue, whose delivery invokes the same function for round two
// (lambdas/functions/probe/split-rounds.ts). Only probing is billed.
import { Duration, Validations } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ProbeSecondRoundProps {
  readonly function: NodejsFunction;
}

export class ProbeSecondRound extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string, props: ProbeSecondRoundProps) {
    super(scope, id);
    const fn = props.function;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A round older than a minute is replaced by the next run's: nothing to keep.
      retentionPeriod: Duration.minutes(2),
      // At least the function's timeout, as SQS event sources require.
      visibilityTimeout: fn.timeout ?? Duration.seconds(60),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'A second probe round that fails is replaced by the next minute run; a dead-letter queue would only collect stale probes.',
    });
    // Exactly what is used: the probe sends the delayed message (SendMessage by URL); Lambda's poller, with the
    // function's role, receives, deletes and reads the queue's attributes. The CDK grants (grantSendMessages,
    // the event source's grantConsumeMessages) would add GetQueueUrl and ChangeMessageVisibility, which nothing calls.
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ProbeSecondRoundQueue',
        actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    // One invocation per delivery; a failed round is not retried (the next run probes again).
    const delivery = new EventSourceMapping(this, 'Delivery', {
      target: fn,
      eventSourceArn: this.queue.queueArn,
      batchSize: 10,
      maxConcurrency: 2,
      reportBatchItemFailures: false,
    });
    // Lambda checks the role's permissions when the mapping is created: the policy must exist first.
    if (fn.role) delivery.node.addDependency(fn.role);
    fn.addEnvironment('PROBE_SECOND_ROUND_QUEUE_URL', this.queue.queueUrl);
  }
}
