// The sweeper Lambda (lib/sweeper.ts, wired in lib/metis-alerts-stack.ts): its 5-minute schedule, runtime,
// the exact environment its handler reads (lambdas/functions/sweeper/env.ts), least-privilege IAM,
// its SEV3-tagged errors alarm, cdk-nag (cfn-lint: cfn-lint.test.ts). One synthesis per config, with the AwsSolutions
// plugin registered on the app (synth fails on any unacknowledged finding).
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { readSweeperEnvironment, sweeperSettingsSchema } from '../../lambdas/functions/sweeper/env.ts';
import { acknowledgements, findings, withAwsSolutions } from './nag-helpers.ts';
import { CUSTOMER_KEY, STAGING_CONFIG } from './variants.ts';
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
  type Json,
  type Statement,
  type Synthesized,
} from './synth-helpers.ts';

interface Variant {
  name: string;
  raw: unknown;
  /** What SWEEPER_SETTINGS must hold. */
  sweeper: {
    tracebackQuietMinutes: number;
    /** Minutes between sweeps: reminders go at the last sweep not later than their time. */
    quietResolveMinutes: Record<string, number>;
    /** Trace-DB reminders say "no data since HH:MM" after this many minutes without a firing signal. */
    noDataAfterMinutes: Record<string, number>;
    /** How often the sources that re-send firing signals every run report (a reopen check's "no report since"). */
    reportEveryMinutes: Record<string, number>;
    expectedSources: { source: string; reporter?: string; intervalMinutes: number }[];
  };
  /** The routing-key parameter when PagerDuty is configured. */
  pagerDuty?: { parameter: string; eventsUrl: string; kmsKeyArn?: string };
}

const VARIANTS: Variant[] = [
  {
    name: 'the example config (PagerDuty with the aws/ssm key, snapshot every 1 min)',
    raw: readJson(EXAMPLE_CONFIG_PATH),
    sweeper: {
      tracebackQuietMinutes: 30,
      quietResolveMinutes: { quota_exceeded_sustained: 6, key_revoked_in_use: 6, prompt_exposure: 60, trace_db_log_error: 30 },
      noDataAfterMinutes: { 'trace-db': 5 },
      reportEveryMinutes: { probe: 1, 'trace-db': 1 },
      // The probe's health rounds report every minute, its inbound-shape run every 5 (watched apart).
      expectedSources: [
        { source: 'trace-db', intervalMinutes: 1 },
        { source: 'probe', intervalMinutes: 1 },
        { source: 'probe', reporter: 'inbound-shape', intervalMinutes: 5 },
      ],
    },
    pagerDuty: { parameter: '/metis-alerts/pagerduty/routing-key', eventsUrl: 'https://events.pagerduty.com/v2/enqueue' },
  },
  {
    name: 'the minimal config {} (no PagerDuty, no snapshot)',
    raw: {},
    sweeper: {
      tracebackQuietMinutes: 30,
      quietResolveMinutes: { quota_exceeded_sustained: 6, key_revoked_in_use: 6, prompt_exposure: 60, trace_db_log_error: 30 },
      noDataAfterMinutes: { 'trace-db': 5 },
      reportEveryMinutes: { probe: 1, 'trace-db': 1 },
      expectedSources: [],
    },
  },
  {
    name: 'a staging config (customer-managed SSM key, EU events URL, snapshot every 5 min, 45 quiet minutes)',
    raw: STAGING_CONFIG,
    sweeper: {
      tracebackQuietMinutes: 45,
      quietResolveMinutes: { quota_exceeded_sustained: 6, key_revoked_in_use: 6, prompt_exposure: 60, trace_db_log_error: 45 },
      noDataAfterMinutes: { 'trace-db': 15 },
      reportEveryMinutes: { probe: 1, 'trace-db': 5 },
      expectedSources: [{ source: 'trace-db', intervalMinutes: 5 }],
    },
    pagerDuty: { parameter: '/metis/staging/pd-key', eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue', kmsKeyArn: CUSTOMER_KEY },
  },
];

/** Each variant synthesized once, with cdk-nag's AwsSolutions registered as bin/app.ts registers it. */
const synths = new Map<string, Synthesized>();
beforeAll(() => {
  for (const variant of VARIANTS) {
    const built = buildStack(variant.raw, withAwsSolutions);
    synths.set(variant.name, { ...built, template: Template.fromStack(built.stack) });
  }
});

function ids(synth: Synthesized) {
  const t = synth.template;
  return {
    fn: logicalId(t, 'AWS::Lambda::Function', 'SweeperLambdaFunction'),
    role: logicalId(t, 'AWS::IAM::Role', 'SweeperLambdaRole'),
    logGroup: logicalId(t, 'AWS::Logs::LogGroup', 'SweeperLambdaLogGroup'),
    rule: logicalId(t, 'AWS::Events::Rule', 'SweeperSchedule'),
    table: logicalId(t, 'AWS::DynamoDB::Table', 'Incidents'),
    page: logicalId(t, 'AWS::SNS::Topic', 'NotificationsPage'),
    chatops: logicalId(t, 'AWS::SNS::Topic', 'NotificationsChatops'),
    key: logicalId(t, 'AWS::KMS::Key', 'AlertingKey'),
  };
}

function sweeperEnvironment(synth: Synthesized): Record<string, Json> {
  return functionEnvironment(synth.template, 'SweeperLambdaFunction');
}

function sweeperStatements(synth: Synthesized): Statement[] {
  const policies = Object.values(
    synth.template.findResources('AWS::IAM::Policy') as Record<string, { Properties: Record<string, Json> }>,
  ).filter((p) => JSON.stringify(p.Properties.Roles).includes(ids(synth).role));
  expect(policies, 'policies attached to the sweeper role').toHaveLength(1);
  expect(policies[0]!.Properties.Roles).toEqual([{ Ref: ids(synth).role }]);
  return (policies[0]!.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
}

describe.each(VARIANTS)('sweeper from $name', (variant) => {
  let synth: Synthesized;
  let id: ReturnType<typeof ids>;
  beforeAll(() => {
    synth = synths.get(variant.name)!;
    id = ids(synth);
  });

  it('runs every 5 minutes: one schedule rule targeting the sweeper function (no retries), allowed to invoke it', () => {
    const rules = Object.values(
      synth.template.findResources('AWS::Events::Rule') as Record<string, { Properties: Record<string, Json> }>,
    ).filter((r) => JSON.stringify(r.Properties.Targets).includes(`"${id.fn}"`));
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties;
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventPattern).toBeUndefined();
    expect(rule.Targets).toEqual([{ Id: 'Target0', Arn: { 'Fn::GetAtt': [id.fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }]);
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [id.fn, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [id.rule, 'Arn'] },
    });
    // A failed sweep is not retried asynchronously either: the next one runs in 5 minutes.
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: id.fn }, MaximumRetryAttempts: 0 });
  });

  it('is a nodejs22.x arm64 function with its own 1-month log group', () => {
    const fn = resource(synth.template, 'AWS::Lambda::Function', 'SweeperLambdaFunction').resource.Properties;
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Timeout).toBe(120);
    expect(fn.Role).toEqual({ 'Fn::GetAtt': [id.role, 'Arn'] });
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: id.logGroup } });
    expect(resource(synth.template, 'AWS::Logs::LogGroup', 'SweeperLambdaLogGroup').resource.Properties.RetentionInDays).toBe(30);
  });

  it('has exactly the environment the handler reads (PagerDuty inside SINKS, like every sink)', () => {
    const env = sweeperEnvironment(synth);
    const expected = [
      'INCIDENT_TABLE',
      'PAGE_TOPIC_ARN',
      'CHATOPS_TOPIC_ARN',
      'ROUTER_SETTINGS',
      'SWEEPER_SETTINGS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'NODE_OPTIONS',
      'SINKS',
      'DEADLINE_SCHEDULER',
    ];
    expect(Object.keys(env).sort()).toEqual(expected.sort());
    expect(env.INCIDENT_TABLE).toEqual({ Ref: id.table });
    expect(env.PAGE_TOPIC_ARN).toEqual({ Ref: id.page });
    expect(env.CHATOPS_TOPIC_ARN).toEqual({ Ref: id.chatops });
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('metis-alerts-sweeper');
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('MetisAlerts');
    expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    const pagerduty = JSON.parse(env.SINKS as string).pagerduty;
    if (variant.pagerDuty) {
      // The parameter's name, never the key.
      expect(pagerduty.routingKeyParameter).toBe(variant.pagerDuty.parameter);
      expect(pagerduty.eventsUrl).toBe(variant.pagerDuty.eventsUrl);
    } else {
      expect(pagerduty).toBeUndefined();
    }
  });

  it('passes SWEEPER_SETTINGS that sweeperSettingsSchema accepts: trace-db expected every snapshot.scheduleMinutes only with a snapshot, probe every minute with health targets, the shape run with shapes, quiet minutes from config', () => {
    const raw = JSON.parse(sweeperEnvironment(synth).SWEEPER_SETTINGS as string);
    expect(sweeperSettingsSchema.parse(raw)).toEqual(variant.sweeper);
    expect(raw).toEqual(variant.sweeper);
    expect(raw.tracebackQuietMinutes).toBe(synth.config.rules.traceback.quietMinutes);
    expect(raw.expectedSources).toEqual([
      ...(synth.config.snapshot ? [{ source: 'trace-db', intervalMinutes: synth.config.snapshot.scheduleMinutes }] : []),
      ...(synth.config.healthTargets.length ? [{ source: 'probe', intervalMinutes: 1 }] : []),
      ...(synth.config.healthTargets.length && synth.config.inboundShapes.length
        ? [{ source: 'probe', reporter: 'inbound-shape', intervalMinutes: synth.config.rules.inbound_shape_down.scheduleMinutes }]
        : []),
    ]);
    expect(JSON.parse(sweeperEnvironment(synth).ROUTER_SETTINGS as string)).toEqual(routerSettingsOf(synth.config));
  });

  it('starts: readSweeperEnvironment accepts the environment once CloudFormation has resolved its references', () => {
    const resolved: Record<string, string> = {
      [id.table]: `${synth.config.name}-Incidents-ABC123`,
      [id.page]: 'arn:aws:sns:eu-central-1:111122223333:page',
      [id.chatops]: 'arn:aws:sns:eu-central-1:111122223333:chatops',
    };
    const env = Object.fromEntries(
      Object.entries(sweeperEnvironment(synth)).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : resolved[(value as { Ref: string }).Ref],
      ]),
    );
    const parsed = readSweeperEnvironment(env);
    expect(parsed.SWEEPER_SETTINGS).toEqual(variant.sweeper);
    expect(parsed.ROUTER_SETTINGS).toEqual(routerSettingsOf(synth.config));
    expect(parsed.SINKS.pagerduty?.routingKeyParameter).toBe(variant.pagerDuty?.parameter);
  });

  it('names only its own resources: table reads/writes on the table, sns:Publish on the two topics, the alerting key, and the routing-key parameter only with PagerDuty', () => {
    const statements = sweeperStatements(synth);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(resourcesOf(statementFor(statements, 'logs:PutLogEvents'))).toEqual([`\${${id.logGroup}.Arn}`]);

    const table = statementFor(statements, 'dynamodb:GetItem');
    expect(actionsOf(table)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(resourcesOf(table)).toEqual([`\${${id.table}.Arn}`]);
    // Resolved incidents still owing a delivery: Query on exactly the sparse owed index.
    const index = statements.filter((s) => resourcesOf(s).some((r) => r.includes('/index/')));
    expect(index.map(actionsOf)).toEqual([['dynamodb:Query']]);
    expect(resourcesOf(index[0]!)).toEqual([`\${${id.table}.Arn}/index/owed`]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toHaveLength(6);

    const publish = statementFor(statements, 'sns:Publish');
    expect(actionsOf(publish)).toEqual(['sns:Publish']);
    expect(resourcesOf(publish)).toEqual([`\${${id.chatops}}`, `\${${id.page}}`].sort());

    const alertingKey = statements.filter((s) => resourcesOf(s).includes(`\${${id.key}.Arn}`));
    expect(alertingKey).toHaveLength(1);
    expect(actionsOf(alertingKey[0]!)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);

    const ssm = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')));
    if (variant.pagerDuty) {
      expect(ssm).toHaveLength(1);
      expect(actionsOf(ssm[0]!)).toEqual(['ssm:GetParameter']);
      expect(resourcesOf(ssm[0]!)).toEqual([
        `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${variant.pagerDuty.parameter}`,
      ]);
    } else {
      expect(ssm).toEqual([]);
    }

    const customerKey = statements.filter((s) => resourcesOf(s).includes(CUSTOMER_KEY));
    if (variant.pagerDuty?.kmsKeyArn) {
      expect(customerKey).toHaveLength(1);
      expect(actionsOf(customerKey[0]!)).toEqual(['kms:Decrypt']);
      expect(render(customerKey[0]!.Condition?.StringEquals?.['kms:ViaService'])).toBe(`ssm.\${AWS::Region}.amazonaws.com`);
    } else {
      expect(customerKey).toEqual([]);
    }

    // Deadlines: CreateSchedule in the stack's own group only, and passing only the invoker role, only to Scheduler.
    const schedule = statementFor(statements, 'scheduler:CreateSchedule');
    expect(actionsOf(schedule)).toEqual(['scheduler:CreateSchedule']);
    const group = `${synth.config.name}-deadlines`;
    expect(resourcesOf(schedule)).toEqual([`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${group}/*`]);
    const pass = statementFor(statements, 'iam:PassRole');
    expect(resourcesOf(pass)).toEqual([`\${${logicalId(synth.template, 'AWS::IAM::Role', 'DeadlinesInvokerRole')}.Arn}`]);
    expect(pass.Condition?.StringEquals?.['iam:PassedToService']).toBe('scheduler.amazonaws.com');

    // Nothing else: logs, table, owed index, topics, alerting key, deadlines (2), and (with PagerDuty) the parameter and its customer key.
    expect(statements).toHaveLength(7 + (variant.pagerDuty ? 1 : 0) + (variant.pagerDuty?.kmsKeyArn ? 1 : 0));
    expect(statements.flatMap(resourcesOf).filter((arn) => arn.includes('*'))).toEqual([
      `arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${group}/*`,
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
    expect(resource(synth.template, 'AWS::IAM::Role', 'SweeperLambdaRole').resource.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('has an errors alarm on the sweeper function, tagged metis:severity=SEV3 so the router routes it', () => {
    const alarm = resource(synth.template, 'AWS::CloudWatch::Alarm', 'SweeperLambdaErrorsAlarm').resource.Properties;
    expect(alarm.AlarmName).toBe(`${synth.config.name}-sweeper-errors`);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id.fn } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Tags).toEqual([{ Key: 'metis:severity', Value: 'SEV3' }]);
  });

  it('has zero unacknowledged cdk-nag AwsSolutions findings; the sweeper keeps only the runtime and deadline-group acknowledgements, with reasons', () => {
    expect(findings(synth.app)).toEqual([]);
    const sweeperAcks = acknowledgements(synth.app).filter((a) => a.path.startsWith(`${synth.stack.node.id}/Sweeper/`));
    expect(sweeperAcks.map((a) => a.id).sort()).toEqual(
      [
        'AwsSolutions-L1',
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${synth.config.name}-deadlines/*]`,
      ].sort(),
    );
    for (const ack of sweeperAcks) expect(String(ack.reason).length).toBeGreaterThan(40);
  });
});
