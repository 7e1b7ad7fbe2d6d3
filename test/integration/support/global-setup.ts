// vitest globalSetup for the integration and slow projects: one moto server per run, on a free loopback
// port, shared by every test file. Files run in parallel, each in its own moto account (moto-accounts.ts).
//
// Robustness notes, because CI runs this from a fresh clone:
// - the port is picked by binding :0 and releasing it; another process can grab it in between, so
//   a moto that exits early is restarted on a new port (3 tries) instead of failing the run;
// - readiness is an HTTP answer from moto, not a sleep; startup on a 2-core runner takes seconds;
// - if moto never answers, the error carries the tail of its stderr (e.g. "No module named moto");
// - teardown sends SIGTERM, then SIGKILL, and a process 'exit' hook kills it if vitest dies early.
// It also builds the CLI bundle (dist/cli) the CLI tests run.
// Set MOTO_ENDPOINT to reuse an already running moto (handy while iterating); nothing is spawned.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { buildCli } from '../../../scripts/build-cli.ts';
import { assignAccounts, motoTestFiles, type MotoCredentials } from './moto-accounts.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the moto server, e.g. http://127.0.0.1:40123 */
    motoEndpoint: string;
    /** Repository-relative test file path -> the moto account and credentials that file uses. */
    motoAccounts: Record<string, MotoCredentials>;
  }
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 45_000;
const START_ATTEMPTS = 3;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // docs/operations-notes.md: the SDK's Node 20 deprecation warning is harmless here; keep it out of every test's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The CLI tests run bin/metis-alerts.mjs, which runs the bundle only when it is current: build it once
  // here so they test today's sources at the bundle's speed (a stale bundle would fall back to tsx).
  await buildCli();
  const existing = process.env.MOTO_ENDPOINT;
  if (existing) {
    await waitForMoto(existing, undefined, START_TIMEOUT_MS);
    // A reused server still holds the last run's accounts: start from nothing, once, before any file runs.
    await resetMoto(existing);
    await provideMoto(project, existing);
    return async () => {};
  }

  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const endpoint = `http://${HOST}:${port}`;
    const moto = startMoto(port);
    try {
      await waitForMoto(endpoint, moto, START_TIMEOUT_MS);
      await provideMoto(project, endpoint);
      return () => stopMoto(moto);
    } catch (error) {
      lastError = error;
      await stopMoto(moto);
    }
  }
  throw new Error(`could not start moto after ${START_ATTEMPTS} attempts`, { cause: lastError });
}

async function provideMoto(project: TestProject, endpoint: string): Promise<void> {
  project.provide('motoEndpoint', endpoint);
  project.provide('motoAccounts', await assignAccounts(endpoint, motoTestFiles(project.config.root)));
}

async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

interface Moto {
  child: ChildProcess;
  stderrTail: () => string;
  exited: Promise<number | null>;
  onExit: () => void;
}

function startMoto(port: number): Moto {
  const python = process.env.PYTHON ?? 'python3';
  const child = spawn(python, ['-m', 'moto.server', '-H', HOST, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Werkzeug logs every request to stderr; keep only a tail for error messages.
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      tail += `\n${String(error)}`;
      resolve(null);
    });
  });
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  return { child, stderrTail: () => tail, exited, onExit };
}

async function stopMoto(moto: Moto): Promise<void> {
  process.removeListener('exit', moto.onExit);
  if (moto.child.exitCode !== null || moto.child.signalCode !== null) return;
  moto.child.kill('SIGTERM');
  const timer = setTimeout(() => moto.child.kill('SIGKILL'), 5_000);
  await moto.exited;
  clearTimeout(timer);
}

async function waitForMoto(endpoint: string, moto: Moto | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void moto?.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (moto && exitCode !== undefined) {
      throw new Error(`moto exited (code ${exitCode}) before answering on ${endpoint}:\n${moto.stderrTail()}`);
    }
    try {
      // The moto dashboard API answers as soon as the server is up, without touching any service.
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms:\n${moto?.stderrTail() ?? ''}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
