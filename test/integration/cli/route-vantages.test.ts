// `metis-alerts route` on probe reports from several vantages, end to end: the README's "one region loses
// its path: no page" example (examples/vantages/, committed) and the same replay with a second region
// failing, which pages SEV1. A report from a region that is not a configured vantage is exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const EXAMPLE = 'examples/vantages/one-region-loses-its-path.jsonl';
const CONFIG = 'examples/vantages/metis-alerts.config.json';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metis-route-vantages-'));
});

type Report = { vantage?: string; evaluatedAt: string; signals: { vantage?: string }[] };
const exampleReports = (): Report[] =>
  readFileSync(EXAMPLE, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Report);

function write(name: string, reports: Report[]): string {
  const path = join(dir, name);
  writeFileSync(path, reports.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return path;
}

describe('route --signals with reports from three vantages', () => {
  it('one region loses its path (us-east-1 times out every round, the others answer): no page, one SEV3 on chatops', () => {
    const wire = join(dir, 'wire.jsonl');
    const run = runCli(['route', '--signals', EXAMPLE, '--config', CONFIG, '--wire', wire]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('SEV3  chatops       trigger   vantage_unreachable:us-east-1\n');
    const posts = readFileSync(wire, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sink: string; request: { Subject: string; Message: string } });
    expect(posts.map((p) => p.sink)).toEqual(['chatops']);
    const message = posts[0]!.request.Message;
    expect(message).toContain('gateway is up from 2 other regions (eu-central-1 ok in 38 ms, ap-southeast-2 ok in 291 ms)');
    expect(message).toContain('check the path from us-east-1');
  });

  it('the same replay with ap-southeast-2 failing too: a quorum of two failing twice in a row pages SEV1', () => {
    const reports = exampleReports();
    const failing = reports.filter((r) => r.vantage === 'us-east-1');
    // ap-southeast-2 now sees exactly what us-east-1 sees a second later.
    const variant = reports.map((r) => {
      if (r.vantage !== 'ap-southeast-2') return r;
      const twin = failing.find((f) => Date.parse(f.evaluatedAt) === Date.parse(r.evaluatedAt) + 1000)!;
      return {
        ...twin,
        vantage: 'ap-southeast-2',
        evaluatedAt: r.evaluatedAt,
        signals: twin.signals.map((s) => ({ ...s, vantage: 'ap-southeast-2' })),
      };
    });
    const run = runCli(['route', '--signals', write('two-regions.jsonl', variant), '--config', CONFIG, '--json']);
    expect(run.stderr).toBe('');
    const { deliveries } = JSON.parse(run.stdout) as { deliveries: { sink: string; action: string; severity: string; dedupKey: string }[] };
    const sent = deliveries.map((d) => `${d.severity} ${d.sink} ${d.action} ${d.dedupKey}`);
    // ap-southeast-2's first failure comes in before us-east-1's: for that second it fails alone (SEV3, chatops);
    // once us-east-1 fails too it is the gateway's (SEV2, chatops out of hours; 03:00 UTC), the SEV3 resolves,
    // and the second failure in a row at both pages SEV1 on every sink.
    expect(sent).toEqual([
      'SEV3 chatops trigger vantage_unreachable:ap-southeast-2',
      'SEV2 chatops trigger healthz_down:gateway',
      'SEV3 chatops resolve vantage_unreachable:ap-southeast-2',
      'SEV1 pagerduty trigger healthz_down:gateway',
      'SEV1 page trigger healthz_down:gateway',
      'SEV1 chatops trigger healthz_down:gateway',
    ]);
  });

  it('a report from a region that is not in probes.vantages: exit 2 naming the region and what to do', () => {
    const reports = exampleReports().map((r) => (r.vantage === 'ap-southeast-2' ? { ...r, vantage: 'sa-east-1' } : r));
    const run = runCli(['route', '--signals', write('foreign.jsonl', reports), '--config', CONFIG]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'metis-alerts route: a probe report from vantage "sa-east-1", which is not in probes.vantages (home, eu-central-1, us-east-1, ap-southeast-2): add it there or remove that probe stack (--config)\n',
    );
  });
});
