// Grants on a DynamoDB table by its own ARN (or one named index's), never ITable.grant: on a table with an
// index, grant() adds `<table>/index/*`, which a function that reads no index must not get.
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';

/** `actions` on the table's items, or with `index` on that index only (Query), as one statement named `sid`. */
export function grantTableActions(role: Role, sid: string, table: ITable, actions: string[], index?: string): void {
  const resource = index === undefined ? table.tableArn : `${table.tableArn}/index/${index}`;
  role.addToPolicy(new PolicyStatement({ sid, actions, resources: [resource] }));
}
