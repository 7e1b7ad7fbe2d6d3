// Template assertions for the foundation stack, from the example config, from `{}`, and from a config
// that turns on the optional sinks (customer-managed SSM key, Slack). One synthesis per config.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routerSettingsOf, routerSettingsSchema } from '../../lambdas/core/router-settings.ts';
import {
  EXAMPLE_CONFIG_PATH,
  actionsOf,
  buildStack,
  functionEnvironment,
  logicalId,
  readJson,
  render,
  resource,
  resourcesOf,
  statementFor,
  synthesize,
  type Json,
  type Statement,
  type Synthesized,
} from './synth-helpers.ts';

const ROUTING_KEY_PARAMETER = '/metis-alerts/pagerduty/routing-key';
const ALARM_ARNS = `\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`;
/** The example config's deadline schedules (one group per stack, names chosen at run time). */
const DEADLINE_SCHEDULES = `\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/metis-prod-deadlines/*`;
/** PagerDuty integration keys are 32 alphanumerics; the rest are the tokens docs/architecture.md (Security) redacts. */
const SECRET_PATTERNS = [/^[A-Za-z0-9]{32}$/, /\bsk-[A-Za-z0-9-]{8,}/, /\bgw_[A-Za-z0-9]{8,}/, /\bAKIA[0-9A-Z]{16}\b/, /-----BEGIN /];

const OPTIONAL_SINKS_CONFIG = {
  name: 'metis-staging',
  sinks: {
    pagerduty: {
      routingKeyParameter: '/metis/staging/pagerduty-key',
      kmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue',
    },
    chatops: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0456EFGH' } },
  },
};

function routerEnvironment(synth: Synthesized): Record<string, Json> {
  return functionEnvironment(synth.template, 'RouterLambdaFunction');
}

function routerStatements(synth: Synthesized): Statement[] {
  const policy = resource(synth.template, 'AWS::IAM::Policy', 'RouterLambdaRoleDefaultPolicy').resource;
  const roleId = logicalId(synth.template, 'AWS::IAM::Role', 'RouterLambdaRole');
  expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
  return (policy.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
}

describe('stack from the example config', () => {
  let synth: Synthesized;
  let ids: { fn: string; dlq: string; bus: string; page: string; chatops: string; key: string; table: string; logGroup: string };
  beforeAll(() => {
    synth = synthesize(readJson(EXAMPLE_CONFIG_PATH));
    const t = synth.template;
    ids = {
      fn: logicalId(t, 'AWS::Lambda::Function', 'RouterLambdaFunction'),
      dlq: logicalId(t, 'AWS::SQS::Queue', 'DeadLetterQueue'),
      bus: logicalId(t, 'AWS::Events::EventBus', 'Bus'),
      page: logicalId(t, 'AWS::SNS::Topic', 'NotificationsPage'),
      chatops: logicalId(t, 'AWS::SNS::Topic', 'NotificationsChatops'),
      key: logicalId(t, 'AWS::KMS::Key', 'AlertingKey'),
      table: logicalId(t, 'AWS::DynamoDB::Table', 'Incidents'),
      logGroup: logicalId(t, 'AWS::Logs::LogGroup', 'RouterLambdaLogGroup'),
    };
  });

  it('routes evaluation reports from the custom bus to the router, with the DLQ and a retry policy', () => {
    const rule = resource(synth.template, 'AWS::Events::Rule', 'RouterEvaluationReportRule').resource.Properties;
    expect(rule.EventBusName).toEqual({ Ref: ids.bus });
    expect(rule.EventPattern).toEqual({ 'detail-type': ['Metis Evaluation Report'] });
    expect(rule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      },
    ]);
    synth.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'metis-prod-bus' });
  });

  it('routes every CloudWatch alarm state change on the default bus to the router, with the DLQ', () => {
    const rule = resource(synth.template, 'AWS::Events::Rule', 'RouterAlarmStateChangeRule').resource.Properties;
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.EventPattern).toEqual({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      }),
    ]);
  });

  it('lets only our two rules write dead letters, over TLS only', () => {
    const policy = resource(synth.template, 'AWS::SQS::QueuePolicy', 'DeadLetterQueuePolicy').resource.Properties;
    const statements = (policy.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
    const eventBridge = statements.filter((s) => s.Effect === 'Allow');
    expect(eventBridge.map((s) => s.Principal)).toEqual([{ Service: 'events.amazonaws.com' }, { Service: 'events.amazonaws.com' }]);
    expect(eventBridge.map((s) => render(s.Condition?.ArnEquals?.['aws:SourceArn'])).sort()).toEqual(
      [
        `\${${logicalId(synth.template, 'AWS::Events::Rule', 'RouterAlarmStateChangeRule')}.Arn}`,
        `\${${logicalId(synth.template, 'AWS::Events::Rule', 'RouterEvaluationReportRule')}.Arn}`,
      ].sort(),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('runs the router on nodejs22.x / arm64 with an ESM bundle, a 1-month log group and DLQ on async failure', () => {
    const fn = resource(synth.template, 'AWS::Lambda::Function', 'RouterLambdaFunction').resource.Properties;
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.MemorySize).toBe(256);
    expect(fn.Timeout).toBe(60);
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: ids.logGroup } });
    synth.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.fn },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } } },
    });
  });

  it('gives the router exactly the environment the handler reads, with no secret in it', () => {
    const env = routerEnvironment(synth);
    expect(Object.keys(env).sort()).toEqual(
      [
        'INCIDENT_TABLE',
        'PAGE_TOPIC_ARN',
        'CHATOPS_TOPIC_ARN',
        'DEAD_LETTER_QUEUE_URL',
        'SINKS',
        'DEADLINE_SCHEDULER',
        'ROUTER_SETTINGS',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(env.INCIDENT_TABLE).toEqual({ Ref: ids.table });
    expect(env.PAGE_TOPIC_ARN).toEqual({ Ref: ids.page });
    expect(env.CHATOPS_TOPIC_ARN).toEqual({ Ref: ids.chatops });
    expect(env.DEAD_LETTER_QUEUE_URL).toEqual({ Ref: ids.dlq });
    // PagerDuty is a sink like any other: its parameter's name (never the key) and URL inside SINKS.
    expect(JSON.parse(env.SINKS as string).pagerduty).toEqual({
      routingKeyParameter: ROUTING_KEY_PARAMETER,
      eventsUrl: 'https://events.pagerduty.com/v2/enqueue',
    });
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('metis-alerts-router');
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('MetisAlerts');
    expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    for (const [name, value] of Object.entries(env)) {
      for (const pattern of SECRET_PATTERNS) expect(render(value), `${name} looks like a secret`).not.toMatch(pattern);
    }
  });

  it('passes exactly name, runbookBaseUrl, businessHours and routing as ROUTER_SETTINGS (no sinks, no emails)', () => {
    const settings = JSON.parse(routerEnvironment(synth).ROUTER_SETTINGS as string);
    const { name, runbookBaseUrl, businessHours, routing } = synth.config;
    expect(settings).toMatchObject({ name, runbookBaseUrl, businessHours, routing });
    expect(settings).toEqual(routerSettingsOf(synth.config));
    // The bill breach's hold and the inhibition targets: the Lambda latches and scopes as the CLI does.
    expect(settings.latchHours).toEqual({ bill_threshold: synth.config.rules.bill_threshold.holdHours });
    expect(Object.keys(settings.signalTargets).sort()).toEqual(['logGroups', 'logs', 'traceDb']);
    expect(routerSettingsSchema.parse(settings)).toEqual(settings);
    expect(settings.businessHours.timezone).toBe('Europe/Berlin');
  });

  it('names only its own resources in every router IAM statement', () => {
    const statements = routerStatements(synth);
    const byAction = (action: string) => resourcesOf(statementFor(statements, action));
    expect(byAction('logs:PutLogEvents')).toEqual([`\${${ids.logGroup}.Arn}`]);
    expect(actionsOf(statementFor(statements, 'dynamodb:PutItem'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(byAction('dynamodb:PutItem')).toEqual([`\${${ids.table}.Arn}`]);
    // The per-report lookup of a source's open incidents: Query on exactly the sparse index, nothing else.
    const index = statements.filter((s) => resourcesOf(s).some((r) => r.includes('/index/')));
    expect(index.map(actionsOf)).toEqual([['dynamodb:Query']]);
    expect(resourcesOf(index[0]!)).toEqual([`\${${ids.table}.Arn}/index/open-by-source`]);
    expect(byAction('sns:Publish')).toEqual([`\${${ids.chatops}}`, `\${${ids.page}}`].sort());
    expect(byAction('sqs:SendMessage')).toEqual([`\${${ids.dlq}.Arn}`]);
    expect(actionsOf(statementFor(statements, 'kms:GenerateDataKey'))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(byAction('kms:GenerateDataKey')).toEqual([`\${${ids.key}.Arn}`]);
    expect(byAction('ssm:GetParameter')).toEqual([
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${ROUTING_KEY_PARAMETER}`,
    ]);
    expect(byAction('cloudwatch:ListTagsForResource')).toEqual([`arn:${ALARM_ARNS}`]);
    // The aws/ssm key's own policy lets the account decrypt through SSM: no extra kms statement.
    expect(statements.filter((s) => actionsOf(s).includes('kms:Decrypt'))).toHaveLength(1);
    // Deadlines: one-time schedules in the stack's group, handing over only the invoker role.
    expect(byAction('scheduler:CreateSchedule')).toEqual([`arn:${DEADLINE_SCHEDULES}`]);
    expect(byAction('iam:PassRole')).toEqual([`\${${logicalId(synth.template, 'AWS::IAM::Role', 'DeadlinesInvokerRole')}.Arn}`]);
    expect(statements).toHaveLength(10);
  });

  it('has no wildcard resource in the router policy except the alarm ARNs (tags of any alarm of the account) and its deadline schedules', () => {
    const wildcards = routerStatements(synth)
      .flatMap(resourcesOf)
      .filter((arn) => arn.includes('*'));
    expect(wildcards.sort()).toEqual([`arn:${ALARM_ARNS}`, `arn:${DEADLINE_SCHEDULES}`].sort());
    expect(routerStatements(synth).every((s) => s.Effect === 'Allow' && !actionsOf(s).some((a) => a.endsWith('*')))).toBe(true);
    const role = resource(synth.template, 'AWS::IAM::Role', 'RouterLambdaRole').resource.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('keeps incidents in an on-demand table keyed by dedupKey, with TTL, PITR, RETAIN and the sparse open-by-source and owed indexes', () => {
    const table = resource(synth.template, 'AWS::DynamoDB::Table', 'Incidents').resource;
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'dedupKey', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'dedupKey', AttributeType: 'S' },
        { AttributeName: 'openSource', AttributeType: 'S' },
        { AttributeName: 'owed', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'open-by-source',
          KeySchema: [{ AttributeName: 'openSource', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'owed',
          KeySchema: [{ AttributeName: 'owed', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    // Encrypted with the AWS-owned key (SSEEnabled false): no KMS request billed every few minutes.
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: false });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('encrypts both topics and the queue with the rotating alerting key, and enforces TLS on the topics', () => {
    const t = synth.template;
    expect(resource(t, 'AWS::KMS::Key', 'AlertingKey').resource.Properties.EnableKeyRotation).toBe(true);
    for (const [topicId, topicName] of [
      [ids.page, 'metis-prod-page'],
      [ids.chatops, 'metis-prod-chatops'],
    ] as const) {
      const topic = t.findResources('AWS::SNS::Topic')[topicId] as { Properties: Record<string, Json> };
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
      expect(topic.Properties.TopicName).toBe(topicName);
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
          ]),
        },
      });
    }
    const queue = resource(t, 'AWS::SQS::Queue', 'DeadLetterQueue').resource.Properties;
    expect(queue.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('lets CloudWatch (this account only) and EventBridge use the key', () => {
    const policy = resource(synth.template, 'AWS::KMS::Key', 'AlertingKey').resource.Properties.KeyPolicy as unknown as {
      Statement: Statement[];
    };
    const forService = (service: string) =>
      policy.Statement.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: service }));
    expect(actionsOf(forService('cloudwatch.amazonaws.com')!)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(forService('cloudwatch.amazonaws.com')!.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    expect(actionsOf(forService('events.amazonaws.com')!)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  it('alarms on any dead letter within a minute, straight to page and chatops, tagged SEV2', () => {
    const alarm = resource(synth.template, 'AWS::CloudWatch::Alarm', 'DeadLetterQueueNotEmptyAlarm').resource.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      Tags: [{ Key: 'metis:severity', Value: 'SEV2' }],
    });
    expect(alarm.AlarmActions).toEqual([{ Ref: ids.page }, { Ref: ids.chatops }]);
  });

  it('alarms on router errors (>= 1 in 5 minutes) straight to chatops, untagged so it never depends on the router', () => {
    const alarm = resource(synth.template, 'AWS::CloudWatch::Alarm', 'RouterLambdaErrorsAlarm').resource.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    expect(alarm.Tags).toBeUndefined();
    expect(alarm.AlarmActions).toEqual([{ Ref: ids.chatops }]);
  });

  it('subscribes the configured e-mail addresses and phone numbers', () => {
    const subscriptions = Object.values(synth.template.findResources('AWS::SNS::Subscription')).map((s) => {
      const p = (s as { Properties: Record<string, Json> }).Properties;
      return { topic: p.TopicArn, protocol: p.Protocol, endpoint: p.Endpoint };
    });
    expect(subscriptions).toHaveLength(3);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { topic: { Ref: ids.page }, protocol: 'email', endpoint: 'oncall@example.com' },
        { topic: { Ref: ids.page }, protocol: 'sms', endpoint: '+4915112345678' },
        { topic: { Ref: ids.chatops }, protocol: 'email', endpoint: 'metis-alerts@example.com' },
      ]),
    );
    synth.template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  it('outputs the bus, table, topics and DLQ', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: Json }>;
    expect(outputs.BusName!.Value).toEqual({ Ref: ids.bus });
    expect(outputs.BusArn!.Value).toEqual({ 'Fn::GetAtt': [ids.bus, 'Arn'] });
    expect(outputs.IncidentTableName!.Value).toEqual({ Ref: ids.table });
    expect(outputs.PageTopicArn!.Value).toEqual({ Ref: ids.page });
    expect(outputs.ChatopsTopicArn!.Value).toEqual({ Ref: ids.chatops });
    expect(outputs.DeadLetterQueueUrl!.Value).toEqual({ Ref: ids.dlq });
  });
});

describe('stack from a minimal {} config', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({});
  });

  it('uses the default name and creates no subscriptions and no PagerDuty access', () => {
    synth.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'MetisAlerts-bus' });
    synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
    synth.template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    const env = routerEnvironment(synth);
    expect(JSON.parse(env.SINKS as string)).toEqual({ page: {}, chatops: {}, webhooks: [] });
    const actions = routerStatements(synth).flatMap(actionsOf);
    expect(actions).not.toContain('ssm:GetParameter');
    expect(actions.filter((a) => a === 'kms:Decrypt')).toHaveLength(1);
  });

  it('still has the rules, the sweeper, the DLQ alarm and the table', () => {
    // Router: reports + alarm state changes; sweeper: its schedule.
    synth.template.resourceCountIs('AWS::Events::Rule', 3);
    // DLQ depth, router errors, sweeper errors.
    synth.template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(JSON.parse(routerEnvironment(synth).ROUTER_SETTINGS as string).businessHours.timezone).toBe('UTC');
  });
});

describe('stack with the optional sinks (customer-managed SSM key, Slack)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize(OPTIONAL_SINKS_CONFIG);
  });

  it('decrypts the routing key only with the configured key and only through SSM', () => {
    const statements = routerStatements(synth);
    const decrypt = statements.filter((s) => actionsOf(s).join() === 'kms:Decrypt');
    expect(decrypt).toEqual([
      expect.objectContaining({
        Resource: OPTIONAL_SINKS_CONFIG.sinks.pagerduty.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['ssm.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      }),
    ]);
    expect(resourcesOf(statementFor(statements, 'ssm:GetParameter'))).toEqual([
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/staging/pagerduty-key`,
    ]);
    const env = routerEnvironment(synth);
    expect(JSON.parse(env.SINKS as string).pagerduty).toMatchObject({
      routingKeyParameter: '/metis/staging/pagerduty-key',
      eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue',
    });
  });

  it('subscribes the Slack channel to chatops through AWS Chatbot, notifications only', () => {
    const chatops = logicalId(synth.template, 'AWS::SNS::Topic', 'NotificationsChatops');
    synth.template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0456EFGH',
      SnsTopicArns: [{ Ref: chatops }],
      GuardrailPolicies: [
        Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/CloudWatchReadOnlyAccess'])]) }),
      ],
    });
  });
});

describe('router settings that do not fit the Lambda environment', () => {
  it('fail synthesis with a message naming the settings', () => {
    const holidays = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
    const { app } = buildStack({ businessHours: { holidays } });
    expect(() => app.synth()).toThrow(/settings: \d+ bytes as JSON, more than the 3072/);
  });
});
