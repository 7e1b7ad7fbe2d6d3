// Requests dropped over an incident window, on small hand-made sql.js databases: failed calls are
// counted as instants whatever ISO-8601 form the gateway wrote ('T'/'Z', space, fractions, offsets),
// both window ends included, nothing else counted; coverage says when the DB cannot see the whole window.
import { afterEach, describe, expect, it } from 'vitest';
import { loadSqlJs, openSqlJs, type SqlJsDatabase } from '../../../../lambdas/adapters/sqljs-database.ts';
import { countRequestsDropped, coversWindow } from '../../../../lambdas/core/trace-db/requests-dropped.ts';
import { buildTraceDb, type FixtureRow } from '../../../../tools/trace-db-fixture.ts';

const FROM = new Date('2026-11-20T12:00:00.000Z');
const TO = new Date('2026-11-20T13:00:00.000Z');

const call = (timestamp: string, stopReason: string, type = 'llm.call_completed'): FixtureRow => ({
  type,
  timestamp,
  payload: JSON.stringify({ gateway_key_id: 'gk_1', model: 'claude-haiku-4-5', provider: 'anthropic', stop_reason: stopReason }),
});
const failed = (timestamp: string): FixtureRow => call(timestamp, 'error');

let open: SqlJsDatabase[] = [];
async function db(rows: FixtureRow[]): Promise<SqlJsDatabase> {
  const database = await openSqlJs(await buildTraceDb(rows));
  open.push(database);
  return database;
}
afterEach(() => {
  for (const database of open) database.close();
  open = [];
});

describe('countRequestsDropped', () => {
  it("counts failed calls in [from, to] as instants, in 'T'/'Z', space, fraction and offset forms", async () => {
    const database = await db([
      // inside, 5
      failed('2026-11-20 12:00:00'), // the lower boundary itself, space form ('T' > ' ': a text >= with an ISO bound would drop it)
      failed('2026-11-20T12:30:00Z'),
      failed('2026-11-20T14:30:00+02:00'), // 12:30Z
      failed('2026-11-20 12:45:00.250'),
      failed('2026-11-20 13:00:00'), // the upper boundary itself
      // outside, 4
      failed('2026-11-20 11:59:59'),
      failed('2026-11-20T12:30:00.500+02:00'), // 10:30:00.5Z, although its text starts with 12:30
      failed('2026-11-20T13:00:00.001Z'),
      failed('2026-11-20 13:00:01'),
    ]);
    expect(countRequestsDropped(database, { from: FROM, to: TO }).count).toBe(5);
  });

  it('counts only llm.call_completed with stop_reason error; malformed payloads and other types neither count nor fail', async () => {
    const database = await db([
      failed('2026-11-20T12:10:00Z'),
      call('2026-11-20T12:11:00Z', 'end_turn'),
      call('2026-11-20T12:12:00Z', 'max_tokens'),
      call('2026-11-20T12:13:00Z', 'error', 'route.decided'),
      { type: 'llm.call_completed', timestamp: '2026-11-20T12:14:00Z', payload: '{"stop_reason": "error"' }, // truncated JSON
      { type: 'llm.call_completed', timestamp: 'not a time', payload: JSON.stringify({ stop_reason: 'error' }) },
    ]);
    const result = countRequestsDropped(database, { from: FROM, to: TO });
    expect(result.count).toBe(1);
    expect(result.from).toBe('2026-11-20T12:00:00.000Z');
    expect(result.to).toBe('2026-11-20T13:00:00.000Z');
  });

  it('reports the calls the DB holds, so a DB that ends inside the window is flagged', async () => {
    const covering = await db([
      call('2026-11-20 11:00:00', 'end_turn'),
      failed('2026-11-20T12:05:00Z'),
      call('2026-11-20T13:30:00+00:00', 'end_turn'),
    ]);
    const full = countRequestsDropped(covering, { from: FROM, to: TO });
    expect(full).toEqual({
      count: 1,
      from: '2026-11-20T12:00:00.000Z',
      to: '2026-11-20T13:00:00.000Z',
      firstCallAt: '2026-11-20T11:00:00.000Z',
      lastCallAt: '2026-11-20T13:30:00.000Z',
    });
    expect(coversWindow(full)).toBe(true);

    const endsEarly = await db([call('2026-11-20T11:00:00Z', 'end_turn'), failed('2026-11-20 12:05:00'), failed('2026-11-20 12:40:00')]);
    const partial = countRequestsDropped(endsEarly, { from: FROM, to: TO });
    expect(partial.count).toBe(2);
    expect(partial.lastCallAt).toBe('2026-11-20T12:40:00.000Z');
    expect(coversWindow(partial)).toBe(false);
  });

  it('gives 0 and no coverage on a DB without calls', async () => {
    const result = countRequestsDropped(await db([]), { from: FROM, to: TO });
    expect(result).toMatchObject({ count: 0, firstCallAt: null, lastCallAt: null });
    expect(coversWindow(result)).toBe(false);
  });

  it('treats a window whose end is before its start as the single instant `from`', async () => {
    const database = await db([failed('2026-11-20T12:00:00Z'), failed('2026-11-20T11:59:00Z')]);
    const result = countRequestsDropped(database, { from: FROM, to: new Date('2026-11-20T11:00:00Z') });
    expect(result.count).toBe(1);
    expect(result.to).toBe('2026-11-20T12:00:00.000Z');
  });

  it('throws on a database without an events table (the CLI names the file)', async () => {
    const SQL = await loadSqlJs();
    const other = new SQL.Database();
    other.run('CREATE TABLE logs (line TEXT)');
    const bytes = other.export();
    other.close();
    const database = await openSqlJs(bytes);
    open.push(database);
    expect(() => countRequestsDropped(database, { from: FROM, to: TO })).toThrow(/no such table: events/);
  });
});
