// Inbound shapes: the probe Lambda also runs, on its own schedule (every
// rules.inbound_shape_down.scheduleMinutes, default 5), one one-token request per configured shape and
// puts an evaluation report on the bus; the router turns a failing shape into `inbound_shape_down:<name>`
// SEV2. This construct only adds to the existing probe function: its environment, the probe keys' SSM
// parameters, PutEvents on the bus, and the schedule rule whose input selects the shape run.
import { Duration, Stack } from 'aws-cdk-lib';
import { type IEventBus, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.ts';
import { INBOUND_SHAPE_RUN_EVENT } from '../lambdas/functions/probe/run-kind.ts';

/** Lambda environment variables share 4 KB; PROBE_TARGETS may take up to 3500 characters of it. */
const MAX_SHAPES_JSON = 1500;

export interface InboundShapeProbesProps {
  /** The probe Lambda (Probes.function): it runs the shape requests too. */
  readonly probeFunction: LambdaFn;
  readonly bus: IEventBus;
  /** The config's inboundShapes; at least one. */
  readonly shapes: Config['inboundShapes'];
  /** How often to send each shape's one-token request. @default 5 */
  readonly scheduleMinutes?: number;
}

export class InboundShapeProbes extends Construct {
  readonly schedule: Rule;
  readonly scheduleMinutes: number;

  constructor(scope: Construct, id: string, props: InboundShapeProbesProps) {
    super(scope, id);
    const { probeFunction, shapes, bus } = props;
    if (shapes.length === 0)
      throw new Error('InboundShapeProbes: props.shapes is empty; create it only when config.inboundShapes has entries');
    const shapesJson = JSON.stringify(shapes);
    if (shapesJson.length > MAX_SHAPES_JSON)
      throw new Error(
        `InboundShapeProbes: props.shapes is ${shapesJson.length} characters as JSON; at most ${MAX_SHAPES_JSON} fit the Lambda environment`,
      );
    this.scheduleMinutes = props.scheduleMinutes ?? 5;

    probeFunction.addEnvironment('INBOUND_SHAPES', shapesJson);
    probeFunction.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);

    // Only the probe-key parameters the shapes name (SecureStrings under aws/ssm need no kms:Decrypt grant).
    const parameterArns = [...new Set(shapes.flatMap((s) => Object.values(s.headersFromSsm ?? {})))]
      .sort()
      .map((name) => Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }));
    if (parameterArns.length)
      probeFunction.addToRolePolicy(
        new PolicyStatement({ sid: 'ReadShapeProbeKeys', actions: ['ssm:GetParameter'], resources: parameterArns }),
      );
    probeFunction.addToRolePolicy(
      new PolicyStatement({ sid: 'PutShapeReports', actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );

    this.schedule = new Rule(this, 'Schedule', {
      description: `Send each inbound shape a one-token request every ${this.scheduleMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(this.scheduleMinutes)),
      targets: [new LambdaFunction(probeFunction, { event: RuleTargetInput.fromObject(INBOUND_SHAPE_RUN_EVENT), retryAttempts: 0 })],
    });
  }
}
