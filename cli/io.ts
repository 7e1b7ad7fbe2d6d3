// Small I/O helpers shared by the CLI commands.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ConfigError, defaultConfig, type Config } from '../lambdas/core/config.ts';
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { UsageError } from './errors.ts';

export interface Output {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const DEFAULT_CONFIG_FILE = 'metis-alerts.config.json';

/** `--config FILE`, else ./metis-alerts.config.json if present, else the built-in defaults. */
export function resolveConfig(path: string | undefined): Config {
  if (path) return loadConfigFile(path);
  return existsSync(DEFAULT_CONFIG_FILE) ? loadConfigFile(DEFAULT_CONFIG_FILE) : defaultConfig();
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * An instant with its zone (`Z` or `+hh:mm`). A time without one would be read in the machine's local time,
 * so the same command would answer differently under another TZ: refused.
 */
export function parseInstant(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag}: expected an ISO-8601 time such as 2026-11-20T12:00:00Z, got "${value}"`);
  }
  if (!/(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(value.trim())) {
    throw new UsageError(`${flag}: "${value}" has no time zone; add Z (UTC) or an offset such as +01:00`);
  }
  return date;
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
