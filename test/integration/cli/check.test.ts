// `metis-alerts check` end to end on SQLite files written to disk: every rule through the CLI contract
// of docs/architecture.md (CLI), the boundaries, the timestamp trap, and what each bad input does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlJs } from '../../../lambdas/adapters/sqljs-database.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { buildTraceDb, generateTraceDb, type FixtureRow } from '../../../tools/trace-db-fixture.ts';
import { at, calls, FIRING_ALL_ANOMALIES_STALE_FULL, MIN, NOW } from '../../unit/core/trace-db/helpers.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metis-check-'));
});

function file(name: string, content: Uint8Array | string | object): string {
  const path = join(dir, name);
  writeFileSync(path, content instanceof Uint8Array || typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function dbFile(name: string, rows: FixtureRow[]): Promise<string> {
  return file(name, await buildTraceDb(rows));
}

/** What `check` says on stderr when the metadata (or its absence) gives the disk rule no volume figure. */
const DISK_BLIND = 'disk_usage: could not evaluate: no volume figure in the metadata\n';

function check(args: string[], stderr = DISK_BLIND): { evaluated: string[]; signals: Signal[]; notEvaluated: Record<string, string> } {
  const run = runCli(['check', ...args, '--now', NOW.toISOString(), '--json']);
  expect(run.stderr).toBe(stderr);
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout);
  // An evaluation report: `route --signals` replays it as the deployed router would.
  expect(Object.keys(out).sort()).toEqual(['evaluated', 'evaluatedAt', 'healthy', 'notEvaluated', 'signals', 'source']);
  return out;
}

const keys = (out: { signals: Signal[] }) => out.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort();

describe('metis-alerts check --json', () => {
  it('names every injected anomaly of a generated gzipped DB, with the shipper metadata from --meta', async () => {
    const db = file('fixture.db.gz', gzipSync(await generateTraceDb({ events: 6000, days: 2, end: NOW, seed: 11, anomalies: 'all' })));
    const config = file('budget.json', { rules: { cost_projection: { dailyBudgetUsd: 5 } } });
    const meta = file('meta.json', {
      'taken-at': '2026-11-20T14:40:00Z',
      'volume-used-pct': '91',
      'source-bytes': '1000',
      'wal-bytes': '0',
      integrity: 'ok',
    });
    const out = check(['--db', db, '--config', config, '--meta', meta], '');
    expect(keys(out)).toEqual(FIRING_ALL_ANOMALIES_STALE_FULL);
    expect(out.notEvaluated).toEqual({});
    expect(out.evaluated).toContain('cost_projection');
    expect(out.evaluated).not.toContain('bill_threshold'); // off unless a cap is set
    for (const s of out.signals) expect(s.observedAt).toBe(NOW.toISOString());
  });

  it('does not fire model_error_rate at exactly 5 % or with 19 calls and 9 errors, and fires above 5 % with 20', async () => {
    const exactly = await dbFile('exactly-5.db', calls(40, { fromAgo: 9 * MIN, model: 'm-five', errors: 2 }));
    const nineteen = await dbFile('nineteen.db', calls(19, { fromAgo: 9 * MIN, model: 'm-few', errors: 9 }));
    const above = await dbFile('above.db', calls(20, { fromAgo: 9 * MIN, model: 'm-six', errors: 2 }));
    expect(check(['--db', exactly]).signals.filter((s) => s.rule === 'model_error_rate')).toEqual([]);
    expect(check(['--db', nineteen]).signals.filter((s) => s.rule === 'model_error_rate')).toEqual([]);
    const fired = check(['--db', above]).signals.filter((s) => s.rule === 'model_error_rate');
    expect(fired.map((s) => [s.dedupKey, s.severity, s.details.calls, s.details.errors])).toEqual([
      ['model_error_rate:m-six', 'SEV2', 20, 2],
    ]);
  });

  it("compares timestamps as instants: the runbook's text comparison would count the whole day", async () => {
    // 30 failed calls five hours ago and 30 good calls in the window, all ISO 'T...Z'. The runbook's
    // `timestamp > datetime('now','-10 minutes')` compares '2026-11-20T10:00:00Z' with '2026-11-20 14:50:00' as
    // text: 'T' sorts after ' ', so every call of the day is "in the window" and the share looks like 50 %.
    const rows = [
      ...calls(30, { fromAgo: 5 * 60 * MIN, toAgo: 4 * 60 * MIN, model: 'trap', errors: 30 }),
      ...calls(30, { fromAgo: 9 * MIN, model: 'trap' }),
    ];
    const bytes = await buildTraceDb(rows);
    const SQL = await loadSqlJs();
    const naive = new SQL.Database(bytes);
    const [[share]] = naive.exec(
      "SELECT 100.0*SUM(json_extract(payload,'$.stop_reason')='error')/COUNT(*) FROM events WHERE type='llm.call_completed' AND timestamp > datetime('2026-11-20 15:00:00','-10 minutes')",
    )[0]!.values as [[number]];
    naive.close();
    expect(share).toBe(50);
    const out = check(['--db', file('trap.db', bytes)]);
    expect(out.signals.filter((s) => s.rule === 'model_error_rate')).toEqual([]);
    expect(at(9 * MIN)).toBe('2026-11-20T14:51:00.000Z');
  });

  it('applies --config thresholds', async () => {
    const db = await dbFile('ten-pct.db', calls(40, { fromAgo: 9 * MIN, model: 'm-ten', errors: 4 }));
    expect(check(['--db', db]).signals.map((s) => s.dedupKey)).toContain('model_error_rate:m-ten');
    const lenient = file('lenient.json', { rules: { model_error_rate: { threshold: 0.2 } } });
    expect(check(['--db', db, '--config', lenient]).signals.map((s) => s.dedupKey)).not.toContain('model_error_rate:m-ten');
  });
});

describe('metis-alerts check: the disk rule says full, and says when it cannot tell', () => {
  it('metadata without a volume figure: one stderr line naming the rule and why, in --json under notEvaluated, and disk_usage not evaluated', async () => {
    const db = await dbFile('no-volume.db', calls(30, { fromAgo: 9 * MIN }));
    const meta = file('no-volume.meta.json', { takenAt: NOW.toISOString(), integrity: 'ok', sourceBytes: 8192 });
    const out = check(['--db', db, '--meta', meta]);
    expect(out.notEvaluated).toEqual({ disk_usage: 'no volume figure in the metadata' });
    expect(out.evaluated).not.toContain('disk_usage');
    expect(out.evaluated).toContain('snapshot_stale');
    // The text output says it too, on stderr, beside the usual stdout.
    const run = runCli(['check', '--db', db, '--meta', meta, '--now', NOW.toISOString()]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(DISK_BLIND);
    expect(run.stdout).toMatch(/^evaluated: .*snapshot_stale/);
  });

  it('a volume figure at 100 % is SEV2 "full"; 99 % stays SEV3 near full; 79 % is quiet with nothing on stderr', async () => {
    const db = await dbFile('disk.db', calls(30, { fromAgo: 9 * MIN }));
    const disk = (pct: number) =>
      check(
        ['--db', db, '--meta', file(`disk-${pct}.meta.json`, { 'taken-at': NOW.toISOString(), 'volume-used-pct': String(pct) })],
        '',
      ).signals.filter((s) => s.rule === 'disk_usage');
    const [full] = disk(100);
    expect(full).toMatchObject({ severity: 'SEV2', dedupKey: 'disk_usage:trace-db' });
    expect(full!.summary).toMatch(/^Trace-DB volume full \(100 % used\)/);
    expect(full!.details).toMatchObject({ state: 'full', value: 100 });
    expect(disk(99).map((s) => [s.severity, s.details.state])).toEqual([['SEV3', 'near full']]);
    expect(disk(79)).toEqual([]);
  });
});

describe('metis-alerts check: a damaged snapshot is a finding (exit 0), bad input exits 2', () => {
  const integrity = (out: { evaluated: string[]; signals: Signal[] }) =>
    out.signals.filter((s) => s.rule === 'db_integrity').map((s) => s.severity);

  it('a file that is not SQLite gives a SEV1 db_integrity signal, and a warning on stderr that the path may be wrong', () => {
    const path = file('text.db', 'this is not a database, it is a shopping list\n'.repeat(100));
    const warning = `warning: ${path} is not a SQLite database (first bytes "this is not a da"...): check the path before scaling anything to zero\n`;
    const out = check(['--db', path], warning + DISK_BLIND);
    expect(integrity(out)).toEqual(['SEV1']);
    expect(out.evaluated).toEqual(['db_integrity']);
  });

  it('a truncated gzip is transfer damage: snapshot_unreadable SEV3 naming the truncation, no db_integrity', async () => {
    const gz = gzipSync(await buildTraceDb(calls(50, { fromAgo: 9 * MIN })));
    const meta = file('cut.meta.json', { 'taken-at': NOW.toISOString(), integrity: 'ok', 'source-bytes': '8192' });
    const out = check(['--db', file('cut.db.gz', gz.subarray(0, Math.floor(gz.length / 2))), '--meta', meta]);
    expect(integrity(out)).toEqual([]);
    expect(out.signals.map((s) => `${s.severity} ${s.rule}`)).toEqual(['SEV3 snapshot_unreadable']);
    expect(out.signals[0]!.summary).toMatch(/truncated/);
  });

  it("a --now without a time zone is refused (exit 2): it would be read in the machine's local time", () => {
    const run = runCli(['check', '--db', file('zone.db', ''), '--now', '2026-11-20T15:00:00']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--now: "2026-11-20T15:00:00" has no time zone/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an empty file gives a SEV1 db_integrity signal (and the wrong-path warning)', () => {
    const path = file('empty.db', '');
    const warning = `warning: ${path} is not a SQLite database (empty file): check the path before scaling anything to zero\n`;
    expect(integrity(check(['--db', path], warning + DISK_BLIND))).toEqual(['SEV1']);
  });

  it('a DB without the events table gives one SEV2 trace_db_schema signal and evaluates no SQL rule', async () => {
    const SQL = await loadSqlJs();
    const foreign = new SQL.Database();
    foreign.run('CREATE TABLE traces (id INTEGER PRIMARY KEY, body TEXT)');
    const out = check(['--db', file('foreign.db', foreign.export())]);
    foreign.close();
    expect(out.signals.map((s) => [s.dedupKey, s.severity])).toEqual([['trace_db_schema:events', 'SEV2']]);
    expect(out.signals[0]!.summary).toMatch(/events/);
    expect(out.evaluated).not.toContain('model_error_rate');
  });

  const bad: [string, () => string[], RegExp][] = [
    ['a missing DB file', () => ['--db', join(dir, 'absent.db')], /absent\.db: cannot read the database file \(ENOENT\)/],
    [
      'a --meta file that is not JSON',
      () => ['--db', file('m1.db', ''), '--meta', file('meta-bad.json', '{')],
      /meta-bad\.json: not valid JSON/,
    ],
    [
      'a --meta value of the wrong type',
      () => ['--db', file('m2.db', ''), '--meta', file('meta-type.json', { volumeUsedPct: 'high' })],
      /volumeUsedPct: expected a number/,
    ],
    [
      'an unknown --meta key',
      () => ['--db', file('m3.db', ''), '--meta', file('meta-key.json', { takenat: 'x' })],
      /unknown key "takenat"/,
    ],
    ['a missing --db', () => [], /--db FILE is required/],
  ];
  it.each(bad)('%s', (_name, args, message) => {
    const run = runCli(['check', ...args()]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
