// The probe part of the stack (lib/probes.ts) from a config with an https target that needs two headers from
// SSM and an http target with an 8 s timeout: the one-minute schedule, the function's timeout and environment,
// least-privilege IAM (logs + ssm:GetParameter on the named parameters, nothing else), per-target healthz
// alarms (30 s periods, 2 of 2 / 1 of 1, missing data not breaching), TLS alarms only for https, the heartbeat
// alarm (missing data breaching), the routing tags, cdk-nag and cfn-lint. Without healthTargets: none of it.
import { App, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/config.ts';
import type { MetisAlertsStack } from '../../lib/metis-alerts-stack.ts';
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
} from './synth-helpers.ts';

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
const KUBECTL = 'kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway';
const SERVICE_DIM = { Name: 'service', Value: 'metis-alerts-probe' };

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

  it('environment: the validated targets (parameter names, no values), 30 s spacing, Powertools service and namespace', () => {
    const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(env.PROBE_TARGETS!)).toEqual(parseConfig(PROBE_CONFIG).healthTargets);
    expect(env.PROBE_SPACING_MS).toBe('30000');
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('metis-alerts-probe');
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('MetisAlerts');
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

  it('IAM: writes its own log group and reads exactly the two header parameters; no PutMetricData, nothing else', () => {
    const roleId = logicalId(synth.template, 'AWS::IAM::Role', 'ProbesLambdaRole');
    const role = resource(synth.template, 'AWS::IAM::Role', 'ProbesLambdaRole').resource.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(synth.template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>).filter((p) =>
      (p.Properties.Roles as Json[]).some((r) => render(r) === `\${${roleId}}`),
    );
    const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement);
    const logGroupId = logicalId(synth.template, 'AWS::Logs::LogGroup', 'ProbesLambdaLogGroup');
    const queueId = logicalId(synth.template, 'AWS::SQS::Queue', 'ProbesSecondRoundQueue');
    expect(statements.map((s) => [actionsOf(s), resourcesOf(s)])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], [`\${${logGroupId}.Arn}`]],
      // The second round: send the delayed message, and the event source mapping's consume rights on that queue only.
      [
        [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
        ],
        [`\${${queueId}.Arn}`],
      ],
      [
        ['ssm:GetParameter'],
        [
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/probe/gateway-auth`,
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/probe/gateway-token`,
        ],
      ],
    ]);
    expect(statements.every((s) => s.Effect === 'Allow' && !s.Condition)).toBe(true);
  });

  it('healthz_down SEV1 per target: Failed Maximum over 30 s, 2 of 2 >= 1, missing data not breaching, tagged', () => {
    for (const target of ['gateway', 'server']) {
      const alarm = alarms[`metis-probe-healthz-${target}-sev1`]!;
      expect(alarm).toMatchObject({
        Namespace: 'MetisAlerts',
        MetricName: 'Failed',
        Dimensions: [{ Name: 'Target', Value: target }, SERVICE_DIM],
        Statistic: 'Maximum',
        Period: 30,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'ignore',
      });
      expect(alarm.AlarmActions).toBeUndefined();
      expect(tagsOf(alarm)).toEqual({
        'metis:severity': 'SEV1',
        'metis:rule': 'healthz_down',
        'metis:subject': target,
        'metis:runbook': 'Alert sources',
      });
      expect(alarm.AlarmDescription).toContain(`5xx = sick app: check the app logs: ${KUBECTL}`);
      expect(alarm.AlarmDescription).toContain('timeout, refused, reset or DNS = ingress or network broken');
      expect(String(alarm.AlarmDescription).length).toBeLessThanOrEqual(1024);
    }
  });

  it('healthz_down SEV2 per target: the same metric, 1 of 1', () => {
    for (const target of ['gateway', 'server']) {
      const alarm = alarms[`metis-probe-healthz-${target}-sev2`]!;
      expect(alarm).toMatchObject({
        MetricName: 'Failed',
        Dimensions: [{ Name: 'Target', Value: target }, SERVICE_DIM],
        Statistic: 'Maximum',
        Period: 30,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'ignore',
      });
      expect(tagsOf(alarm)).toEqual({
        'metis:severity': 'SEV2',
        'metis:rule': 'healthz_down',
        'metis:subject': target,
        'metis:runbook': 'Alert sources',
      });
    }
  });

  it('tls_expiry only for the https target: SEV3 below warnDays (14), SEV2 below 0, TlsDaysLeft Minimum over 5 min', () => {
    const sev3 = alarms['metis-probe-tls-gateway-sev3']!;
    const sev2 = alarms['metis-probe-tls-gateway-sev2']!;
    const common = {
      Namespace: 'MetisAlerts',
      MetricName: 'TlsDaysLeft',
      Dimensions: [{ Name: 'Target', Value: 'gateway' }, SERVICE_DIM],
      Statistic: 'Minimum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    };
    expect(sev3).toMatchObject({ ...common, Threshold: 14 });
    expect(sev2).toMatchObject({ ...common, Threshold: 0 });
    expect(tagsOf(sev3)).toEqual({
      'metis:severity': 'SEV3',
      'metis:rule': 'tls_expiry',
      'metis:subject': 'gateway',
      'metis:runbook': 'Alert sources',
    });
    expect(tagsOf(sev2)).toEqual({
      'metis:severity': 'SEV2',
      'metis:rule': 'tls_expiry',
      'metis:subject': 'gateway',
      'metis:runbook': 'Alert sources',
    });
    expect(sev2.AlarmDescription).toContain('has EXPIRED');
    expect(sev3.AlarmDescription).toContain('expires in less than 14 days');
    expect(Object.keys(alarms).filter((name) => name.startsWith('metis-probe-tls-server'))).toEqual([]);
  });

  it('heartbeat: ProbeHeartbeat SampleCount < 1 over 3 minutes, missing data breaching, SEV2 monitoring_blind/probe', () => {
    const alarm = alarms['metis-probe-probe-heartbeat']!;
    expect(alarm).toMatchObject({
      Namespace: 'MetisAlerts',
      MetricName: 'ProbeHeartbeat',
      Dimensions: [SERVICE_DIM],
      Statistic: 'SampleCount',
      Period: 180,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect(alarm.AlarmDescription).toMatch(/^monitoring blind: probe not running\./);
    expect(tagsOf(alarm)).toEqual({
      'metis:severity': 'SEV2',
      'metis:rule': 'monitoring_blind',
      'metis:subject': 'probe',
      'metis:runbook': 'Alert sources',
    });
  });

  it('exactly these probe alarms, none with actions (the router gets every state change from EventBridge)', () => {
    expect(Object.keys(alarms).sort()).toEqual(
      [
        'metis-probe-healthz-gateway-sev1',
        'metis-probe-healthz-gateway-sev2',
        'metis-probe-healthz-server-sev1',
        'metis-probe-healthz-server-sev2',
        'metis-probe-probe-errors',
        'metis-probe-probe-heartbeat',
        'metis-probe-tls-gateway-sev2',
        'metis-probe-tls-gateway-sev3',
      ].sort(),
    );
    for (const [name, alarm] of Object.entries(alarms)) expect(alarm.AlarmActions, name).toBeUndefined();
    expect(tagsOf(alarms['metis-probe-probe-errors']!)['metis:severity']).toBe('SEV3');
  });

  it('cfn-lint finds no errors in the template', () => {
    const { status, matches, stderr } = cfnLintTemplates({ probes: synth.template });
    expect(lintErrors(matches)).toEqual([]);
    expect(status & 1, stderr).toBe(0); // 1 = cfn-lint could not run
    expect(status & 2).toBe(0); // 2 = errors
  });
});

describe('probes: rule switches and absence', () => {
  it('tls_expiry.warnDays sets the SEV3 threshold; disabled rules drop their alarms but keep probe and heartbeat', () => {
    const warn21 = alarmsByName(synthesize({ ...PROBE_CONFIG, rules: { tls_expiry: { warnDays: 21 } } }));
    expect(warn21['metis-probe-tls-gateway-sev3']?.Threshold).toBe(21);

    const off = alarmsByName(synthesize({ ...PROBE_CONFIG, rules: { healthz_down: { enabled: false }, tls_expiry: { enabled: false } } }));
    expect(Object.keys(off).filter((n) => /healthz|tls-/.test(n))).toEqual([]);
    expect(off['metis-probe-probe-heartbeat']).toBeDefined();
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
    const roleId = logicalId(synth.template, 'AWS::IAM::Role', 'ProbesLambdaRole');
    const actions = Object.values(synth.template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>)
      .filter((p) => (p.Properties.Roles as Json[]).some((r) => render(r) === `\${${roleId}}`))
      .flatMap((p) => (p.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement.flatMap(actionsOf));
    expect(actions.sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    expect(Object.keys(alarmsByName(synth)).filter((n) => n.startsWith('metis-plain-tls'))).toEqual([]);
  });

  it('the construct names the prop it rejects', () => {
    const rules = parseConfig({}).rules;
    expect(() => new Probes(new Stack(new App(), 'Empty'), 'Probes', { namePrefix: 'x', targets: [], rules })).toThrow(
      /props\.targets is empty/,
    );
    const many = Array.from(
      { length: 40 },
      (_, i) =>
        parseConfig({ healthTargets: [{ name: `target-${i}`, url: `https://host-${i}.metis.example.com/healthz` }] }).healthTargets[0]!,
    );
    expect(() => new Probes(new Stack(new App(), 'Big'), 'Probes', { namePrefix: 'x', targets: many, rules })).toThrow(
      /props\.targets is \d+ characters as JSON/,
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
