// The secondary's page topic in the template: created only with `sinks.pageSecondary`, encrypted with the
// alerting key and TLS-only like the page topic, its own e-mail and SMS subscriptions, publishable by the
// router and the sweeper (and by nothing more), named to them in PAGE_SECONDARY_TOPIC_ARN, and output.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  functionEnvironment,
  type Json,
  logicalId,
  resource,
  resourcesOf,
  type Statement,
  statementFor,
  synthesize,
  type Synthesized,
} from './synth-helpers.ts';

const CONFIG = {
  name: 'metis-secondary',
  sinks: {
    page: { emails: ['primary@example.com'] },
    pageSecondary: { emails: ['secondary@example.com'], sms: ['+4915187654321'] },
  },
};

function publishResources(synth: Synthesized, policyPrefix: string): string[] {
  const policy = resource(synth.template, 'AWS::IAM::Policy', policyPrefix).resource;
  const statements = (policy.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
  return resourcesOf(statementFor(statements, 'sns:Publish'));
}

describe('stack with sinks.pageSecondary', () => {
  let synth: Synthesized;
  let ids: { page: string; secondary: string; chatops: string; key: string };
  beforeAll(() => {
    synth = synthesize(CONFIG);
    const t = synth.template;
    ids = {
      page: logicalId(t, 'AWS::SNS::Topic', 'NotificationsPage'),
      secondary: logicalId(t, 'AWS::SNS::Topic', 'NotificationsSecondaryPage'),
      chatops: logicalId(t, 'AWS::SNS::Topic', 'NotificationsChatops'),
      key: logicalId(t, 'AWS::KMS::Key', 'AlertingKey'),
    };
  });

  it('creates the topic encrypted with the alerting key, TLS-only, open to this account’s alarms like the page topic', () => {
    const t = synth.template;
    const topic = t.findResources('AWS::SNS::Topic')[ids.secondary] as { Properties: Record<string, Json> };
    expect(topic.Properties.TopicName).toBe('metis-secondary-page-secondary');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.secondary }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('subscribes its own e-mail address and phone number, and the page topic keeps only its own', () => {
    const subscriptions = Object.values(synth.template.findResources('AWS::SNS::Subscription')).map((s) => {
      const p = (s as { Properties: Record<string, Json> }).Properties;
      return { topic: p.TopicArn, protocol: p.Protocol, endpoint: p.Endpoint };
    });
    expect(subscriptions).toHaveLength(3);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { topic: { Ref: ids.page }, protocol: 'email', endpoint: 'primary@example.com' },
        { topic: { Ref: ids.secondary }, protocol: 'email', endpoint: 'secondary@example.com' },
        { topic: { Ref: ids.secondary }, protocol: 'sms', endpoint: '+4915187654321' },
      ]),
    );
  });

  it.each([
    ['router', 'RouterLambdaRoleDefaultPolicy', 'RouterLambdaFunction'],
    ['sweeper', 'SweeperLambdaRoleDefaultPolicy', 'SweeperLambdaFunction'],
  ])('the %s may publish to the three topics and gets the secondary’s ARN, no address', (_, policy, fn) => {
    expect(publishResources(synth, policy)).toEqual([`\${${ids.chatops}}`, `\${${ids.page}}`, `\${${ids.secondary}}`].sort());
    const env = functionEnvironment(synth.template, fn);
    expect(env.PAGE_SECONDARY_TOPIC_ARN).toEqual({ Ref: ids.secondary });
    expect(JSON.parse(env.SINKS as string).pageSecondary).toEqual({});
    expect(JSON.stringify(env)).not.toMatch(/secondary@example\.com|\+49151876/);
  });

  it('outputs the topic’s ARN', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: Json }>;
    expect(outputs.PageSecondaryTopicArn!.Value).toEqual({ Ref: ids.secondary });
  });
});

describe('stack without sinks.pageSecondary', () => {
  it('has no secondary topic, no variable for it, and publishes to the page and chatops topics only', () => {
    const synth = synthesize({ name: 'metis-primary' });
    expect(
      Object.keys(synth.template.findResources('AWS::SNS::Topic')).filter((id) => id.startsWith('NotificationsSecondaryPage')),
    ).toEqual([]);
    expect(functionEnvironment(synth.template, 'RouterLambdaFunction')).not.toHaveProperty('PAGE_SECONDARY_TOPIC_ARN');
    expect(publishResources(synth, 'RouterLambdaRoleDefaultPolicy')).toHaveLength(2);
    expect(synth.template.toJSON().Outputs).not.toHaveProperty('PageSecondaryTopicArn');
  });
});
