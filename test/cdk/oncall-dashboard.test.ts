// The one on-call dashboard, the inbound-shape schedule and the analytics wiring, from a config
// with two health targets, two inbound shapes, a snapshot with budget and caps, a log group and analytics:
// exactly one dashboard, its panels in order, no custom metric beyond those the alarms already need (none
// for the probe: its panels are Logs Insights over its per-target log lines), the Logs Insights panels on the right log groups; the shape run's rule, environment and least-privilege IAM;
// the trace check's ANALYTICS and key parameter; the sweeper expecting probe reports; cdk-nag clean.
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MetisAlertsStack } from '../../lib/metis-alerts-stack.ts';
import { findings, withAwsSolutions } from './nag-helpers.ts';
import {
  actionsOf,
  buildStack,
  functionEnvironment,
  logicalId,
  render,
  resource,
  resourcesOf,
  type CfnResource,
  type Json,
  type Statement,
} from './synth-helpers.ts';

const CONFIG = {
  name: 'metis-oncall',
  healthTargets: [
    { name: 'gateway', url: 'https://gw.example.com/healthz' },
    { name: 'server', url: 'https://agents.example.com/health' },
  ],
  inboundShapes: [
    {
      name: 'chat',
      url: 'https://gw.example.com/v1/chat/completions',
      shape: 'openai-chat',
      model: 'm',
      headersFromSsm: { authorization: '/metis/probe/key' },
    },
    {
      name: 'messages',
      url: 'https://gw.example.com/v1/messages',
      shape: 'anthropic-messages',
      model: 'm',
      headersFromSsm: { 'x-api-key': '/metis/probe/key' },
    },
  ],
  analytics: { url: 'https://gw.example.com/analytics/by_key', headersFromSsm: { authorization: '/metis/analytics/key' } },
  snapshot: { prefix: 'metis', scheduleMinutes: 2 },
  logGroups: [{ name: '/metis/gateway' }],
  dashboard: true,
  rules: {
    cost_projection: { dailyBudgetUsd: 250 },
    bill_threshold: { dailyHardCapUsd: 1000, monthlyHardCapUsd: 20000 },
    inbound_shape_down: { scheduleMinutes: 10 },
  },
};

/** How resourcesOf() renders an SSM parameter ARN of this stack (CloudFormation pseudo parameters as ${...}). */
const pseudo = (name: string): string => ['$', '{', name, '}'].join('');
const SSM_ARN = `arn:${pseudo('AWS::Partition')}:ssm:${pseudo('AWS::Region')}:${pseudo('AWS::AccountId')}:parameter`;

let app: App;
let stack: MetisAlertsStack;
let template: Template;
let body: { widgets: { type: string; width: number; properties: Record<string, unknown> }[] };

beforeAll(() => {
  ({ app, stack } = buildStack(CONFIG, withAwsSolutions));
  template = Template.fromStack(stack);
  const dashboards = template.findResources('AWS::CloudWatch::Dashboard') as Record<string, CfnResource>;
  expect(Object.keys(dashboards)).toHaveLength(1);
  body = JSON.parse(render(Object.values(dashboards)[0]!.Properties.DashboardBody));
});

const titles = () =>
  body.widgets.map((w) => (w.properties.title as string | undefined) ?? `text: ${String(w.properties.markdown).split('\n')[0]}`);
const widget = (title: string) => body.widgets.find((w) => w.properties.title === title)!;
const queryOf = (title: string) => String(widget(title).properties.query);

describe('one on-call dashboard', () => {
  it('is the only dashboard, named <name>-oncall, and the stack outputs its name', () => {
    const { resource: dashboard } = resource(template, 'AWS::CloudWatch::Dashboard', 'OnCallDashboard');
    expect(dashboard.Properties.DashboardName).toBe('metis-oncall-oncall');
    template.hasOutput('OnCallDashboardName', {});
  });

  it('has the panels on-call needs, in reading order', () => {
    expect(titles()).toEqual([
      'text: # metis-oncall on-call',
      'Open incidents by severity (sweeper, every 5 min)',
      'Pipeline alarms',
      'Probe failures per target (failed probes a minute)',
      'Probe latency per target (ms)',
      'Inbound shapes (one-token request per run)',
      'Error share per model (%, last 10 min, busiest 20)',
      'Spend today vs budget and caps (USD; budget $250/day, cap $1000/day, cap $20000/month)',
      'Month to date vs monthly cap (USD)',
      'Snapshot age (s): shipper upload and newest event',
      'Dead-letter queue depth (events the router could not process)',
      'Detector heartbeats (invocations per 5 min; a flat zero is a detector that stopped)',
    ]);
  });

  it('adds no custom metric: every MetisAlerts metric it shows is one an alarm already watches', () => {
    const alarmed = new Set(
      Object.values(template.findResources('AWS::CloudWatch::Alarm') as Record<string, CfnResource>)
        .filter((a) => a.Properties.Namespace === 'MetisAlerts')
        .map((a) => `${a.Properties.MetricName} ${sortedDims(a.Properties.Dimensions as { Name: string; Value: string }[])}`),
    );
    const shown = body.widgets
      .flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? [])
      .filter((m) => m[0] === 'MetisAlerts')
      .map((m) => {
        const [, name, ...rest] = m as string[];
        const dims: { Name: string; Value: string }[] = [];
        for (let i = 0; i + 1 < rest.length && typeof rest[i] === 'string'; i += 2) dims.push({ Name: rest[i]!, Value: rest[i + 1]! });
        return `${name} ${sortedDims(dims)}`;
      });
    for (const metric of shown) expect(alarmed, metric).toContain(metric);
    // The probe emits no metric at all: nothing of the old Failed / TlsDaysLeft / ProbeHeartbeat is shown.
    expect(shown.filter((m) => /^(Failed|TlsDaysLeft|ProbeHeartbeat) /.test(m))).toEqual([]);
  });

  it('probe failures: Logs Insights over the per-target probe log lines, failed probes per minute per target (a line chart)', () => {
    const probeLogs = `SOURCE '\${${logicalId(template, 'AWS::Logs::LogGroup', 'ProbesLambdaLogGroup')}}'`;
    const failures = widget('Probe failures per target (failed probes a minute)');
    expect(failures.type).toBe('log');
    expect(failures.properties.view).toBe('timeSeries');
    expect(queryOf('Probe failures per target (failed probes a minute)')).toBe(
      `${probeLogs} | filter message in ['probe ok', 'probe failed']\n| fields strcontains(message, 'failed') as isFailed\n| stats sum(isFailed) as failed by bin(1m), target`,
    );
  });

  it('Logs Insights panels read the log lines the Lambdas write, from the right log groups', () => {
    const probeLogs = `SOURCE '\${${logicalId(template, 'AWS::Logs::LogGroup', 'ProbesLambdaLogGroup')}}'`;
    const traceLogs = `SOURCE '\${${logicalId(template, 'AWS::Logs::LogGroup', 'TraceChecksLambdaLogGroup')}}'`;
    const sweeperLogs = `SOURCE '\${${logicalId(template, 'AWS::Logs::LogGroup', 'SweeperLambdaLogGroup')}}'`;
    expect(queryOf('Open incidents by severity (sweeper, every 5 min)')).toMatch(
      new RegExp(`^${escapeRegExp(sweeperLogs)} \\| filter message = 'open incidents'`),
    );
    expect(queryOf('Probe latency per target (ms)')).toContain(probeLogs);
    expect(queryOf('Probe latency per target (ms)')).toContain("filter message in ['probe ok', 'probe failed']");
    expect(queryOf('Inbound shapes (one-token request per run)')).toContain(`${probeLogs} | filter message = 'inbound shape'`);
    expect(queryOf('Inbound shapes (one-token request per run)')).toContain('by name, shape');
    expect(queryOf('Error share per model (%, last 10 min, busiest 20)')).toContain(`${traceLogs} | filter message = 'model error share'`);
    const spend = queryOf('Spend today vs budget and caps (USD; budget $250/day, cap $1000/day, cap $20000/month)');
    expect(spend).toContain("filter message = 'trace numbers'");
    expect(spend).toContain('max(dailyBudgetUsd) as budget');
    expect(spend).toContain('max(dailyHardCapUsd) as dailyCap');
    expect(widget('Snapshot age (s): shipper upload and newest event').properties.view).toBe('timeSeries');
  });

  it('DLQ depth (free SQS metric) and each detector heartbeat (free Lambda invocations and errors)', () => {
    const dlq = widget('Dead-letter queue depth (events the router could not process)').properties.metrics as unknown[][];
    expect(dlq[0]!.slice(0, 2)).toEqual(['AWS/SQS', 'ApproximateNumberOfMessagesVisible']);
    const beats = widget('Detector heartbeats (invocations per 5 min; a flat zero is a detector that stopped)').properties
      .metrics as unknown[][];
    const labels = beats.map((m) => (m.at(-1) as { label: string }).label);
    expect(labels).toEqual([
      'probe',
      'trace-check',
      'log-watch',
      'router',
      'sweeper',
      'probe errors',
      'trace-check errors',
      'log-watch errors',
      'router errors',
      'sweeper errors',
    ]);
    expect(beats.every((m) => m[0] === 'AWS/Lambda')).toBe(true);
  });

  it('the alarm panel shows every alarm of the stack (Lambda errors, DLQ; no probe alarms any more)', () => {
    const alarms = widget('Pipeline alarms').properties.alarms as string[];
    expect(alarms).toHaveLength(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length);
  });
});

describe('inbound shapes wiring', () => {
  it('its own schedule (rules.inbound_shape_down.scheduleMinutes) invoking the probe Lambda with the shape-run input', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule') as Record<string, CfnResource>).filter(
      (r) => r.Properties.ScheduleExpression === 'rate(10 minutes)',
    );
    expect(rules).toHaveLength(1);
    const [target] = rules[0]!.Properties.Targets as { Arn: Json; Input: string }[];
    expect(render(target!.Arn)).toBe(`\${${logicalId(template, 'AWS::Lambda::Function', 'ProbesLambdaFunction')}.Arn}`);
    expect(JSON.parse(target!.Input)).toEqual({ run: 'inbound-shapes' });
  });

  it('the probe Lambda gets the shapes and the bus; reads only the named key parameters; puts events only on the bus', () => {
    const env = functionEnvironment(template, 'ProbesLambdaFunction');
    expect(JSON.parse(String(env.INBOUND_SHAPES)).map((s: { name: string }) => s.name)).toEqual(['chat', 'messages']);
    expect(render(env.EVENT_BUS_NAME)).toBe(`\${${logicalId(template, 'AWS::Events::EventBus', 'Bus')}}`);
    const role = resource(template, 'AWS::IAM::Policy', 'ProbesLambdaRoleDefaultPolicy').resource;
    const statements = (role.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
    const shapeKeys = statements.find((s) => s.Sid === 'ReadShapeProbeKeys')!;
    expect(actionsOf(shapeKeys)).toEqual(['ssm:GetParameter']);
    expect(resourcesOf(shapeKeys)).toEqual([`${SSM_ARN}/metis/probe/key`]);
    const put = statements.find((s) => s.Sid === 'PutShapeReports')!;
    expect(resourcesOf(put)).toEqual([`\${${logicalId(template, 'AWS::Events::EventBus', 'Bus')}.Arn}`]);
  });

  it('the sweeper expects the health rounds every minute and the shape run every rules.inbound_shape_down.scheduleMinutes, each on its own', () => {
    const settings = JSON.parse(String(functionEnvironment(template, 'SweeperLambdaFunction').SWEEPER_SETTINGS));
    expect(settings.expectedSources).toEqual([
      { source: 'trace-db', intervalMinutes: 2 },
      { source: 'probe', intervalMinutes: 1 },
      { source: 'probe', reporter: 'inbound-shape', intervalMinutes: 10 },
    ]);
  });
});

describe('analytics wiring', () => {
  it('the trace check gets ANALYTICS and reads only the analytics key parameter', () => {
    const env = functionEnvironment(template, 'TraceChecksLambdaFunction');
    expect(JSON.parse(String(env.ANALYTICS))).toMatchObject({
      url: 'https://gw.example.com/analytics/by_key',
      keyField: 'key_id',
      windowMinutes: 60,
    });
    const role = resource(template, 'AWS::IAM::Policy', 'TraceChecksLambdaRoleDefaultPolicy').resource;
    const key = (role.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement.find(
      (s) => s.Sid === 'ReadAnalyticsKey',
    )!;
    expect(resourcesOf(key)).toEqual([`${SSM_ARN}/metis/analytics/key`]);
  });
});

describe('saved queries: the panels without paying for the dashboard', () => {
  type QueryDefinition = { Properties: { Name: string; QueryString: string; LogGroupNames: Json[] } };
  const saved = (t: Template) => Object.values(t.findResources('AWS::Logs::QueryDefinition') as Record<string, QueryDefinition>);

  it('saves every Logs Insights panel as <name>/on-call/<title>, with the same query and log groups', () => {
    const panels = body.widgets.filter((w) => w.type === 'log');
    const queries = saved(template);
    expect(queries.map((q) => q.Properties.Name).sort()).toEqual(
      panels.map((w) => `metis-oncall/on-call/${String(w.properties.title)}`).sort(),
    );
    for (const panel of panels) {
      const query = queries.find((q) => q.Properties.Name === `metis-oncall/on-call/${String(panel.properties.title)}`)!;
      // The widget is "SOURCE 'group' | line\n| line"; the saved query is the same lines on the same group.
      const text = String(panel.properties.query);
      const source = text.slice(0, text.indexOf(' | '));
      const lines = text.slice(text.indexOf(' | ') + 3).split('\n| ');
      expect(lines.length).toBeGreaterThan(1);
      expect(query.Properties.QueryString.split('\n| ')).toEqual(lines);
      expect(query.Properties.LogGroupNames.map((g) => `SOURCE '${render(g)}'`)).toEqual([source]);
    }
    template.hasOutput('OnCallSavedQueries', { Value: 'metis-oncall/on-call/' });
  });

  it('the default config (dashboard off) has the saved queries and no dashboard: the USD 3 a month is opt-in', () => {
    const { dashboard: _on, ...withoutDashboard } = CONFIG;
    const { stack: plain } = buildStack(withoutDashboard, withAwsSolutions);
    const t = Template.fromStack(plain);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(t.findOutputs('OnCallDashboardName')).toEqual({});
    expect(
      saved(t)
        .map((q) => q.Properties.Name)
        .sort(),
    ).toEqual(
      saved(template)
        .map((q) => q.Properties.Name)
        .sort(),
    );
  });
});

describe('cdk-nag', () => {
  it('no unacknowledged AwsSolutions finding with shapes, analytics and the dashboard', () => {
    expect(findings(app)).toEqual([]);
  });
});

function sortedDims(dims: { Name: string; Value: string }[]): string {
  return JSON.stringify([...dims].sort((a, b) => a.Name.localeCompare(b.Name)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
