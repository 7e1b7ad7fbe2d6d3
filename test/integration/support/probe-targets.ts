// Real health targets on loopback for the probe tests: HTTP/HTTPS servers on free ports that record what
// they received, a port nobody listens on, and an async CLI runner (run-cli.ts's spawnSync would block
// the event loop these in-process servers answer from).
import { spawn } from 'node:child_process';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface TestTarget {
  readonly url: string;
  readonly port: number;
  /** Every request that reached the handler (after TLS, if any). */
  readonly requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Serve HTTPS with this certificate. */
  readonly tls?: { cert: string; key: string };
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default '/healthz' */
  readonly path?: string;
}

export async function startTarget(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: TargetOptions = {},
): Promise<TestTarget> {
  const requests: TestTarget['requests'] = [];
  const host = options.host ?? '127.0.0.1';
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createHttpServer(onRequest);
  // A failed TLS handshake is expected in these tests; keep it from surfacing as an unhandled error.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}${options.path ?? '/healthz'}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `status` with `body`. */
export function answer(status: number, body = status < 300 ? '{"status":"ok"}' : '{"status":"unavailable"}') {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
}

/** Answers 200 only after `ms` (a target slower than the probe's timeout). */
export function answerAfter(ms: number) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const timer = setTimeout(() => res.end('{"status":"ok"}'), ms);
    res.on('close', () => clearTimeout(timer));
  };
}

/** A loopback port with nothing listening: bind :0, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts and resets every connection (RST). */
export async function resettingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createNetServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/healthz`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const BIN = fileURLToPath(new URL('../../../bin/metis-alerts.mjs', import.meta.url));

/** The real CLI entry in a child process, without blocking this process's servers. */
export function runCliAsync(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
