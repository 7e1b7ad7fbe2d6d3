// inflateSnapshot: gunzip into one buffer of the trailer's size; every bad stream still gets its name.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateSnapshot } from '../../../lambdas/adapters/snapshot-inflate.ts';
import { openSnapshot } from '../../../lambdas/adapters/sqljs-database.ts';
import { isOpenFailure } from '../../../lambdas/core/trace-db/sql-port.ts';
import { buildTraceDb } from '../../../tools/trace-db-fixture.ts';
import { calls, MIN } from '../core/trace-db/helpers.ts';

const smallDb = () => buildTraceDb(calls(30, { fromAgo: 9 * MIN }));

describe('inflateSnapshot', () => {
  it('inflates to exactly the plain bytes, in a buffer of exactly that size; plain bytes pass through', async () => {
    const plain = await smallDb();
    const out = await inflateSnapshot(gzipSync(plain));
    expect(out.length).toBe(plain.length);
    expect(out.buffer.byteLength).toBe(plain.length);
    expect(Buffer.from(out).equals(Buffer.from(plain))).toBe(true);
    expect(await inflateSnapshot(plain)).toBe(plain);
  });

  it('a truncated stream is truncated_gzip, a bad CRC corrupt_gzip, a lying size trailer corrupt_gzip, an oversized one too_large', async () => {
    const gz = gzipSync(await smallDb());
    await expect(inflateSnapshot(gz.subarray(0, gz.length >> 1))).rejects.toMatchObject({ reason: 'truncated_gzip' });
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 6]! ^= 0xff;
    await expect(inflateSnapshot(badCrc)).rejects.toMatchObject({ reason: 'corrupt_gzip' });
    const smallerSize = Buffer.from(gz);
    smallerSize.writeUInt32LE(100, smallerSize.length - 4); // says 100 bytes: the stream overflows it
    await expect(inflateSnapshot(smallerSize)).rejects.toMatchObject({ reason: 'corrupt_gzip' });
    await expect(inflateSnapshot(gz, { maxBytes: 1000 })).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('openSnapshot opens the inflated buffer without a second copy and reads every row', async () => {
    const db = await openSnapshot(gzipSync(await smallDb()));
    if (isOpenFailure(db)) throw new Error(db.message);
    expect(db.all(`SELECT count(*) AS n FROM events WHERE type = 'llm.call_completed'`)).toEqual([{ n: 30 }]);
    db.close();
  });
});
