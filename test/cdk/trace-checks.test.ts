// The trace-check part of the stack (lib/trace-checks.ts, lib/snapshot-bucket.ts) from a config with
// `snapshot: { prefix: 'metis/prod', scheduleMinutes: 2 }`: schedule, function settings, environment,
// least-privilege IAM, the snapshot bucket, the shipper policy, outputs, the errors alarm's severity tag,
// cdk-nag and cfn-lint. And without `snapshot`: none of it. Synthesized once per config (beforeAll).
import type { App, CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { rulesSchema } from '../../lambdas/core/config.ts';
import type { MetisAlertsStack } from '../../lib/metis-alerts-stack.ts';
import { traceCheckMemoryMb } from '../../lib/trace-checks.ts';
import { PREFIX, SNAPSHOT_CONFIG } from './variants.ts';
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

const KEY = `${PREFIX}/latest.db.gz`;

interface Ids {
  fn: string;
  role: string;
  logGroup: string;
  bucket: string;
  bus: string;
  shipperPolicy: string;
  rule: string;
}

function statementsOf(policy: CfnResource): Statement[] {
  return (policy.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
}

describe('trace checks with snapshot: { prefix: metis/prod, scheduleMinutes: 2 }', () => {
  let synth: Synthesized;
  let ids: Ids;
  let fn: CfnResource;

  beforeAll(() => {
    synth = synthesize(SNAPSHOT_CONFIG);
    const t = synth.template;
    ids = {
      fn: logicalId(t, 'AWS::Lambda::Function', 'TraceChecksLambdaFunction'),
      role: logicalId(t, 'AWS::IAM::Role', 'TraceChecksLambdaRole'),
      logGroup: logicalId(t, 'AWS::Logs::LogGroup', 'TraceChecksLambdaLogGroup'),
      bucket: logicalId(t, 'AWS::S3::Bucket', 'TraceChecksSnapshotsBucket'),
      bus: logicalId(t, 'AWS::Events::EventBus', 'Bus'),
      shipperPolicy: logicalId(t, 'AWS::IAM::ManagedPolicy', 'TraceChecksSnapshotsShipperPolicy'),
      rule: logicalId(t, 'AWS::Events::Rule', 'TraceChecksSchedule'),
    };
    fn = resource(t, 'AWS::Lambda::Function', 'TraceChecksLambdaFunction').resource;
  });

  it('runs the function every 2 minutes from a schedule rule, without retries, with the invoke permission', () => {
    const rule = resource(synth.template, 'AWS::Events::Rule', 'TraceChecksSchedule').resource.Properties;
    expect(rule.ScheduleExpression).toBe('rate(2 minutes)');
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventBusName).toBeUndefined(); // schedules live on the default bus
    expect(rule.Targets).toEqual([{ Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 0 } }]);
    const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission') as Record<string, CfnResource>).filter(
      (p) => render(p.Properties.FunctionName) === `\${${ids.fn}.Arn}`,
    );
    expect(permissions.map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ids.rule, 'Arn'] },
      },
    ]);
  });

  it('is nodejs22.x on arm64 with 512 MB (a 150 MB bounded snapshot) and a timeout shorter than 120 s and than the schedule period', () => {
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': [ids.role, 'Arn'] },
    });
    const timeout = fn.Properties.Timeout as number;
    expect(timeout).toBeLessThan(120);
    expect(timeout).toBeLessThan(2 * 60);
    expect(timeout).toBeGreaterThanOrEqual(60);
    // A missed run is replaced by the next scheduled one: no async retries either.
    const invokeConfig = resource(synth.template, 'AWS::Lambda::EventInvokeConfig', 'TraceChecksLambdaFunction').resource.Properties;
    expect(invokeConfig).toMatchObject({ FunctionName: { Ref: ids.fn }, MaximumRetryAttempts: 0 });
  });

  it('gets exactly its environment: bucket, key, bus, the config rules as TRACE_RULES, Powertools and NODE_OPTIONS', () => {
    const env = (fn.Properties.Environment as { Variables: Record<string, Json> }).Variables;
    expect(Object.keys(env).sort()).toEqual([
      'EVENT_BUS_NAME',
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'SNAPSHOT_BUCKET',
      'SNAPSHOT_KEY',
      'TRACE_RULES',
    ]);
    expect(env.SNAPSHOT_BUCKET).toEqual({ Ref: ids.bucket });
    expect(env.SNAPSHOT_KEY).toBe(KEY);
    expect(env.EVENT_BUS_NAME).toEqual({ Ref: ids.bus });
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('metis-alerts-trace-check');
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('MetisAlerts');
    expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(typeof env.TRACE_RULES).toBe('string');
    const rules = rulesSchema.parse(JSON.parse(env.TRACE_RULES as string));
    expect(rules).toEqual(synth.config.rules);
    expect(rules).toMatchObject({
      cost_projection: { dailyBudgetUsd: 120 },
      model_error_rate: { threshold: 0.1, minCalls: 30 },
      latency_p95: { enabled: false },
    });
  });

  it('IAM: GetObject on the snapshot object only, ListBucket for that key only, PutEvents on the bus, its own log writes; nothing else', () => {
    const role = resource(synth.template, 'AWS::IAM::Role', 'TraceChecksLambdaRole').resource.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      Version: '2012-10-17',
    });
    // Every policy in the template that reaches this role (inline or managed).
    const attached = Object.entries({
      ...(synth.template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>),
      ...(synth.template.findResources('AWS::IAM::ManagedPolicy') as Record<string, CfnResource>),
    }).filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${ids.role}"`));
    expect(attached.map(([id]) => id)).toEqual([logicalId(synth.template, 'AWS::IAM::Policy', 'TraceChecksLambdaRoleDefaultPolicy')]);
    const statements = statementsOf(attached[0]![1]);
    for (const s of statements) expect(s.Effect).toBe('Allow');

    const grants = statements.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s), condition: s.Condition ?? null }));
    expect(grants).toHaveLength(4);
    expect(grants).toEqual(
      expect.arrayContaining([
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`\${${ids.logGroup}.Arn}`], condition: null },
        { actions: ['s3:GetObject'], resources: [`\${${ids.bucket}.Arn}/${KEY}`], condition: null },
        { actions: ['s3:ListBucket'], resources: [`\${${ids.bucket}.Arn}`], condition: { StringEquals: { 's3:prefix': KEY } } },
        { actions: ['events:PutEvents'], resources: [`\${${ids.bus}.Arn}`], condition: null },
      ]),
    );
  });

  it('snapshot bucket: SSE, versioned, old versions expire, public access blocked, owner-enforced, retained', () => {
    const bucket = resource(synth.template, 'AWS::S3::Bucket', 'TraceChecksSnapshotsBucket').resource;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    const p = bucket.Properties;
    expect(p.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    const rules = (p.LifecycleConfiguration as { Rules: Record<string, Json>[] }).Rules;
    expect(rules).toHaveLength(1);
    // A day of replaced versions, and the last 60 whatever their age (a shipper stopped for days still leaves them).
    expect(rules[0]).toMatchObject({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 60 } });
    expect(rules[0]!.ExpirationInDays).toBeUndefined(); // the current snapshot never expires
  });

  it('bucket policy: only the TLS-only deny, on the bucket and its objects', () => {
    const policy = resource(synth.template, 'AWS::S3::BucketPolicy', 'TraceChecksSnapshotsBucketPolicy').resource.Properties;
    expect(policy.Bucket).toEqual({ Ref: ids.bucket });
    const statements = statementsOf({ Type: '', Properties: policy });
    expect(statements).toHaveLength(1);
    const [tls] = statements;
    expect(tls).toMatchObject({
      Effect: 'Deny',
      Action: 's3:*',
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(resourcesOf(tls!)).toEqual([`\${${ids.bucket}.Arn}`, `\${${ids.bucket}.Arn}/*`]);
  });

  it('shipper managed policy: exactly s3:PutObject on <bucket>/metis/prod/*, attached to nothing in the stack', () => {
    const policy = resource(synth.template, 'AWS::IAM::ManagedPolicy', 'TraceChecksSnapshotsShipperPolicy').resource.Properties;
    const statements = statementsOf({ Type: '', Properties: policy });
    expect(
      statements.map((s) => ({ effect: s.Effect, actions: actionsOf(s), resources: resourcesOf(s), condition: s.Condition ?? null })),
    ).toEqual([{ effect: 'Allow', actions: ['s3:PutObject'], resources: [`\${${ids.bucket}.Arn}/${PREFIX}/*`], condition: null }]);
    expect(policy.Roles).toBeUndefined();
    expect(policy.Users).toBeUndefined();
    expect(policy.Groups).toBeUndefined();
  });

  it('outputs the bucket name, the key, the shipper policy ARN and the same policy as JSON', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: Json }>;
    expect(outputs.SnapshotBucketName?.Value).toEqual({ Ref: ids.bucket });
    expect(outputs.SnapshotKey?.Value).toBe(KEY);
    expect(outputs.ShipperPolicyArn?.Value).toEqual({ Ref: ids.shipperPolicy });
    const json = JSON.parse(render(outputs.ShipperPolicyJson?.Value)) as { Statement: Statement[] };
    const policy = resource(synth.template, 'AWS::IAM::ManagedPolicy', 'TraceChecksSnapshotsShipperPolicy').resource.Properties;
    expect(json.Statement.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) }))).toEqual(
      statementsOf({ Type: '', Properties: policy }).map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) })),
    );
  });

  it('the errors alarm is tagged metis:severity SEV3 (the router routes it) and fires on one error in 5 minutes', () => {
    const alarm = resource(synth.template, 'AWS::CloudWatch::Alarm', 'TraceChecksLambdaErrorsAlarm').resource.Properties;
    expect(alarm.Tags).toEqual([{ Key: 'metis:severity', Value: 'SEV3' }]);
    expect(alarm).toMatchObject({
      AlarmName: 'metis-trace-trace-check-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('the function timeout follows the schedule period', () => {
  it.each([
    [1, 55],
    [5, 120],
  ])('scheduleMinutes %i -> %i s (shorter than the period, at most 120 s)', (minutes, seconds) => {
    // Constructs only (no synth), nothing bundled (synth-helpers.ts).
    const { stack } = buildStack({ snapshot: { prefix: PREFIX, scheduleMinutes: minutes } });
    const timeout = (stack as MetisAlertsStack).traceChecks!.function.timeout!.toSeconds();
    expect(timeout).toBe(seconds);
    expect(timeout).toBeLessThan(minutes * 60);
    expect(timeout).toBeLessThanOrEqual(120);
  });
});

describe('without snapshot in the config', () => {
  let template: Template;
  let stack: MetisAlertsStack;
  beforeAll(() => {
    const synth = synthesize({ name: 'metis-plain' });
    template = synth.template;
    stack = synth.stack;
  });

  it('has no snapshot bucket, no trace-check function, schedule, shipper policy or snapshot outputs', () => {
    expect(stack.traceChecks).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('TraceChecks'))).toEqual([]);
    // No other function reads a snapshot either.
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, CfnResource>);
    expect(functions.filter((f) => JSON.stringify(f.Properties.Environment ?? {}).includes('SNAPSHOT_'))).toEqual([]);
    expect(
      Object.values(template.findResources('AWS::Events::Rule') as Record<string, CfnResource>).filter(
        (r) => r.Properties.ScheduleExpression !== undefined && String(r.Properties.Description).includes('trace-DB'),
      ),
    ).toEqual([]);
    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs.filter((o) => /Snapshot|Shipper/.test(o))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// cdk-nag v3 AwsSolutions, registered the way bin/app.ts does it (nag-helpers.ts, as in test/cdk/nag.test.ts).

describe('AwsSolutions checks on the stack with the snapshot config', () => {
  let app: App;
  let stack: Stack;
  beforeAll(() => {
    ({ app, stack } = buildStack(SNAPSHOT_CONFIG, withAwsSolutions));
  });

  it('has zero unacknowledged findings', () => {
    expect(findings(app)).toEqual([]);
  });

  it('synthesizes with the plugin registered (synth throws ValidationFailed on any finding)', () => {
    expect(synthesizedFunctionIds(app, stack, 'TraceChecksLambdaFunction')).toHaveLength(1);
  });

  it('every acknowledgement carries a reason; the trace checks add only the bucket access-log and shipper-prefix ones', () => {
    const acks = acknowledgements(app);
    expectReasons(acks);
    const bucket = (stack as MetisAlertsStack).traceChecks!.snapshots.bucket;
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnElement);
    const ours = acks.filter((a) => a.path.includes('/TraceChecks/'));
    // The bucket's access-log finding and the shipper's prefix wildcard, plus the pinned-runtime one every
    // MetisFunction carries; nothing acknowledged for the trace-check role (it has no wildcard to excuse).
    expect(ours.map((a) => a.id).sort()).toEqual(
      [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${PREFIX}/*]`, 'AwsSolutions-L1', 'AwsSolutions-S1'].sort(),
    );
    expect(ours.find((a) => a.id.startsWith('AwsSolutions-IAM5'))?.path).toMatch(/\/TraceChecks\/Snapshots\/ShipperPolicy$/);
  });
});

describe('trace-check memory from the expected snapshot size', () => {
  it('is 512 MB up to a ~150 MB database, then 200 MB + 2x the database in 64 MB steps', () => {
    expect(traceCheckMemoryMb(1)).toBe(512);
    expect(traceCheckMemoryMb(150)).toBe(512);
    expect(traceCheckMemoryMb(200)).toBe(640);
    // A whole 500 MB database (WINDOW_HOURS=all): 1200 MB -> 1216 MB.
    expect(traceCheckMemoryMb(500)).toBe(1216);
  });
});
