// One Lambda of metis-alerts with the settings they all share: nodejs22.x on arm64, bundled locally by
// esbuild as ESM (no Docker), its own role that writes only to its own log group, and an errors alarm.
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { type Alarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Severity } from '../lambdas/core/signal.ts';
import { AlarmFactory, AT_LEAST_ONE, type AlarmThreshold } from './alarm-factory.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * ESM bundles have no `require`, `__filename` or `__dirname`; some dependencies still use them (sql.js
 * resolves its .wasm from `__dirname`). Aliased imports keep the names free for the bundle.
 */
const ESM_REQUIRE_BANNER = [
  "import { createRequire as __metisCreateRequire } from 'node:module';",
  "import { fileURLToPath as __metisFileURLToPath } from 'node:url';",
  "import { dirname as __metisDirname } from 'node:path';",
  'const require = __metisCreateRequire(import.meta.url);',
  'const __filename = __metisFileURLToPath(import.meta.url);',
  'const __dirname = __metisDirname(__filename);',
].join(' ');

export interface MetisFunctionProps {
  /** Handler file relative to the repository root, e.g. `lambdas/functions/router/index.ts`. */
  readonly entry: string;
  readonly description: string;
  /** Absent (undefined) values are left out: a function's optional variables (see its env.ts). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** @default - unreserved (new accounts' low concurrency quota rejects reservations) */
  readonly reservedConcurrentExecutions?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * A fixed name for the log group, for what reads it from another region (the home dashboard's vantage panels).
   * @default - generated
   */
  readonly logGroupName?: string;
  /**
   * A fixed role name, for a policy in another region that names the role (the home bus's policy for vantage probes).
   * @default - generated
   */
  readonly roleName?: string;
  /** Extra esbuild settings, e.g. a loader for sql.js's .wasm. @default - none */
  readonly bundling?: Pick<BundlingOptions, 'loader' | 'commandHooks' | 'sourceMap' | 'keepNames'>;
  /** Async invocation retries. @default 2 (Lambda's default) */
  readonly retryAttempts?: number;
  /** Where failed async invocations go. @default - nowhere */
  readonly onFailure?: IDestination;
  /** A fixed function name, for a function whose ARN must be known without a reference to it. @default - generated */
  readonly functionName?: string;
  /** The errors alarm: name, and the severity tag the router routes it with (untagged: the caller adds actions). */
  /** Prefix of the errors alarm's name (config `name`). */
  readonly namePrefix: string;
  /** The errors alarm (named `<namePrefix>-<name>`): routed by its severity, or notifying `actions` directly. */
  readonly errorsAlarm: {
    readonly name: string;
    readonly severity?: Severity;
    readonly description: string;
    /** @default - none */
    readonly actions?: readonly ITopic[];
  };
}

export class MetisFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: MetisFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      ...(props.logGroupName ? { logGroupName: props.logGroupName } : {}),
    });
    // Own role without the AWSLambdaBasicExecutionRole managed policy, which allows writing to every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
      ...(props.roleName ? { roleName: props.roleName } : {}),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      retryAttempts: props.retryAttempts ?? 2,
      onFailure: props.onFailure,
      functionName: props.functionName,
      environment: { ...definedValues(props.environment), NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // Stack traces map to file:line without shipping every dependency's source text in the asset.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        ...props.bundling,
      },
    });
    // Constructs add variables after this one (InboundShapeProbes on the probe function): judged at synthesis.
    this.node.addValidation({ validate: () => environmentErrors(this.function) });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the project targets (docs/operations-notes.md: handlers, AWS SDK v3 and Powertools are built and ' +
        'tested for it); moving to a newer Node.js runtime is a deliberate upgrade, not a template default.',
    });

    const { severity, actions, ...errorsAlarm } = props.errorsAlarm;
    this.errorsAlarm = new AlarmFactory(this, props.namePrefix).addAlarm('ErrorsAlarm', {
      ...ERRORS_THRESHOLD,
      ...errorsAlarm,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      ...(severity ? { routing: { severity } } : {}),
      ...(actions ? { actions } : {}),
    });
  }
}

/** Lambda refuses a function whose environment (names and values together) is larger than 4 KB, at deploy time. */
const LAMBDA_ENVIRONMENT_BYTES = 4096;
/** A value CloudFormation fills in at deploy time (another resource's name, ARN or URL), counted at this size. */
const DEPLOY_TIME_VALUE_BYTES = 128;
/** Pseudo parameters have a known longest value ("aws-us-gov", "ap-southeast-2", 12 digits, "amazonaws.com.cn"). */
const PSEUDO_PARAMETER_BYTES: Record<string, number> = {
  'AWS::Partition': 10,
  'AWS::Region': 16,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 16,
};

/** The function's environment measured at synthesis: an error naming the largest variables when Lambda would refuse it. */
function environmentErrors(fn: NodejsFunction): string[] {
  const cfn = fn.node.defaultChild as CfnFunction;
  const resolved = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
  const sizes = Object.entries(resolved?.variables ?? {})
    .map(([name, value]) => ({ name, bytes: Buffer.byteLength(name) + estimatedBytes(value) }))
    .sort((a, b) => b.bytes - a.bytes);
  const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
  if (total <= LAMBDA_ENVIRONMENT_BYTES) return [];
  const largest = sizes
    .slice(0, 3)
    .map((s) => `${s.name} ${s.bytes}`)
    .join(', ');
  return [
    `environment: about ${total} bytes of variable names and values (a deploy-time name, ARN or URL counted as ${DEPLOY_TIME_VALUE_BYTES}), ` +
      `more than the ${LAMBDA_ENVIRONMENT_BYTES} Lambda accepts; largest: ${largest} (use fewer or shorter health targets or inbound shapes)`,
  ];
}

/** Bytes of a resolved environment value: literal text as it is, each deploy-time reference at DEPLOY_TIME_VALUE_BYTES (a pseudo parameter at its longest). */
function estimatedBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return value.reduce((sum: number, part) => sum + estimatedBytes(part), 0);
  const join = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['Fn::Join'] : undefined;
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1] as unknown[];
    return estimatedBytes(parts) + Buffer.byteLength(join[0]) * Math.max(0, parts.length - 1);
  }
  const ref = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).Ref : undefined;
  if (typeof ref === 'string' && ref in PSEUDO_PARAMETER_BYTES) return PSEUDO_PARAMETER_BYTES[ref]!;
  return typeof value === 'object' && value !== null ? DEPLOY_TIME_VALUE_BYTES : String(value).length;
}

function definedValues(environment: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Any failed invocation within 5 minutes; no invocations is not a failure. */
const ERRORS_THRESHOLD: AlarmThreshold = { ...AT_LEAST_ONE, evaluationPeriods: 1, treatMissingData: TreatMissingData.NOT_BREACHING };
