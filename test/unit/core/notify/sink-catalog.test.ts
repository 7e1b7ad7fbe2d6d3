// What a sink spec must provide, and what the pipeline derives from the registered specs: the config's
// `sinks` and `routing.storm`, the configured sinks with their secrets, what the functions receive, the
// dry run's stand-in, labels and storm budgets. A spec that leaves a field out fails here, not in a deploy.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { Sink } from '../../../../lambdas/core/incident.ts';
import type { HttpSender } from '../../../../lambdas/core/notify/http-call.ts';
import type { NotificationPublisher } from '../../../../lambdas/core/notify/ports.ts';
import { SINK_SPECS } from '../../../../lambdas/core/notify/registry.ts';
import {
  buildNotifiers,
  configuredSinks,
  deployedSinks,
  dryRunSinks,
  sinkLabel,
  sinkSecrets,
  sinksSchema,
  specOf,
  stormBudgetOf,
  stormSchema,
} from '../../../../lambdas/core/notify/sink-catalog.ts';
import type { SinkSecret } from '../../../../lambdas/core/notify/spec.ts';

const KEY = 'arn:aws:kms:eu-central-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab';

/** A config with every sink configured, so every spec makes at least one sink. */
const EVERY_SINK = parseConfig({
  sinks: {
    pagerduty: { routingKeyParameter: '/metis/pd', kmsKeyArn: KEY },
    opsgenie: { apiKeyParameter: '/metis/opsgenie' },
    splunkOnCall: { restEndpointParameter: '/metis/splunk' },
    webhooks: [{ name: 'keep', urlParameter: '/metis/keep' }],
    page: { emails: ['oncall@example.com'], sms: ['+4915112345678'] },
    pageSecondary: { emails: ['secondary@example.com'], sms: ['+4915187654321'] },
    chatops: { emails: ['team@example.com'] },
    statuspage: { pageId: 'kctbh9vrtdwd', apiKeyParameter: '/metis/statuspage', autoPublish: true },
  },
}).sinks;

const sender: HttpSender = { send: async () => ({ ok: true }) };
const publisher: NotificationPublisher = { publish: async () => ({ ok: true }) };

describe('every registered sink spec', () => {
  it.each(SINK_SPECS.map((spec) => [spec.name, spec] as const))('%s provides every field a spec must have', (_, spec) => {
    expect(spec.name).toMatch(/^[a-z][a-z-]*(:\*)?$/);
    expect(spec.configKey).toMatch(/^[a-z][A-Za-z]*$/);
    expect(spec.config).toBeInstanceOf(z.ZodType);
    expect(spec.label.length).toBeGreaterThan(0);
    expect(['paging', 'page', 'chatops', 'none']).toContain(spec.policyColumn);
    expect(spec.storm.key.length).toBeGreaterThan(0);
    expect(Number.isInteger(spec.storm.perMinute) && spec.storm.perMinute > 0).toBe(true);
    expect(typeof spec.instances).toBe('function');
    expect(typeof spec.deployed).toBe('function');
    expect(spec.dryRun).toBeTypeOf('object');
    // A sink either publishes to a topic or has a secret its IAM grant and its health message name.
    expect(spec.topic === undefined).toBe(spec.secretLabel !== undefined);
  });

  it('every spec folder under lambdas/core/notify is registered (a spec declares its name even when unregistered)', async () => {
    const notify = new URL('../../../../lambdas/core/notify/', import.meta.url);
    const folders = readdirSync(notify, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && readdirSync(new URL(`${entry.name}/`, notify)).includes('spec.ts'))
      .map((entry) => entry.name);
    expect(folders.length).toBe(SINK_SPECS.length);
    const registered: readonly unknown[] = SINK_SPECS;
    for (const folder of folders) {
      const exported = Object.values(await import(new URL(`${folder}/spec.ts`, notify).href));
      const specs = exported.filter((value) => typeof value === 'object' && value !== null && 'configKey' in value);
      expect(specs.length, folder).toBe(1);
      expect(registered.includes(specs[0]), `${folder}/spec.ts is not in SINK_SPECS`).toBe(true);
    }
  });

  it('names, config keys and storm keys are unique', () => {
    type Spec = (typeof SINK_SPECS)[number];
    for (const field of [(s: Spec) => s.name, (s: Spec) => s.configKey, (s: Spec) => s.storm.key]) {
      const values = SINK_SPECS.map(field);
      expect(new Set(values).size, values.join()).toBe(values.length);
    }
  });

  it('each makes at least one sink from a full config, with a working notifier; an HTTP sink has a secret, a topic none', () => {
    const made = configuredSinks(EVERY_SINK);
    for (const spec of SINK_SPECS) {
      const own = made.filter((instance) => instance.spec === spec);
      expect(own.length, spec.name).toBeGreaterThan(0);
      for (const instance of own) {
        expect(specOf(instance.sink)).toBe(spec);
        expect(instance.secret === undefined, instance.sink).toBe(spec.topic !== undefined);
        const notifier = instance.notifier({ http: () => sender, publisher });
        expect(typeof notifier.deliver).toBe('function');
      }
    }
    expect(made.map((i) => i.sink)).toEqual([
      'pagerduty',
      'opsgenie',
      'splunk-oncall',
      'page',
      'page-secondary',
      'chatops',
      'webhook:keep',
      'statuspage',
    ]);
  });
});

describe('derived from the specs', () => {
  it('the config schema has one sinks block per spec and one storm budget per spec, defaulting to the spec’s', () => {
    expect(Object.keys(sinksSchema.unwrap().shape).sort()).toEqual(SINK_SPECS.map((s) => s.configKey).sort());
    const budgets = stormSchema.parse({});
    expect(budgets).toEqual(Object.fromEntries(SINK_SPECS.map((s) => [s.storm.key, s.storm.perMinute])));
    expect(budgets).toEqual({
      pagerduty: 120,
      opsgenie: 120,
      splunkOnCall: 120,
      page: 10,
      pageSecondary: 10,
      chatops: 30,
      webhook: 120,
      statuspage: 60,
    });
  });

  it('storm budgets follow the spec’s key: a webhook takes `webhook`, Splunk On-Call `splunkOnCall`', () => {
    const budgets = stormSchema.parse({ webhook: 7, splunkOnCall: 9, page: 3 });
    expect(stormBudgetOf('webhook:keep', budgets)).toBe(7);
    expect(stormBudgetOf('splunk-oncall', budgets)).toBe(9);
    expect(stormBudgetOf('page', budgets)).toBe(3);
    expect(stormBudgetOf('pagerduty', budgets)).toBe(120);
  });

  it('secrets: every HTTP sink, PagerDuty included, with its kind and customer key; topics have none', () => {
    const secrets: { sink: Sink; secret: SinkSecret }[] = sinkSecrets(EVERY_SINK);
    expect(secrets).toEqual([
      { sink: 'pagerduty', secret: { parameter: '/metis/pd', kmsKeyArn: KEY, kind: 'token' } },
      { sink: 'opsgenie', secret: { parameter: '/metis/opsgenie', kind: 'token' } },
      { sink: 'splunk-oncall', secret: { parameter: '/metis/splunk', kind: 'url' } },
      { sink: 'webhook:keep', secret: { parameter: '/metis/keep', kind: 'url' } },
      { sink: 'statuspage', secret: { parameter: '/metis/statuspage', kind: 'token' } },
    ]);
    expect(sinkSecrets(parseConfig({}).sinks)).toEqual([]);
  });

  it('what the functions receive: SSM names and URLs, never an e-mail address or phone number', () => {
    const deployed = deployedSinks(EVERY_SINK);
    expect(Object.keys(deployed)).toEqual([
      'pagerduty',
      'opsgenie',
      'splunkOnCall',
      'page',
      'pageSecondary',
      'chatops',
      'webhooks',
      'statuspage',
    ]);
    expect(deployed.page).toEqual({});
    expect(JSON.stringify(deployed)).not.toMatch(/@example\.com|\+49/);
    expect(deployedSinks(parseConfig({}).sinks)).toEqual({ page: {}, chatops: {}, webhooks: [] });
  });

  it('builds a notifier per configured sink, and none for an unconfigured one', () => {
    const notifiers = buildNotifiers(parseConfig({ sinks: { opsgenie: { apiKeyParameter: '/o' } } }).sinks, {
      http: () => sender,
      publisher,
    });
    expect(Object.keys(notifiers)).toEqual(['opsgenie', 'page', 'chatops']);
  });

  it('dry run: PagerDuty stands in when no paging provider is configured, and not when one is', () => {
    const none = configuredSinks(dryRunSinks(parseConfig({}).sinks)).map((i) => i.sink);
    expect(none).toEqual(['pagerduty', 'page', 'chatops']);
    const withOpsgenie = configuredSinks(dryRunSinks(parseConfig({ sinks: { opsgenie: { apiKeyParameter: '/o' } } }).sinks));
    expect(withOpsgenie.map((i) => i.sink)).toEqual(['opsgenie', 'page', 'chatops']);
  });

  it('statuspage without autoPublish is no sink: no notifier, no secret, nothing deployed (only the chatops draft)', () => {
    const draftsOnly = parseConfig({ sinks: { statuspage: { pageId: 'kctbh9vrtdwd', apiKeyParameter: '/metis/statuspage' } } }).sinks;
    expect(configuredSinks(draftsOnly).map((i) => i.sink)).toEqual(['page', 'chatops']);
    expect(sinkSecrets(draftsOnly)).toEqual([]);
    expect(deployedSinks(draftsOnly).statuspage).toBeUndefined();
  });

  it('labels: the spec’s for a named sink, the sink itself for a list sink, the name for an unknown one', () => {
    expect(sinkLabel('pagerduty')).toBe('PagerDuty');
    expect(sinkLabel('splunk-oncall')).toBe('Splunk On-Call');
    expect(sinkLabel('webhook:keep')).toBe('webhook:keep');
    expect(sinkLabel('nowhere' as Sink)).toBe('nowhere');
    expect(specOf('nowhere' as Sink)).toBeUndefined();
  });
});
