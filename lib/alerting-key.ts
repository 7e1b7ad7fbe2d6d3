// The customer-managed key behind the alert topics and the dead-letter queue. AWS-managed keys cannot be
// shared with service principals, and CloudWatch alarms and EventBridge both have to write through it.
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface AlertingKeyProps {
  /**
   * Alias of the key, without the `alias/` prefix.
   * @default - no alias
   */
  readonly aliasName?: string;
  /**
   * What happens to the key when it leaves the stack. Keep it: messages still in the queue need it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class AlertingKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertingKeyProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'metis-alerts: encrypts the alert topics and the dead-letter queue',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.aliasName ? { alias: `alias/${props.aliasName}` } : {}),
    });

    // Alarm actions publish to the encrypted topics as CloudWatch; the confused-deputy guard is supported here.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // EventBridge writes undeliverable events to the encrypted DLQ. No source condition: AWS does not
    // document one for EventBridge's KMS requests, and a wrong one drops every dead letter silently.
    // The queue policy (aws:SourceArn = our rules) is what limits who can write to the queue.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowEventBridgeToWriteDeadLetters',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}
