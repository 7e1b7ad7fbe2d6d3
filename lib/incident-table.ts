// The router's incident store: one item per dedupKey, so a repeated signal updates instead of re-paging.
// Resolved incidents expire through TTL after the configured retention (kept for post-mortems).
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { OPEN_BY_SOURCE_INDEX, OPEN_SOURCE_ATTRIBUTE, OWED_ATTRIBUTE, OWED_INDEX } from '../lambdas/core/constants.ts';

export interface IncidentTableProps {
  /**
   * What happens to the table (the incident history) when it leaves the stack.
   * Deletion protection is on whenever the table is retained.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class IncidentTable extends Construct {
  static readonly PARTITION_KEY = 'dedupKey';
  static readonly TTL_ATTRIBUTE = 'expiresAt';

  readonly table: Table;

  constructor(scope: Construct, id: string, props: IncidentTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: IncidentTable.PARTITION_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IncidentTable.TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Encrypted at rest with the AWS-owned key: summaries are redacted before they are stored, and a KMS
      // key (AWS- or customer-managed) would bill a KMS request every few minutes for no added control.
      encryption: TableEncryption.DEFAULT,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      // Sparse: only open incidents carry the key, so the router's per-report lookup reads a handful of
      // items instead of scanning the whole table on every report.
      indexName: OPEN_BY_SOURCE_INDEX,
      partitionKey: { name: OPEN_SOURCE_ATTRIBUTE, type: AttributeType.STRING },
    });
    this.table.addGlobalSecondaryIndex({
      // Sparse: only resolved incidents that still owe a delivery (a failed resolve) carry the key, so the
      // sweeper retries them every run without scanning the resolved history.
      indexName: OWED_INDEX,
      partitionKey: { name: OWED_ATTRIBUTE, type: AttributeType.STRING },
    });
  }
}
