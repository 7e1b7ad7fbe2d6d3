// analytics_drift in the trace-check Lambda: the config's `analytics` section as its ANALYTICS
// environment variable and ssm:GetParameter on the key parameters it names, nothing else. The fetch goes
// out over HTTPS from the function (no VPC): the endpoint must be reachable from the internet, like /healthz.
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import type { Config } from '../lambdas/core/config.ts';

export function grantAnalyticsAccess(traceCheck: LambdaFn, analytics: NonNullable<Config['analytics']>): void {
  traceCheck.addEnvironment('ANALYTICS', JSON.stringify(analytics));
  const parameterArns = [...new Set(Object.values(analytics.headersFromSsm ?? {}))]
    .sort()
    .map((name) => Stack.of(traceCheck).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }));
  if (parameterArns.length)
    traceCheck.addToRolePolicy(new PolicyStatement({ sid: 'ReadAnalyticsKey', actions: ['ssm:GetParameter'], resources: parameterArns }));
}
