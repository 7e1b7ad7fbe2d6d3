// The one way lib/ grants a function a DynamoDB table: the table's own ARN (never `<table>/index/*`, which
// ITable.grant adds when the table has an index), or exactly one named index.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { grantTableActions } from '../../lib/table-access.ts';

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
}

function statementsOf(build: (stack: Stack, role: Role, table: Table) => void): { statements: Statement[]; tableId: string } {
  const stack = new Stack(new App(), 'Grants');
  const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  table.addGlobalSecondaryIndex({ indexName: 'open', partitionKey: { name: 'open', type: AttributeType.STRING } });
  build(stack, role, table);
  const template = Template.fromStack(stack);
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return { statements, tableId: Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]! };
}

describe('grantTableActions', () => {
  it('grants the actions on the table ARN only, not its indexes, even when the table has one', () => {
    const { statements, tableId } = statementsOf((_, role, table) =>
      grantTableActions(role, 'Items', table, ['dynamodb:GetItem', 'dynamodb:PutItem']),
    );
    expect(statements).toEqual([
      { Sid: 'Items', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
    ]);
  });

  it('with an index: that index only, as its own statement beside the table grant', () => {
    const { statements, tableId } = statementsOf((_, role, table) => {
      grantTableActions(role, 'Items', table, ['dynamodb:GetItem']);
      grantTableActions(role, 'OpenOnly', table, ['dynamodb:Query'], 'open');
    });
    expect(statements.map((s) => s.Sid)).toEqual(['Items', 'OpenOnly']);
    expect(statements[1]).toEqual({
      Sid: 'OpenOnly',
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/open']] },
    });
  });
});
