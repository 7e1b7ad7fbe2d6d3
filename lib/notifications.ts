// The SNS sinks (docs/architecture.md, Contracts): "page" wakes people, "chatops" is the shared queue
// everything reaches, and the optional "page-secondary" wakes whoever is paged when an ack target is missed.
// Subscriptions come from config; Slack goes through AWS Chatbot.
import { Aws } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface SlackChannel {
  /** Slack workspace id (T...); the workspace must first be authorized in the AWS Chatbot console. */
  readonly workspaceId: string;
  /** Slack channel id (C...). */
  readonly channelId: string;
}

export interface NotificationsProps {
  /** Prefix of the topic names. */
  readonly namePrefix: string;
  /** Customer-managed key that encrypts both topics. */
  readonly encryptionKey: IKey;
  /**
   * E-mail addresses subscribed to the page topic.
   * @default - none
   */
  readonly pageEmails?: readonly string[];
  /**
   * E.164 phone numbers subscribed to the page topic by SMS.
   * @default - none
   */
  readonly pageSms?: readonly string[];
  /**
   * The secondary's page topic (config `sinks.pageSecondary`): its own e-mail and SMS subscriptions.
   * @default - no secondary topic
   */
  readonly pageSecondary?: { readonly emails: readonly string[]; readonly sms: readonly string[] };
  /**
   * E-mail addresses subscribed to the chatops topic.
   * @default - none
   */
  readonly chatopsEmails?: readonly string[];
  /**
   * Slack channel that receives the chatops topic through AWS Chatbot.
   * @default - no Slack channel
   */
  readonly chatopsSlack?: SlackChannel;
}

export class Notifications extends Construct {
  readonly pageTopic: Topic;
  readonly chatopsTopic: Topic;
  readonly pageSecondaryTopic?: Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.pageTopic = this.encryptedTopic('Page', `${props.namePrefix}-page`, 'Metis alerts page', props.encryptionKey);
    this.chatopsTopic = this.encryptedTopic('Chatops', `${props.namePrefix}-chatops`, 'Metis alerts chatops', props.encryptionKey);

    for (const email of props.pageEmails ?? []) this.pageTopic.addSubscription(new EmailSubscription(email));
    for (const phone of props.pageSms ?? []) this.pageTopic.addSubscription(new SmsSubscription(phone));
    for (const email of props.chatopsEmails ?? []) this.chatopsTopic.addSubscription(new EmailSubscription(email));
    if (props.pageSecondary) {
      const topic = this.encryptedTopic(
        'SecondaryPage',
        `${props.namePrefix}-page-secondary`,
        'Metis alerts secondary page',
        props.encryptionKey,
      );
      for (const email of props.pageSecondary.emails) topic.addSubscription(new EmailSubscription(email));
      for (const phone of props.pageSecondary.sms) topic.addSubscription(new SmsSubscription(phone));
      this.pageSecondaryTopic = topic;
    }
    if (props.chatopsSlack) this.addSlack(props.namePrefix, props.chatopsSlack);
  }

  private encryptedTopic(id: string, topicName: string, displayName: string, masterKey: IKey): Topic {
    const topic = new Topic(this, id, { topicName, displayName, masterKey, enforceSSL: true });
    // The explicit topic policy (TLS-only) replaces SNS's default one, which is what let the account's
    // alarms publish; allow alarms of this account and region back in, ours and the operator's own.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmActionsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    return topic;
  }

  private addSlack(namePrefix: string, slack: SlackChannel): void {
    new SlackChannelConfiguration(this, 'Slack', {
      slackChannelConfigurationName: `${namePrefix}-chatops`,
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [this.chatopsTopic],
      // Notifications only: the channel role gets no permissions and the guardrail caps what any
      // channel member could ever do through Chatbot at reading CloudWatch.
      guardrailPolicies: [ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess')],
      userRoleRequired: false,
    });
  }
}
