// Gunzip a snapshot straight into one buffer of its final size, so a check holds the gzip bytes and
// the database once, not also zlib's list of chunks and their concatenation (gunzipSync peaks near
// twice the database). The gzip trailer gives the inflated size (ISIZE), which is also zlib's output
// chunk: one output buffer, no per-16-KB callback and copy (that stream cost twice the CPU of the
// inflate itself, and trace-check runs every minute). Anything unexpected (a size over the limit, a
// damaged or cut stream) falls back to decodeSnapshotBytes, which names the problem.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DEFAULT_MAX_SNAPSHOT_BYTES, decodeSnapshotBytes, isGzip, type DecodeOptions } from './snapshot-bytes.ts';

const gunzipAsync = promisify(gunzip);
/** zlib's smallest output chunk. */
const MIN_CHUNK = 64;

export async function inflateSnapshot(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  if (!isGzip(bytes) || bytes.length < 18) return decodeSnapshotBytes(bytes, options);
  const tail = bytes.length - 4;
  // ISIZE: the inflated size modulo 2^32, little-endian (RFC 1952); the limit keeps it below 2^32.
  const size = (bytes[tail]! | (bytes[tail + 1]! << 8) | (bytes[tail + 2]! << 16) | (bytes[tail + 3]! << 24)) >>> 0;
  if (size === 0 || size > maxBytes) return decodeSnapshotBytes(bytes, options);
  let inflated: Uint8Array | undefined;
  try {
    // maxOutputLength: a stream longer than its trailer says stops at that size instead of growing.
    inflated = await gunzipAsync(bytes, { chunkSize: Math.max(size, MIN_CHUNK), maxOutputLength: size });
  } catch {
    inflated = undefined;
  }
  // A stream that is not what its trailer says: let the one-shot decoder classify it.
  return inflated?.length === size ? inflated : decodeSnapshotBytes(bytes, options);
}
