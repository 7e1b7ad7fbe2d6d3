// The metis-alerts stack: wires the parts of docs/architecture.md from one validated Config. The detectors
// (probe, trace-check, log-watch) attach later through the public fields: they put evaluation reports on
// `bus` and tag their alarms with metis:severity; nothing else of theirs needs to know about sinks.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AccountRootPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.ts';
import { routerSettingsOf } from '../lambdas/core/router-settings.ts';
import { sweepOptionsOf } from '../lambdas/core/sweep-policy.ts';
import { AlertingKey } from './alerting-key.ts';
import { grantAnalyticsAccess } from './analytics-access.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { IncidentTable } from './incident-table.ts';
import { InboundShapeProbes } from './inbound-shape-probes.ts';
import { Notifications } from './notifications.ts';
import { LogWatch } from './log-watch.ts';
import { OnCallDashboard } from './oncall-dashboard.ts';
import { Probes } from './probes.ts';
import { Router } from './router.ts';
import { Sweeper } from './sweeper.ts';
import { AckIntake } from './ack-intake.ts';
import { DeadlineSchedules } from './deadline-schedules.ts';
import { TraceChecks } from './trace-checks.ts';
import { INBOUND_SHAPE_REPORTER } from '../lambdas/core/probe/inbound-shape.ts';
import { homeBusName, vantageLogGroupName, vantageRoleName } from './probe-vantage-names.ts';

export interface MetisAlertsStackProps extends StackProps {
  /** The validated configuration (`parseConfig` / `loadConfigFile`). */
  readonly config: Config;
  /**
   * The extra probe vantage regions (lib/probe-vantage-stack.ts): the bus lets their probes put reports.
   * @default - none: the home region probes alone
   */
  readonly probeVantages?: readonly string[];
}

export class MetisAlertsStack extends Stack {
  readonly config: Config;
  readonly key: IKey;
  readonly bus: EventBus;
  readonly notifications: Notifications;
  readonly deadLetterQueue: IQueue;
  readonly incidentTable: ITable;
  readonly router: Router;
  readonly sweeper: Sweeper;
  /** Present when the config has an `ackIntake` section. */
  readonly ackIntake?: AckIntake;
  /** Present when the config has a `snapshot` section. */
  readonly traceChecks?: TraceChecks;
  /** Present when the config has `healthTargets`. */
  readonly probes?: Probes;
  /** Present when the config names log groups. */
  readonly logWatch?: LogWatch;
  /** Present when the config has `inboundShapes` (they run in the probe Lambda). */
  readonly inboundShapes?: InboundShapeProbes;
  /** The one on-call dashboard (`<name>-oncall`). */
  readonly dashboard: OnCallDashboard;

  constructor(scope: Construct, id: string, props: MetisAlertsStackProps) {
    const { config, probeVantages = [], ...stackProps } = props;
    super(scope, id, { description: 'metis-alerts: detection and paging for a Metis gateway / agent-server deployment', ...stackProps });
    this.config = config;
    const namePrefix = config.name;

    this.key = new AlertingKey(this, 'AlertingKey', { aliasName: `${namePrefix}-alerting` }).key;
    this.notifications = new Notifications(this, 'Notifications', {
      namePrefix,
      encryptionKey: this.key,
      pageEmails: config.sinks.page.emails,
      pageSms: config.sinks.page.sms,
      chatopsEmails: config.sinks.chatops.emails,
      chatopsSlack: config.sinks.chatops.slack,
      ...(config.sinks.pageSecondary ? { pageSecondary: config.sinks.pageSecondary } : {}),
    });
    const { pageTopic, chatopsTopic, pageSecondaryTopic } = this.notifications;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      namePrefix,
      encryptionKey: this.key,
      alarmTopics: [pageTopic, chatopsTopic],
    }).queue;
    this.incidentTable = new IncidentTable(this, 'Incidents').table;
    this.bus = new EventBus(this, 'Bus', { eventBusName: homeBusName(namePrefix), description: 'metis-alerts evaluation reports' });
    if (probeVantages.length > 0) allowVantageReports(this.bus, namePrefix, probeVantages);

    const deadlines = new DeadlineSchedules(this, 'Deadlines', {
      namePrefix,
      deadLetterQueue: this.deadLetterQueue,
      encryptionKey: this.key,
    }).targets;

    if (config.ackIntake) {
      this.ackIntake = new AckIntake(this, 'AckIntake', {
        namePrefix,
        incidentTable: this.incidentTable,
        settings: routerSettingsOf(config),
        intake: config.ackIntake,
        deadlines,
      });
      new CfnOutput(this, 'AckIntakeUrl', {
        value: this.ackIntake.url.url,
        description: 'Base URL of the ack intake: append pagerduty, opsgenie or splunk-oncall for each webhook (docs/human-loop.md)',
      });
    }

    // Pages carry an ack link when the intake is deployed with an ack-link key (router and sweeper both page).
    const ackLinkKey = config.ackIntake?.ackLinks;
    const ackLinks =
      this.ackIntake && ackLinkKey
        ? {
            url: this.ackIntake.url.url,
            secretParameter: ackLinkKey.secretParameter,
            lifetimeMinutes: ackLinkKey.lifetimeMinutes,
            ...(ackLinkKey.kmsKeyArn ? { kmsKeyArn: ackLinkKey.kmsKeyArn } : {}),
          }
        : undefined;

    this.router = new Router(this, 'Router', {
      namePrefix,
      bus: this.bus,
      incidentTable: this.incidentTable,
      pageTopic,
      chatopsTopic,
      ...(pageSecondaryTopic ? { pageSecondaryTopic } : {}),
      deadLetterQueue: this.deadLetterQueue,
      encryptionKey: this.key,
      settings: routerSettingsOf(config),
      sinks: config.sinks,
      ...(ackLinks ? { ackLinks } : {}),
      deadlines,
    });

    if (config.snapshot) {
      this.traceChecks = new TraceChecks(this, 'TraceChecks', {
        namePrefix,
        bus: this.bus,
        snapshot: config.snapshot,
        rules: config.rules,
      });
      if (config.analytics && config.rules.analytics_drift.enabled) grantAnalyticsAccess(this.traceChecks.function, config.analytics);
      const { bucket, snapshotKey, shipperPolicy, shipperPolicyDocument } = this.traceChecks.snapshots;
      new CfnOutput(this, 'SnapshotBucketName', { value: bucket.bucketName, description: 'Bucket the snapshot shipper uploads to' });
      new CfnOutput(this, 'SnapshotKey', {
        value: snapshotKey,
        description: 'Object key the shipper writes (SNAPSHOT_PREFIX/latest.db.gz)',
      });
      new CfnOutput(this, 'ShipperPolicyArn', {
        value: shipperPolicy.managedPolicyArn,
        description: "Attach to the shipper's role: s3:PutObject on the prefix only",
      });
      new CfnOutput(this, 'ShipperPolicyJson', {
        value: Stack.of(this).toJsonString(shipperPolicyDocument.toJSON()),
        description: 'The same policy as JSON',
      });
    }

    if (config.healthTargets.length > 0) {
      this.probes = new Probes(this, 'Probes', {
        namePrefix,
        targets: config.healthTargets,
        rules: config.rules,
        bus: this.bus,
        incidentTable: this.incidentTable,
      });
    }
    if (this.probes && config.inboundShapes.length > 0 && config.rules.inbound_shape_down.enabled) {
      this.inboundShapes = new InboundShapeProbes(this, 'InboundShapes', {
        probeFunction: this.probes.function,
        bus: this.bus,
        shapes: config.inboundShapes,
        scheduleMinutes: config.rules.inbound_shape_down.scheduleMinutes,
      });
    }
    if (config.logGroups.length > 0) {
      this.logWatch = new LogWatch(this, 'LogWatch', { namePrefix, bus: this.bus, logGroups: config.logGroups, rules: config.rules });
    }

    this.sweeper = new Sweeper(this, 'Sweeper', {
      namePrefix,
      incidentTable: this.incidentTable,
      pageTopic,
      chatopsTopic,
      ...(pageSecondaryTopic ? { pageSecondaryTopic } : {}),
      encryptionKey: this.key,
      sinks: config.sinks,
      ...(ackLinks ? { ackLinks } : {}),
      settings: routerSettingsOf(config),
      deadlines,
      ...sweepOptionsOf(config),
      expectedSources: [
        ...(config.snapshot ? [{ source: 'trace-db' as const, intervalMinutes: config.snapshot.scheduleMinutes }] : []),
        // The health rounds report every minute (source_stale:probe says when they stop); the inbound-shape
        // run, on its own schedule, names itself in its reports and is watched apart (source_stale:probe/inbound-shape).
        ...(this.probes ? [{ source: 'probe' as const, intervalMinutes: this.probes.reportIntervalMinutes }] : []),
        // Each other vantage's health rounds are watched apart (source_stale:probe@<region>): one that stops leaves the vote.
        ...(this.probes
          ? probeVantages.map((vantage) => ({
              source: 'probe' as const,
              vantage,
              intervalMinutes: this.probes!.reportIntervalMinutes,
            }))
          : []),
        ...(this.inboundShapes
          ? [{ source: 'probe' as const, reporter: INBOUND_SHAPE_REPORTER, intervalMinutes: this.inboundShapes.scheduleMinutes }]
          : []),
      ],
    });

    // Last, so the alarm panel sees every alarm the parts created.
    this.dashboard = new OnCallDashboard(this, 'OnCallDashboard', {
      namePrefix,
      ...(this.probes
        ? {
            probe: {
              function: this.probes.function,
              targets: config.healthTargets.map((t) => t.name),
              vantages: probeVantages.map((region) => ({ region, logGroupName: vantageLogGroupName(namePrefix) })),
            },
          }
        : {}),
      ...(this.inboundShapes ? { inboundShapes: config.inboundShapes.map((s) => s.name) } : {}),
      ...(this.traceChecks ? { traceCheck: this.traceChecks.function } : {}),
      ...(this.logWatch ? { logWatch: this.logWatch.function } : {}),
      router: this.router.function,
      sweeper: this.sweeper.function,
      deadLetterQueue: this.deadLetterQueue,
      spendLimits: {
        dailyBudgetUsd: config.rules.cost_projection.dailyBudgetUsd,
        dailyHardCapUsd: config.rules.bill_threshold.dailyHardCapUsd,
        monthlyHardCapUsd: config.rules.bill_threshold.monthlyHardCapUsd,
      },
      alarms: this.node.findAll().filter((c): c is Alarm => c instanceof Alarm),
      createDashboard: config.dashboard,
    });
    if (this.dashboard.dashboard)
      new CfnOutput(this, 'OnCallDashboardName', {
        value: this.dashboard.dashboard.dashboardName,
        description: 'The one on-call dashboard',
      });
    new CfnOutput(this, 'OnCallSavedQueries', {
      value: `${namePrefix}/on-call/`,
      description: "CloudWatch Logs Insights saved queries with the on-call dashboard's panels",
    });

    new CfnOutput(this, 'BusName', { value: this.bus.eventBusName, description: 'Event bus the detectors put evaluation reports on' });
    new CfnOutput(this, 'BusArn', { value: this.bus.eventBusArn });
    new CfnOutput(this, 'IncidentTableName', { value: this.incidentTable.tableName });
    new CfnOutput(this, 'PageTopicArn', { value: pageTopic.topicArn });
    new CfnOutput(this, 'ChatopsTopicArn', { value: chatopsTopic.topicArn });
    if (pageSecondaryTopic) new CfnOutput(this, 'PageSecondaryTopicArn', { value: pageSecondaryTopic.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl, description: 'Failed events; its alarm pages' });
  }
}

/**
 * The vantage probes' PutEvents on the bus, by role name: the roles live in other regions' stacks (deployed
 * after this one), and a policy naming a role that does not exist yet would be refused, so the principal is
 * the account and the condition names the roles. Same account: their own IAM policy grants it too.
 */
function allowVantageReports(bus: EventBus, namePrefix: string, regions: readonly string[]): void {
  const stack = Stack.of(bus);
  bus.addToResourcePolicy(
    new PolicyStatement({
      sid: 'ProbeVantageReports',
      principals: [new AccountRootPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: {
        ArnEquals: {
          'aws:PrincipalArn': regions.map((region) =>
            stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: vantageRoleName(namePrefix, region) }),
          ),
        },
      },
    }),
  );
}
