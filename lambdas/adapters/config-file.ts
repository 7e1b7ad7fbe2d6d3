// Reads and validates the configuration file for the CDK app and the CLI.
import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig, type Config } from '../core/config.ts';
import { errorMessage } from '../core/errors.ts';

/** `warn` hears what the file still accepts but should change (a deprecated key), one line each. */
export function loadConfigFile(path: string, warn?: (message: string) => void): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read the config file (${code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${errorMessage(error)})`);
  }
  return parseConfig(raw, path, warn);
}
