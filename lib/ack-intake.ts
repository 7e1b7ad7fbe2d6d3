// The ack intake (docs/human-loop.md): one small Lambda behind a function URL that takes acknowledgements
// back from PagerDuty, Opsgenie and Splunk On-Call webhooks and from the page's ack links. The URL has
// AuthType NONE because the callers are the providers' servers and a phone's browser: each request's
// signature or shared secret (read from SSM at run time) is the authentication. Reserved concurrency caps
// what a flood can cost; the role reads exactly the configured secret parameters and the incident table, and
// creates one-time schedules in the deadlines group (a sweeper wake-up for what an ack left owed, a person's
// resolve's reopen check).
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { AckIntakeConfig } from '../lambdas/core/config.ts';
import type { RouterSettings } from '../lambdas/core/router-settings.ts';
import type { AckIntakeVariables } from '../lambdas/functions/ack-intake/env.ts';
import { MetisFunction } from './metis-function.ts';
import { grantTableActions } from './table-access.ts';
import type { DeadlineTargets } from './deadline-schedules.ts';
import { deadlineSchedulerVariable, grantDeadlineScheduling } from './notification-access.ts';

export interface AckIntakeProps {
  readonly namePrefix: string;
  readonly incidentTable: ITable;
  /** The router's settings: a human resolve closes an incident as the router would. */
  readonly settings: RouterSettings;
  /** The config's `ackIntake`: which doors exist and where their secrets live. */
  readonly intake: AckIntakeConfig;
  /** Incident deadlines: a person's resolve schedules its reopen check here. @default - none (the 5-minute sweep runs it) */
  readonly deadlines?: DeadlineTargets;
}

export class AckIntake extends Construct {
  readonly function: NodejsFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: AckIntakeProps) {
    super(scope, id);
    const lambda = new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      entry: 'lambdas/functions/ack-intake/index.ts',
      description: 'metis-alerts ack intake: acknowledgements from paging providers and ack links',
      // PagerDuty wants an answer within 5 s; a store or SSM call that hangs is answered 5xx and retried by it.
      timeout: Duration.seconds(5),
      memorySize: 256,
      reservedConcurrentExecutions: props.intake.reservedConcurrency,
      retryAttempts: 0,
      environment: {
        INCIDENT_TABLE: props.incidentTable.tableName,
        ROUTER_SETTINGS: JSON.stringify(props.settings),
        INTAKE_SETTINGS: JSON.stringify(props.intake),
        ...(props.deadlines ? { DEADLINE_SCHEDULER: deadlineSchedulerVariable(scope, props.deadlines) } : {}),
        POWERTOOLS_SERVICE_NAME: 'metis-alerts-ack-intake',
      } satisfies AckIntakeVariables,
      errorsAlarm: {
        name: 'ack-intake-errors',
        severity: 'SEV3',
        description: 'The metis-alerts ack intake failed: acknowledgements may not reach incidents. Read its log group.',
      },
    });
    this.function = lambda.function;
    // Incidents (read, conditional put) and the seen-id items (conditional put, delete on a failed write).
    grantTableActions(lambda.role, 'IncidentTable', props.incidentTable, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']);
    // A person's resolve while the detector fires schedules the reopen check, to the minute.
    grantDeadlineScheduling(lambda.role, props.deadlines);
    const parameters = secretParametersOf(props.intake);
    if (parameters.length > 0) {
      lambda.role.addToPolicy(
        new PolicyStatement({
          sid: 'ReadIntakeSecrets',
          actions: ['ssm:GetParameter'],
          resources: parameters.map((p) => `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${p.name}`),
        }),
      );
    }
    // The aws/ssm key needs no grant (its key policy allows the account through SSM); a customer key does.
    const keys = [...new Set(parameters.flatMap((p) => (p.kmsKeyArn ? [p.kmsKeyArn] : [])))];
    if (keys.length > 0) {
      lambda.role.addToPolicy(
        new PolicyStatement({
          sid: 'DecryptIntakeSecrets',
          actions: ['kms:Decrypt'],
          resources: keys,
          conditions: { StringEquals: { 'kms:ViaService': `ssm.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    this.url = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    // cdk-nag's AwsSolutions pack has no function-URL rule today; this records the decision beside the URL
    // for a reviewer and for a pack that adds one.
    Validations.of(this.url).acknowledge({
      id: 'AwsSolutions-LambdaFunctionUrlAuthNone',
      reason:
        'The signature is the auth: PagerDuty signs each webhook with HMAC-SHA256, Opsgenie and Splunk On-Call send a shared ' +
        'secret header, ack links carry an HMAC-signed expiring single-use token; every secret lives in SSM. IAM auth is not ' +
        'possible for these callers (vendor servers, a phone browser).',
    });
  }
}

/** The SSM parameters of the configured doors, and PagerDuty's REST API key (grouped incidents) when set. */
export function secretParametersOf(intake: AckIntakeConfig): { name: string; kmsKeyArn?: string }[] {
  const kms = (door: { kmsKeyArn?: string | undefined }) => (door.kmsKeyArn ? { kmsKeyArn: door.kmsKeyArn } : {});
  const restKey = intake.pagerduty?.restApiKeyParameter;
  return [
    ...[intake.pagerduty, intake.opsgenie, intake.splunkOnCall, intake.ackLinks]
      .filter((door) => door !== undefined)
      .map((door) => ({ name: door.secretParameter, ...kms(door) })),
    ...(restKey ? [{ name: restKey, ...kms(intake.pagerduty!) }] : []),
  ];
}
