// bin/app.ts as the CDK CLI runs it: a child process with context in CDK_CONTEXT_JSON and CDK_OUTDIR set.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_PATH, REPO_ROOT } from './synth-helpers.ts';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const APP = join(REPO_ROOT, 'bin', 'app.ts');

function runApp(opts: { cwd: string; context?: Record<string, string>; outdir: string; env?: NodeJS.ProcessEnv }) {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: opts.outdir, ...opts.env };
  delete env.CDK_CONTEXT_JSON;
  if (opts.context) env.CDK_CONTEXT_JSON = JSON.stringify(opts.context);
  const run = spawnSync(TSX, [APP], { cwd: opts.cwd, env, encoding: 'utf8', timeout: 90_000 });
  if (run.error) throw run.error;
  return { status: run.status, stderr: run.stderr };
}

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('bin/app.ts', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metis-app-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with one line naming the key when the config is invalid', () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ sinks: { pagerduty: { routingKeyParameter: 'abc' } } }));
    const { status, stderr } = runApp({ cwd: REPO_ROOT, context: { config }, outdir: join(dir, 'out-bad') });
    expect(status).toBe(2);
    expect(nonEmptyLines(stderr)).toHaveLength(1);
    expect(stderr).toContain(`${config}: sinks.pagerduty.routingKeyParameter: expected an SSM parameter name`);
  });

  it('exits 2 with one line when probe vantages are configured but the home region is unknown', () => {
    const config = join(dir, 'vantages.json');
    writeFileSync(
      config,
      JSON.stringify({ healthTargets: [{ name: 'gateway', url: 'https://gw.example.com/healthz' }], probes: { vantages: ['us-east-1'] } }),
    );
    const { status, stderr } = runApp({
      cwd: REPO_ROOT,
      context: { config },
      outdir: join(dir, 'out-vantages'),
      env: { CDK_DEFAULT_REGION: '' },
    });
    expect(status).toBe(2);
    expect(nonEmptyLines(stderr)).toEqual([
      `${config}: probes.vantages: the home region is unknown: deploy with a region (AWS_REGION or the profile's) or pass -c homeRegion=REGION`,
    ]);
  });

  it('exits 2 with one line naming the file when the config cannot be read', () => {
    const config = join(dir, 'missing.json');
    const { status, stderr } = runApp({ cwd: REPO_ROOT, context: { config }, outdir: join(dir, 'out-missing') });
    expect(status).toBe(2);
    expect(nonEmptyLines(stderr)).toEqual([`${config}: cannot read the config file (ENOENT)`]);
  });

  it('falls back to the example config, says so on stderr, and synthesizes past cdk-nag', () => {
    const cwd = join(dir, 'project');
    const outdir = join(dir, 'out-example');
    mkdirSync(cwd);
    copyFileSync(EXAMPLE_CONFIG_PATH, join(cwd, 'metis-alerts.config.example.json'));
    const { status, stderr } = runApp({ cwd, outdir });
    expect(status, stderr).toBe(0);
    expect(stderr).toContain('metis-alerts: no metis-alerts.config.json, using metis-alerts.config.example.json');
    const template = JSON.parse(readFileSync(join(outdir, 'metis-prod.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Runtime?: string } }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // Router, sweeper, trace-check (snapshot), probe (health targets) and log-watch (log groups), one runtime.
    expect(functions.map((f) => f.Properties.Runtime)).toEqual(['nodejs22.x', 'nodejs22.x', 'nodejs22.x', 'nodejs22.x', 'nodejs22.x']);
  });
});
