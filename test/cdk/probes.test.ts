// The probe part of the stack (lib/probes.ts) from a config with an https target that needs two headers from
// SSM and an http target with an 8 s timeout: the one-minute schedule, the function's timeout and environment,
// least-privilege IAM (logs, ssm:GetParameter on the named parameters, PutEvents on the bus, GetItem/PutItem
// on the one probe-state item of the incident table, nothing else), no custom metric and no alarm but the
// Lambda's Errors alarm (the probe reports to the router), the sweeper expecting a probe report every minute,
// cdk-nag and cfn-lint. Without healthTargets: none of it. Targets and shapes that overflow the function's
// 4 KB environment together fail synthesis.
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/config.ts';
import type { MetisAlertsStack } from '../../lib/metis-alerts-stack.ts';
import { buildMetisAlertsApp } from '../../lib/metis-alerts-app.ts';
import { Probes } from '../../lib/probes.ts';
import { cfnLintTemplates, lintErrors } from './cfn-lint-helpers.ts';
import { acknowledgements, expectReasons, findings, synthesizedFunctionIds, withAwsSolutions } from './nag-helpers.ts';
import {
  actionsOf,
  buildStack,
  logicalId,
  render,
  resource,
  resourcesOf,
  synthesize,
  type CfnResource,
  type Json,
  type Statement,
  type Synthesized,
  testAppContext,
} from './synth-helpers.ts';
import { Template } from 'aws-cdk-lib/assertions';

const PROBE_CONFIG = {
  name: 'metis-probe',
  healthTargets: [
    {
      name: 'gateway',
      url: 'https://gateway.metis.example.com/healthz',
      headersFromSsm: { 'x-health-token': '/metis/probe/gateway-token', authorization: '/metis/probe/gateway-auth' },
    },
    { name: 'server', url: 'http://agents.metis.internal:8080/health', expectStatus: [200], timeoutMs: 8000 },
  ],
};

/** The alarms of the Probes construct (logical ids under `Probes`), by AlarmName. */
function alarmsByName(synth: Synthesized): Record<string, Record<string, Json>> {
  const alarms = Object.entries(synth.template.findResources('AWS::CloudWatch::Alarm') as Record<string, CfnResource>).filter(([id]) =>
    id.startsWith('Probes'),
  );
  return Object.fromEntries(alarms.map(([, a]) => [String(a.Properties.AlarmName), a.Properties]));
}

function tagsOf(alarm: Record<string, Json>): Record<string, string> {
  return Object.fromEntries(((alarm.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

/** The IAM statements of the probe function's role. */
function probeStatements(synth: Synthesized): Statement[] {
  const roleId = logicalId(synth.template, 'AWS::IAM::Role', 'ProbesLambdaRole');
  return Object.values(synth.template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>)
    .filter((p) => (p.Properties.Roles as Json[]).some((r) => render(r) === `\${${roleId}}`))
    .flatMap((p) => (p.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement);
}

describe('probes with an https target (headers from SSM) and an http target', () => {
  let synth: Synthesized;
  let alarms: Record<string, Record<string, Json>>;
  let fnId: string;
  let fn: CfnResource;

  beforeAll(() => {
    synth = synthesize(PROBE_CONFIG);
    alarms = alarmsByName(synth);
    fnId = logicalId(synth.template, 'AWS::Lambda::Function', 'ProbesLambdaFunction');
    fn = resource(synth.template, 'AWS::Lambda::Function', 'ProbesLambdaFunction').resource;
  });

  it('invokes the probe every minute from a schedule rule, without retries, with the invoke permission', () => {
    const rule = resource(synth.template, 'AWS::Events::Rule', 'ProbesSchedule').resource.Properties;
    expect(rule.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toEqual([{ Id: 'Target0', Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }]);
    const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission') as Record<string, CfnResource>).filter(
      (p) => render(p.Properties.FunctionName) === `\${${fnId}.Arn}`,
    );
    expect(permissions.map((p) => [p.Properties.Action, p.Properties.Principal])).toEqual([
      ['lambda:InvokeFunction', 'events.amazonaws.com'],
    ]);
  });

  it('function: nodejs22.x arm64 128 MB, timeout 30 s + 2 x the longest target timeout + 10 s slack, no async retries', () => {
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.MemorySize).toBe(128);
    // server's 8000 ms: 30 + 2 x 8 + 10.
    expect(fn.Properties.Timeout).toBe(56);
    const config = Object.values(synth.template.findResources('AWS::Lambda::EventInvokeConfig') as Record<string, CfnResource>).find(
      (c) => render(c.Properties.FunctionName) === `\${${fnId}}`,
    );
    expect(config?.Properties.MaximumRetryAttempts).toBe(0);
  });

  it('environment: the validated targets (parameter names, no values), 30 s spacing, the bus, the state table, the probe rules', () => {
    const env = (fn.Properties.Environment as { Variables: Record<string, Json> }).Variables;
    expect(JSON.parse(String(env.PROBE_TARGETS))).toEqual(parseConfig(PROBE_CONFIG).healthTargets);
    expect(env.PROBE_SPACING_MS).toBe('30000');
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('metis-alerts-probe');
    // No custom metric: no metrics namespace.
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBeUndefined();
    expect(render(env.EVENT_BUS_NAME!)).toBe(`\${${logicalId(synth.template, 'AWS::Events::EventBus', 'Bus')}}`);
    expect(render(env.PROBE_STATE_TABLE!)).toBe(`\${${logicalId(synth.template, 'AWS::DynamoDB::Table', 'IncidentsTable')}}`);
    expect(JSON.parse(String(env.PROBE_RULES))).toEqual({
      healthz_down: { enabled: true, resolveAfterOkRounds: 4, flapWindowMinutes: 5, flapShare: 0.5 },
      tls_expiry: { enabled: true, warnDays: 14 },
      gateway_down: { enabled: true },
    });
  });

  it('second round: a delayed-message queue (SQS-managed encryption, TLS only, 2 min retention) invokes the function; its URL is in the env', () => {
    const queueId = logicalId(synth.template, 'AWS::SQS::Queue', 'ProbesSecondRoundQueue');
    const queue = resource(synth.template, 'AWS::SQS::Queue', 'ProbesSecondRoundQueue').resource.Properties;
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 120, VisibilityTimeout: fn.Properties.Timeout });
    const mappings = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping') as Record<string, CfnResource>);
    expect(mappings.map((m) => render(m.Properties.EventSourceArn as Json))).toEqual([`\${${queueId}.Arn}`]);
    const env = (fn.Properties.Environment as { Variables: Record<string, Json> }).Variables;
    expect(render(env.PROBE_SECOND_ROUND_QUEUE_URL!)).toBe(`\${${queueId}}`);
  });

  it('IAM: its log group, the two header parameters, PutEvents on the bus, GetItem/PutItem on the probe-state item only; no PutMetricData', () => {
    const roleId = logicalId(synth.template, 'AWS::IAM::Role', 'ProbesLambdaRole');
    const role = resource(synth.template, 'AWS::IAM::Role', 'ProbesLambdaRole').resource.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(roleId).toBeTruthy();
    const statements = probeStatements(synth);
    const logGroupId = logicalId(synth.template, 'AWS::Logs::LogGroup', 'ProbesLambdaLogGroup');
    const queueId = logicalId(synth.template, 'AWS::SQS::Queue', 'ProbesSecondRoundQueue');
    const busId = logicalId(synth.template, 'AWS::Events::EventBus', 'Bus');
    const tableId = logicalId(synth.template, 'AWS::DynamoDB::Table', 'IncidentsTable');
    expect(statements.map((s) => [actionsOf(s), resourcesOf(s)])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], [`\${${logGroupId}.Arn}`]],
      // The second round: send the delayed message, and what the event source mapping's poller calls, on that queue only.
      [['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage'], [`\${${queueId}.Arn}`]],
      [
        ['ssm:GetParameter'],
        [
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/probe/gateway-auth`,
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/probe/gateway-token`,
        ],
      ],
      [['events:PutEvents'], [`\${${busId}.Arn}`]],
      [['dynamodb:GetItem', 'dynamodb:PutItem'], [`\${${tableId}.Arn}`]],
    ]);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    // Only the table statement has a condition: the partition key must be the state item's.
    const conditioned = statements.filter((s) => s.Condition);
    expect(conditioned.map((s) => [actionsOf(s), s.Condition])).toEqual([
      [
        ['dynamodb:GetItem', 'dynamodb:PutItem'],
        { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['probe-state#health', 'probe-state#shapes'] } },
      ],
    ]);
  });

  it('no probe alarm but its Errors alarm (the router pages from the reports), and no custom metric anywhere in the template', () => {
    expect(Object.keys(alarms)).toEqual(['metis-probe-probe-errors']);
    const errors = alarms['metis-probe-probe-errors']!;
    expect(errors.AlarmActions).toBeUndefined();
    expect(tagsOf(errors)['metis:severity']).toBe('SEV3');
    expect(errors).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    const rendered = JSON.stringify(synth.template.toJSON());
    for (const name of ['ProbeHeartbeat', 'TlsDaysLeft', '"Failed"']) expect(rendered).not.toContain(name);
  });

  it('the sweeper expects a probe report every minute (source_stale:probe replaces the heartbeat alarm)', () => {
    const sweeper = resource(synth.template, 'AWS::Lambda::Function', 'SweeperLambdaFunction').resource;
    const env = (sweeper.Properties.Environment as { Variables: Record<string, Json> }).Variables;
    const expected = Object.entries(env).find(([, v]) => typeof v === 'string' && v.includes('"source":"probe"'));
    expect(expected, 'a sweeper variable naming the expected sources').toBeDefined();
    expect(JSON.parse(String(expected![1])).expectedSources).toEqual([{ source: 'probe', intervalMinutes: 1 }]);
  });

  it('cfn-lint finds no errors in the template', () => {
    const { status, matches, stderr } = cfnLintTemplates({ probes: synth.template });
    expect(lintErrors(matches)).toEqual([]);
    expect(status & 1, stderr).toBe(0); // 1 = cfn-lint could not run
    expect(status & 2).toBe(0); // 2 = errors
  });
});

describe('probes: rule switches and absence', () => {
  it('the rule switches and warnDays travel to the function in PROBE_RULES (the report evaluates what is enabled)', () => {
    const rulesOf = (config: object) => {
      const fn = resource(synthesize(config).template, 'AWS::Lambda::Function', 'ProbesLambdaFunction').resource;
      return JSON.parse(String((fn.Properties.Environment as { Variables: Record<string, Json> }).Variables.PROBE_RULES));
    };
    expect(rulesOf({ ...PROBE_CONFIG, rules: { tls_expiry: { warnDays: 21 } } }).tls_expiry).toEqual({ enabled: true, warnDays: 21 });
    expect(
      rulesOf({
        ...PROBE_CONFIG,
        rules: {
          healthz_down: { enabled: false, resolveAfterOkRounds: 6 },
          tls_expiry: { enabled: false },
          gateway_down: { enabled: false },
        },
      }),
    ).toEqual({
      healthz_down: { enabled: false, resolveAfterOkRounds: 6, flapWindowMinutes: 5, flapShare: 0.5 },
      tls_expiry: { enabled: false, warnDays: 14 },
      gateway_down: { enabled: false },
    });
  });

  it('no healthTargets: no probe function, schedule or alarms, and stack.probes is undefined', () => {
    const synth = synthesize({ name: 'metis-none' });
    expect((synth.stack as MetisAlertsStack).probes).toBeUndefined();
    expect(Object.keys(synth.template.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('Probes'))).toEqual([]);
    expect(Object.keys(synth.template.findResources('AWS::Events::Rule')).filter((id) => id.startsWith('Probes'))).toEqual([]);
    expect(alarmsByName(synth)).toEqual({});
    expect(
      Object.values(synth.template.findResources('AWS::CloudWatch::Alarm') as Record<string, CfnResource>)
        .map((a) => String(a.Properties.AlarmName))
        .filter((n) => /healthz|tls-|probe-/.test(n)),
    ).toEqual([]);
  });

  it('an http-only config without headers: no ssm statement at all', () => {
    const synth = synthesize({ name: 'metis-plain', healthTargets: [{ name: 'server', url: 'http://10.0.0.5/health' }] });
    const actions = probeStatements(synth).flatMap(actionsOf);
    expect(actions.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
  });

  it('the construct names the prop it rejects', () => {
    const rules = parseConfig({}).rules;
    const world = (name: string) => {
      const stack = new Stack(new App(), name);
      const bus = new EventBus(stack, 'Bus');
      const incidentTable = new Table(stack, 'Table', { partitionKey: { name: 'dedupKey', type: AttributeType.STRING } });
      return { stack, bus, incidentTable };
    };
    const empty = world('Empty');
    expect(
      () => new Probes(empty.stack, 'Probes', { namePrefix: 'x', targets: [], rules, bus: empty.bus, incidentTable: empty.incidentTable }),
    ).toThrow(/props\.targets is empty/);
    const many = Array.from(
      { length: 40 },
      (_, i) =>
        parseConfig({ healthTargets: [{ name: `target-${i}`, url: `https://host-${i}.metis.example.com/healthz` }] }).healthTargets[0]!,
    );
    const big = world('Big');
    expect(
      () => new Probes(big.stack, 'Probes', { namePrefix: 'x', targets: many, rules, bus: big.bus, incidentTable: big.incidentTable }),
    ).toThrow(/props\.targets is \d+ characters as JSON/);
  });
});

describe('targets and inbound shapes that fit one by one but not together', () => {
  it('fail synthesis with the probe function’s environment size and its largest variables, not the deploy', () => {
    const raw = {
      healthTargets: Array.from({ length: 33 }, (_, i) => ({
        name: `target-${i}`,
        url: `https://gateway-${i}.region-${i}.metis.example.com/healthz`,
      })),
      inboundShapes: Array.from({ length: 9 }, (_, i) => ({
        name: `shape-${i}`,
        url: `https://gateway-${i}.metis.example.com/v1/chat/completions`,
        shape: 'openai-chat',
        model: 'anthropic:claude-haiku-4-5',
      })),
    };
    const config = parseConfig(raw);
    const targets = JSON.stringify(config.healthTargets).length;
    const shapes = JSON.stringify(config.inboundShapes).length;
    // Each under its own limit (3500 and 1500 characters), together past Lambda's 4 KB.
    expect(targets).toBeLessThan(3500);
    expect(shapes).toBeLessThan(1500);
    expect(targets + shapes).toBeGreaterThan(4096);
    const { app } = buildStack(raw);
    expect(() => app.synth()).toThrow(
      new RegExp(
        `environment: about \\d+ bytes .*more than the 4096 Lambda accepts; largest: PROBE_TARGETS ${targets + 'PROBE_TARGETS'.length}, INBOUND_SHAPES ${shapes + 'INBOUND_SHAPES'.length}`,
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// cdk-nag v3 AwsSolutions, registered the way bin/app.ts does it (nag-helpers.ts, as in test/cdk/nag.test.ts).

describe('AwsSolutions checks on the stack with the probe config', () => {
  let app: App;
  let stack: Stack;
  beforeAll(() => {
    ({ app, stack } = buildStack(PROBE_CONFIG, withAwsSolutions));
  });

  it('has zero unacknowledged findings', () => {
    expect(findings(app)).toEqual([]);
  });

  it('synthesizes with the plugin registered (synth throws ValidationFailed on any finding)', () => {
    expect(synthesizedFunctionIds(app, stack, 'ProbesLambdaFunction')).toHaveLength(1);
  });

  it('every acknowledgement carries a reason; the probes add the pinned-runtime one and no DLQ for the second-round queue', () => {
    const acks = acknowledgements(app);
    expectReasons(acks);
    expect(acks.filter((a) => a.path.includes('/Probes/')).map((a) => a.id)).toEqual(['AwsSolutions-L1', 'AwsSolutions-SQS3']);
  });
});

describe('probes from several vantages', () => {
  it('the sweeper watches each vantage but the home region on its own (source_stale:probe@<region>); the router may read their rounds at once', () => {
    const app = new App({ context: testAppContext() });
    const config = parseConfig({ ...PROBE_CONFIG, probes: { vantages: ['eu-central-1', 'us-east-1', 'ap-southeast-2'] } });
    const { home } = buildMetisAlertsApp(app, config, 'eu-central-1');
    const template = Template.fromStack(home);
    const sweeper = resource(template, 'AWS::Lambda::Function', 'SweeperLambdaFunction').resource;
    const env = (sweeper.Properties.Environment as { Variables: Record<string, Json> }).Variables;
    expect(JSON.parse(String(env.SWEEPER_SETTINGS)).expectedSources).toEqual([
      { source: 'probe', intervalMinutes: 1 },
      { source: 'probe', vantage: 'us-east-1', intervalMinutes: 1 },
      { source: 'probe', vantage: 'ap-southeast-2', intervalMinutes: 1 },
    ]);
    const router = resource(template, 'AWS::Lambda::Function', 'RouterLambdaFunction').resource;
    const settings = JSON.parse(String((router.Properties.Environment as { Variables: Record<string, Json> }).Variables.ROUTER_SETTINGS));
    expect(settings.probes).toEqual({ vantages: ['eu-central-1', 'us-east-1', 'ap-southeast-2'] });
  });
});
