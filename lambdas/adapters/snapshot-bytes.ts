// Turns the bytes of a trace-DB snapshot (S3 object or local file) into the bytes of a SQLite file:
// gzip is detected by its magic bytes (1f 8b) and inflated, anything else passes through untouched.
import { gunzipSync } from 'node:zlib';
import { openFailure, type OpenFailure, type OpenFailureReason } from '../core/trace-db/sql-port.ts';
import { MetisError } from '../core/errors.ts';
import { asError, errorMessage } from '../core/errors.ts';

/** The sql.js heap tops out at 2 GB and holds the whole database: refuse anything near that. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 1_500_000_000;

/** Base class of every snapshot read/open failure; `reason` says which, `cause` keeps the original. */
export class SnapshotError extends MetisError {
  override readonly name: string = 'SnapshotError';
  constructor(
    message: string,
    readonly reason: OpenFailureReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toOpenFailure(): OpenFailure {
    return openFailure(this.reason, this.message);
  }
}

/** The gzip stream is cut short or damaged. */
export class SnapshotDecodeError extends SnapshotError {
  override readonly name = 'SnapshotDecodeError';
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface DecodeOptions {
  /** Largest inflated size accepted; default 1.5 GB. */
  maxBytes?: number;
}

/** Gunzip when gzipped, else return the same bytes. Throws SnapshotDecodeError / SnapshotError. */
export function decodeSnapshotBytes(bytes: Uint8Array, options: DecodeOptions = {}): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  if (bytes.length === 0) throw new SnapshotError('snapshot is empty (0 bytes)', 'empty');
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes)
      throw new SnapshotError(`snapshot is ${bytes.length} bytes, more than the ${maxBytes} accepted`, 'too_large');
    return bytes;
  }
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || asError(error).name === 'RangeError') {
      throw new SnapshotError(`gzipped snapshot inflates to more than ${maxBytes} bytes`, 'too_large', { cause: error });
    }
    if (code === 'Z_BUF_ERROR') {
      throw new SnapshotDecodeError(
        `gzipped snapshot is truncated (${bytes.length} bytes read; the upload or copy was cut short)`,
        'truncated_gzip',
        { cause: error },
      );
    }
    throw new SnapshotDecodeError(`gzipped snapshot is corrupt (${errorMessage(error)})`, 'corrupt_gzip', { cause: error });
  }
  if (out.length === 0) throw new SnapshotError('snapshot is empty (gzip of 0 bytes)', 'empty');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** A SnapshotError as the engine's OpenFailure; any other error is not a snapshot problem and is rethrown. */
export function snapshotFailure(error: unknown): OpenFailure {
  if (error instanceof SnapshotError) return error.toOpenFailure();
  throw error;
}
