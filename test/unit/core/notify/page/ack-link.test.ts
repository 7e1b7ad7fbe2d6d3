// The page's ack link: a trigger or escalation of an open, unacknowledged incident carries it in the
// e-mail and the SMS; a resolve, an acknowledged incident, or a link that cannot be signed carry none,
// and a signing failure never holds the page back.
import { describe, expect, it } from 'vitest';
import { readAckLink, signAckLink } from '../../../../../lambdas/core/human/ack-link.ts';
import type { AckLinks } from '../../../../../lambdas/core/human/ports.ts';
import type { DeliveryRecord, Incident } from '../../../../../lambdas/core/incident.ts';
import { pageNotifier } from '../../../../../lambdas/core/notify/page/notifier.ts';
import { smsText } from '../../../../../lambdas/core/notify/sns-text.ts';
import { applySignal } from '../../../../../lambdas/core/routing-policy.ts';
import { FakePublisher, TUE_10_00, settings, signal } from '../../support.ts';

const S = settings();
const KEY = 'ack-link-key-for-tests-0123456789';
const BASE = 'https://abc123.lambda-url.eu-west-1.on.aws/';

const signing: AckLinks = {
  linkFor: async (dedupKey, episode, now) => `${BASE.replace(/\/$/, '')}/ack/${signAckLink({ dedupKey, episode }, KEY, now, 'n1')}`,
};
const broken: AckLinks = { linkFor: () => Promise.reject(new Error('ParameterNotFound')) };

function opened(): Incident {
  return applySignal(undefined, signal({ severity: 'SEV1', observedAt: TUE_10_00.toISOString() }), TUE_10_00, S).next;
}

function delivery(incident: Incident, action: DeliveryRecord['action']): DeliveryRecord {
  return {
    id: `${incident.episode}:page:${action}`,
    sink: 'page',
    action,
    severity: incident.severity,
    dedupKey: incident.dedupKey,
    status: 'pending',
    attempts: 0,
    plannedAt: TUE_10_00.toISOString(),
  };
}

async function send(incident: Incident, action: DeliveryRecord['action'], links: AckLinks | undefined) {
  const sns = new FakePublisher();
  const outcome = await pageNotifier(sns, links).deliver(incident, delivery(incident, action), { settings: S, now: TUE_10_00 });
  return { outcome, message: sns.on('page')[0]! };
}

describe('page ack links', () => {
  it('a trigger carries a link that the intake accepts for this incident and episode, in e-mail and SMS', async () => {
    const incident = opened();
    const { message } = await send(incident, 'trigger', signing);
    const link = /Acknowledge \(once, within the link's lifetime\): (\S+)/.exec(message.structured!.email!)?.[1];
    expect(link?.startsWith(`${BASE}ack/`)).toBe(true);
    const token = link!.slice(`${BASE}ack/`.length);
    expect(readAckLink(token, [KEY], TUE_10_00)).toMatchObject({
      ok: true,
      claims: { dedupKey: incident.dedupKey, episode: incident.episode },
    });
    expect(message.structured!.sms).toBe(`${smsText(incident, delivery(incident, 'trigger'))}\nAck: ${link}`);
    expect(message.structured!.default).toBe(message.structured!.email);
  });

  it('an escalation carries one too; a resolve and a reminder do not', async () => {
    const incident = opened();
    expect((await send(incident, 'escalate', signing)).message.body).toContain('/ack/');
    expect((await send(incident, 'resolve', signing)).message.body).not.toContain('/ack/');
    expect((await send(incident, 'remind', signing)).message.body).not.toContain('/ack/');
  });

  it('an acknowledged incident gets no link', async () => {
    const incident = { ...opened(), ack: { at: TUE_10_00.toISOString(), by: 'ana', via: 'cli' as const } };
    expect((await send(incident, 'trigger', signing)).message.structured!.sms).not.toContain('Ack:');
  });

  it('without ack links, or when the link cannot be signed, the page goes out as before', async () => {
    const incident = opened();
    const plain = await send(incident, 'trigger', undefined);
    const failed = await send(incident, 'trigger', broken);
    expect(failed.outcome).toEqual({ ok: true });
    expect(failed.message).toEqual(plain.message);
    expect(plain.message.body).not.toContain('/ack/');
  });
});
