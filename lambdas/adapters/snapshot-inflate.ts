// Gunzip a snapshot straight into one buffer of its final size, so a check holds the gzip bytes and
// the database once, not also zlib's list of chunks and their concatenation (gunzipSync peaks near
// twice the database). The gzip trailer gives the inflated size (ISIZE); anything unexpected (a
// size over the limit, a damaged or cut stream) falls back to decodeSnapshotBytes, which names the problem.
import { createGunzip } from 'node:zlib';
import { DEFAULT_MAX_SNAPSHOT_BYTES, decodeSnapshotBytes, isGzip, type DecodeOptions } from './snapshot-bytes.ts';

export async function inflateSnapshot(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  if (!isGzip(bytes) || bytes.length < 18) return decodeSnapshotBytes(bytes, options);
  const tail = bytes.length - 4;
  // ISIZE: the inflated size modulo 2^32, little-endian (RFC 1952); the limit keeps it below 2^32.
  const size = (bytes[tail]! | (bytes[tail + 1]! << 8) | (bytes[tail + 2]! << 16) | (bytes[tail + 3]! << 24)) >>> 0;
  if (size === 0 || size > maxBytes) return decodeSnapshotBytes(bytes, options);
  const target = new Uint8Array(size);
  const filled = await new Promise<boolean>((resolve) => {
    let offset = 0;
    let overflow = false;
    const gunzip = createGunzip();
    gunzip.on('data', (chunk: Buffer) => {
      if (overflow || offset + chunk.length > size) {
        overflow = true;
        gunzip.destroy();
        resolve(false);
        return;
      }
      target.set(chunk, offset);
      offset += chunk.length;
    });
    gunzip.on('error', () => resolve(false));
    gunzip.on('end', () => resolve(!overflow && offset === size));
    gunzip.end(bytes);
  });
  // A stream that is not what its trailer says: let the one-shot decoder classify it.
  return filled ? target : decodeSnapshotBytes(bytes, options);
}
