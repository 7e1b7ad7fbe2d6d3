// The probe's second round 30 s after the first without a Lambda sleeping for it: the scheduled run sends
// a message with DelaySeconds to this queue, whose delivery invokes the same function for round two
// (lambdas/functions/probe/split-rounds.ts). Only probing is billed.
import { Duration, Validations } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
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
    this.queue.grantSendMessages(fn);
    // One invocation per delivery; a failed round is not retried (the next run probes again).
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, maxConcurrency: 2, reportBatchItemFailures: false }));
    fn.addEnvironment('PROBE_SECOND_ROUND_QUEUE_URL', this.queue.queueUrl);
  }
}
