import { describe, expect, it } from 'vitest';
import { evaluateTraceDb } from '../../../../lambdas/core/trace-db/evaluate.ts';
import { byRule, call, evaluateRows, HOUR, NOW, only } from './helpers.ts';

const RULES = only(['backup_stale']);
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR).toISOString();
const rows = [call({ ago: HOUR })];

describe('backup_stale', () => {
  it('fires SEV3 when the newest backup is older than 26 h, naming its time and age', async () => {
    const result = await evaluateRows(rows, { rules: RULES, meta: { lastBackupAt: hoursAgo(30) } });
    expect(result.evaluated).toContain('backup_stale');
    const [s, ...rest] = byRule(result, 'backup_stale');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({
      severity: 'SEV3',
      subject: 'trace-db',
      dedupKey: 'backup_stale:trace-db',
      runbook: 'Trace DB corruption or disk full',
    });
    expect(s!.details).toMatchObject({ value: 30, threshold: 26, lastBackupAt: hoursAgo(30) });
    expect(s!.summary).toContain('30 h old');
    expect(result.metrics).toMatchObject({ backupWatch: 'watched', backupAgeSeconds: 30 * 3600 });
  });

  it('boundary: 12 h and exactly 26 h are fine (evaluated, nothing fires); 26 h + 1 s fires', async () => {
    for (const h of [12, 26]) {
      const result = await evaluateRows(rows, { rules: RULES, meta: { lastBackupAt: hoursAgo(h) } });
      expect(result.evaluated).toContain('backup_stale');
      expect(byRule(result, 'backup_stale')).toEqual([]);
    }
    const over = await evaluateRows(rows, { rules: RULES, meta: { lastBackupAt: hoursAgo(26 + 1 / 3600) } });
    expect(byRule(over, 'backup_stale').map((s) => s.severity)).toEqual(['SEV3']);
  });

  it('no lastBackupAt: not evaluated, no alert, and the metrics say "not watched"', async () => {
    const result = await evaluateRows(rows, { rules: RULES, meta: { takenAt: hoursAgo(0) } });
    expect(result.evaluated).not.toContain('backup_stale');
    expect(result.signals).toEqual([]);
    expect(result.metrics.backupWatch).toBe('not watched');
    expect(result.metrics.backupAgeSeconds).toBeUndefined();
  });

  it('no backup at all (BACKUP_GLOB matched nothing: lastBackupError) fires SEV3 quoting the glob', async () => {
    const meta = { takenAt: hoursAgo(0), lastBackupError: 'no file matches BACKUP_GLOB /backups/metis-*.db.gz' };
    const result = await evaluateRows(rows, { rules: RULES, meta });
    expect(result.evaluated).toContain('backup_stale');
    const [s, ...rest] = byRule(result, 'backup_stale');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ severity: 'SEV3', dedupKey: 'backup_stale:trace-db', runbook: 'Trace DB corruption or disk full' });
    expect(s!.summary).toContain('No usable trace-DB backup: no file matches BACKUP_GLOB /backups/metis-*.db.gz');
    expect(s!.details).toMatchObject({ lastBackupAt: null, lastBackupError: meta.lastBackupError, threshold: 26 });
    expect(result.healthy.backup_stale).toBeUndefined();
    expect(result.metrics.backupWatch).toBe('no backup');
    // Also when the snapshot itself cannot be opened (the rule needs no SQL).
    const broken = evaluateTraceDb(
      { kind: 'open-failure', reason: 'not_sqlite', message: 'file is not a database' },
      { now: NOW, rules: RULES, meta },
    );
    expect(byRule(broken, 'backup_stale').map((x) => x.details.lastBackupError)).toEqual([meta.lastBackupError]);
  });

  it('a lastBackupAt wins over a stale error field; a blank error is no finding', async () => {
    const both = await evaluateRows(rows, {
      rules: RULES,
      meta: { lastBackupAt: hoursAgo(2), lastBackupError: 'no file matches BACKUP_GLOB x' },
    });
    expect(both.signals).toEqual([]);
    expect(both.healthy.backup_stale).toEqual(['trace-db']);
    const blank = await evaluateRows(rows, { rules: RULES, meta: { lastBackupError: '  ' } });
    expect(blank.evaluated).not.toContain('backup_stale');
    expect(blank.metrics.backupWatch).toBe('not watched');
  });

  it('an unreadable lastBackupAt is not judged either (metrics: "unreadable"); an offset form is read as an instant', async () => {
    const bad = await evaluateRows(rows, { rules: RULES, meta: { lastBackupAt: 'yesterday' } });
    expect(bad.evaluated).not.toContain('backup_stale');
    expect(bad.metrics.backupWatch).toBe('unreadable');
    // 2026-11-19T13:00:00+02:00 is 11:00Z, 28 h before NOW (15:00Z).
    const offset = await evaluateRows(rows, { rules: RULES, meta: { lastBackupAt: '2026-11-19T13:00:00+02:00' } });
    expect(byRule(offset, 'backup_stale')[0]?.details.value).toBe(28);
  });

  it('config: maxAgeHours moves the bar; disabled is not evaluated', async () => {
    const tighter = await evaluateRows(rows, {
      rules: only(['backup_stale'], { backup_stale: { maxAgeHours: 12 } }),
      meta: { lastBackupAt: hoursAgo(13) },
    });
    expect(byRule(tighter, 'backup_stale')).toHaveLength(1);
    const off = await evaluateRows(rows, { rules: only([]), meta: { lastBackupAt: hoursAgo(40) } });
    expect(off.evaluated).not.toContain('backup_stale');
  });

  it('still runs when the snapshot cannot be opened (it needs no SQL)', () => {
    const result = evaluateTraceDb(
      { kind: 'open-failure', reason: 'not_sqlite', message: 'file is not a database' },
      { now: NOW, rules: RULES, meta: { lastBackupAt: hoursAgo(48) } },
    );
    expect(result.evaluated).toEqual(['backup_stale']);
    expect(byRule(result, 'backup_stale')).toHaveLength(1);
  });
});
