// Small I/O helpers shared by the CLI commands.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { ConfigError, defaultConfig, type Config } from '../lambdas/core/config.ts';
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { readIsoInstant } from '../lambdas/core/iso-instant.ts';
import { UsageError } from './errors.ts';

export interface Output {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const DEFAULT_CONFIG_FILE = 'metis-alerts.config.json';

/**
 * `--config FILE`, else ./metis-alerts.config.json if present, else the built-in defaults. A deprecated
 * key is a warning line on `stderr`, not an error.
 */
export function resolveConfig(path: string | undefined, stderr: Output['stderr'] = process.stderr): Config {
  const warn = (message: string): void => void stderr.write(`metis-alerts: warning: ${message}\n`);
  if (path) return loadConfigFile(path, warn);
  return existsSync(DEFAULT_CONFIG_FILE) ? loadConfigFile(DEFAULT_CONFIG_FILE, warn) : defaultConfig();
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** A file's bytes, gunzipped when it is gzip (by its magic bytes, whatever its name: `.gz` or not). */
export function readInput(path: string, what: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`${path}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!isGzip(bytes)) {
    if (path.endsWith('.gz') && bytes.length > 0)
      throw new UsageError(`${path}: named .gz but not gzip (first bytes ${firstBytes(bytes)})`);
    return bytes;
  }
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new UsageError(`${path}: ${what} is gzip but cannot be unzipped (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * A text file (gunzipped if gzip). Refused when it is binary (a NUL byte, or not UTF-8): scanning it as
 * text would find nothing and read as "all clear".
 */
export function readText(path: string, what: string): string {
  const bytes = readInput(path, what);
  const sample = bytes.subarray(0, 64 * 1024);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${path}: ${what} is a binary file, not text (first bytes ${firstBytes(bytes)})`);
  }
  if (sample.includes(0)) throw new UsageError(`${path}: ${what} is a binary file, not text (first bytes ${firstBytes(bytes)})`);
  return text;
}

/** The first bytes of a file as a person can read them: printable ASCII as is, the rest as \xNN. */
export function firstBytes(bytes: Uint8Array, count = 16): string {
  const shown = Array.from(bytes.subarray(0, count), (b) =>
    b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
  );
  return `"${shown.join('')}"${bytes.length > count ? '...' : ''}`;
}

/**
 * An instant with its zone (`Z` or `+hh:mm`), read strictly (lambdas/core/iso-instant.ts): an impossible
 * date such as 2026-02-30 is refused, not rolled over; a time without a zone would be read in the
 * machine's local time, so the same command would answer differently under another TZ: refused too.
 */
export function parseInstant(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const reading = readIsoInstant(value);
  if (reading.ok) return new Date(reading.ms);
  if (reading.problem === 'zone') throw new UsageError(`${flag}: "${value}" has no time zone; add Z (UTC) or an offset such as +01:00`);
  if (reading.problem === 'calendar') throw new UsageError(`${flag}: "${value}" is not a real time (${reading.detail})`);
  throw new UsageError(`${flag}: expected an ISO-8601 time such as 2026-11-20T12:00:00Z, got "${value}"`);
}

export function isInputError(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof ConfigError;
}

/** Who runs the command, for the records it writes (a silence's createdBy, a resolve's timeline line). */
export function currentUser(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.USER ?? env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
