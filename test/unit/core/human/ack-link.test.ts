// The page's ack link token: signed {dedupKey, episode, exp, id}; any stored secret verifies it (rotation);
// a changed, truncated or foreign token is refused; an expired one is refused as expired.
import { describe, expect, it } from 'vitest';
import { readAckLink, signAckLink } from '../../../../lambdas/core/human/ack-link.ts';

const SECRET = 'ack-link-secret-0123456789abcdef';
const NOW = new Date('2026-11-17T10:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describe('ack link tokens', () => {
  const token = signAckLink({ dedupKey: 'healthz_down:gateway', episode: 3 }, SECRET, NOW, 'nonce-1');

  it('round-trips its claims, URL-safe, and expires after 30 minutes by default', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(readAckLink(token, [SECRET], later(29))).toEqual({
      ok: true,
      claims: { dedupKey: 'healthz_down:gateway', episode: 3, exp: NOW.getTime() / 1000 + 1800, id: 'nonce-1' },
    });
    expect(readAckLink(token, [SECRET], later(30))).toEqual({ ok: false, reason: 'expired' });
  });

  it('takes another lifetime', () => {
    const short = signAckLink({ dedupKey: 'k', episode: 1 }, SECRET, NOW, 'n', 5);
    expect(readAckLink(short, [SECRET], later(4)).ok).toBe(true);
    expect(readAckLink(short, [SECRET], later(5))).toEqual({ ok: false, reason: 'expired' });
  });

  it('verifies with any stored secret (rotation) and refuses a token signed with another', () => {
    expect(readAckLink(token, ['new-secret', SECRET], NOW).ok).toBe(true);
    expect(readAckLink(token, ['new-secret'], NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(readAckLink(token, [], NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a token whose claims were changed (another incident, a later expiry)', () => {
    const [, signature] = token.split('.');
    const claims = Buffer.from(JSON.stringify({ k: 'other:incident', e: 3, x: 4_000_000_000, n: 'nonce-1' })).toString('base64url');
    expect(readAckLink(`${claims}.${signature}`, [SECRET], NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('calls truncated, empty and oversized tokens malformed, before any crypto', () => {
    expect(readAckLink(token.slice(0, -1), [SECRET], NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(readAckLink(token.split('.')[0]!, [SECRET], NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(readAckLink('', [SECRET], NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(readAckLink(`${'A'.repeat(800)}.${token.split('.')[1]}`, [SECRET], NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
