// `silence add` input rules and silence ids, as pure functions (the CLI end to end is in
// test/integration/cli/silence.test.ts).
import { describe, expect, it } from 'vitest';
import { MemorySilenceStore } from '../../../../lambdas/adapters/memory-silence-store.ts';
import type { Silence } from '../../../../lambdas/core/silence.ts';
import { buildSilence, newSilenceId, parseDuration, runSilenceCommand, silenceState } from '../../../../cli/commands/silence.ts';
import { UsageError } from '../../../../cli/errors.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const build = (input: Parameters<typeof buildSilence>[0]) => buildSilence(input, NOW, 'sil_0123456789', 'alice');

describe('newSilenceId', () => {
  it('is sil_ and 10 Crockford base32 chars taken from the random bytes', () => {
    expect(newSilenceId((b) => b.fill(0))).toBe('sil_0000000000');
    expect(newSilenceId((b) => b.map((_, i) => i * 32 + i))).toBe('sil_0123456789'); // the high bits are dropped
    expect(newSilenceId((b) => b.fill(255))).toBe('sil_zzzzzzzzzz');
  });

  it('draws fresh ids from the CSPRNG that match the id pattern', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newSilenceId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^sil_[0-9a-hjkmnp-tv-z]{10}$/);
  });
});

describe('parseDuration', () => {
  it('reads minutes, hours, days and combinations', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('2h')).toBe(2 * 3_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
  });

  it('rejects zero, junk, units it does not know and more than 30 days', () => {
    for (const bad of ['0m', '', '2', '2 h', '1w', '-1h', '1.5h', '2H', 'h']) expect(() => parseDuration(bad), bad).toThrow(UsageError);
    expect(() => parseDuration('31d')).toThrow(/at most 30d/);
    expect(() => parseDuration('30d1m')).toThrow(/at most 30d/);
  });
});

describe('buildSilence', () => {
  it('starts now and ends after --for; subject optional', () => {
    expect(build({ rule: 'model_error_rate', subject: 'gpt-4o', for: '2h', reason: 'provider maintenance' })).toEqual({
      id: 'sil_0123456789',
      rule: 'model_error_rate',
      subject: 'gpt-4o',
      startsAt: '2026-11-20T12:00:00.000Z',
      endsAt: '2026-11-20T14:00:00.000Z',
      reason: 'provider maintenance',
      createdBy: 'alice',
      createdAt: '2026-11-20T12:00:00.000Z',
    });
    const allSubjects = build({ rule: 'quota_alert', until: '2026-11-20T18:30:00+01:00', reason: 'load test' });
    expect(allSubjects).not.toHaveProperty('subject');
    expect(allSubjects.endsAt).toBe('2026-11-20T17:30:00.000Z');
  });

  it("--alarm-rule: a custom alarm's metis:rule tag is accepted though no built-in rule has that id; without it, refused", () => {
    const input = { rule: 'checkout_latency', for: '1h', reason: 'load test' };
    expect(() => build(input)).toThrow(/no rule "checkout_latency".*add --alarm-rule/);
    expect(build({ ...input, 'alarm-rule': true }).rule).toBe('checkout_latency');
    // Still a rule id: the tag's own pattern applies.
    expect(() => build({ ...input, rule: 'Checkout Latency', 'alarm-rule': true })).toThrow(/expected a rule id/);
  });

  it('redacts and flattens the reason (it is posted to chatops)', () => {
    const silence = build({ rule: 'traceback', for: '1h', reason: '  deploying\nwith key sk-ant-api03-AbCdEfGhIjKlMnOp  ' });
    expect(silence.reason).toBe('deploying with key [REDACTED]');
  });

  it('refuses what the CLI must answer with exit 2', () => {
    const cases: [Parameters<typeof buildSilence>[0], RegExp][] = [
      [{ for: '2h', reason: 'x' }, /--rule RULE is required/],
      [{ rule: 'Model Error Rate', for: '2h', reason: 'x' }, /--rule: expected a rule id/],
      [{ rule: 'model_error_rate', for: '2h' }, /--reason TEXT is required/],
      [{ rule: 'model_error_rate', for: '2h', reason: '   ' }, /--reason TEXT is required/],
      [{ rule: 'model_error_rate', for: '2h', until: '2026-11-20T13:00:00Z', reason: 'x' }, /either --for or --until, not both/],
      [{ rule: 'model_error_rate', reason: 'x' }, /--for DURATION \(e\.g\. 2h\) or --until ISO is required/],
      [{ rule: 'model_error_rate', until: '2026-11-20T11:59:59Z', reason: 'x' }, /--until: .* is not in the future/],
      [{ rule: 'model_error_rate', until: '2026-11-20T12:00:00Z', reason: 'x' }, /is not in the future/],
      [{ rule: 'model_error_rate', until: 'tomorrow', reason: 'x' }, /--until: expected an ISO-8601 time/],
      [{ rule: 'model_error_rate', until: '2026-12-21T12:00:00Z', reason: 'x' }, /at most 30 days ahead/],
      [{ rule: 'model_error_rate', subject: ' ', for: '2h', reason: 'x' }, /--subject: expected the subject/],
    ];
    for (const [input, message] of cases) expect(() => build(input), JSON.stringify(input)).toThrow(message);
  });
});

describe('silenceState', () => {
  const silence: Silence = {
    id: 'sil_0123456789',
    rule: 'traceback',
    startsAt: '2026-11-20T12:00:00.000Z',
    endsAt: '2026-11-20T14:00:00.000Z',
    reason: 'r',
    createdBy: 'a',
    createdAt: '2026-11-20T12:00:00.000Z',
  };
  it('is pending, active, ended, or expired when ended early', () => {
    expect(silenceState(silence, new Date('2026-11-20T11:59:59Z'))).toBe('pending');
    expect(silenceState(silence, new Date('2026-11-20T12:00:00Z'))).toBe('active');
    expect(silenceState(silence, new Date('2026-11-20T14:00:00Z'))).toBe('ended');
    const early = { ...silence, expiredAt: '2026-11-20T13:00:00.000Z' };
    expect(silenceState(early, new Date('2026-11-20T12:59:00Z'))).toBe('active');
    expect(silenceState(early, new Date('2026-11-20T13:00:00Z'))).toBe('expired');
  });
});

describe('runSilenceCommand with an in-memory store', () => {
  function cli() {
    const store = new MemorySilenceStore();
    let n = 0;
    const deps = { env: { METIS_ALERTS_TABLE: 'incidents' }, store: () => store, newId: () => `sil_000000000${n++}`, user: () => 'bob' };
    const run = async (args: string[]) => {
      let stdout = '';
      await runSilenceCommand(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } }, deps);
      return stdout;
    };
    return { store, run };
  }

  it('adds, lists current only, expires, and lists everything with --all', async () => {
    const { store, run } = cli();
    const added = JSON.parse(
      await run(['add', '--rule', 'traceback', '--for', '1h', '--reason', 'deploy', '--now', '2026-11-20T12:00:00Z', '--json']),
    );
    expect(added).toMatchObject({ id: 'sil_0000000000', createdBy: 'bob', endsAt: '2026-11-20T13:00:00.000Z' });
    await run(['add', '--rule', 'quota_alert', '--subject', 'gk_1', '--for', '10m', '--reason', 'noisy', '--now', '2026-11-20T12:00:00Z']);

    const current = JSON.parse(await run(['list', '--now', '2026-11-20T12:30:00Z', '--json']));
    expect(current.map((s: Silence & { state: string }) => [s.id, s.state])).toEqual([['sil_0000000000', 'active']]);

    expect(await run(['expire', 'SIL_0000000000', '--now', '2026-11-20T12:40:00Z'])).toMatch(
      /^expired sil_0000000000 \(rule traceback, all subjects\) at 2026-11-20T12:40:00.000Z/,
    );
    expect((await store.get('sil_0000000000'))?.expiredAt).toBe('2026-11-20T12:40:00.000Z');
    expect(await run(['list', '--now', '2026-11-20T12:41:00Z'])).toBe('no active or pending silences (--all for ended ones)\n');
    const all = JSON.parse(await run(['list', '--all', '--now', '2026-11-20T12:41:00Z', '--json']));
    expect(all.map((s: Silence & { state: string }) => [s.id, s.state])).toEqual([
      ['sil_0000000000', 'expired'],
      ['sil_0000000001', 'ended'],
    ]);
    // Expiring an ended silence changes nothing.
    expect(await run(['expire', 'sil_0000000001', '--now', '2026-11-20T12:41:00Z'])).toBe(
      'sil_0000000001 already ended at 2026-11-20T12:10:00.000Z; nothing changed\n',
    );
    expect((await store.get('sil_0000000001'))?.expiredAt).toBeUndefined();
  });

  it('refuses an unknown subcommand, a malformed id and an unknown id', async () => {
    const { run } = cli();
    await expect(run(['mute'])).rejects.toThrow(/unknown subcommand "mute"/);
    await expect(run([])).rejects.toThrow(/expected a subcommand/);
    await expect(run(['expire', 'abc'])).rejects.toThrow(/"abc" is not a silence id/);
    await expect(run(['expire', 'sil_zzzzzzzzzz'])).rejects.toThrow(/no silence sil_zzzzzzzzzz in table incidents/);
  });
});
