// The chatops and page sinks' per-protocol bodies: Chatbot custom notifications (one thread per incident)
// for https/default, readable text for e-mail, one SMS of at most 160 characters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, Incident } from '../../../../lambdas/core/incident.ts';
import { chatopsNotifier } from '../../../../lambdas/core/notify/chatops/notifier.ts';
import { chatbotNotification } from '../../../../lambdas/core/notify/chatops/chatbot.ts';
import { pageNotifier } from '../../../../lambdas/core/notify/page/notifier.ts';
import { MAX_SMS, smsText } from '../../../../lambdas/core/notify/sns-text.ts';
import { applySignal } from '../../../../lambdas/core/routing-policy.ts';
import { validateChatbotNotification } from './chatops/chatbot-schema.ts';
import { FakePublisher, SAT_03_00, TUE_10_00, settings, signal } from '../support.ts';

const S = settings();
const later = (minutes: number, from = TUE_10_00): Date => new Date(from.getTime() + minutes * 60_000);

function opened(overrides: Parameters<typeof signal>[0] = {}, at = TUE_10_00): Incident {
  return applySignal(
    undefined,
    signal({ severity: 'SEV1', rule: 'provider_unavailable', subject: 'openai', dedupKey: 'provider_unavailable:openai', ...overrides }),
    at,
    S,
  ).next;
}

function delivery(incident: Incident, action: DeliveryRecord['action'], tag = ''): DeliveryRecord {
  return {
    id: `${incident.episode}:chatops:${action}${tag}`,
    sink: 'chatops',
    action,
    severity: incident.severity,
    dedupKey: incident.dedupKey,
    status: 'pending',
    attempts: 0,
    plannedAt: TUE_10_00.toISOString(),
  };
}

describe('chatops: Chatbot custom notifications', () => {
  it('is a valid custom notification naming severity, rule and subject, with the first move and the runbook link', () => {
    const incident = opened();
    const n = chatbotNotification(incident, delivery(incident, 'trigger'), S, TUE_10_00);
    expect(validateChatbotNotification(n)).toEqual([]);
    expect(n.content.title).toBe('SEV1 FIRING provider_unavailable: openai');
    expect(n.content.description).toContain('METIS_GATEWAY_GLOBAL_DEFAULT');
    expect(n.content.description).toContain('https://runbooks.example.com/metis/incident-runbook#provider-down');
    expect(n.content.keywords).toEqual(['SEV1', 'provider_unavailable']);
    expect(n.content.nextSteps?.[0]).toContain('Flip METIS_GATEWAY_GLOBAL_DEFAULT');
  });

  it('threads trigger, reminder, escalation and resolve of one incident together; a re-opened incident starts a new thread', () => {
    const incident = opened();
    const threads = (['trigger', 'remind', 'escalate', 'resolve'] as const).map(
      (action) => chatbotNotification(incident, delivery(incident, action), S, later(30)).metadata?.threadId,
    );
    expect(new Set(threads)).toEqual(new Set(['provider_unavailable:openai#1']));
    const resolved = applySignal(
      incident,
      signal({
        severity: 'SEV1',
        rule: 'provider_unavailable',
        subject: 'openai',
        dedupKey: 'provider_unavailable:openai',
        status: 'resolved',
      }),
      later(40),
      S,
    ).next;
    const again = applySignal(
      resolved,
      signal({ severity: 'SEV1', rule: 'provider_unavailable', subject: 'openai', dedupKey: 'provider_unavailable:openai' }),
      later(60),
      S,
    ).next;
    expect(chatbotNotification(again, delivery(again, 'trigger'), S, later(60)).metadata?.threadId).toBe('provider_unavailable:openai#2');
  });

  it('redacts secrets and bounds the description for Slack, whatever the summary holds', () => {
    const incident = opened({ summary: `leaked sk-ant-api03-${'a'.repeat(40)} and gw_${'b'.repeat(30)} ${'long '.repeat(2000)}` });
    const n = chatbotNotification(incident, delivery(incident, 'trigger'), S, TUE_10_00);
    expect(JSON.stringify(n)).not.toMatch(/sk-ant-api03-a|gw_bbb/);
    expect(n.content.description.length).toBeLessThanOrEqual(3000);
    expect(validateChatbotNotification(n)).toEqual([]);
  });

  it('publishes per-protocol bodies: Chatbot JSON on https and default, readable text on email', async () => {
    const sns = new FakePublisher();
    const incident = opened();
    await chatopsNotifier(sns).deliver(incident, delivery(incident, 'trigger'), { settings: S, now: TUE_10_00 });
    const message = sns.on('chatops')[0]!;
    expect(message.structured?.https).toBe(message.structured?.default);
    expect(validateChatbotNotification(JSON.parse(message.structured!.default))).toEqual([]);
    expect(message.structured?.email).toContain('FIRING SEV1 provider_unavailable for openai');
    expect(message.structured?.email).toContain('First move: Flip METIS_GATEWAY_GLOBAL_DEFAULT');
  });

  it('marks a test-page incident TEST in the title, keywords and e-mail', async () => {
    const sns = new FakePublisher();
    const incident = opened({ details: { test: true } });
    await chatopsNotifier(sns).deliver(incident, delivery(incident, 'trigger'), { settings: S, now: TUE_10_00 });
    const message = sns.on('chatops')[0]!;
    const chatbot = JSON.parse(message.structured!.https!) as { content: { title: string; keywords: string[] } };
    expect(chatbot.content.title.startsWith('[TEST] ')).toBe(true);
    expect(chatbot.content.keywords).toContain('TEST');
    expect(message.subject.startsWith('[TEST] ')).toBe(true);
    expect(message.structured?.email).toContain('TEST: sent by `metis-alerts test-page`');
  });
});

describe('page: e-mail and SMS bodies', () => {
  it('sends the full text to e-mail and one SMS with severity, rule, subject and the short first move', async () => {
    const sns = new FakePublisher();
    const incident = opened({}, SAT_03_00);
    await pageNotifier(sns).deliver(incident, { ...delivery(incident, 'trigger'), sink: 'page' }, { settings: S, now: SAT_03_00 });
    const message = sns.on('page')[0]!;
    expect(message.structured?.sms).toBe(
      'SEV1 FIRING provider_unavailable: openai. Flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider (pinned keys keep failing until flipped)',
    );
    expect(message.structured?.sms?.length).toBeLessThanOrEqual(MAX_SMS);
    expect(message.structured?.email).toContain('Dedup key: provider_unavailable:openai');
    expect(message.structured?.default).toBe(message.structured?.email);
  });

  it('keeps every SMS within 160 characters, resolves included, whatever the subject and rule', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ minLength: 1, maxLength: 80 }), fc.boolean(), (subject, rule, resolve) => {
        const incident = opened({ subject, rule, dedupKey: `${rule}:${subject}`.slice(0, 255) });
        const text = smsText(incident, { ...delivery(incident, resolve ? 'resolve' : 'trigger'), sink: 'page' });
        expect(text.length).toBeLessThanOrEqual(MAX_SMS);
        expect(text).toContain('SEV1');
      }),
    );
  });
});
