// `metis-alerts probe` end to end, as an operator runs it: the real CLI in a child process against real
// servers on 127.0.0.1, the JSON contract of docs/architecture.md (CLI) with the right failure class for each,
// exit 0 whatever the target answered, exit 2 with one stderr line on bad input. A private CA is trusted
// the way Node documents it, through NODE_EXTRA_CA_CERTS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, answerAfter, closedPort, startTarget, type TestTarget } from '../support/probe-targets.ts';
import { runCliAsync } from '../support/probe-targets.ts';
import { selfSignedCertificate, type TestCertificate } from '../support/test-certs.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const KEYS = ['url', 'ok', 'failure', 'status', 'latencyMs', 'tlsDaysLeft'];

let healthy: TestTarget;
let failing: TestTarget;
let slow: TestTarget;
let tls5: TestTarget;
let tlsExpired: TestTarget;
let fiveDays: TestCertificate;
let expired: TestCertificate;

beforeAll(async () => {
  const now = Date.now();
  fiveDays = selfSignedCertificate({ notBefore: new Date(now - DAY), notAfter: new Date(now + 5 * DAY + HOUR) });
  expired = selfSignedCertificate({ notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - 2 * DAY - HOUR) });
  healthy = await startTarget(answer(200));
  failing = await startTarget(answer(503));
  slow = await startTarget(answerAfter(5000));
  tls5 = await startTarget(answer(200), { tls: fiveDays });
  tlsExpired = await startTarget(answer(200), { tls: expired });
});
afterAll(async () => {
  await Promise.all([healthy, failing, slow, tls5, tlsExpired].map((t) => t?.close()));
  fiveDays?.cleanup();
  expired?.cleanup();
});

async function probeJson(args: string[], env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const run = await runCliAsync(['probe', ...args, '--json'], env);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const json = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(Object.keys(json)).toEqual(KEYS);
  return json;
}

describe('metis-alerts probe --json', () => {
  it('200: ok, failure null, tlsDaysLeft null', async () => {
    const json = await probeJson(['--url', healthy.url]);
    expect(json).toMatchObject({ url: healthy.url, ok: true, failure: null, status: 200, tlsDaysLeft: null });
    expect(json.latencyMs).toEqual(expect.any(Number));
  });

  it('503: http_status, still exit 0', async () => {
    expect(await probeJson(['--url', failing.url])).toMatchObject({ ok: false, failure: 'http_status', status: 503, tlsDaysLeft: null });
  });

  it('slower than --timeout-ms: timeout', async () => {
    const json = await probeJson(['--url', slow.url, '--timeout-ms', '300']);
    expect(json).toMatchObject({ ok: false, failure: 'timeout', status: null, tlsDaysLeft: null });
    expect(json.latencyMs as number).toBeGreaterThanOrEqual(290);
    expect(json.latencyMs as number).toBeLessThan(3000);
  });

  it('closed port: connection', async () => {
    const port = await closedPort();
    expect(await probeJson(['--url', `http://127.0.0.1:${port}/healthz`])).toMatchObject({
      ok: false,
      failure: 'connection',
      status: null,
      tlsDaysLeft: null,
    });
  });

  it('certificate expiring in 5 days, CA trusted via NODE_EXTRA_CA_CERTS: ok with tlsDaysLeft 5', async () => {
    expect(await probeJson(['--url', tls5.url], { NODE_EXTRA_CA_CERTS: fiveDays.certPath })).toMatchObject({
      ok: true,
      failure: null,
      status: 200,
      tlsDaysLeft: 5,
    });
  });

  it('the same certificate untrusted: tls, tlsDaysLeft still 5', async () => {
    expect(await probeJson(['--url', tls5.url])).toMatchObject({ ok: false, failure: 'tls', status: null, tlsDaysLeft: 5 });
  });

  it('expired certificate (trusted or not): tls with negative tlsDaysLeft', async () => {
    expect(await probeJson(['--url', tlsExpired.url], { NODE_EXTRA_CA_CERTS: expired.certPath })).toMatchObject({
      ok: false,
      failure: 'tls',
      status: null,
      tlsDaysLeft: -3,
    });
    expect(await probeJson(['--url', tlsExpired.url])).toMatchObject({ ok: false, failure: 'tls', tlsDaysLeft: -3 });
  });
});

describe('metis-alerts probe (text)', () => {
  it('a 503 prints the class and the runbook first move', async () => {
    const run = await runCliAsync(['probe', '--url', failing.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`FAILED  ${failing.url}  http_status: HTTP 503 (expected 2xx)`);
    expect(run.stdout).toContain(`sick app: ${failing.url} answered HTTP 503`);
    expect(run.stdout).toContain('first: check the app logs: kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway');
  });

  it('a healthy https target prints ok with the certificate days', async () => {
    const run = await runCliAsync(['probe', '--url', tls5.url], { NODE_EXTRA_CA_CERTS: fiveDays.certPath });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^ok {6}${tls5.url.replace(/[.]/g, '\\.')} {2}HTTP 200 in \\d+ ms, certificate expires in 5 day\\(s\\)\\n$`),
    );
  });
});

describe('metis-alerts probe: bad input exits 2 with one line', () => {
  it.each([
    [['--url', 'not a url'], 'metis-alerts probe: --url: not an absolute URL: "not a url"'],
    [['--url', 'ftp://127.0.0.1/x'], 'metis-alerts probe: --url: expected an http:// or https:// URL, got "ftp:"'],
    [[], 'metis-alerts probe: --url URL is required'],
    [
      ['--url', 'http://127.0.0.1/', '--timeout-ms', 'soon'],
      'metis-alerts probe: --timeout-ms: expected whole milliseconds from 1 to 120000, got "soon"',
    ],
    [
      ['--url', 'http://127.0.0.1/', '--timeout-ms', '0'],
      'metis-alerts probe: --timeout-ms: expected whole milliseconds from 1 to 120000, got "0"',
    ],
  ])('%j', async (args, message) => {
    const run = await runCliAsync(['probe', ...args]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${message}\n`);
  });

  it('an unknown flag', async () => {
    const run = await runCliAsync(['probe', '--url', 'http://127.0.0.1/', '--insecure']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^metis-alerts probe: unknown flag --insecure /);
  });
});
