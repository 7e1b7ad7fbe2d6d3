// Opsgenie and Splunk On-Call outgoing webhooks (a shared secret header or basic auth, no signature) and
// the secret helpers behind every door: rotation lists, constant-time comparison, basic auth.
import { describe, expect, it } from 'vitest';
import { readOpsgenieWebhook } from '../../../../lambdas/core/human/opsgenie-webhook.ts';
import { matchesAnySecret, secretsOf, sharedSecretOf } from '../../../../lambdas/core/human/secrets.ts';
import { readSplunkOnCallWebhook } from '../../../../lambdas/core/human/splunk-oncall-webhook.ts';
import { opsgenieBody, SAMPLE_ACKNOWLEDGE, SAMPLE_ACKNOWLEDGE_TEXT } from '../../../fixtures/opsgenie/webhooks.ts';

const NOW = '2026-11-17T10:07:30.000Z';

describe('secretsOf', () => {
  it('reads one secret, or several separated by new lines or commas (rotation), dropping blanks', () => {
    expect(secretsOf('only-one')).toEqual(['only-one']);
    expect(secretsOf('old\nnew\n')).toEqual(['old', 'new']);
    expect(secretsOf(' old , new ,, ')).toEqual(['old', 'new']);
    expect(secretsOf(undefined)).toEqual([]);
    expect(secretsOf('\n,\n')).toEqual([]);
  });
});

describe('matchesAnySecret', () => {
  it('matches any stored secret exactly, and nothing close to one', () => {
    expect(matchesAnySecret('new', ['old', 'new'])).toBe(true);
    expect(matchesAnySecret('ne', ['old', 'new'])).toBe(false);
    expect(matchesAnySecret('new ', ['old', 'new'])).toBe(false);
    expect(matchesAnySecret('', [''])).toBe(false);
    expect(matchesAnySecret(undefined, ['old'])).toBe(false);
    expect(matchesAnySecret('old', [])).toBe(false);
  });
});

describe('sharedSecretOf', () => {
  it('reads the configured header (names arrive lower-case) or the password of basic auth', () => {
    expect(sharedSecretOf({ 'x-metis-webhook-secret': 's3cret' }, 'X-Metis-Webhook-Secret')).toBe('s3cret');
    const basic = `Basic ${Buffer.from('metis:pa:ss').toString('base64')}`;
    expect(sharedSecretOf({ authorization: basic }, 'X-Metis-Webhook-Secret')).toBe('pa:ss');
    expect(sharedSecretOf({ authorization: 'Bearer s3cret' }, 'X-Metis-Webhook-Secret')).toBeUndefined();
    expect(sharedSecretOf({ 'x-other': 's3cret' }, 'X-Metis-Webhook-Secret')).toBeUndefined();
  });
});

describe('readOpsgenieWebhook', () => {
  it('reads the documented Acknowledge sample: alias, user, and the nanosecond updatedAt', () => {
    const reading = readOpsgenieWebhook(SAMPLE_ACKNOWLEDGE_TEXT, NOW);
    expect(reading).toMatchObject({
      kind: 'action',
      action: { kind: 'ack', dedupKey: 'aliastest', by: 'fili', via: 'opsgenie', at: '2015-01-05T10:03:44.764Z' },
    });
  });

  it('maps UnAcknowledge and Close; ignores Create and AddNote', () => {
    const at = new Date(NOW);
    const kinds = ['UnAcknowledge', 'Close', 'Create', 'AddNote'].map((action) => {
      const reading = readOpsgenieWebhook(opsgenieBody(action, 'healthz_down:gateway', at), NOW);
      return reading.kind === 'action' ? reading.action.kind : reading.kind;
    });
    expect(kinds).toEqual(['unack', 'resolve', 'ignored', 'ignored']);
  });

  it('names one delivery by its body: the same body gives the same event id, another body another', () => {
    const at = new Date(NOW);
    const a = readOpsgenieWebhook(opsgenieBody('Acknowledge', 'k', at), NOW);
    const b = readOpsgenieWebhook(opsgenieBody('Acknowledge', 'k', at), NOW);
    const c = readOpsgenieWebhook(opsgenieBody('Close', 'k', at), NOW);
    const id = (r: typeof a) => (r.kind === 'action' ? r.action.eventId : undefined);
    expect(id(a)).toMatch(/^[0-9a-f]{40}$/);
    expect(id(a)).toBe(id(b));
    expect(id(a)).not.toBe(id(c));
  });

  it('ignores an alert without alias; calls a body without action or alert malformed', () => {
    const noAlias = structuredClone(SAMPLE_ACKNOWLEDGE);
    delete noAlias.alert.alias;
    expect(readOpsgenieWebhook(JSON.stringify(noAlias), NOW).kind).toBe('ignored');
    expect(readOpsgenieWebhook('{"alert": {}}', NOW).kind).toBe('malformed');
    expect(readOpsgenieWebhook('{"action": "Acknowledge"}', NOW).kind).toBe('malformed');
    expect(readOpsgenieWebhook('{"action": "Ackno', NOW).kind).toBe('malformed');
  });
});

describe('readSplunkOnCallWebhook (the documented template)', () => {
  const body = (phase: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ entity_id: 'healthz_down:gateway', phase, ack_user: 'jdoe', ack_timestamp: '1795428420000', ...extra });

  it('maps ACKED to an ack at ACK_TIMESTAMP by ACK_USER', () => {
    expect(readSplunkOnCallWebhook(body('ACKED'), NOW)).toMatchObject({
      kind: 'action',
      action: { kind: 'ack', dedupKey: 'healthz_down:gateway', by: 'jdoe', via: 'splunk-oncall', at: '2026-11-23T10:07:00.000Z' },
    });
  });

  it('maps RESOLVED to a resolve at the receive time; ignores TRIGGERED', () => {
    expect(readSplunkOnCallWebhook(body('RESOLVED'), NOW)).toMatchObject({ kind: 'action', action: { kind: 'resolve', at: NOW } });
    expect(readSplunkOnCallWebhook(body('TRIGGERED'), NOW).kind).toBe('ignored');
  });

  it('an unfilled template variable (empty string) falls back to the receive time and a generic name', () => {
    expect(readSplunkOnCallWebhook(body('ACKED', { ack_user: '', ack_timestamp: '' }), NOW)).toMatchObject({
      action: { at: NOW, by: 'Splunk On-Call' },
    });
  });

  it('calls a body without entity_id or phase malformed', () => {
    expect(readSplunkOnCallWebhook('{"phase": "ACKED"}', NOW).kind).toBe('malformed');
    expect(readSplunkOnCallWebhook('{"entity_id": "k"}', NOW).kind).toBe('malformed');
    expect(readSplunkOnCallWebhook('not json', NOW).kind).toBe('malformed');
  });
});
