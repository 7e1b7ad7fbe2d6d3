// The ack intake (lib/ack-intake.ts, wired in lib/metis-alerts-stack.ts): a function URL with AuthType NONE
// and both permissions Lambda now requires for it, reserved concurrency, exactly the environment its handler
// reads, a role that reads only the configured secret parameters and the incident table and creates one-time
// schedules in the deadlines group (the sweeper's wake-up after an ack), the URL as a stack
// output, cdk-nag (with the auth decision acknowledged) and cfn-lint clean, and the cost model pricing it.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCostModel } from '../../bench/cost-model.ts';
import { readAckIntakeEnvironment } from '../../lambdas/functions/ack-intake/env.ts';
import { secretParametersOf } from '../../lib/ack-intake.ts';
import { COULD_NOT_RUN, ERRORS, cfnLintTemplates } from './cfn-lint-helpers.ts';
import { acknowledgements, findings, withAwsSolutions } from './nag-helpers.ts';
import {
  EXAMPLE_CONFIG_PATH,
  buildStack,
  functionEnvironment,
  logicalId,
  readJson,
  resource,
  type Json,
  type Synthesized,
} from './synth-helpers.ts';

const CUSTOMER_KEY = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const example = readJson(EXAMPLE_CONFIG_PATH) as Record<string, unknown>;
const SCHEDULER_AT_DEPLOY = JSON.stringify({
  groupName: 'metis-prod-deadlines',
  targetArn: 'arn:aws:lambda:eu-central-1:111122223333:function:metis-prod-sweeper',
  roleArn: 'arn:aws:iam::111122223333:role/deadlines-invoker',
  deadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:metis-prod-dlq',
});
const INTAKE = {
  pagerduty: { secretParameter: '/metis/intake/pagerduty', restApiKeyParameter: '/metis/intake/pagerduty-rest' },
  opsgenie: { secretParameter: '/metis/intake/opsgenie', header: 'X-Ops-Secret' },
  splunkOnCall: { secretParameter: '/metis/intake/splunk-oncall', kmsKeyArn: CUSTOMER_KEY },
  ackLinks: { secretParameter: '/metis/intake/ack-link' },
};

let synth: Synthesized;
let without: Synthesized;
beforeAll(() => {
  const built = buildStack({ ...example, ackIntake: INTAKE }, withAwsSolutions);
  synth = { ...built, template: Template.fromStack(built.stack) };
  const plain = buildStack(example, withAwsSolutions);
  without = { ...plain, template: Template.fromStack(plain.stack) };
});

type Resources = Record<string, { Type: string; Properties: Record<string, Json> }>;
const byType = (t: Template, type: string) => Object.entries(t.findResources(type) as Resources);

describe('ack intake construct', () => {
  it('has a function URL with AuthType NONE, and both invoke permissions a URL now needs', () => {
    const fn = logicalId(synth.template, 'AWS::Lambda::Function', 'AckIntakeLambdaFunction');
    const urls = byType(synth.template, 'AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]![1].Properties).toEqual({ AuthType: 'NONE', InvokeMode: 'BUFFERED', TargetFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] } });
    const permissions = byType(synth.template, 'AWS::Lambda::Permission')
      .map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p.FunctionName).includes(fn));
    expect(permissions).toEqual(
      expect.arrayContaining([
        { Action: 'lambda:InvokeFunctionUrl', FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, FunctionUrlAuthType: 'NONE', Principal: '*' },
        { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, InvokedViaFunctionUrl: true, Principal: '*' },
      ]),
    );
    expect(permissions).toHaveLength(2);
  });

  it('caps concurrency, answers within 5 s, runs on nodejs22.x arm64', () => {
    const props = resource(synth.template, 'AWS::Lambda::Function', 'AckIntakeLambdaFunction').resource.Properties;
    expect(props.ReservedConcurrentExecutions).toBe(5);
    expect(props.Timeout).toBe(5);
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
  });

  it('has exactly the environment the handler reads, with parameter names and never a secret', () => {
    const env = functionEnvironment(synth.template, 'AckIntakeLambdaFunction');
    expect(Object.keys(env).sort()).toEqual([
      'DEADLINE_SCHEDULER',
      'INCIDENT_TABLE',
      'INTAKE_SETTINGS',
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'ROUTER_SETTINGS',
    ]);
    // The scheduler's ARNs are references until deploy; the handler reads them as the sweeper's wake-up target.
    const parsed = readAckIntakeEnvironment({
      ...(env as Record<string, string>),
      INCIDENT_TABLE: 'table',
      DEADLINE_SCHEDULER: SCHEDULER_AT_DEPLOY,
    });
    expect(parsed.DEADLINE_SCHEDULER?.groupName).toBe('metis-prod-deadlines');
    expect(parsed.INTAKE_SETTINGS).toEqual({
      pagerduty: { secretParameter: '/metis/intake/pagerduty', restApiKeyParameter: '/metis/intake/pagerduty-rest' },
      opsgenie: { secretParameter: '/metis/intake/opsgenie', header: 'X-Ops-Secret' },
      splunkOnCall: { secretParameter: '/metis/intake/splunk-oncall', header: 'X-Metis-Webhook-Secret', kmsKeyArn: CUSTOMER_KEY },
      ackLinks: { secretParameter: '/metis/intake/ack-link', lifetimeMinutes: 30 },
      reservedConcurrency: 5,
    });
  });

  it('wakes the sweeper through the deadlines group: the same group, sweeper and invoker role the router schedules with', () => {
    const intake = JSON.stringify(functionEnvironment(synth.template, 'AckIntakeLambdaFunction').DEADLINE_SCHEDULER);
    const router = JSON.stringify(functionEnvironment(synth.template, 'RouterLambdaFunction').DEADLINE_SCHEDULER);
    expect(intake).toBe(router);
    expect(intake).toContain('metis-prod-deadlines');
    expect(intake).toContain('function:metis-prod-sweeper');
    expect(functionEnvironment(without.template, 'RouterLambdaFunction').DEADLINE_SCHEDULER).toBeDefined();
  });

  it('its role reads the four secret parameters and the PagerDuty REST API key by name, decrypts through SSM with the customer key, touches only the incident table, and schedules in the deadlines group', () => {
    const role = logicalId(synth.template, 'AWS::IAM::Role', 'AckIntakeLambdaRole');
    const policies = byType(synth.template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]![1].Properties.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'DecryptIntakeSecrets',
      'IncidentTable',
      'PassDeadlineInvokerRole',
      'ReadIntakeSecrets',
      'ScheduleDeadlines',
    ]);
    // CreateSchedule in this stack's deadlines group only, and passing exactly the invoker role to Scheduler.
    expect(bySid.ScheduleDeadlines).toMatchObject({
      Action: 'scheduler:CreateSchedule',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':scheduler:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':schedule/metis-prod-deadlines/*',
          ],
        ],
      },
    });
    expect(bySid.PassDeadlineInvokerRole).toMatchObject({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [logicalId(synth.template, 'AWS::IAM::Role', 'DeadlinesInvokerRole'), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
    expect(bySid.IncidentTable!.Action).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(bySid.IncidentTable!.Resource).toEqual({
      'Fn::GetAtt': [logicalId(synth.template, 'AWS::DynamoDB::Table', 'Incidents'), 'Arn'],
    });
    const parameters = bySid.ReadIntakeSecrets!.Resource as Json[];
    // The four doors' secrets and PagerDuty's REST API key (grouped incidents), each by its exact name.
    expect(parameters).toHaveLength(5);
    for (const name of ['pagerduty', 'opsgenie', 'splunk-oncall', 'ack-link', 'pagerduty-rest'])
      expect(JSON.stringify(parameters)).toContain(`:parameter/metis/intake/${name}"`);
    expect(bySid.ReadIntakeSecrets!.Action).toBe('ssm:GetParameter');
    expect(bySid.DecryptIntakeSecrets).toMatchObject({ Action: 'kms:Decrypt', Resource: CUSTOMER_KEY });
    // The log group and nothing else besides.
    expect(statements.filter((s) => !s.Sid).map((s) => s.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
  });

  it("PagerDuty's REST API key is decrypted with the PagerDuty door's customer key, and read only when configured", () => {
    const door = { secretParameter: '/pd/signing', kmsKeyArn: CUSTOMER_KEY };
    expect(secretParametersOf({ pagerduty: { ...door, restApiKeyParameter: '/pd/rest' }, reservedConcurrency: 5 })).toEqual([
      { name: '/pd/signing', kmsKeyArn: CUSTOMER_KEY },
      { name: '/pd/rest', kmsKeyArn: CUSTOMER_KEY },
    ]);
    expect(secretParametersOf({ pagerduty: door, reservedConcurrency: 5 })).toEqual([{ name: '/pd/signing', kmsKeyArn: CUSTOMER_KEY }]);
  });

  it('outputs the URL', () => {
    const url = logicalId(synth.template, 'AWS::Lambda::Url', 'AckIntakeLambdaFunctionFunctionUrl');
    expect(synth.template.toJSON().Outputs.AckIntakeUrl.Value).toEqual({ 'Fn::GetAtt': [url, 'FunctionUrl'] });
  });

  it('router and sweeper sign ack links: the URL, the key parameter and lifetime in their environment, read access to that key only', () => {
    const url = logicalId(synth.template, 'AWS::Lambda::Url', 'AckIntakeLambdaFunctionFunctionUrl');
    for (const part of ['Router', 'Sweeper']) {
      const env = functionEnvironment(synth.template, `${part}LambdaFunction`);
      expect(env.ACK_LINK_URL, part).toEqual({ 'Fn::GetAtt': [url, 'FunctionUrl'] });
      expect(env.ACK_LINK_SECRET_PARAMETER, part).toBe('/metis/intake/ack-link');
      expect(env.ACK_LINK_MINUTES, part).toBe('30');
      const role = logicalId(synth.template, 'AWS::IAM::Role', `${part}LambdaRole`);
      const statements = byType(synth.template, 'AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))
        .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, Json>[] }).Statement);
      const read = statements.find((st) => st.Sid === 'ReadAckLinkKey');
      expect(read?.Action, part).toBe('ssm:GetParameter');
      expect(JSON.stringify(read?.Resource), part).toContain(':parameter/metis/intake/ack-link');
      // The webhook secrets stay with the intake.
      expect(JSON.stringify(statements), part).not.toContain('/metis/intake/pagerduty');
    }
    for (const part of ['Router', 'Sweeper'])
      expect(functionEnvironment(without.template, `${part}LambdaFunction`).ACK_LINK_URL, part).toBeUndefined();
  });

  it('is not deployed without an ackIntake section', () => {
    expect(byType(without.template, 'AWS::Lambda::Url')).toEqual([]);
    expect(without.template.toJSON().Outputs.AckIntakeUrl).toBeUndefined();
  });

  it('passes cdk-nag with the AuthType NONE decision recorded with its reason', () => {
    expect(findings(synth.app)).toEqual([]);
    const ack = acknowledgements(synth.app).find((a) => a.id === 'AwsSolutions-LambdaFunctionUrlAuthNone');
    expect(ack?.path).toMatch(/AckIntake\/Lambda\/Function\/FunctionUrl$/);
    expect(ack?.reason).toMatch(/^The signature is the auth/);
  });

  it('passes cfn-lint', () => {
    const { status, matches, stderr } = cfnLintTemplates({ intake: synth.template });
    expect(matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message}`)).toEqual([]);
    expect(status & COULD_NOT_RUN, stderr).toBe(0);
    expect(status & ERRORS).toBe(0);
  });

  it('is priced by the cost model (no unknown-function warning)', () => {
    const model = computeCostModel(synth.template.toJSON() as Parameters<typeof computeCostModel>[0], synth.config);
    expect(model.warnings).toEqual([]);
    const lines = model.deployment.filter((i) => i.part === 'ack-intake').map((i) => i.resource);
    expect(lines).toEqual(expect.arrayContaining(['Lambda requests', expect.stringMatching(/^DynamoDB on-demand/)]));
    expect(model.deployment.filter((i) => i.part === 'ack-intake').reduce((s, i) => s + i.usd, 0)).toBeGreaterThan(0);
  });
});
