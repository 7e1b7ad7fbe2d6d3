import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_POLICY, defaultConfig, parseConfig } from '../../../lambdas/core/config.ts';
import { routerSettingsOf } from '../../../lambdas/core/router-settings.ts';

function configError(raw: unknown, origin?: string): ConfigError {
  try {
    parseConfig(raw, origin);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the config parsed');
}

const pagerduty = (routingKeyParameter: string) => ({ sinks: { pagerduty: { routingKeyParameter } } });
const target = (name: string) => ({ name, url: 'https://gateway.example.com/healthz' });

describe('parseConfig defaults', () => {
  it('fills every default from an empty file', () => {
    const config = defaultConfig();
    expect(config.name).toBe('MetisAlerts');
    expect(config.runbookBaseUrl).toBe('https://runbooks.example.com/metis/incident-runbook');
    expect(config.healthTargets).toEqual([]);
    expect(config.logGroups).toEqual([]);
    expect(config.snapshot).toBeUndefined();
    expect(config.businessHours).toEqual({
      timezone: 'UTC',
      days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      start: '09:00',
      end: '17:00',
      holidays: [],
    });
    expect(config.routing).toEqual({
      policy: DEFAULT_POLICY,
      escalateAfterMinutes: 30,
      reminderMinutes: 30,
      retainResolvedDays: 30,
      inhibitions: [
        {
          name: 'gateway-down',
          source: { rule: ['healthz_down'], severity: ['SEV1'] },
          target: { source: ['trace-db', 'logs'] },
          // Scoped: only symptoms from the down target's own traffic.
          equal: ['target'],
          lowerSeverityOnly: true,
        },
      ],
      maintenanceWindows: [],
      storm: { pagerduty: 120, opsgenie: 120, splunkOnCall: 120, page: 10, chatops: 30, webhook: 120 },
    });
    expect(config.routing.policy.SEV2.outOfHours).toEqual({ pagerduty: false, page: false, chatops: true });
    expect(config.routing.policy.SEV2.escalateOutOfHours).toBe(true);
    expect(config.sinks.pagerduty).toBeUndefined();
    expect(config.sinks.page).toEqual({ emails: [], sms: [] });
    expect(config.sinks.chatops).toEqual({ emails: [] });
    expect(config.sinks.webhooks).toEqual([]);
    expect([config.sinks.opsgenie, config.sinks.splunkOnCall]).toEqual([undefined, undefined]);
    expect(config.rules.model_error_rate).toEqual({ enabled: true, threshold: 0.05, minCalls: 20, minErrors: 10, windowMinutes: 10 });
    expect(config.rules.key_spend_spike).toEqual({ enabled: true, factor: 10, minUsd: 1 });
    expect(config.rules.snapshot_stale).toEqual({ enabled: true, maxAgeMinutes: 10 });
    expect(config.rules.disk_usage).toEqual({ enabled: true, thresholdPct: 80 });
    expect(config.rules.cost_projection).toEqual({ enabled: true, factor: 2 });
    expect(parseConfig({})).toEqual(config);
  });

  it('routerSettingsOf keeps exactly what the router needs', () => {
    const settings = routerSettingsOf(parseConfig({ name: 'Prod', businessHours: { timezone: 'Europe/Berlin' } }));
    expect(Object.keys(settings).sort()).toEqual([
      'businessHours',
      'latchHours',
      'name',
      'probes',
      'routing',
      'runbookBaseUrl',
      'signalTargets',
    ]);
    // The vote across probe vantages: one vantage (the home region) by default, so no vote.
    expect(settings.probes).toEqual({ vantages: [] });
    expect(settings.name).toBe('Prod');
    // The bill breach's hold, so the CLI's route and the deployed router latch it alike.
    expect(settings.latchHours).toEqual({ bill_threshold: 24 });
    expect(settings.businessHours.timezone).toBe('Europe/Berlin');
  });

  it('probes: vantages are AWS region names, unique; quorum at least 1 and at most the vantages that can vote', () => {
    const gateway = [{ name: 'gateway', url: 'https://gw.example.com/healthz' }];
    expect(parseConfig({ healthTargets: gateway, probes: { vantages: ['eu-central-1', 'us-east-1'], quorum: 2 } }).probes).toEqual({
      vantages: ['eu-central-1', 'us-east-1'],
      quorum: 2,
    });
    expect(() => parseConfig({ probes: { vantages: ['Frankfurt'] } })).toThrow(
      'config: probes.vantages.0: expected an AWS region name such as "eu-central-1"',
    );
    expect(() => parseConfig({ probes: { vantages: ['us-east-1', 'us-east-1'] } })).toThrow(
      'config: probes.vantages: a region is listed twice',
    );
    expect(() => parseConfig({ probes: { vantages: ['us-east-1'], quorum: 3 } })).toThrow(
      'config: probes.quorum: expected at most the number of vantages (the listed regions plus the home region)',
    );
    expect(() => parseConfig({ probes: { quorum: 0 } })).toThrow('config: probes.quorum:');
    expect(() => parseConfig({ probes: { region: 'us-east-1' } })).toThrow('config: probes: unknown key "region"');
  });

  it('resolves which health target the trace DB and each log group belong to: the one named like the gateway, else the first, unless set', () => {
    const targets = [
      { name: 'agent-server', url: 'https://agents.example.com/health' },
      { name: 'metis-gateway', url: 'https://gw.example.com/healthz' },
    ];
    const logGroups = [{ name: '/eks/gw' }, { name: '/eks/agents', target: 'agent-server' }];
    expect(routerSettingsOf(parseConfig({ healthTargets: targets, snapshot: {}, logGroups })).signalTargets).toEqual({
      traceDb: 'metis-gateway',
      logs: 'metis-gateway',
      logGroups: { '/eks/gw': 'metis-gateway', '/eks/agents': 'agent-server' },
    });
    const plain = [{ name: 'api', url: 'https://api.example.com/healthz' }, targets[0]!];
    expect(routerSettingsOf(parseConfig({ healthTargets: plain, snapshot: { target: 'agent-server' } })).signalTargets).toEqual({
      traceDb: 'agent-server',
      logs: 'api',
      logGroups: {},
    });
    // No health target configured (healthz from tagged alarms of your own): the gateway's, by name.
    expect(routerSettingsOf(defaultConfig()).signalTargets).toEqual({ traceDb: 'gateway', logs: 'gateway', logGroups: {} });
  });

  it('refuses a snapshot.target or logGroups[].target that names no health target', () => {
    const healthTargets = [{ name: 'gateway', url: 'https://gw.example.com/healthz' }];
    expect(() => parseConfig({ healthTargets, snapshot: { target: 'gatway' } }, 'c.json')).toThrow(
      'c.json: snapshot.target: no healthTargets entry named "gatway"',
    );
    expect(() => parseConfig({ healthTargets, logGroups: [{ name: '/a' }, { name: '/b', target: 'x' }] }, 'c.json')).toThrow(
      'c.json: logGroups.1.target: no healthTargets entry named "x"',
    );
  });

  it('returns independent values: changing one parsed config does not change the next one', () => {
    const first = defaultConfig();
    try {
      first.routing.policy.SEV1.businessHours.page = false;
      first.routing.policy.SEV2.outOfHours.pagerduty = true;
      first.businessHours.days.push('Sat');
      const second = defaultConfig();
      expect(second.routing.policy.SEV1.businessHours.page).toBe(true);
      expect(second.routing.policy.SEV2.outOfHours.pagerduty).toBe(false);
      expect(second.businessHours.days).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
      expect(parseConfig({ routing: { escalateAfterMinutes: 5 } }).routing.policy).toEqual(DEFAULT_POLICY);
    } finally {
      // Undo, in case the values are shared, so later tests in this file see the real defaults.
      first.routing.policy.SEV1.businessHours.page = true;
      first.routing.policy.SEV2.outOfHours.pagerduty = false;
    }
  });

  it('accepts a full, valid file', () => {
    const config = parseConfig({
      name: 'Metis-Prod',
      healthTargets: [target('gateway'), { name: 'server', url: 'http://10.0.0.5:8080/health', expectStatus: [200, 204] }],
      businessHours: { timezone: 'Europe/Berlin', start: '08:30', end: '18:00', holidays: ['2026-12-24'] },
      routing: { escalateAfterMinutes: 15 },
      ...pagerduty('/metis/pagerduty/routing-key'),
    });
    expect(config.healthTargets.map((t) => [t.name, t.timeoutMs])).toEqual([
      ['gateway', 5000],
      ['server', 5000],
    ]);
    expect(config.sinks.pagerduty).toEqual({
      routingKeyParameter: '/metis/pagerduty/routing-key',
      eventsUrl: 'https://events.pagerduty.com/v2/enqueue',
    });
    expect(config.routing.escalateAfterMinutes).toBe(15);
    expect(config.businessHours.start).toBe('08:30');
  });
});

describe('parseConfig rejects bad values with the path of the offending key', () => {
  it('names an unknown top-level key', () => {
    const error = configError({ nmae: 'Prod' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('config: (root): unknown key "nmae"');
  });

  it('names an unknown nested key and its path', () => {
    expect(configError({ rules: { model_error_rate: { treshold: 0.1 } } }).message).toBe(
      'config: rules.model_error_rate: unknown key "treshold"',
    );
    expect(configError({ businessHours: { tz: 'Europe/Berlin' } }).message).toBe('config: businessHours: unknown key "tz"');
    expect(configError({ sinks: { pagerduty: { routingKeyParameter: '/a/b', routingKey: 'abc' } } }).message).toBe(
      'config: sinks.pagerduty: unknown key "routingKey"',
    );
  });

  it('uses the origin in the message', () => {
    expect(configError({ nmae: 'x' }, 'metis-alerts.config.json').message).toBe('metis-alerts.config.json: (root): unknown key "nmae"');
  });

  it.each(['Mars/Olympus', 'Europe/Berlinn', 'GMT+25', ''])('rejects the time zone %j', (timezone) => {
    const error = configError({ businessHours: { timezone } });
    expect(error.message).toMatch(/^config: businessHours\.timezone: /);
    expect(error.message).toContain('IANA time zone');
  });

  it.each(['metis/pagerduty', 'R0123456789abcdef0123456789abcdef', 'arn:aws:ssm:eu-central-1:123456789012:parameter/metis', '', '/'])(
    'rejects the routing-key parameter %j (not an SSM name starting with "/")',
    (name) => {
      const error = configError(pagerduty(name));
      expect(error.message).toMatch(/^config: sinks\.pagerduty\.routingKeyParameter: /);
    },
  );

  it('accepts routing-key parameter names starting with "/"', () => {
    for (const name of ['/metis/pd', '/metis/pagerduty/routing-key', '/prod.metis/pd_key']) {
      expect(parseConfig(pagerduty(name)).sinks.pagerduty?.routingKeyParameter).toBe(name);
    }
  });

  it.each([
    ['17:00', '09:00'],
    ['09:00', '09:00'],
    ['12:30', '12:29'],
  ])('rejects business hours starting at %s and ending at %s', (start, end) => {
    expect(configError({ businessHours: { start, end } }).message).toBe(
      'config: businessHours.end: business hours "start" must be before "end"',
    );
  });

  it.each(['9:00', '24:00', '17:60', '5pm'])('rejects the time %j', (start) => {
    expect(configError({ businessHours: { start } }).message).toBe('config: businessHours.start: expected a time "HH:MM" (24 h)');
  });

  it('rejects duplicate health target names', () => {
    const error = configError({ healthTargets: [target('gateway'), target('server'), target('gateway')] });
    expect(error.message).toBe('config: healthTargets: duplicate target name "gateway"');
  });

  it('names the index of a bad array item', () => {
    expect(configError({ healthTargets: [target('gateway'), { name: 'server', url: 'ftp://x' }] }).message).toMatch(
      /^config: healthTargets\.1\.url: /,
    );
    expect(configError({ businessHours: { days: ['Mon', 'Funday'] } }).message).toMatch(/^config: businessHours\.days\.1: /);
    expect(configError({ businessHours: { holidays: ['2026-12-24', '24.12.2026'] } }).message).toBe(
      'config: businessHours.holidays.1: expected a date "YYYY-MM-DD"',
    );
  });

  it('rejects a non-positive escalation delay and an unknown severity in the policy', () => {
    expect(configError({ routing: { escalateAfterMinutes: 0 } }).message).toMatch(/^config: routing\.escalateAfterMinutes: /);
    const policy = { ...DEFAULT_POLICY, SEV5: DEFAULT_POLICY.SEV4 };
    expect(configError({ routing: { policy } }).message).toBe('config: routing.policy: unknown key "SEV5"');
  });

  it('produces one-line messages', () => {
    for (const raw of [{ nmae: 1 }, { businessHours: { timezone: 'X/Y' } }, { healthTargets: 'gateway' }, 42, null]) {
      expect(configError(raw).message).not.toMatch(/[\r\n]/);
    }
  });
});

describe('HTTP sink configuration', () => {
  it('defaults the Opsgenie API to api.opsgenie.com and the webhook format to alertmanager', () => {
    const config = parseConfig({
      sinks: { opsgenie: { apiKeyParameter: '/metis/og' }, webhooks: [{ name: 'keep', urlParameter: '/metis/keep' }] },
    });
    expect(config.sinks.opsgenie).toEqual({ apiKeyParameter: '/metis/og', apiUrl: 'https://api.opsgenie.com' });
    expect(config.sinks.webhooks).toEqual([{ name: 'keep', urlParameter: '/metis/keep', format: 'alertmanager' }]);
  });

  it.each([
    [{ opsgenie: { apiKeyParameter: 'plain-key-value' } }, 'sinks.opsgenie.apiKeyParameter'],
    [{ opsgenie: { apiKeyParameter: '/k', apiUrl: 'http://api.opsgenie.com' } }, 'sinks.opsgenie.apiUrl'],
    [
      { splunkOnCall: { restEndpointParameter: 'https://alert.victorops.com/integrations/generic/20131114/alert/k/r' } },
      'sinks.splunkOnCall.restEndpointParameter',
    ],
    [{ webhooks: [{ name: 'Keep Prod', urlParameter: '/k' }] }, 'sinks.webhooks.0.name'],
    [
      {
        webhooks: [
          { name: 'keep', urlParameter: '/a' },
          { name: 'keep', urlParameter: '/b' },
        ],
      },
      'webhook names must be unique',
    ],
    [{ webhooks: [{ name: 'keep', urlParameter: '/a', format: 'slack' }] }, 'sinks.webhooks.0.format'],
  ])('rejects %j (a secret or URL where an SSM name belongs, a bad name, a duplicate) naming the key', (sinks, where) => {
    expect(() => parseConfig({ sinks })).toThrow(where);
  });

  it('rejects a storm budget of zero', () => {
    expect(() => parseConfig({ routing: { storm: { page: 0 } } })).toThrow('routing.storm.page');
  });
});
