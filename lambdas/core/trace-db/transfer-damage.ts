// Whether a snapshot that failed to open or to check was damaged on the way (snapshot_unreadable, SEV3)
// rather than in the database (db_integrity, SEV1). Its own file because both rules ask it.
import type { SnapshotMeta } from './context.ts';
import type { OpenFailureReason, SnapshotFile } from './sql-port.ts';

type ShipperVerdict = 'ok' | 'failed' | 'unknown';

function shipperVerdict(meta: SnapshotMeta): ShipperVerdict {
  if (meta.integrity === undefined) return 'unknown';
  return meta.integrity.trim().toLowerCase() === 'ok' ? 'ok' : 'failed';
}

/**
 * Why a snapshot that failed to open or to check was damaged in transit, or undefined when it may be the
 * database itself. A damaged gzip stream says nothing about the database inside, whatever the metadata.
 */
export function transferDamage(meta: SnapshotMeta, file: SnapshotFile | undefined, reason?: OpenFailureReason): string | undefined {
  const verdict = shipperVerdict(meta);
  if (verdict === 'failed') return undefined;
  if (reason === 'truncated_gzip') return 'the gzip stream is cut short';
  if (reason === 'corrupt_gzip') return 'the gzip stream is damaged';
  if (verdict !== 'ok') return undefined;
  if (reason === 'empty') return 'the object is empty although the shipper checked a database';
  if (file?.declaredBytes !== undefined && file.bytes < file.declaredBytes)
    return `the file has ${file.bytes} bytes, fewer than the ${file.declaredBytes} its SQLite header declares (cut short)`;
  if (meta.sourceBytes !== undefined && file !== undefined && file.bytes !== meta.sourceBytes)
    return `the file has ${file.bytes} bytes, not the ${meta.sourceBytes} the shipper read (source-bytes)`;
  return undefined;
}
