// The size a SQLite file declares in its 100-byte header: page size (offset 16) x page count (offset 28),
// trusted only when the header says the count is current (offset 92 equals the change counter at 24).
// A file shorter than that was cut short after SQLite wrote it: a copy or transfer problem.
import type { SnapshotFile } from './sql-port.ts';

const MAGIC = 'SQLite format 3\u0000';

export function sqliteDeclaredBytes(bytes: Uint8Array): number | undefined {
  if (bytes.length < 100) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 100);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pageCount = view.getUint32(28);
  if (pageSize < 512 || pageCount === 0 || view.getUint32(24) !== view.getUint32(92)) return undefined;
  return pageSize * pageCount;
}

export function snapshotFile(bytes: Uint8Array): SnapshotFile {
  const declared = sqliteDeclaredBytes(bytes);
  return declared === undefined ? { bytes: bytes.length } : { bytes: bytes.length, declaredBytes: declared };
}
