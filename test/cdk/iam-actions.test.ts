// Every IAM action granted is used by the code: per function, the actions its role holds equal the actions
// declared here, and every action declared as an SDK call is one the function's bundle imports the Command
// for (the SDK is external to the bundle, so its imports name each Command the code can send). The few
// actions no code line sends are declared apart, each with who uses it.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_PATH, readJson, synthesize, type CfnResource, type Json, type Synthesized } from './synth-helpers.ts';

/** IAM action -> the SDK Commands that need it (client and DocumentClient spellings). */
const COMMANDS: Record<string, string[]> = {
  'cloudwatch:ListTagsForResource': ['ListTagsForResourceCommand'],
  'dynamodb:BatchGetItem': ['BatchGetCommand', 'BatchGetItemCommand'],
  'dynamodb:GetItem': ['GetCommand', 'GetItemCommand'],
  'dynamodb:PutItem': ['PutCommand', 'PutItemCommand'],
  'dynamodb:Query': ['QueryCommand'],
  'dynamodb:Scan': ['ScanCommand'],
  'dynamodb:UpdateItem': ['UpdateCommand', 'UpdateItemCommand'],
  'events:PutEvents': ['PutEventsCommand'],
  'logs:FilterLogEvents': ['FilterLogEventsCommand'],
  's3:GetObject': ['GetObjectCommand', 'HeadObjectCommand'],
  'scheduler:CreateSchedule': ['CreateScheduleCommand'],
  'sns:Publish': ['PublishCommand'],
  'sqs:SendMessage': ['SendMessageCommand'],
  'ssm:GetParameter': ['GetParameterCommand'],
};

/** Granted for what runs on the function's behalf, not for a call in its code. */
const LAMBDA_LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents']; // the runtime writes the function's own log group
const KMS_FOR_ENCRYPTED_TOPICS = ['kms:Decrypt', 'kms:GenerateDataKey']; // Publish / SendMessage to KMS-encrypted topics and queue
const SQS_POLLER = ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']; // the event source mapping of the second round
const S3_NOT_FOUND = ['s3:ListBucket']; // so a missing snapshot answers 404 (missing_snapshot), not 403
const PASS_DEADLINE_ROLE = ['iam:PassRole']; // CreateSchedule hands the deadline invoker role to EventBridge Scheduler

interface Expected {
  sdk: string[];
  implicit: string[];
}

const FUNCTIONS: Record<string, Expected> = {
  Router: {
    sdk: [
      'cloudwatch:ListTagsForResource',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'scheduler:CreateSchedule',
      'sns:Publish',
      'sqs:SendMessage',
      'ssm:GetParameter',
    ],
    implicit: [...LAMBDA_LOGS, ...KMS_FOR_ENCRYPTED_TOPICS, ...PASS_DEADLINE_ROLE],
  },
  Sweeper: {
    sdk: [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'scheduler:CreateSchedule',
      'sns:Publish',
      'ssm:GetParameter',
    ],
    implicit: [...LAMBDA_LOGS, ...KMS_FOR_ENCRYPTED_TOPICS, ...PASS_DEADLINE_ROLE],
  },
  TraceChecks: { sdk: ['events:PutEvents', 's3:GetObject', 'ssm:GetParameter'], implicit: [...LAMBDA_LOGS, ...S3_NOT_FOUND] },
  Probes: {
    sdk: ['dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'ssm:GetParameter'],
    implicit: [...LAMBDA_LOGS, ...SQS_POLLER],
  },
  LogWatch: {
    sdk: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'events:PutEvents', 'logs:FilterLogEvents'],
    implicit: LAMBDA_LOGS,
  },
};

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize(readJson(EXAMPLE_CONFIG_PATH), { bundle: true });
});

function ref(value: Json): string {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? String(Object.values(value)[0]) : String(value);
}

/** The policies attached to the function's role. */
function policiesOf(prefix: string): CfnResource[] {
  const functions = synth.template.findResources('AWS::Lambda::Function') as Record<string, CfnResource>;
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(`${prefix}LambdaFunction`))!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
  return Object.values(synth.template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>).filter((p) =>
    (p.Properties.Roles as Json[]).some((r) => ref(r) === roleId),
  );
}

/** Every action in the policies attached to the function's role. */
function grantedActions(prefix: string): string[] {
  const policies = policiesOf(prefix);
  const actions = policies.flatMap((p) =>
    ((p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement ?? []).flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );
  return [...new Set(actions)].sort();
}

/** The AWS SDK Commands the function's bundle imports (the SDK stays external, so each is a named import). */
function importedCommands(prefix: string): Set<string> {
  const functions = synth.template.findResources('AWS::Lambda::Function') as Record<string, CfnResource>;
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(`${prefix}LambdaFunction`))!;
  const asset = String((fn.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
  const code = readFileSync(`${synth.app.outdir}/asset.${asset}/index.mjs`, 'utf8');
  const names = [...code.matchAll(/import\{([^}]*)\}from"@aws-sdk\/[^"]+"/g)].flatMap((m) =>
    m[1]!.split(',').map((spec) => spec.trim().split(/\s+as\s+/)[0]!),
  );
  return new Set(names.filter((n) => n.endsWith('Command')));
}

describe('IAM: every action granted is used', () => {
  for (const [prefix, expected] of Object.entries(FUNCTIONS)) {
    it(`${prefix}: granted exactly the SDK calls its code sends plus what runs on its behalf`, () => {
      expect(grantedActions(prefix)).toEqual([...expected.sdk, ...expected.implicit].sort());
      const commands = importedCommands(prefix);
      const unsent = expected.sdk.filter((action) => !COMMANDS[action]!.some((c) => commands.has(c)));
      expect(unsent).toEqual([]);
    });
  }

  /** The resources of the function's dynamodb:Query statements on the incident table. */
  function incidentQueries(prefix: string): string[] {
    return policiesOf(prefix)
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: Json }[] }).Statement)
      .filter((s) => ([] as string[]).concat(s.Action).includes('dynamodb:Query') && JSON.stringify(s.Resource).includes('Incidents'))
      .map((s) => JSON.stringify(s.Resource));
  }

  it('the router queries only the open-by-source index, never the table', () => {
    expect(incidentQueries('Router')).toEqual([expect.stringMatching(/\/index\/open-by-source"/)]);
  });

  it('the sweeper queries only the owed index, never the table', () => {
    expect(incidentQueries('Sweeper')).toEqual([expect.stringMatching(/\/index\/owed"/)]);
  });
});
