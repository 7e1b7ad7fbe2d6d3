// Shared secrets of the intake: how a stored value holds several (rotation) and how a presented one is
// compared with them without leaking, through timing, how much of it matched.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The secrets one SSM parameter holds: one per line or comma-separated, so a rotation puts the new one
 * next to the old, the provider switches, and the old one is removed later. Blank entries are dropped.
 */
export function secretsOf(stored: string | undefined): string[] {
  if (stored === undefined) return [];
  return stored
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Constant-time equality of two strings of any length: both are hashed first, so timingSafeEqual always
 * compares 32 bytes and a wrong length is not answered faster than a wrong byte.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `presented` equals any of `secrets`; every secret is compared (no early exit on a match). */
export function matchesAnySecret(presented: string | undefined, secrets: readonly string[]): boolean {
  if (presented === undefined || presented === '') return false;
  let found = false;
  for (const secret of secrets) found = sameSecret(presented, secret) || found;
  return found;
}

/**
 * A shared-secret request header, or the password of HTTP basic auth (any user name): Opsgenie and Splunk
 * On-Call let the operator add either to their outgoing webhooks. `headers` have lower-case names.
 */
export function sharedSecretOf(headers: Readonly<Record<string, string | undefined>>, headerName: string): string | undefined {
  const direct = headers[headerName.toLowerCase()];
  if (direct !== undefined && direct !== '') return direct;
  const auth = headers.authorization;
  const match = auth ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
