// The SEV4 digest (runbook: "SEV4: log noise, deprecation warnings ... best effort"): signals of the
// digest rules never open incidents and never page. The router adds each one to the day's digest of
// its rule (one record per rule and UTC day); the sweeper posts each finished day's digest to chatops
// once, the first sweep after 00:00 UTC. Posting is claimed with a conditional write first, so two
// sweepers (or a retried one) never post a digest twice, and a failed post is retried next sweep.
import type { Notice, Notifier } from './notify/notifier.ts';
import type { SendOutcome } from './notify/ports.ts';
import type { RouterSettings } from './router-settings.ts';
import { redactText } from './redact.ts';
import { oneLine, type Signal } from './signal.ts';

/** Rules whose SEV4 signals go into the daily digest instead of an incident. */
export const DIGEST_RULES: readonly string[] = [
  'log_noise',
  'trace_db_clock_skew',
  'trace_db_bad_timestamps',
  // Beyond the runbook: a model still called before its warning period, a key issued without a daily cap.
  'model_deprecation',
  'key_without_cap',
];

/** Subjects listed per digest; the rest are counted. */
const MAX_SUBJECTS = 50;
const MAX_WRITE_ATTEMPTS = 8;
/** After this many failed posts a digest is given up (and says so in the sweeper's log). */
const MAX_POST_ATTEMPTS = 10;
const DAY_MS = 86_400_000;

export interface DigestSubject {
  count: number;
  firstAt: string;
  lastAt: string;
  /** The newest signal's summary (already redacted by its detector, redacted again here). */
  summary: string;
}

export interface Digest {
  /** `digest#<rule>#<YYYY-MM-DD>`: the item's key in the incident table. */
  id: string;
  kind: 'digest';
  rule: string;
  /** The UTC day it covers. */
  day: string;
  /** Signals folded in. */
  count: number;
  subjects: Record<string, DigestSubject>;
  /** Subjects seen beyond MAX_SUBJECTS. */
  moreSubjects: number;
  firstAt: string;
  lastAt: string;
  postedAt?: string;
  /** A sweeper holds the post until then. */
  claimedUntil?: string;
  postAttempts: number;
  lastError?: string;
  /** Optimistic-locking counter, as on incidents. */
  version: number;
  /** DynamoDB TTL (epoch seconds): 30 days after its day. */
  expiresAt: number;
}

/** Where digests live (the incident table in the cloud, memory in the CLI). Conditional writes as IncidentStore's. */
export interface DigestStore {
  get(id: string): Promise<Digest | undefined>;
  /** Succeeds only if the stored version equals `expectedVersion` (undefined: must not exist). False on a lost race. */
  put(digest: Digest, expectedVersion: number | undefined): Promise<boolean>;
  /** Digests not posted yet. */
  listUnposted(): Promise<Digest[]>;
}

export function isDigestSignal(signal: Signal, rules: readonly string[] = DIGEST_RULES): boolean {
  return signal.status === 'firing' && signal.severity === 'SEV4' && rules.includes(signal.rule);
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function digestId(rule: string, day: string): string {
  return `digest#${rule}#${day}`;
}

/** The digest after one more signal, routed at `now` (pure). */
export function addToDigest(existing: Digest | undefined, signal: Signal, now: Date): Digest {
  const at = now.toISOString();
  const day = utcDay(now);
  const digest: Digest = existing
    ? structuredClone(existing)
    : {
        id: digestId(signal.rule, day),
        kind: 'digest',
        rule: signal.rule,
        day,
        count: 0,
        subjects: {},
        moreSubjects: 0,
        firstAt: at,
        lastAt: at,
        postAttempts: 0,
        version: 0,
        expiresAt: Math.floor((Date.parse(`${day}T00:00:00Z`) + 31 * DAY_MS) / 1000),
      };
  digest.count++;
  digest.lastAt = at;
  const summary = oneLine(redactText(signal.summary), 300);
  const subject = digest.subjects[signal.subject];
  if (subject) {
    subject.count++;
    subject.lastAt = at;
    subject.summary = summary;
  } else if (Object.keys(digest.subjects).length < MAX_SUBJECTS) {
    digest.subjects[signal.subject] = { count: 1, firstAt: at, lastAt: at, summary };
  } else {
    digest.moreSubjects++;
  }
  return digest;
}

/** Folds a signal into its rule's digest of the day (conditional write, re-read on a lost race). */
export async function recordInDigest(store: DigestStore, signal: Signal, now: Date): Promise<Digest> {
  const id = digestId(signal.rule, utcDay(now));
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const existing = await store.get(id);
    const next = addToDigest(existing, signal, now);
    next.version = (existing?.version ?? 0) + 1;
    if (await store.put(next, existing?.version)) return next;
  }
  throw new Error(`digest ${id}: gave up after ${MAX_WRITE_ATTEMPTS} conflicting writes`);
}

/** A digest is due once its UTC day is over, it is not posted, and no live claim holds it. */
export function isDue(digest: Digest, now: Date): boolean {
  if (digest.postedAt || digest.postAttempts >= MAX_POST_ATTEMPTS) return false;
  if (digest.day >= utcDay(now)) return false;
  return !digest.claimedUntil || Date.parse(digest.claimedUntil) <= now.getTime();
}

/** The chatops notice of one finished day: a thread of its own per rule and day, never a page. */
export function digestNotice(digest: Digest): Notice {
  const subjects = Object.entries(digest.subjects).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  const n = subjects.length + digest.moreSubjects;
  const headline = `[SEV4] DIGEST ${digest.rule} ${digest.day}: ${n} subject${n === 1 ? '' : 's'}, ${digest.count} signal${digest.count === 1 ? '' : 's'}`;
  const lines = [
    `${digest.count} signal${digest.count === 1 ? '' : 's'} about ${n} subject${n === 1 ? '' : 's'} between ${digest.firstAt} and ${digest.lastAt}.`,
    '',
    ...subjects.map(([subject, s]) => `- ${subject}: ${s.count}x (${s.firstAt.slice(11, 16)}-${s.lastAt.slice(11, 16)} UTC) ${s.summary}`),
    ...(digest.moreSubjects ? [`- and ${digest.moreSubjects} more signal(s) about other subjects`] : []),
  ];
  return {
    threadId: `digest:${digest.rule}:${digest.day}`,
    severity: 'SEV4',
    rule: digest.rule,
    status: 'digest',
    title: oneLine(redactText(`Daily digest of ${digest.rule} for ${digest.day} (UTC): SEV4, best effort, never paged.`), 200),
    subject: oneLine(redactText(headline), 99),
    lines: [redactText(lines.join('\n'))],
  };
}

export interface DigestPostResult {
  posted: string[];
  /** Posts that failed; retried by the next sweep. */
  failed: { id: string; reason: string; retryable: boolean }[];
}

/**
 * Posts every due digest to chatops once: claim (conditional write), publish, record. A lost claim means
 * another sweeper has it; a failed publish releases the claim and counts the attempt.
 */
export async function postDueDigests(
  now: Date,
  deps: { digests: DigestStore; chatops: Notifier | undefined; settings: RouterSettings; leaseSeconds?: number },
): Promise<DigestPostResult> {
  const result: DigestPostResult = { posted: [], failed: [] };
  const leaseMs = (deps.leaseSeconds ?? 120) * 1000;
  const due = (await deps.digests.listUnposted()).filter((d) => isDue(d, now)).sort((a, b) => a.id.localeCompare(b.id));
  for (const candidate of due) {
    const current = await deps.digests.get(candidate.id);
    if (!current || !isDue(current, now)) continue;
    const claimed: Digest = {
      ...structuredClone(current),
      claimedUntil: new Date(now.getTime() + leaseMs).toISOString(),
      version: current.version + 1,
    };
    if (!(await deps.digests.put(claimed, current.version))) continue; // another sweeper claimed it
    let outcome: SendOutcome;
    try {
      outcome = deps.chatops?.announce
        ? await deps.chatops.announce(digestNotice(claimed), { settings: deps.settings, now })
        : { ok: false, retryable: true, reason: 'no chatops sink configured', kind: 'transient' };
    } catch (error) {
      outcome = { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error), kind: 'transient' };
    }
    const done: Digest = structuredClone(claimed);
    delete done.claimedUntil;
    done.version = claimed.version + 1;
    if (outcome.ok) {
      done.postedAt = now.toISOString();
      delete done.lastError;
      result.posted.push(done.id);
    } else {
      done.postAttempts++;
      done.lastError = oneLine(redactText(outcome.reason), 300);
      result.failed.push({ id: done.id, reason: done.lastError, retryable: outcome.retryable });
    }
    // Losing this write only leaves the claim to expire: a posted digest could then be posted again
    // (at least once, as every delivery here), never dropped.
    await deps.digests.put(done, claimed.version);
  }
  return result;
}
