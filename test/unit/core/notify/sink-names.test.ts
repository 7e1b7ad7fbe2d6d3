// A sink's name is written once, in its spec's file, and the type checker holds every other use to it:
// `npm run typecheck` fails if an `@ts-expect-error` below stops being an error. The runtime assertions
// show what the names stand for.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sink } from '../../../../lambdas/core/incident.ts';
import { specOf } from '../../../../lambdas/core/notify/sink-catalog.ts';
import { defineHttpSink, defineSink, ssmParameterName } from '../../../../lambdas/core/notify/spec.ts';
import type { SinkName } from '../../../../lambdas/core/notify/sink-names.ts';

const sender = { send: async () => ({ ok: true as const }) };
const notifier = () => ({ raisesPipelineHealth: true, deliver: () => sender.send() });

describe('sink names', () => {
  it('a spec whose name no spec file declares does not type-check', () => {
    const spec = defineHttpSink({
      // @ts-expect-error 'undeclared-pager' is not in SinkNames: its spec file did not declare it
      name: 'undeclared-pager',
      configKey: 'undeclaredPager',
      config: z.strictObject({ tokenParameter: ssmParameterName }).optional(),
      label: 'Undeclared',
      secretLabel: 'token',
      storm: { key: 'undeclaredPager', perMinute: 1 },
      secret: (config) => ({ parameter: config.tokenParameter, kind: 'token' }),
      notifier,
    });
    // Nothing checks it at run time: the type checker is what refuses it.
    expect(spec.name).toBe('undeclared-pager');
  });

  it('a spec hands out only sinks of its own name: a list spec only names that match its pattern', () => {
    const spec = defineSink({
      name: 'webhook:*',
      configKey: 'hooks',
      config: z.array(z.string()).default([]),
      label: 'webhook',
      policyColumn: 'chatops',
      storm: { key: 'hooks', perMinute: 1 },
      // @ts-expect-error a webhook spec's sinks are `webhook:<name>`, never another sink's name
      instances: (names = []) => names.map(() => ({ sink: 'chatops', notifier })),
      deployed: () => undefined,
      dryRun: {},
    });
    expect(spec.instances(['a']).map((instance) => instance.sink)).toEqual(['chatops']);
  });

  it('Sink is every declared name, a pattern standing for its whole family; a misspelt sink is refused', () => {
    const names: SinkName[] = ['pagerduty', 'webhook:*', 'page-secondary'];
    const sinks: Sink[] = ['pagerduty', 'webhook:keep', 'page-secondary', 'statuspage'];
    // @ts-expect-error 'chatop' is no sink
    const misspelt: Sink = 'chatop';
    // @ts-expect-error a spec name is the pattern as written, not a name that matches it
    const pattern: SinkName = 'webhook:keep';
    expect(names.map((name) => specOf(name.replace('*', 'keep') as Sink)?.name)).toEqual(names);
    expect(sinks.map((sink) => specOf(sink)?.name)).toEqual(['pagerduty', 'webhook:*', 'page-secondary', 'statuspage']);
    expect(specOf(misspelt)).toBeUndefined();
    expect(specOf(pattern)?.name).toBe('webhook:*');
  });
});
