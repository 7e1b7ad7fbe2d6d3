// The LogWatch construct: in a bare stack with an EventBus (the stack does not create it yet), and through
// a test-only subclass of MetisAlertsStack that applies the two wiring lines the stack will get, so the
// whole template is checked with cdk-nag as deployed (cfn-lint lints both templates in cfn-lint.test.ts).
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../lambdas/core/config.ts';
import { LogWatch } from '../../lib/log-watch.ts';
import { MetisAlertsStack, type MetisAlertsStackProps } from '../../lib/metis-alerts-stack.ts';
import { GATEWAY, LOG_WATCH_CONFIG, logWatchBareStack, SERVER } from './variants.ts';
import { acknowledgements, findings, withAwsSolutions } from './nag-helpers.ts';
import {
  actionsOf,
  testAppContext,
  EXAMPLE_CONFIG_PATH,
  readJson,
  render,
  resource,
  resourcesOf,
  type CfnResource,
  type Json,
  type Statement,
} from './synth-helpers.ts';

const CONFIG = LOG_WATCH_CONFIG;
const ARN = (group: string) => `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}:*`;

const bareStack = logWatchBareStack;

/**
 * MetisAlertsStack plus the wiring lines the lead adds to it (see the report). Until then this subclass adds
 * LogWatch itself; once the stack has it, the subclass adds nothing and the test checks the real wiring.
 * (No field declared here: with ES2022 class fields it would reset the base class's `logWatch`.)
 */
class WiredStack extends MetisAlertsStack {
  constructor(scope: Construct, id: string, props: MetisAlertsStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.logGroups.length > 0 && !this.node.tryFindChild('LogWatch')) {
      new LogWatch(this, 'LogWatch', { namePrefix: config.name, bus: this.bus, logGroups: config.logGroups, rules: config.rules });
    }
  }
}

function ofType(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}

describe('LogWatch in a bare stack', () => {
  let app: App;
  let template: Template;
  let fnId: string;
  beforeAll(() => {
    let stack: Stack;
    ({ app, stack } = bareStack(CONFIG, withAwsSolutions));
    template = Template.fromStack(stack);
    fnId = resource(template, 'AWS::Lambda::Function', 'LogWatchLambdaFunction').id;
  });

  it('subscribes each configured log group with its pattern to the function, after the invoke permission exists', () => {
    const filters = ofType(template, 'AWS::Logs::SubscriptionFilter');
    expect(filters.map(([, r]) => [r.Properties.LogGroupName, r.Properties.FilterPattern]).sort()).toEqual([
      [SERVER, '?Traceback ?"Exception in ASGI application"'],
      [
        GATEWAY,
        '?Traceback ?quota_exceeded ?key_revoked ?messages ?"prompt=" ?"completion=" ?content ?input_value ?"disk image is malformed" ?"database or disk is full" ?DeprecationWarning ?FutureWarning ?deprecated',
      ],
    ]);
    const permissions = ofType(template, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(2);
    for (const [, filter] of filters) {
      expect(filter.Properties.DestinationArn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      const group = filter.Properties.LogGroupName as string;
      const [permissionId] = permissions.find(([, p]) => render(p.Properties.SourceArn) === ARN(group))!;
      expect((filter as CfnResource & { DependsOn?: string[] }).DependsOn).toContain(permissionId);
    }
  });

  it('lets only logs.amazonaws.com invoke, from each watched group', () => {
    const permissions = ofType(template, 'AWS::Lambda::Permission').map(([, p]) => p.Properties);
    for (const p of permissions) {
      expect(p).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'logs.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
    }
    expect(permissions.map((p) => render(p.SourceArn)).sort()).toEqual([ARN(SERVER), ARN(GATEWAY)].sort());
  });

  it('keeps counters in an on-demand table with TTL and point-in-time recovery', () => {
    const [[, table]] = ofType(template, 'AWS::DynamoDB::Table') as [[string, CfnResource]];
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'counter', KeyType: 'HASH' },
        { AttributeName: 'minute', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'counter', AttributeType: 'S' },
        { AttributeName: 'minute', AttributeType: 'N' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    // The AWS-owned key (SSEEnabled false): no KMS requests for counts and key ids.
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: false });
  });

  it('grants exactly: its own log group, the counters table, PutEvents on the bus, FilterLogEvents on the watched groups', () => {
    const { resource: policy } = resource(template, 'AWS::IAM::Policy', 'LogWatchLambdaRoleDefaultPolicy');
    const statements = (policy.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
    const tableId = resource(template, 'AWS::DynamoDB::Table', 'LogWatchCounters').id;
    const ownLogs = resource(template, 'AWS::Logs::LogGroup', 'LogWatchLambdaLogGroup').id;
    const busId = resource(template, 'AWS::Events::EventBus', 'Bus').id;
    expect(
      statements
        .map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s), effect: s.Effect }))
        .sort((a, b) => a.actions[0]!.localeCompare(b.actions[0]!)),
    ).toEqual([
      { actions: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], resources: [`\${${tableId}.Arn}`], effect: 'Allow' },
      { actions: ['events:PutEvents'], resources: [`\${${busId}.Arn}`], effect: 'Allow' },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`\${${ownLogs}.Arn}`], effect: 'Allow' },
      { actions: ['logs:FilterLogEvents'], resources: [ARN(SERVER), ARN(GATEWAY)].sort(), effect: 'Allow' },
    ]);
  });

  it('runs nodejs22.x on arm64 with the rules and names it needs, retried twice', () => {
    const fn = resource(template, 'AWS::Lambda::Function', 'LogWatchLambdaFunction').resource.Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 512, Timeout: 60 });
    const env = (fn.Environment as { Variables: Record<string, Json> }).Variables;
    expect(env.COUNTERS_TABLE).toEqual({ Ref: resource(template, 'AWS::DynamoDB::Table', 'LogWatchCounters').id });
    expect(env.EVENT_BUS_NAME).toEqual({ Ref: resource(template, 'AWS::Events::EventBus', 'Bus').id });
    expect(JSON.parse(env.LOG_RULES as string)).toEqual({
      traceback: CONFIG.rules.traceback,
      quota_exceeded_sustained: { enabled: true, perMinute: 2, minutes: 4 },
      key_revoked_in_use: CONFIG.rules.key_revoked_in_use,
      prompt_exposure: { enabled: true, quietMinutes: 60 },
      log_noise: { enabled: true },
    });
    const invoke = ofType(template, 'AWS::Lambda::EventInvokeConfig')[0]![1].Properties;
    expect(invoke.MaximumRetryAttempts).toBe(2);
  });

  it('alarms on its errors and on rejected batches, both tagged SEV3 for the router', () => {
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.map((a) => [a.AlarmName, a.Namespace, a.MetricName, a.Threshold, a.Tags]).sort()).toEqual([
      ['metis-logs-log-watch-errors', 'AWS/Lambda', 'Errors', 1, [{ Key: 'metis:severity', Value: 'SEV3' }]],
      ['metis-logs-log-watch-rejected-batches', 'MetisAlerts', 'RejectedBatches', 1, [{ Key: 'metis:severity', Value: 'SEV3' }]],
    ]);
    const rejected = alarms.find((a) => a.MetricName === 'RejectedBatches')!;
    expect(rejected.Dimensions).toEqual([{ Name: 'service', Value: 'metis-alerts-log-watch' }]);
  });

  it('has zero cdk-nag findings; acknowledges only the runtime and the log-group ARN suffix, each with a reason', () => {
    expect(findings(app)).toEqual([]);
    const acks = acknowledgements(app);
    expect([...new Set(acks.map((a) => a.id))].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/metis/prod/agent-server:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/metis/prod/gateway:*]',
      'AwsSolutions-L1',
    ]);
    for (const ack of acks) expect(String(ack.reason).length).toBeGreaterThan(40);
  });
});

describe('LogWatch props', () => {
  it('keeps the subscription filters (same logical ids) when the config lists the groups in another order', () => {
    const ids = (config: Config) =>
      ofType(Template.fromStack(bareStack(config).stack), 'AWS::Logs::SubscriptionFilter')
        .map(([id]) => id)
        .sort();
    const reversed = parseConfig({ ...CONFIG, logGroups: [...CONFIG.logGroups].reverse() });
    expect(ids(reversed)).toEqual(ids(CONFIG));
  });

  it('rejects an empty list and a duplicate group, naming the prop', () => {
    expect(() => bareStack(parseConfig({ logGroups: [] }))).toThrow('LogWatch: logGroups must name at least one log group');
    expect(() => bareStack(parseConfig({ logGroups: [{ name: GATEWAY }, { name: GATEWAY }] }))).toThrow(
      `LogWatch: logGroups names "${GATEWAY}" twice`,
    );
  });
});

describe('LogWatch wired into MetisAlertsStack (test-only subclass) from the example config', () => {
  let app: App;
  let stack: WiredStack;
  beforeAll(() => {
    app = new App({ context: testAppContext() });
    withAwsSolutions(app);
    const config = parseConfig(readJson(EXAMPLE_CONFIG_PATH));
    stack = new WiredStack(app, config.name, { config });
  });

  it('subscribes the example log group and reports to the stack bus', () => {
    const template = Template.fromStack(stack);
    const filters = ofType(template, 'AWS::Logs::SubscriptionFilter');
    expect(filters.map(([, f]) => f.Properties.LogGroupName)).toEqual(['/metis/prod/gateway']);
    const env = (
      resource(template, 'AWS::Lambda::Function', 'LogWatchLambdaFunction').resource.Properties.Environment as {
        Variables: Record<string, Json>;
      }
    ).Variables;
    expect(env.EVENT_BUS_NAME).toEqual({ Ref: resource(template, 'AWS::Events::EventBus', 'Bus').id });
  });

  it('has zero unacknowledged cdk-nag findings in the whole stack', () => {
    expect(findings(app)).toEqual([]);
  });
});
