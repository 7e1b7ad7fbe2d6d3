// Where the deployed stack's incident table and event bus are, for the commands that reach it (silence,
// incidents, postmortem, test-page). In order: --table / --bus; the outputs of --stack NAME; the
// METIS_ALERTS_TABLE / METIS_ALERTS_BUS variables; the outputs of the stack named by the config's "name"
// (./metis-alerts.config.json, else the default MetisAlerts). CloudFormation is asked only when a name
// is still missing. --region applies to every AWS call of the run.
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { errorMessage } from '../lambdas/core/errors.ts';
import { explainAwsError } from './aws-errors.ts';
import { UsageError } from './errors.ts';
import { existsSync } from 'node:fs';

export const TABLE_ENV = 'METIS_ALERTS_TABLE';
export const BUS_ENV = 'METIS_ALERTS_BUS';
const OUTPUTS = { table: 'IncidentTableName', bus: 'BusName' } as const;
const DEFAULT_CONFIG_FILE = 'metis-alerts.config.json';
const DEFAULT_STACK = 'MetisAlerts';

export interface StackFlags {
  stack?: string | undefined;
  region?: string | undefined;
  table?: string | undefined;
  bus?: string | undefined;
  /** test-page's --config: its "name" is the default stack. */
  config?: string | undefined;
}

export interface DeployedNames {
  table: string;
  bus: string;
}

/** Reads the stack's outputs; tests and callers may pass another (the default asks CloudFormation). */
export type StackOutputsReader = (stackName: string) => Promise<Record<string, string>>;

/** --region: validated, then set for every SDK client of this run (they read AWS_REGION). */
export function applyRegion(region: string | undefined, env: NodeJS.ProcessEnv): void {
  if (region === undefined) return;
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region))
    throw new UsageError(`--region: expected an AWS region such as eu-west-1, got "${region}"`);
  env.AWS_REGION = region;
}

export async function deployedNames<K extends keyof DeployedNames>(
  needs: readonly K[],
  flags: StackFlags,
  env: NodeJS.ProcessEnv,
  read: StackOutputsReader = describeStackOutputs,
): Promise<Pick<DeployedNames, K>> {
  applyRegion(flags.region, env);
  const given: Partial<DeployedNames> = {};
  for (const need of needs) {
    const flag = flags[need];
    if (flag !== undefined) given[need] = checkName(need, flag, `--${need}`);
    else if (flags.stack === undefined) {
      const fromEnv = env[need === 'table' ? TABLE_ENV : BUS_ENV]?.trim();
      if (fromEnv) given[need] = checkName(need, fromEnv, need === 'table' ? TABLE_ENV : BUS_ENV);
    }
  }
  const missing = needs.filter((need) => given[need] === undefined);
  if (missing.length) {
    const stackName = flags.stack ?? defaultStackName(flags.config);
    const outputs = await read(stackName);
    for (const need of missing) {
      const value = outputs[OUTPUTS[need]];
      if (!value)
        throw new UsageError(
          `stack "${stackName}" has no ${OUTPUTS[need]} output: is it a metis-alerts stack? (--stack NAME, or --${need} NAME)`,
        );
      given[need] = value;
    }
  }
  return given as Pick<DeployedNames, K>;
}

function checkName(kind: keyof DeployedNames, name: string, from: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError(`${from}: expected a ${kind === 'table' ? 'table' : 'bus'} name`);
  const pattern = kind === 'table' ? /^[A-Za-z0-9_.-]{3,255}$/ : /^[A-Za-z0-9_./-]{1,256}$/;
  if (!pattern.test(trimmed))
    throw new UsageError(`${from}: "${trimmed}" is not a ${kind === 'table' ? 'DynamoDB table' : 'event bus'} name`);
  return trimmed;
}

/** The config's "name" (the stack name `cdk deploy` used), else MetisAlerts. */
function defaultStackName(configPath: string | undefined): string {
  const path = configPath ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  return path ? loadConfigFile(path).name : DEFAULT_STACK;
}

async function describeStackOutputs(stackName: string): Promise<Record<string, string>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({});
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = answer.Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])));
  } catch (error) {
    if (/does not exist/i.test(errorMessage(error))) {
      const region = (await client.config.region().catch(() => undefined)) ?? 'this region';
      throw new UsageError(
        `no stack "${stackName}" in ${region}: pass --stack NAME (the "name" in metis-alerts.config.json), --region REGION, or --table/--bus`,
      );
    }
    throw explainAwsError(error) ?? error;
  } finally {
    client.destroy();
  }
}
