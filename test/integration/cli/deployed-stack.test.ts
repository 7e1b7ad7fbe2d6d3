// The commands that reach the deployed stack find its incident table and bus from the stack's outputs
// (CloudFormation DescribeStacks on moto, which answers for stacks it created: a one-topic stack with
// the two outputs stands in for the real one), with --table/--bus and the variables as overrides, and
// fail in one line (exit 2) without region, credentials, network or stack, naming how to give it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useAwsCliEnv, expectUsageError } from '../support/aws-cli.ts';
import { clientConfig, createIncidentTable, dynamoClient } from '../support/aws.ts';
import { runCli } from '../support/run-cli.ts';

const STACK = 'metis-prod';
const TABLE = 'metis-prod-incidents-table';
const NOW = '2026-11-20T12:00:00Z';

useAwsCliEnv(undefined);

let dir: string;
beforeAll(async () => {
  await createIncidentTable(dynamoClient(), TABLE);
  const template = {
    Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
    Outputs: { IncidentTableName: { Value: TABLE }, BusName: { Value: 'metis-prod-bus' } },
  };
  await new CloudFormationClient(clientConfig()).send(new CreateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(template) }));
  dir = mkdtempSync(join(tmpdir(), 'metis-stack-'));
  writeFileSync(join(dir, 'metis-alerts.config.json'), JSON.stringify({ name: STACK }));
});

async function silenceCount(): Promise<number> {
  const page = await dynamoClient().send(new ScanCommand({ TableName: TABLE }));
  return (page.Items ?? []).filter((item) => String(item.dedupKey).startsWith('silence')).length;
}

describe('the table and bus from the stack outputs', () => {
  it('--stack NAME: silence add writes to the table the stack names', async () => {
    const before = await silenceCount();
    const run = runCli(['silence', 'add', '--rule', 'traceback', '--for', '1h', '--reason', 'deploy', '--now', NOW, '--stack', STACK]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(await silenceCount()).toBe(before + 1);
  });

  it('no --stack: the stack named by "name" in ./metis-alerts.config.json', () => {
    const run = runCli(['silence', 'list', '--now', NOW, '--json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { rule: string }[]).map((s) => s.rule)).toEqual(['traceback']);
  });

  it('--table wins over --stack (no CloudFormation call needed)', () => {
    const run = runCli(['incidents', '--stack', 'no-such-stack', '--table', TABLE]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('no incidents\n');
  });
});

describe('one line, exit 2, naming how to give what is missing', () => {
  it('a stack that does not exist', () => {
    expectUsageError(
      runCli(['incidents', '--stack', 'no-such-stack']),
      'incidents',
      /^metis-alerts incidents: no stack "no-such-stack" in us-east-1: pass --stack NAME \(the "name" in metis-alerts\.config\.json\), --region REGION, or --table\/--bus$/,
    );
  });

  it('the default stack (MetisAlerts) when no config names one and it is not deployed', () => {
    expectUsageError(
      runCli(['postmortem', 'model_error_rate:x'], { cwd: tmpdir() }),
      'postmortem',
      /^metis-alerts postmortem: no stack "MetisAlerts" in us-east-1: /,
    );
  });

  const noAwsConfig = {
    AWS_CONFIG_FILE: join(tmpdir(), 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'no-such-aws-credentials'),
  };

  it('no region', () => {
    expectUsageError(
      runCli(['incidents'], { env: { ...noAwsConfig, AWS_REGION: '', AWS_DEFAULT_REGION: '' } }),
      'incidents',
      /^metis-alerts incidents: no AWS region: pass --region REGION or set AWS_REGION \(or a region in your AWS_PROFILE\)$/,
    );
  });

  it('no credentials', () => {
    expectUsageError(
      runCli(['silence', 'list', '--stack', STACK], {
        env: { ...noAwsConfig, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true' },
      }),
      'silence',
      /^metis-alerts silence: no AWS credentials: set AWS_PROFILE \(after aws sso login\) or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY$/,
    );
  });

  it('no network (nothing listens at the endpoint), for the stack lookup and for the bus', () => {
    const offline = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    expectUsageError(
      runCli(['incidents', '--stack', STACK], { env: offline }),
      'incidents',
      /^metis-alerts incidents: cannot reach AWS \(ECONNREFUSED\): /,
    );
    expectUsageError(
      runCli(['test-page', '--bus', 'b', '--table', TABLE], { env: offline }),
      'test-page',
      /^metis-alerts test-page: cannot reach AWS \(ECONNREFUSED\): check the network, --region and AWS_ENDPOINT_URL$/,
    );
  });

  it('a malformed --region', () => {
    expectUsageError(
      runCli(['incidents', '--region', 'Frankfurt']),
      'incidents',
      /--region: expected an AWS region such as eu-west-1, got "Frankfurt"/,
    );
  });
});
