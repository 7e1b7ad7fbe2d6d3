// A vantage's own round-to-round probe state (the `probe-state#health` item), in its own region: a probe
// reading a table across regions would make every round depend on the path to the home region.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { IncidentTable } from './incident-table.ts';

export class ProbeStateTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      // The same key as the incident table, so the probe's state adapter works on either.
      partitionKey: { name: IncidentTable.PARTITION_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-owned key: no KMS requests billed for a few hundred bytes of probe results.
      encryption: TableEncryption.DEFAULT,
      // Only the last rounds' results: a removed vantage leaves nothing worth keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
