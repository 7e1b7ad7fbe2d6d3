// The page-secondary sink: configured only by `sinks.pageSecondary`, published to its own topic with the
// page topic's per-protocol bodies, and never part of a severity's ordinary fan-out: the router and the
// sweeper (escalation, reminders, resolves) send it nothing even with every switch of the policy on.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../../lambdas/core/config.ts';
import { routeSignals, sweepIncidents } from '../../../../../lambdas/core/dispatch.ts';
import { SEVERITIES } from '../../../../../lambdas/core/signal.ts';
import { buildNotifiers, configuredSinks, deployedSinks, specOf } from '../../../../../lambdas/core/notify/sink-catalog.ts';
import { pageSecondarySpec } from '../../../../../lambdas/core/notify/page-secondary/spec.ts';
import { FakeIncidentStore, FakePublisher, SAT_03_00, settings, signal, TUE_10_00 } from '../../support.ts';

const SECONDARY = { emails: ['secondary@example.com'], sms: ['+4915187654321'] };
const ALL_ON = { paging: true, page: true, chatops: true };

describe('the page-secondary spec', () => {
  it('makes no sink without its block, and one topic sink (no secret) with it', () => {
    expect(configuredSinks(parseConfig({}).sinks).map((i) => i.sink)).not.toContain('page-secondary');
    const made = configuredSinks(parseConfig({ sinks: { pageSecondary: SECONDARY } }).sinks).find((i) => i.sink === 'page-secondary');
    expect(made).toMatchObject({ sink: 'page-secondary', spec: pageSecondarySpec });
    expect(made?.secret).toBeUndefined();
    expect(specOf('page-secondary')).toMatchObject({
      topic: 'page-secondary',
      policyColumn: 'none',
      storm: { key: 'pageSecondary', perMinute: 10 },
    });
  });

  it('validates its block like the page topic’s: e-mail addresses and E.164 numbers, no other keys', () => {
    expect(() => parseConfig({ sinks: { pageSecondary: { sms: ['015112345678'] } } }, 'c.json')).toThrow(
      'c.json: sinks.pageSecondary.sms.0: expected an E.164 phone number such as "+4915112345678"',
    );
    expect(() => parseConfig({ sinks: { pageSecondary: { emails: ['nobody'] } } }, 'c.json')).toThrow(/sinks\.pageSecondary\.emails\.0/);
    expect(() => parseConfig({ sinks: { pageSecondary: { slack: {} } } }, 'c.json')).toThrow(
      'c.json: sinks.pageSecondary: unknown key "slack"',
    );
    expect(parseConfig({ sinks: { pageSecondary: {} } }).sinks.pageSecondary).toEqual({ emails: [], sms: [] });
  });

  it('tells the functions only that it is configured: no address leaves in SINKS', () => {
    const deployed = deployedSinks(parseConfig({ sinks: { pageSecondary: SECONDARY } }).sinks);
    expect(deployed.pageSecondary).toEqual({});
    expect(JSON.stringify(deployed)).not.toMatch(/secondary@example\.com|\+49151876/);
    expect(deployedSinks(parseConfig({}).sinks)).not.toHaveProperty('pageSecondary');
  });

  it('publishes a delivery to its own topic with the e-mail body and an SMS of at most 160 characters', async () => {
    const sns = new FakePublisher();
    const notifiers = buildNotifiers(parseConfig({ sinks: { pageSecondary: SECONDARY } }).sinks, {
      http: () => undefined as never,
      publisher: sns,
    });
    const store = new FakeIncidentStore();
    await routeSignals([signal({ severity: 'SEV1', rule: 'healthz_down', subject: 'gateway' })], {
      store,
      notifiers: { 'page-secondary': notifiers['page-secondary']! },
      // Every switch on, and page-secondary the only sink this process has: still it follows no switch.
      settings: settings(),
      now: () => TUE_10_00,
    });
    expect(sns.published).toEqual([]);
    const incident = (await store.get('healthz_down:gateway'))!;
    const outcome = await notifiers['page-secondary']!.deliver(
      incident,
      {
        id: '1:page-secondary:trigger:SEV1',
        sink: 'page-secondary',
        action: 'trigger',
        severity: 'SEV1',
        dedupKey: incident.dedupKey,
        status: 'pending',
        attempts: 0,
        plannedAt: TUE_10_00.toISOString(),
      },
      { settings: settings(), now: TUE_10_00 },
    );
    expect(outcome).toEqual({ ok: true });
    expect(sns.published.map((p) => p.topic)).toEqual(['page-secondary']);
    const message = sns.on('page-secondary')[0]!;
    expect(message.attributes).toEqual({ severity: 'SEV1', rule: 'healthz_down', status: 'firing' });
    expect(message.structured?.email).toContain('healthz_down');
    expect(message.structured!.sms!.length).toBeLessThanOrEqual(160);
  });
});

describe('the routing policy never sends ordinary notifications to page-secondary', () => {
  it.each(
    SEVERITIES.flatMap((severity) => [[severity, 'Tuesday 10:00', TUE_10_00] as const, [severity, 'Saturday 03:00', SAT_03_00] as const]),
  )(
    '%s at %s with every policy switch on: triggers, the escalation, reminders and the resolve reach every other sink, never it',
    async (severity, _, at) => {
      const sns = new FakePublisher();
      const config = parseConfig({
        sinks: { pageSecondary: SECONDARY },
        routing: {
          policy: {
            SEV1: { businessHours: ALL_ON, outOfHours: ALL_ON },
            SEV2: { businessHours: ALL_ON, outOfHours: { paging: false, page: false, chatops: true }, escalateOutOfHours: true },
            SEV3: { businessHours: ALL_ON, outOfHours: ALL_ON },
            SEV4: { businessHours: ALL_ON, outOfHours: ALL_ON },
          },
        },
      });
      const deps = {
        store: new FakeIncidentStore(),
        notifiers: buildNotifiers(config.sinks, { http: () => undefined as never, publisher: sns }),
        settings: settings({ sinks: { pageSecondary: SECONDARY }, routing: config.routing }),
      };
      const firing = signal({ severity, rule: 'healthz_down', subject: 'gateway', observedAt: at.toISOString() });
      await routeSignals([firing], { ...deps, now: () => at });
      // Two hours of sweeps: the SEV2 escalation out of hours and the status reminders happen in them.
      for (let minutes = 5; minutes <= 120; minutes += 5)
        await sweepIncidents(new Date(at.getTime() + minutes * 60_000), { tracebackQuietMinutes: 30 }, { ...deps, now: () => at });
      const later = new Date(at.getTime() + 125 * 60_000);
      await routeSignals([{ ...firing, status: 'resolved', observedAt: later.toISOString() }], { ...deps, now: () => later });
      const topics = new Set(sns.published.map((p) => p.topic));
      expect(topics.has('chatops')).toBe(true);
      const incident = (await deps.store.get('healthz_down:gateway'))!;
      expect(incident.status).toBe('resolved');
      // It hears only of the missed ack target (nobody acknowledged within 15 min / 1 h; SEV3's business day
      // and SEV4's none do not pass in two hours): that page, then the resolve of what it was paged for.
      const secondary = incident.deliveries.filter((d) => d.sink === 'page-secondary');
      const missedAck = severity === 'SEV1' || severity === 'SEV2';
      expect(secondary.map((d) => `${d.action} ${d.id.endsWith(':secondary')}`)).toEqual(
        missedAck ? ['trigger true', 'resolve false'] : [],
      );
      expect(sns.on('page-secondary')).toHaveLength(missedAck ? 2 : 0);
    },
  );
});
