// One Lambda of metis-alerts with the settings they all share: nodejs22.x on arm64, bundled locally by
// esbuild as ESM (no Docker), its own role that writes only to its own log group, and an errors alarm.
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { type Alarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type IDestination } from 'aws-cdk-lib/aws-lambda';
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
  /** Extra esbuild settings, e.g. a loader for sql.js's .wasm. @default - none */
  readonly bundling?: Pick<BundlingOptions, 'loader' | 'commandHooks' | 'sourceMap' | 'keepNames'>;
  /** Async invocation retries. @default 2 (Lambda's default) */
  readonly retryAttempts?: number;
  /** Where failed async invocations go. @default - nowhere */
  readonly onFailure?: IDestination;
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
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    // Own role without the AWSLambdaBasicExecutionRole managed policy, which allows writing to every log group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
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

function definedValues(environment: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Any failed invocation within 5 minutes; no invocations is not a failure. */
const ERRORS_THRESHOLD: AlarmThreshold = { ...AT_LEAST_ONE, evaluationPeriods: 1, treatMissingData: TreatMissingData.NOT_BREACHING };
