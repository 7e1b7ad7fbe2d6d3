// The SEV4 digest policy: SEV4 signals of the digest rules fold into one record per rule and UTC day
// instead of an incident, and the sweeper posts each finished day once to chatops (never a page).
import { describe, expect, it } from 'vitest';
import { MemoryDigestStore } from '../../../lambdas/adapters/memory-digest-store.ts';
import { addToDigest, digestNotice, isDigestSignal, isDue, postDueDigests } from '../../../lambdas/core/digest.ts';
import { noticeMessage } from '../../../lambdas/core/notify/chatops/notifier.ts';
import { routeSignals } from '../../../lambdas/core/dispatch.ts';
import { FakeIncidentStore, FakePagerDuty, FakePublisher, notifiersOf, settings, signal } from './support.ts';

const DAY1_09 = new Date('2026-11-17T09:00:00.000Z');
const DAY1_2359 = new Date('2026-11-17T23:59:59.999Z');
const DAY2_00 = new Date('2026-11-18T00:00:00.000Z');
const noise = (subject: string, summary = `noise ${subject}`) =>
  signal({ source: 'logs', rule: 'log_noise', subject, severity: 'SEV4', summary, dedupKey: `log_noise:${subject}` });
const skew = signal({ rule: 'trace_db_clock_skew', subject: 'trace-db', severity: 'SEV4', dedupKey: 'trace_db_clock_skew:trace-db' });

function world() {
  const store = new FakeIncidentStore();
  const digests = new MemoryDigestStore();
  const pd = new FakePagerDuty();
  const sns = new FakePublisher();
  const notifiers = notifiersOf(pd, sns);
  return {
    store,
    digests,
    pd,
    sns,
    post: { digests, chatops: notifiers.chatops, settings: settings() },
    deps: (now: Date) => ({ store, digests, notifiers, settings: settings(), now: () => now }),
  };
}

describe('which signals are digested', () => {
  it('firing SEV4 signals of log_noise, trace_db_clock_skew and trace_db_bad_timestamps; nothing else', () => {
    expect(isDigestSignal(noise('a'))).toBe(true);
    expect(isDigestSignal(skew)).toBe(true);
    expect(isDigestSignal({ ...skew, rule: 'trace_db_bad_timestamps' })).toBe(true);
    // A digest rule at another severity, a resolve, or another SEV4 rule: the normal incident path.
    expect(isDigestSignal({ ...skew, severity: 'SEV3' })).toBe(false);
    expect(isDigestSignal({ ...skew, status: 'resolved' })).toBe(false);
    expect(isDigestSignal({ ...skew, rule: 'cloudwatch_alarm' })).toBe(false);
  });

  it('model_deprecation before its warning period (SEV4) and key_without_cap; a model retiring within 7 days (SEV3) opens an incident', () => {
    const deprecated = signal({
      rule: 'model_deprecation',
      subject: 'claude-3-haiku',
      severity: 'SEV4',
      dedupKey: 'model_deprecation:claude-3-haiku',
    });
    expect(isDigestSignal(deprecated)).toBe(true);
    expect(isDigestSignal({ ...deprecated, severity: 'SEV3' })).toBe(false);
    expect(isDigestSignal(signal({ rule: 'key_without_cap', subject: 'gk_a', severity: 'SEV4', dedupKey: 'key_without_cap:gk_a' }))).toBe(
      true,
    );
  });

  it('one key_without_cap entry per key in the day record', () => {
    const uncapped = (key: string) =>
      signal({ rule: 'key_without_cap', subject: key, severity: 'SEV4', dedupKey: `key_without_cap:${key}` });
    let digest = addToDigest(undefined, uncapped('gk_a'), DAY1_09);
    digest = addToDigest(digest, uncapped('gk_b'), DAY1_09);
    digest = addToDigest(digest, uncapped('gk_a'), DAY1_2359);
    expect(digest.id).toBe('digest#key_without_cap#2026-11-17');
    expect(Object.keys(digest.subjects).sort()).toEqual(['gk_a', 'gk_b']);
    expect(digest.subjects.gk_a?.count).toBe(2);
  });
});

describe('the router', () => {
  it('folds digest signals into the day record: no incident, no delivery, counts per subject', async () => {
    const w = world();
    const result = await routeSignals([noise('a'), noise('b'), noise('a', 'newest a'), skew], w.deps(DAY1_09));
    expect(result.attempted).toEqual([]);
    expect(w.store.items.size).toBe(0);
    expect(w.pd.events).toEqual([]);
    expect(w.sns.published).toEqual([]);
    const [logNoise] = (await w.digests.listUnposted()).filter((d) => d.rule === 'log_noise');
    expect(logNoise).toMatchObject({ id: 'digest#log_noise#2026-11-17', day: '2026-11-17', count: 3, moreSubjects: 0, version: 3 });
    expect(logNoise!.subjects).toEqual({
      a: { count: 2, firstAt: DAY1_09.toISOString(), lastAt: DAY1_09.toISOString(), summary: 'newest a' },
      b: { count: 1, firstAt: DAY1_09.toISOString(), lastAt: DAY1_09.toISOString(), summary: 'noise b' },
    });
    expect((await w.digests.listUnposted()).map((d) => d.id).sort()).toEqual([
      'digest#log_noise#2026-11-17',
      'digest#trace_db_clock_skew#2026-11-17',
    ]);
  });

  it('without a digest store (older wiring) a SEV4 signal still opens an incident posted to chatops only', async () => {
    const w = world();
    await routeSignals([skew], { ...w.deps(DAY1_09), digests: undefined });
    expect(w.sns.published.map((p) => p.topic)).toEqual(['chatops']);
    expect(w.pd.events).toEqual([]);
  });

  it('keeps at most 50 subjects and counts the rest', () => {
    let digest = addToDigest(undefined, noise('s0'), DAY1_09);
    for (let i = 1; i < 60; i++) digest = addToDigest(digest, noise(`s${i}`), DAY1_09);
    expect(Object.keys(digest.subjects)).toHaveLength(50);
    expect(digest.moreSubjects).toBe(10);
    expect(digest.count).toBe(60);
  });
});

describe('the sweeper posts each finished day once', () => {
  it('due only once the UTC day is over: 23:59:59.999 no, 00:00 yes', () => {
    const digest = addToDigest(undefined, noise('a'), DAY1_09);
    expect(isDue(digest, DAY1_2359)).toBe(false);
    expect(isDue(digest, DAY2_00)).toBe(true);
    expect(isDue({ ...digest, postedAt: DAY2_00.toISOString() }, DAY2_00)).toBe(false);
    // Claimed by another sweeper: not due until its lease ends.
    expect(isDue({ ...digest, claimedUntil: new Date(DAY2_00.getTime() + 1000).toISOString() }, DAY2_00)).toBe(false);
  });

  it('one chatops post per rule and day, SEV4, then nothing on the next sweep', async () => {
    const w = world();
    await routeSignals([noise('DeprecationWarning@/app/x.py:3'), noise('DeprecationWarning@/app/x.py:3'), skew], w.deps(DAY1_09));
    expect((await postDueDigests(DAY1_2359, w.post)).posted).toEqual([]);
    const first = await postDueDigests(DAY2_00, w.post);
    expect(first).toEqual({ posted: ['digest#log_noise#2026-11-17', 'digest#trace_db_clock_skew#2026-11-17'], failed: [] });
    expect(w.sns.published.map((p) => [p.topic, p.message.subject, p.message.attributes])).toEqual([
      ['chatops', '[SEV4] DIGEST log_noise 2026-11-17: 1 subject, 2 signals', { severity: 'SEV4', rule: 'log_noise', status: 'digest' }],
      [
        'chatops',
        '[SEV4] DIGEST trace_db_clock_skew 2026-11-17: 1 subject, 1 signal',
        { severity: 'SEV4', rule: 'trace_db_clock_skew', status: 'digest' },
      ],
    ]);
    expect(w.sns.published[0]!.message.body).toContain('- DeprecationWarning@/app/x.py:3: 2x (09:00-09:00 UTC)');
    expect((await postDueDigests(new Date(DAY2_00.getTime() + 300_000), w.post)).posted).toEqual([]);
    expect(w.sns.published).toHaveLength(2);
  });

  it('a failed post releases the claim, counts the attempt and is retried by the next sweep', async () => {
    const w = world();
    await routeSignals([skew], w.deps(DAY1_09));
    w.sns.script = () => ({ ok: false, retryable: true, reason: 'SNS throttled', kind: 'transient' });
    const failed = await postDueDigests(DAY2_00, w.post);
    expect(failed).toEqual({
      posted: [],
      failed: [{ id: 'digest#trace_db_clock_skew#2026-11-17', reason: 'SNS throttled', retryable: true }],
    });
    const [stored] = await w.digests.listUnposted();
    expect(stored).toMatchObject({ postAttempts: 1, lastError: 'SNS throttled' });
    expect(stored!.claimedUntil).toBeUndefined();
    w.sns.script = () => ({ ok: true });
    expect((await postDueDigests(new Date(DAY2_00.getTime() + 300_000), w.post)).posted).toEqual(['digest#trace_db_clock_skew#2026-11-17']);
    expect(await w.digests.listUnposted()).toEqual([]);
  });

  it('two sweepers racing post once', async () => {
    const w = world();
    await routeSignals([skew], w.deps(DAY1_09));
    const [a, b] = await Promise.all([postDueDigests(DAY2_00, w.post), postDueDigests(DAY2_00, w.post)]);
    expect([...a.posted, ...b.posted]).toEqual(['digest#trace_db_clock_skew#2026-11-17']);
    expect(w.sns.published).toHaveLength(1);
  });

  it('the message is redacted', () => {
    const digest = addToDigest(undefined, noise('x', 'deprecated header used by ops@example.com with gw_live_abcdef123456'), DAY1_09);
    const body = noticeMessage(digestNotice(digest)).body;
    expect(body).not.toContain('ops@example.com');
    expect(body).not.toContain('gw_live');
  });
});
