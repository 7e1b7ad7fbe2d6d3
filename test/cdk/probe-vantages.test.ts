// The probe vantage stacks of a three-vantage config (home eu-central-1, plus us-east-1 and ap-southeast-2),
// built as bin/app.ts builds them: names, regions, what each vantage stack holds, the cross-region grant
// and bus policy, the deploy order, the per-vantage dashboard panels, cdk-nag and cfn-lint.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lambdas/core/config.ts';
import { buildMetisAlertsApp, type MetisAlertsApp } from '../../lib/metis-alerts-app.ts';
import { vantageCostItems } from '../../bench/vantage-cost.ts';
import { COULD_NOT_RUN, ERRORS, cfnLintTemplates, lintErrors } from './cfn-lint-helpers.ts';
import { findings, synthesizedFunctionIds, withAwsSolutions } from './nag-helpers.ts';
import { type CfnResource, type Json, type Statement, render, resourcesOf, statementFor, testAppContext } from './synth-helpers.ts';

const HOME = 'eu-central-1';
const THREE_VANTAGES = {
  name: 'metis-prod',
  healthTargets: [
    { name: 'gateway', url: 'https://gateway.metis.example.com/healthz' },
    { name: 'server', url: 'https://agents.metis.example.com/health' },
  ],
  probes: { vantages: ['eu-central-1', 'us-east-1', 'ap-southeast-2'] },
  dashboard: true,
};

function build(raw: unknown, homeRegion: string | undefined): { app: App; built: MetisAlertsApp } {
  const app = new App({ context: testAppContext() });
  withAwsSolutions(app);
  return { app, built: buildMetisAlertsApp(app, parseConfig(raw), homeRegion) };
}

function policyStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>).flatMap(
    (p) => (p.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement,
  );
}

describe('a three-vantage config', () => {
  let app: App;
  let built: MetisAlertsApp;
  let home: Template;
  let vantages: Map<string, Template>;
  beforeAll(() => {
    ({ app, built } = build(THREE_VANTAGES, HOME));
    home = Template.fromStack(built.home);
    vantages = new Map(built.vantages.map((stack) => [stack.vantage, Template.fromStack(stack)]));
  });

  it('is the home stack in its region and one probe stack per other region, named <name>-probe-<region>', () => {
    expect(built.plan).toEqual({
      home: HOME,
      all: ['eu-central-1', 'us-east-1', 'ap-southeast-2'],
      extra: ['us-east-1', 'ap-southeast-2'],
      quorum: 2,
    });
    expect([built.home, ...built.vantages].map((s) => `${s.stackName} ${s.region}`)).toEqual([
      'metis-prod eu-central-1',
      'metis-prod-probe-us-east-1 us-east-1',
      'metis-prod-probe-ap-southeast-2 ap-southeast-2',
    ]);
  });

  it('deploys each vantage after the home stack (cdk deploy --all)', () => {
    for (const stack of built.vantages) expect(stack.dependencies.map((d) => d.stackName)).toEqual(['metis-prod']);
    expect(built.home.dependencies).toEqual([]);
  });

  it('uses no CloudFormation export or import across regions', () => {
    for (const template of [home, ...vantages.values()]) {
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toContain('Fn::ImportValue');
      expect(
        Object.values((template.toJSON() as { Outputs?: Record<string, { Export?: unknown }> }).Outputs ?? {}).filter((o) => o.Export),
      ).toEqual([]);
    }
  });

  it('each vantage stack holds the probe, its schedule, second-round queue, state table and DLQ; no bus, no router, no KMS key, no alarm', () => {
    for (const template of vantages.values()) {
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.resourceCountIs('AWS::SQS::Queue', 2);
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.resourceCountIs('AWS::Events::EventBus', 0);
      template.resourceCountIs('AWS::KMS::Key', 0);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      // Its alarm could notify no one (actions reach same-region topics only): source_stale per vantage does.
      template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'dedupKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'metis-prod-probe-dead-letters', SqsManagedSseEnabled: true });
    }
  });

  it('the vantage probe names its region, reports to the home bus in the home region, keeps state in its own table', () => {
    for (const [region, template] of vantages) {
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, CfnResource>);
      const env = (fn!.Properties.Environment as { Variables: Record<string, Json> }).Variables;
      expect(env).toMatchObject({ PROBE_VANTAGE: region, EVENT_BUS_REGION: HOME, EVENT_BUS_NAME: 'metis-prod-bus' });
      expect(render(env.PROBE_STATE_TABLE)).toMatch(/^\$\{ProbeStateTable[0-9A-F]{8}\}$/);
      expect(render(env.PROBE_SECOND_ROUND_QUEUE_URL)).toMatch(/^\$\{ProbesSecondRoundQueue[0-9A-F]{8}\}$/);
      const targets = JSON.parse(String(env.PROBE_TARGETS)) as { name: string }[];
      expect(targets.map((t) => t.name)).toEqual(['gateway', 'server']);
    }
  });

  it('grants PutEvents on the home bus ARN in the home region only, and state access on its own table', () => {
    for (const template of vantages.values()) {
      const statements = policyStatements(template);
      expect(resourcesOf(statementFor(statements, 'events:PutEvents'))).toEqual([
        `arn:aws:events:eu-central-1:\${AWS::AccountId}:event-bus/metis-prod-bus`,
      ]);
      const [table] = resourcesOf(statementFor(statements, 'dynamodb:PutItem'));
      expect(table).toMatch(/^\$\{ProbeStateTable[0-9A-F]{8}\.Arn\}$/);
    }
  });

  it('gives the vantage role and log group the fixed names the home stack refers to', () => {
    for (const [region, template] of vantages) {
      template.hasResourceProperties('AWS::IAM::Role', { RoleName: `metis-prod-probe-${region}` });
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/metis-alerts/metis-prod/probe' });
    }
  });

  it('sends failed scheduled runs to the vantage DLQ (schedule target and on-failure destination)', () => {
    for (const template of vantages.values()) {
      const [rule] = Object.values(template.findResources('AWS::Events::Rule') as Record<string, CfnResource>);
      const [target] = rule!.Properties.Targets as { DeadLetterConfig?: { Arn: Json } }[];
      expect(render(target!.DeadLetterConfig?.Arn)).toMatch(/^\$\{DeadLetterQueue[0-9A-F]{8}\.Arn\}$/);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    }
  });

  it("the home bus's policy lets exactly the two vantage roles put events", () => {
    const policies = Object.values(home.findResources('AWS::Events::EventBusPolicy') as Record<string, CfnResource>);
    expect(policies).toHaveLength(1);
    const statement = policies[0]!.Properties.Statement as unknown as Statement;
    expect(statement).toMatchObject({ Sid: 'cdk-ProbeVantageReports', Effect: 'Allow', Action: 'events:PutEvents' });
    expect(render((statement.Principal as { AWS: Json }).AWS)).toBe(`arn:aws:iam::\${AWS::AccountId}:root`);
    const roles = ((statement.Condition?.ArnEquals?.['aws:PrincipalArn'] ?? []) as Json[]).map(render);
    expect(roles).toEqual([
      `arn:aws:iam::\${AWS::AccountId}:role/metis-prod-probe-us-east-1`,
      `arn:aws:iam::\${AWS::AccountId}:role/metis-prod-probe-ap-southeast-2`,
    ]);
  });

  it("the home probe names the home region; the router's stack is unchanged otherwise (one probe Lambda at home)", () => {
    const probes = Object.entries(home.findResources('AWS::Lambda::Function') as Record<string, CfnResource>).filter(([id]) =>
      id.startsWith('ProbesLambda'),
    );
    expect(probes).toHaveLength(1);
    const env = (probes[0]![1].Properties.Environment as { Variables: Record<string, Json> }).Variables;
    expect(env.PROBE_VANTAGE).toBe(HOME);
    expect(env.EVENT_BUS_REGION).toBeUndefined();
  });

  it('the on-call dashboard has a latency and TLS panel per vantage, each querying its own region', () => {
    const [dashboard] = Object.values(home.findResources('AWS::CloudWatch::Dashboard') as Record<string, CfnResource>);
    const body = JSON.parse(render(dashboard!.Properties.DashboardBody)) as {
      widgets: { properties: { title?: string; region?: string; query?: string } }[];
    };
    const panels = body.widgets.filter((w) => w.properties.title?.startsWith('Probe latency (ms) and TLS days left from'));
    expect(panels.map((w) => `${w.properties.title} @ ${w.properties.region}`)).toEqual([
      // The home panel reads the dashboard's own region: the home stack's, pinned to eu-central-1.
      `Probe latency (ms) and TLS days left from eu-central-1 (home) @ \${AWS::Region}`,
      'Probe latency (ms) and TLS days left from us-east-1 @ us-east-1',
      'Probe latency (ms) and TLS days left from ap-southeast-2 @ ap-southeast-2',
    ]);
    for (const panel of panels.slice(1)) expect(panel.properties.query).toContain("SOURCE '/metis-alerts/metis-prod/probe'");
    for (const panel of panels) expect(panel.properties.query).toContain('min(tlsDaysLeft) as tlsDaysLeft by vantage, target');
  });

  it("saves each vantage's latency and TLS query in its own region, on its probe's log group, as the home panel's query", () => {
    const [homeQuery] = Object.values(home.findResources('AWS::Logs::QueryDefinition') as Record<string, CfnResource>).filter((q) =>
      String(q.Properties.Name).endsWith(`from ${HOME} (home)`),
    );
    for (const [region, template] of vantages) {
      const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition') as Record<string, CfnResource>);
      expect(queries).toHaveLength(1);
      const [logGroupId] = Object.keys(
        template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/metis-alerts/metis-prod/probe' } }),
      );
      expect(queries[0]!.Properties).toEqual({
        Name: `metis-prod/on-call/Probe latency (ms) and TLS days left from ${region}`,
        QueryString: homeQuery!.Properties.QueryString,
        LogGroupNames: [{ Ref: logGroupId }],
      });
      expect(String(queries[0]!.Properties.QueryString)).toContain('min(tlsDaysLeft) as tlsDaysLeft by vantage, target');
    }
    // The home stack saves only its own vantage's query: the others' log groups are not in its region.
    const homeVantageQueries = Object.values(home.findResources('AWS::Logs::QueryDefinition') as Record<string, CfnResource>).filter((q) =>
      String(q.Properties.Name).includes('Probe latency (ms) and TLS days left from'),
    );
    expect(homeVantageQueries.map((q) => q.Properties.Name)).toEqual([
      `metis-prod/on-call/Probe latency (ms) and TLS days left from ${HOME} (home)`,
    ]);
  });

  it("costs what the cost model's pinned vantage fixture costs ($0.93 a month each; test/unit/bench/vantage-cost.test.ts)", () => {
    for (const template of vantages.values()) {
      const items = vantageCostItems(
        template.toJSON() as Parameters<typeof vantageCostItems>[0],
        home.toJSON() as Parameters<typeof vantageCostItems>[1],
        3,
      );
      expect(Math.round(items.reduce((sum, i) => sum + i.usd, 0) * 100) / 100).toBe(0.93);
    }
  });

  it('has zero unacknowledged cdk-nag findings and synthesizes every stack with the plugin registered', () => {
    expect(findings(app)).toEqual([]);
    for (const stack of built.vantages) expect(synthesizedFunctionIds(app, stack)).toHaveLength(1);
  });

  it('is cfn-lint clean (no errors) in all three templates', () => {
    const { status, matches, stderr } = cfnLintTemplates({ home, ...Object.fromEntries(vantages) });
    expect(lintErrors(matches)).toEqual([]);
    expect(status & COULD_NOT_RUN, stderr).toBe(0);
    expect(status & ERRORS).toBe(0);
  });
});

describe('vantage configs the app refuses or leaves alone', () => {
  it('without vantages: one env-agnostic stack, no vantage stacks, no bus policy, whatever the home region', () => {
    const { built } = build({ ...THREE_VANTAGES, probes: {} }, undefined);
    expect(built.vantages).toEqual([]);
    expect(built.home.stackName).toBe('metis-prod');
    Template.fromStack(built.home).resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  it('only the home region listed: the home stack alone, pinned to it', () => {
    const { built } = build({ ...THREE_VANTAGES, probes: { vantages: [HOME] } }, HOME);
    expect(built.vantages).toEqual([]);
    expect(built.home.region).toBe(HOME);
  });

  it('vantages without a known home region stop with the key and what to give', () => {
    expect(() => build(THREE_VANTAGES, undefined)).toThrow(ConfigError);
    expect(() => build(THREE_VANTAGES, undefined)).toThrow('config: probes.vantages: the home region is unknown');
  });

  it('a quorum above the vantage count (home included) stops with the count', () => {
    expect(() => build({ ...THREE_VANTAGES, probes: { vantages: ['us-east-1', 'ap-southeast-2', HOME], quorum: 4 } }, HOME)).toThrow(
      'config: probes.quorum: 4 is more than the 3 vantages (eu-central-1, us-east-1, ap-southeast-2)',
    );
  });
});
