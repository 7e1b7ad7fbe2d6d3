// One extra probe vantage (docs/vantages.md): the probe Lambda with its schedule, second-round queue, state
// table and dead-letter queue, deployed in another region. Its reports go straight to the home stack's bus
// (PutEvents with a client in the home region: docs/decisions/0017-vantage-reports-by-direct-put-events.md).
// No customer-managed KMS key: it alone would cost $1 a month, and nothing here is shared with a service
// principal that needs one (queues use SSE-SQS, the table the AWS-owned key).
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { CfnQueryDefinition } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.ts';
import { homeBusName, vantageLogGroupName, vantageRoleName } from './probe-vantage-names.ts';
import { ProbeStateTable } from './probe-state-table.ts';
import { Probes } from './probes.ts';
import { saveVantageQuery } from './vantage-query.ts';

export interface ProbeVantageStackProps extends StackProps {
  readonly config: Config;
  /** The vantage's region (this stack's). */
  readonly region: string;
  /** The home stack's region (its bus). */
  readonly homeRegion: string;
}

export class ProbeVantageStack extends Stack {
  readonly vantage: string;
  readonly probes: Probes;
  readonly stateTable: ProbeStateTable;
  readonly deadLetterQueue: Queue;
  /** The on-call dashboard's query for this vantage, saved in this region's Logs Insights. */
  readonly savedQuery: CfnQueryDefinition;

  constructor(scope: Construct, id: string, props: ProbeVantageStackProps) {
    const { config, region, homeRegion, ...stackProps } = props;
    super(scope, id, {
      description: `metis-alerts: probe vantage ${region}, reporting to the ${config.name} stack in ${homeRegion}`,
      ...stackProps,
      env: { ...stackProps.env, region },
    });
    this.vantage = region;
    const namePrefix = config.name;
    const busName = homeBusName(namePrefix);
    const homeBus = EventBus.fromEventBusAttributes(this, 'HomeBus', {
      eventBusName: busName,
      eventBusArn: this.formatArn({ service: 'events', region: homeRegion, resource: 'event-bus', resourceName: busName }),
      eventBusPolicy: '',
    });
    this.stateTable = new ProbeStateTable(this, 'ProbeState');
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${namePrefix}-probe-dead-letters`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter queue: of the probe schedule's target and of the probe's asynchronous on-failure " +
        'destination, which cdk-nag does not recognise (it only sees queue redrive policies and Lambda DeadLetterConfig).',
    });
    this.probes = new Probes(this, 'Probes', {
      namePrefix,
      targets: config.healthTargets,
      rules: config.rules,
      bus: homeBus,
      incidentTable: this.stateTable.table,
      vantage: {
        region,
        busRegion: homeRegion,
        roleName: vantageRoleName(namePrefix, region),
        logGroupName: vantageLogGroupName(namePrefix),
        deadLetterQueue: this.deadLetterQueue,
      },
    });
    this.savedQuery = saveVantageQuery(this, 'OnCallVantageQuery', { namePrefix, region, logGroup: this.probes.function.logGroup });
  }
}
