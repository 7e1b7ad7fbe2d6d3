// Runs the real `metis-alerts` entry (bin/metis-alerts.mjs) as a child process, as an operator would.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/metis-alerts.mjs', import.meta.url));
const TIMEOUT_MS = 60_000;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const childEnv = () => ({ ...process.env, NO_COLOR: '1' });

/** `env`: variables to set (or, with "", to blank) for this run on top of the test process's. */
export function runCli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    input: options.input,
    encoding: 'utf8',
    env: { ...childEnv(), ...options.env },
    timeout: TIMEOUT_MS,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same without blocking this process: for a command that waits on something the test itself does (the router's work). */
export function runCliAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(), timeout: TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
