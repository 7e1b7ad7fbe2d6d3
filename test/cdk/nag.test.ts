// cdk-nag v3 AwsSolutions on the stack, registered the way bin/app.ts does it. Findings are fixed where
// possible; the few kept are acknowledged on the construct that owns them, each with its reason.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledgements, expectReasons, findings, synthesizedFunctionIds, withAwsSolutions } from './nag-helpers.ts';
import { EXAMPLE_CONFIG_PATH, buildStack, readJson } from './synth-helpers.ts';

const OPTIONAL_SINKS_CONFIG = {
  sinks: {
    pagerduty: {
      routingKeyParameter: '/metis/pd',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
    chatops: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0456EFGH' } },
  },
};

/** The acknowledgements this stack keeps; adding one is a decision, so it has to be added here too. */
const BASE_ACKNOWLEDGEMENTS = [
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*]',
  'AwsSolutions-L1',
  'AwsSolutions-SQS3',
];
/** Router and sweeper create incident deadlines (one-time schedules named at run time) in the stack's own group. */
const deadlineAcknowledgement = (name: string) =>
  `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${name}-deadlines/*]`;
/** With log groups: log-watch reads the rest of a split traceback from its group's streams. */
const LOG_WATCH_ACKNOWLEDGEMENTS = [
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/metis/prod/gateway:*]',
];
/** With a snapshot bucket: no access logs (S1) and the shipper's prefix wildcard. */
const SNAPSHOT_ACKNOWLEDGEMENTS = ['AwsSolutions-IAM5[Resource::<TraceChecksSnapshotsBucketF4D836A9.Arn>/metis/prod/*]', 'AwsSolutions-S1'];

describe.each([
  // Router, sweeper, trace-check (snapshot), probe (health targets), log-watch (log groups).
  [
    'the example config',
    () => readJson(EXAMPLE_CONFIG_PATH),
    [...BASE_ACKNOWLEDGEMENTS, ...SNAPSHOT_ACKNOWLEDGEMENTS, ...LOG_WATCH_ACKNOWLEDGEMENTS, deadlineAcknowledgement('metis-prod')].sort(),
    5,
  ],
  [
    'the optional sinks (customer-managed SSM key, Slack)',
    () => OPTIONAL_SINKS_CONFIG,
    [...BASE_ACKNOWLEDGEMENTS, deadlineAcknowledgement('MetisAlerts')].sort(),
    2,
  ],
])('AwsSolutions checks on the stack from %s', (_name, rawConfig, expectedAcknowledgements, lambdas) => {
  let app: App;
  let stack: Stack;
  beforeAll(() => {
    ({ app, stack } = buildStack(rawConfig(), withAwsSolutions));
  });

  it('has zero unacknowledged findings', () => {
    expect(findings(app)).toEqual([]);
  });

  it('synthesizes with the plugin registered (synth throws ValidationFailed on any finding)', () => {
    expect(synthesizedFunctionIds(app, stack)).toHaveLength(lambdas);
  });

  it('keeps only the expected acknowledgements, each with a reason', () => {
    const acks = acknowledgements(app);
    expect([...new Set(acks.map((a) => a.id))].sort()).toEqual(expectedAcknowledgements);
    expectReasons(acks);
  });
});

describe('the AwsSolutions pack as used here', () => {
  it('does report a finding when there is one (control for the zero-findings tests)', () => {
    const app = new App();
    new Queue(new Stack(app, 'Control'), 'PlainQueue');
    expect(findings(app)).toContain('AwsSolutions-SQS4 at Control/PlainQueue/Resource');
  });

  it('honours an acknowledgement given in the form the stack uses', () => {
    const app = new App();
    const queue = new Queue(new Stack(app, 'Control'), 'PlainQueue');
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS4', reason: 'control: acknowledged on purpose in this test' });
    expect(findings(app).filter((f) => f.startsWith('AwsSolutions-SQS4'))).toEqual([]);
  });
});
