// The counter rules at their boundaries, on the pure evaluation (minute counts in, signals out), and
// what `evaluated` says.
import { describe, expect, it } from 'vitest';
import type { MinuteCounts } from '../../../../lambdas/core/logs/ports.ts';
import { epochMinute, evaluateLogRules, KEY_REVOKED_RULE, QUOTA_RULE, type LogRuleInput } from '../../../../lambdas/core/logs/rules.ts';
import { signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import { MIN, rulesWith } from './fixtures.ts';

const KEY = 'gk_01J8ZQ4TENANTACME';
const T0 = Date.parse('2026-11-20T12:00:00Z');
const M0 = epochMinute(T0);

/** Counts for one key: `perMinute[i]` in minute 12:00 + i. */
function countsOf(perMinute: number[], key = KEY): MinuteCounts {
  return new Map([[key, new Map(perMinute.map((n, i) => [M0 + i, n] as [number, number]).filter(([, n]) => n > 0))]]);
}

function evaluate(input: Partial<LogRuleInput> & { now: Date }): ReturnType<typeof evaluateLogRules> {
  return evaluateLogRules({
    rules: rulesWith(),
    tracebacks: [],
    keyCounts: { quota_exceeded: new Map(), key_revoked: new Map() },
    keyActivity: new Map(),
    maxTracebackSignals: 20,
    maxKeySignals: 50,
    ...input,
  });
}

const at = (hhmmss: string) => new Date(`2026-11-20T${hhmmss}Z`);
const quotaFiring = (perMinute: number[], now: Date, rules = rulesWith()) =>
  evaluate({ now, rules, keyCounts: { quota_exceeded: countsOf(perMinute), key_revoked: new Map() } }).signals.filter(
    (s) => s.rule === QUOTA_RULE,
  );

describe('quota_exceeded_sustained: more than perMinute (1) in EACH of the last minutes (5)', () => {
  it('exactly 1 per minute in each of 5 minutes does not fire', () => {
    expect(quotaFiring([1, 1, 1, 1, 1], at('12:04:30'))).toEqual([]);
  });

  it('2 per minute in each of 5 minutes fires, SEV3, for the key', () => {
    const [signal] = quotaFiring([2, 2, 2, 2, 2], at('12:04:30'));
    expect(signal).toMatchObject({
      source: 'logs',
      rule: QUOTA_RULE,
      subject: KEY,
      severity: 'SEV3',
      status: 'firing',
      dedupKey: `${QUOTA_RULE}:${KEY}`,
    });
    expect(signal!.details).toMatchObject({ value: 2, threshold: 1, total: 10 });
    expect((signal!.details.perMinute as { count: number }[]).map((m) => m.count)).toEqual([2, 2, 2, 2, 2]);
    expect(signalSchema.safeParse(signal).success).toBe(true);
  });

  it('a gap minute does not fire', () => {
    expect(quotaFiring([2, 2, 0, 2, 2], at('12:04:30'))).toEqual([]);
    expect(quotaFiring([2, 2, 1, 2, 2], at('12:04:30'))).toEqual([]);
  });

  it('four minutes of flood (the oldest minute quiet) do not fire', () => {
    expect(quotaFiring([0, 2, 2, 2, 2], at('12:04:30'))).toEqual([]);
  });

  it('the current minute, still filling up, does not break a flood of five whole minutes', () => {
    expect(quotaFiring([2, 2, 2, 2, 2, 0], at('12:05:10'))).toHaveLength(1);
    // ... but once two minutes are quiet, it stops firing.
    expect(quotaFiring([2, 2, 2, 2, 2, 0, 0], at('12:06:10'))).toEqual([]);
  });

  it('honours configured perMinute and minutes', () => {
    const rules = rulesWith({ quota_exceeded_sustained: { perMinute: 3, minutes: 3 } });
    expect(quotaFiring([0, 0, 3, 3, 3], at('12:04:30'), rules)).toEqual([]);
    expect(quotaFiring([0, 0, 4, 4, 4], at('12:04:30'), rules)).toHaveLength(1);
  });

  it('summary names the key, the counts and the first move (confirm in /analytics/by_key)', () => {
    const [signal] = quotaFiring([3, 2, 4, 2, 5], at('12:04:30'));
    expect(signal!.summary).toContain(KEY);
    expect(signal!.summary).toContain('at least 2/min, 16 in all');
    expect(signal!.summary).toContain('/analytics/by_key');
    expect(signal!.runbook).toBe('Runaway key spend');
  });
});

describe('key_revoked_in_use: more than count (10) in windowMinutes (5)', () => {
  const revoked = (perMinute: number[], now: Date, rules = rulesWith()) =>
    evaluate({ now, rules, keyCounts: { quota_exceeded: new Map(), key_revoked: countsOf(perMinute) } }).signals.filter(
      (s) => s.rule === KEY_REVOKED_RULE,
    );

  it('10 in the window does not fire', () => {
    expect(revoked([2, 2, 2, 2, 2], at('12:04:30'))).toEqual([]);
    expect(revoked([10], at('12:04:30'))).toEqual([]);
  });

  it('11 in the window fires, SEV3', () => {
    const [signal] = revoked([3, 2, 2, 2, 2], at('12:04:30'));
    expect(signal).toMatchObject({ rule: KEY_REVOKED_RULE, subject: KEY, severity: 'SEV3', runbook: 'Gateway key compromise' });
    expect(signal!.details).toMatchObject({ value: 11, threshold: 10 });
    expect(signal!.summary).toContain('11 requests rejected with 401 key_revoked in 5 min');
    expect(signal!.summary).toContain('find who still uses it');
  });

  it('11 spread over 6 minutes does not fire (no 5-minute window holds more than 10)', () => {
    expect(revoked([1, 2, 2, 2, 2, 2], at('12:05:30'))).toEqual([]);
  });

  it('a burst in the last whole minutes still counts while the current minute is empty', () => {
    expect(revoked([0, 0, 0, 0, 11, 0], at('12:05:05'))).toHaveLength(1);
  });

  it('count 0 fires on the first use of a revoked key', () => {
    expect(revoked([0, 0, 0, 0, 1], at('12:04:30'), rulesWith({ key_revoked_in_use: { count: 0 } }))).toHaveLength(1);
  });

  it('names the latest caller from the batch when known', () => {
    const [signal] = evaluateLogRules({
      now: at('12:04:30'),
      rules: rulesWith(),
      tracebacks: [],
      keyCounts: { key_revoked: countsOf([0, 0, 0, 0, 12]) },
      keyActivity: new Map([
        [
          `key_revoked#${KEY}`,
          {
            kind: 'key_revoked',
            key: KEY,
            logGroup: '/g',
            count: 12,
            firstSeen: T0 + 4 * MIN,
            lastSeen: T0 + 4 * MIN + 50_000,
            sample: '{"code":"key_revoked"}',
            clients: [{ ip: '203.0.113.7', userAgent: 'acme-batch/2.3', count: 12 }],
          },
        ],
      ]),
      maxTracebackSignals: 20,
      maxKeySignals: 50,
    }).signals;
    expect(signal!.summary).toContain('latest caller: 203.0.113.7, acme-batch/2.3');
    expect(signal!.details.clients).toEqual([{ ip: '203.0.113.7', userAgent: 'acme-batch/2.3', count: 12 }]);
  });
});

describe('evaluated: only the rules this run could judge', () => {
  it('lists both key rules when their counters were read, never traceback', () => {
    expect(evaluate({ now: at('12:04:30') }).evaluated).toEqual([QUOTA_RULE, KEY_REVOKED_RULE]);
  });

  it('leaves out a key rule whose counters were not readable', () => {
    expect(evaluate({ now: at('12:04:30'), keyCounts: { key_revoked: new Map() } }).evaluated).toEqual([KEY_REVOKED_RULE]);
    expect(evaluate({ now: at('12:04:30'), keyCounts: {} }).evaluated).toEqual([]);
  });

  it('leaves out a disabled rule and fires nothing for it', () => {
    const outcome = evaluate({
      now: at('12:04:30'),
      rules: rulesWith({ quota_exceeded_sustained: { enabled: false } }),
      keyCounts: { quota_exceeded: countsOf([5, 5, 5, 5, 5]), key_revoked: new Map() },
    });
    expect(outcome.evaluated).toEqual([KEY_REVOKED_RULE]);
    expect(outcome.signals).toEqual([]);
  });

  it('a rule with more firing keys than one report carries is reported for the busiest and not evaluated', () => {
    const counts: MinuteCounts = new Map(
      ['gk_a1', 'gk_b2', 'gk_c3'].map((key, i) => [key, new Map([0, 1, 2, 3, 4].map((m) => [M0 + m, 5 + i] as [number, number]))]),
    );
    const outcome = evaluate({ now: at('12:04:30'), keyCounts: { quota_exceeded: counts, key_revoked: new Map() }, maxKeySignals: 2 });
    expect(outcome.signals.map((s) => s.subject)).toEqual(['gk_c3', 'gk_b2']);
    expect(outcome.evaluated).toEqual([KEY_REVOKED_RULE]);
    expect(outcome.capped).toEqual([{ rule: QUOTA_RULE, firing: 3, reported: 2 }]);
  });
});

describe('healthy: the keys whose counters cover the window and stay below the threshold', () => {
  it('names a key that calmed down healthy, never one that fires, and nothing for a capped rule', () => {
    const counts: MinuteCounts = new Map([
      ['gk_calm', new Map([[M0, 3]])],
      ['gk_flood', new Map([0, 1, 2, 3, 4].map((m) => [M0 + m, 5] as [number, number]))],
    ]);
    const outcome = evaluate({ now: at('12:04:30'), keyCounts: { quota_exceeded: counts, key_revoked: new Map() } });
    expect(outcome.signals.map((s) => s.subject)).toEqual(['gk_flood']);
    expect(outcome.healthy).toEqual({ [QUOTA_RULE]: ['gk_calm'] });
    const capped = evaluate({ now: at('12:04:30'), keyCounts: { quota_exceeded: counts, key_revoked: new Map() }, maxKeySignals: 0 });
    expect(capped.healthy).toEqual({});
  });
});
