// The router reads this tag from an alarm's "CloudWatch Alarm State Change" event to know how loud to be
// (docs/architecture.md, Data flow): any alarm tagged with it, ours or the operator's own, is routed like a signal.
import { Tags } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Severity } from '../lambdas/core/signal.ts';

export const SEVERITY_TAG = 'metis:severity';

export function tagSeverity(alarm: IAlarm, severity: Severity): void {
  Tags.of(alarm).add(SEVERITY_TAG, severity);
}
