// The ack link a page (e-mail, SMS) carries: `<intake URL>/ack/<token>`, the token an HMAC-signed
// `{dedupKey, episode, exp}` in base64url. Anyone holding the link may acknowledge that one episode until
// it expires; the intake records the token's id once used (single use). The secret lives in SSM.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord, parseJson } from './text-fields.ts';

export const DEFAULT_ACK_LINK_MINUTES = 30;
/** Tokens longer than this are refused before any decoding (a dedup key is at most 255 characters). */
const MAX_TOKEN_CHARS = 700;

export interface AckLinkClaims {
  dedupKey: string;
  episode: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Random id: what the single-use record is keyed by. */
  id: string;
}

export type AckLinkReading = { ok: true; claims: AckLinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** `nonce`: a fresh random id from the caller (core draws no randomness), e.g. 12 random bytes in base64url. */
export function signAckLink(
  claims: { dedupKey: string; episode: number },
  secret: string,
  now: Date,
  nonce: string,
  lifetimeMinutes = DEFAULT_ACK_LINK_MINUTES,
): string {
  const payload: AckLinkClaims = {
    dedupKey: claims.dedupKey,
    episode: claims.episode,
    exp: Math.floor(now.getTime() / 1000) + Math.round(lifetimeMinutes * 60),
    id: nonce,
  };
  const body = Buffer.from(JSON.stringify({ k: payload.dedupKey, e: payload.episode, x: payload.exp, n: payload.id })).toString(
    'base64url',
  );
  return `${body}.${mac(body, secret)}`;
}

/** Checks the signature against every secret (rotation), then the expiry. */
export function readAckLink(token: string, secrets: readonly string[], now: Date): AckLinkReading {
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'malformed' };
  const [body, signature] = token.split('.') as [string, string];
  const presented = Buffer.from(signature, 'base64url');
  let authentic = false;
  for (const secret of secrets) authentic = timingSafeEqual(presented, Buffer.from(mac(body, secret), 'base64url')) || authentic;
  if (!authentic) return { ok: false, reason: 'forged' };
  const parsed = parseJson(Buffer.from(body, 'base64url').toString('utf8'));
  if (!isRecord(parsed)) return { ok: false, reason: 'malformed' };
  const { k, e, x, n } = parsed;
  if (typeof k !== 'string' || !Number.isInteger(e) || typeof x !== 'number' || typeof n !== 'string' || n === '')
    return { ok: false, reason: 'malformed' };
  if (now.getTime() / 1000 >= x) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { dedupKey: k, episode: e as number, exp: x, id: n } };
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(`metis-ack-link.${body}`).digest('base64url');
}
