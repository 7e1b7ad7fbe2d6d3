// CONTRIBUTING.md's "add a sink" recipe, followed: a fixture paging provider is a folder with its notifier
// and spec (./fixtures/fixture-pager/, its name declared only there) and is registered the way a real one
// is (one more entry in the registry's SINK_SPECS); nothing else changes, and its name type-checks as a Sink
// with no cast. It must then flow through everything derived from the registry: the config schema (its
// block and its storm budget), the notifiers, the stack's IAM grants and SINKS, and the CLI's dry run.
import { describe, expect, it, vi } from 'vitest';
import { routeDryRun } from '../../cli/commands/route.ts';
import { configuredSinks as routesSinks } from '../../cli/commands/routes.ts';
import { parseConfig } from '../../lambdas/core/config.ts';
import type { Sink } from '../../lambdas/core/incident.ts';
import type { HttpCall, HttpSender } from '../../lambdas/core/notify/http-call.ts';
import { SINK_SPECS } from '../../lambdas/core/notify/registry.ts';
import { buildNotifiers, stormBudgetOf } from '../../lambdas/core/notify/sink-catalog.ts';
import type { Signal } from '../../lambdas/core/signal.ts';
import { functionEnvironment, resource, resourcesOf, synthesize, type Statement } from './synth-helpers.ts';

// Step 2 of the recipe: the registry line (the fixture's folder, step 1, is ./fixtures/fixture-pager/). A test
// cannot edit registry.ts, so it appends the spec to SINK_SPECS exactly where that line would go.
vi.mock('../../lambdas/core/notify/registry.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lambdas/core/notify/registry.ts')>();
  const { fixturePagerSpec } = await import('./fixtures/fixture-pager/spec.ts');
  return { ...actual, SINK_SPECS: [...actual.SINK_SPECS, fixturePagerSpec] };
});

const KEY = 'arn:aws:kms:eu-central-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab';
const RAW = { name: 'metis-recipe', sinks: { fixturePager: { tokenParameter: '/metis/fixture-pager/token', kmsKeyArn: KEY } } };
const SEV1: Signal = {
  source: 'probe',
  rule: 'healthz_down',
  subject: 'gateway',
  severity: 'SEV1',
  status: 'firing',
  dedupKey: 'healthz_down:gateway',
  summary: 'gateway /healthz failed twice (token gw_live_abcdefghijklmnop)',
  observedAt: '2026-11-24T10:00:00.000Z',
  details: {},
  runbook: 'Gateway down',
};

describe('a sink added by the recipe (fixture paging provider)', () => {
  it('is registered: the registry lists it last', () => {
    expect(SINK_SPECS.map((spec) => spec.name).at(-1)).toBe('fixture-pager');
  });

  it('config: its block is accepted under its key, a misspelt key is refused, and routing.storm has its budget', () => {
    const config = parseConfig(RAW);
    expect((config.sinks as Record<string, unknown>).fixturePager).toEqual(RAW.sinks.fixturePager);
    expect((config.routing.storm as Record<string, number>).fixturePager).toBe(60);
    expect(stormBudgetOf('fixture-pager', config.routing.storm)).toBe(60);
    expect(() => parseConfig({ sinks: { fixturePagr: {} } }, 'c.json')).toThrow('c.json: sinks: unknown key "fixturePagr"');
    expect(() => parseConfig({ sinks: { fixturePager: { tokenParameter: 'token' } } }, 'c.json')).toThrow(
      /sinks\.fixturePager\.tokenParameter/,
    );
  });

  it('notifiers: the router gets one for it, after the topics (registry order), built on its own secret', () => {
    const secrets: string[] = [];
    const sender: HttpSender = { send: async () => ({ ok: true }) };
    const http = (sink: Sink, secret: { parameter: string }): HttpSender => {
      secrets.push(`${sink} ${secret.parameter}`);
      return sender;
    };
    const notifiers = buildNotifiers(parseConfig(RAW).sinks, { http, publisher: { publish: async () => ({ ok: true }) } });
    expect(Object.keys(notifiers)).toEqual(['page', 'chatops', 'fixture-pager']);
    expect(notifiers['fixture-pager']?.raisesPipelineHealth).toBe(true);
    expect(secrets).toEqual(['fixture-pager /metis/fixture-pager/token']);
  });

  it('IAM and environment: the router and sweeper read exactly its parameter, decrypt with its key through SSM, and get it in SINKS', () => {
    const synth = synthesize(RAW);
    for (const [role, fn] of [
      ['RouterLambdaRoleDefaultPolicy', 'RouterLambdaFunction'],
      ['SweeperLambdaRoleDefaultPolicy', 'SweeperLambdaFunction'],
    ] as const) {
      const policy = resource(synth.template, 'AWS::IAM::Policy', role).resource;
      const statements = (
        policy.Properties.PolicyDocument as unknown as { Statement: (Statement & { Sid?: string; Resource?: unknown })[] }
      ).Statement;
      const read = statements.find((s) => s.Sid === 'ReadSinkSecrets')!;
      expect(resourcesOf(read)).toEqual([
        `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/metis/fixture-pager/token`,
      ]);
      expect([statements.find((s) => s.Sid === 'DecryptSinkSecrets')!.Resource].flat()).toEqual([KEY]);
      const sinks = JSON.parse(functionEnvironment(synth.template, fn).SINKS as string);
      expect(sinks.fixturePager).toEqual(RAW.sinks.fixturePager);
    }
  });

  it('dry run: a SEV1 pages it as a paging provider (so no PagerDuty stand-in), the wire log masks its token', async () => {
    const config = parseConfig(RAW);
    expect(routesSinks(config)).toEqual(['page', 'chatops', 'fixture-pager']);
    const result = await routeDryRun([SEV1], config);
    expect(result.deliveries.map((d) => `${d.sink} ${d.action}`)).toEqual(['page trigger', 'chatops trigger', 'fixture-pager trigger']);
    const request = result.wire.find((entry) => entry.sink === 'fixture-pager')!.request as unknown as HttpCall;
    expect(request.headers.Authorization).toBe('Token [MASKED]');
    expect(request.body).toMatchObject({ key: 'healthz_down:gateway', action: 'trigger', severity: 'SEV1' });
    expect(JSON.stringify(request.body)).not.toContain('gw_live_');
  });
});
