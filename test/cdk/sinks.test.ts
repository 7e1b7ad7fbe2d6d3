// The HTTP sinks in the template: the router and the sweeper may read exactly the SSM parameters the
// config names for PagerDuty, Opsgenie, Splunk On-Call and each webhook (ARNs by name, one statement: every
// sink takes the same path), decrypt only with the customer keys that encrypt them and only through SSM,
// and get the sinks as SINKS: parameter names and URLs, never a secret or an e-mail address.
import { beforeAll, describe, expect, it } from 'vitest';
import { sinksSchema } from '../../lambdas/core/notify/sink-catalog.ts';
import {
  actionsOf,
  functionEnvironment,
  logicalId,
  resource,
  resourcesOf,
  synthesize,
  type Statement,
  type Synthesized,
} from './synth-helpers.ts';

const KEY = 'arn:aws:kms:eu-central-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab';
const PD_KEY = 'arn:aws:kms:eu-central-1:111122223333:key/1111abcd-12ab-34cd-56ef-1234567890ab';
const CONFIG = {
  name: 'metis-sinks',
  sinks: {
    pagerduty: { routingKeyParameter: '/metis/pagerduty/routing-key', kmsKeyArn: PD_KEY },
    opsgenie: { apiKeyParameter: '/metis/opsgenie/api-key', apiUrl: 'https://api.eu.opsgenie.com' },
    splunkOnCall: { restEndpointParameter: '/metis/splunk/rest-endpoint' },
    webhooks: [
      { name: 'keep', urlParameter: '/metis/webhooks/keep', format: 'alertmanager' },
      { name: 'oncall', urlParameter: '/metis/webhooks/grafana-oncall', format: 'alertmanager', kmsKeyArn: KEY },
    ],
    page: { emails: ['oncall@example.com'] },
  },
};
const PARAMETERS = [
  '/metis/pagerduty/routing-key',
  '/metis/opsgenie/api-key',
  '/metis/splunk/rest-endpoint',
  '/metis/webhooks/keep',
  '/metis/webhooks/grafana-oncall',
].map((name) => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`);

function statements(synth: Synthesized, prefix: string): Statement[] {
  const policy = resource(synth.template, 'AWS::IAM::Policy', prefix).resource;
  return (policy.Properties.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
}

describe('stack with PagerDuty, Opsgenie, Splunk On-Call and two webhooks', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize(CONFIG);
  });

  it.each([
    ['router', 'RouterLambdaRoleDefaultPolicy'],
    ['sweeper', 'SweeperLambdaRoleDefaultPolicy'],
  ])('the %s reads exactly the five sink parameters and decrypts only with their two customer keys through SSM', (_, prefix) => {
    const all = statements(synth, prefix);
    const read = all.find((s) => (s as { Sid?: string }).Sid === 'ReadSinkSecrets')!;
    expect(actionsOf(read)).toEqual(['ssm:GetParameter']);
    expect([...resourcesOf(read)].sort()).toEqual([...PARAMETERS].sort());
    const decrypt = all.find((s) => (s as { Sid?: string }).Sid === 'DecryptSinkSecrets') as Statement & {
      Resource: unknown;
      Condition: unknown;
    };
    expect([decrypt.Resource].flat()).toEqual([KEY, PD_KEY].sort());
    // No statement of PagerDuty's own: it is granted like every other sink.
    expect(all.filter((s) => actionsOf(s).includes('ssm:GetParameter'))).toHaveLength(1);
    expect(JSON.stringify(decrypt.Condition)).toContain('kms:ViaService');
  });

  it('gives the router and the sweeper the sinks as SINKS: names and URLs only', () => {
    for (const prefix of ['RouterLambdaFunction', 'SweeperLambdaFunction']) {
      const env = functionEnvironment(synth.template, prefix);
      const sinks = sinksSchema.parse(JSON.parse(env.SINKS as string));
      expect(sinks.pagerduty).toEqual({
        routingKeyParameter: '/metis/pagerduty/routing-key',
        kmsKeyArn: PD_KEY,
        eventsUrl: 'https://events.pagerduty.com/v2/enqueue',
      });
      expect(sinks.opsgenie).toEqual({ apiKeyParameter: '/metis/opsgenie/api-key', apiUrl: 'https://api.eu.opsgenie.com' });
      expect(sinks.webhooks.map((w) => w.name)).toEqual(['keep', 'oncall']);
      expect(JSON.parse(env.SINKS as string).page).toEqual({});
      expect(env.SINKS).not.toContain('oncall@example.com');
      expect(Object.keys(env).filter((name) => name.startsWith('PAGERDUTY'))).toEqual([]);
    }
    expect(logicalId(synth.template, 'AWS::Lambda::Function', 'RouterLambdaFunction')).toBeTruthy();
  });
});

describe('Atlassian Statuspage', () => {
  const statuspage = (autoPublish: boolean) => ({
    name: 'metis-status',
    sinks: {
      statuspage: {
        pageId: 'kctbh9vrtdwd',
        apiKeyParameter: '/metis/statuspage/api-key',
        components: { gateway: 'b13yz5g2cw10' },
        autoPublish,
      },
    },
  });

  it('with autoPublish: the router and the sweeper read its API key parameter and get it in SINKS', () => {
    const synth = synthesize(statuspage(true));
    for (const prefix of ['RouterLambdaRoleDefaultPolicy', 'SweeperLambdaRoleDefaultPolicy']) {
      const read = statements(synth, prefix).find((s) => (s as { Sid?: string }).Sid === 'ReadSinkSecrets')!;
      expect([...resourcesOf(read)]).toEqual([
        `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/statuspage/api-key`,
      ]);
    }
    for (const prefix of ['RouterLambdaFunction', 'SweeperLambdaFunction']) {
      const sinks = sinksSchema.parse(JSON.parse(functionEnvironment(synth.template, prefix).SINKS as string));
      expect(sinks.statuspage).toEqual({
        pageId: 'kctbh9vrtdwd',
        apiKeyParameter: '/metis/statuspage/api-key',
        components: { gateway: 'b13yz5g2cw10' },
        autoPublish: true,
        apiUrl: 'https://api.statuspage.io/v1',
      });
    }
  });

  it('without autoPublish (drafts only): no grant on the key and nothing in the environment', () => {
    const synth = synthesize(statuspage(false));
    for (const prefix of ['RouterLambdaRoleDefaultPolicy', 'SweeperLambdaRoleDefaultPolicy'])
      expect(statements(synth, prefix).some((s) => (s as { Sid?: string }).Sid === 'ReadSinkSecrets')).toBe(false);
    for (const prefix of ['RouterLambdaFunction', 'SweeperLambdaFunction'])
      expect(JSON.parse(functionEnvironment(synth.template, prefix).SINKS as string).statuspage).toBeUndefined();
  });
});
