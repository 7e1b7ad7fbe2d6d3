// `metis-alerts routes`, `route --wire` and `test-page --dry-run` end to end (the real CLI entry): who gets
// paged when, every outbound request as sent with secrets masked, and a TEST incident on every sink.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metis-routes-'));
});

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const VENDORS = {
  sinks: {
    opsgenie: { apiKeyParameter: '/metis/opsgenie/api-key' },
    splunkOnCall: { restEndpointParameter: '/metis/splunk/rest-endpoint' },
    webhooks: [{ name: 'keep', urlParameter: '/metis/webhooks/keep', format: 'alertmanager' }],
  },
  routing: { maintenanceWindows: [{ name: 'sunday-upgrade', rules: ['disk_usage'], days: ['Sun'], start: '02:00', end: '04:00' }] },
};

describe('metis-alerts routes', () => {
  it('a SEV2 on Saturday 03:00 goes to chatops now and escalates to the pagers at 03:30', () => {
    const run = runCli(['routes', '--severity', 'SEV2', '--at', '2026-11-28T03:00:00Z', '--json']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      sinks: ['chatops'],
      escalation: { at: '2026-11-28T03:30:00.000Z', sinks: ['pagerduty', 'page', 'chatops'] },
      // Its ack clock runs 24/7 from the open; without routing.secondary a miss is a chatops post only.
      ackBy: '2026-11-28T04:00:00.000Z',
      secondary: [],
    });
  });

  it('prints the ack deadline and who gets the secondary page (--json: ackBy and secondary)', () => {
    const config = file('secondary.json', { routing: { secondary: ['page'] } });
    const json = runCli(['routes', '--severity', 'SEV1', '--at', '2026-11-28T03:00:00Z', '--config', config, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ackBy: '2026-11-28T03:15:00.000Z', secondary: ['page'] });
    const text = runCli(['routes', '--severity', 'SEV1', '--at', '2026-11-28T03:00:00Z', '--config', config]);
    expect(text.stdout.trim().split('\n').at(-1)).toBe(
      'ack by 2026-11-28T03:15:00.000Z (routing.targets.SEV1.ack), else "ack target missed" on chatops and a page to the secondary: page',
    );
    // SEV4 has no ack target in the runbook's table.
    expect(JSON.parse(runCli(['routes', '--severity', 'SEV4', '--at', '2026-11-28T03:00:00Z', '--json']).stdout).ackBy).toBeNull();
  });

  it('with Opsgenie, Splunk On-Call and a webhook configured, a SEV1 reaches every paging provider, the topics and the webhook', () => {
    const run = runCli([
      'routes',
      '--severity',
      'SEV1',
      '--at',
      '2026-11-24T10:00:00Z',
      '--config',
      file('vendors.json', VENDORS),
      '--json',
    ]);
    expect(JSON.parse(run.stdout)).toEqual({
      sinks: ['opsgenie', 'splunk-oncall', 'page', 'chatops', 'webhook:keep'],
      escalation: null,
      ackBy: '2026-11-24T10:15:00.000Z',
      secondary: [],
    });
  });

  it('a config with the policy column’s old name `pagerduty` routes as with `paging`, with one warning per place naming the new key', () => {
    const row = (column: string, on: boolean) => ({ [column]: on, page: on, chatops: true });
    const policy = (column: string) =>
      Object.fromEntries(
        ['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((sev) => [
          sev,
          { businessHours: row(column, sev === 'SEV1'), outOfHours: row(column, false) },
        ]),
      );
    const args = ['routes', '--severity', 'SEV1', '--at', '2026-11-24T10:00:00Z', '--json', '--config'];
    const old = runCli([...args, file('old-column.json', { routing: { policy: policy('pagerduty') } })]);
    const renamed = runCli([...args, file('new-column.json', { routing: { policy: policy('paging') } })]);
    expect(old.status).toBe(0);
    expect(JSON.parse(old.stdout)).toEqual({
      sinks: ['pagerduty', 'page', 'chatops'],
      escalation: null,
      ackBy: '2026-11-24T10:15:00.000Z',
      secondary: [],
    });
    expect(old.stdout).toBe(renamed.stdout);
    expect(renamed.stderr).toBe('');
    const warnings = old.stderr.trim().split('\n');
    expect(warnings).toHaveLength(8);
    expect(warnings[0]).toMatch(
      /^metis-alerts: warning: .*old-column\.json: routing\.policy\.SEV1\.businessHours\.pagerduty is deprecated: use "paging"/,
    );
  });

  it('--rule names the inhibitions that could hold it back and under what open incident: scoped to the target of its traffic', () => {
    const config = file('targets.json', {
      healthTargets: [
        { name: 'agent-server', url: 'https://agents.example.com/health' },
        { name: 'gateway', url: 'https://gw.example.com/healthz' },
      ],
      snapshot: {},
    });
    const routes = (severity: string, rule: string) =>
      runCli(['routes', '--severity', severity, '--at', '2026-11-24T10:00:00Z', '--rule', rule, '--config', config]).stdout;
    expect(routes('SEV2', 'provider_unavailable')).toBe(
      'SEV2 at 2026-11-24T10:00:00.000Z: pagerduty, page, chatops\n' +
        'held back (chatops "suppressed", no page) by inhibition gateway-down while an open incident with rule healthz_down, severity SEV1, more severe than SEV2, target gateway\n' +
        'no escalation\n' +
        'ack by 2026-11-24T11:00:00.000Z (routing.targets.SEV2.ack), else "ack target missed" on chatops and no secondary page (routing.secondary is empty)\n',
    );
    // A SEV1 is never held back; a probe rule is held back only by the total outage of its own health target.
    const sev1 = runCli([
      'routes',
      '--severity',
      'SEV1',
      '--at',
      '2026-11-24T10:00:00Z',
      '--rule',
      'bill_threshold',
      '--config',
      config,
      '--json',
    ]);
    expect(JSON.parse(sev1.stdout)).toEqual({
      sinks: ['pagerduty', 'page', 'chatops'],
      escalation: null,
      inhibitedWhile: [],
      ackBy: '2026-11-24T10:15:00.000Z',
      secondary: [],
    });
    expect(routes('SEV2', 'inbound_shape_down')).toContain(
      'held back (chatops "suppressed", no page) by inhibition gateway-down-shapes while an open incident with rule gateway_down, ' +
        'severity SEV1, more severe than SEV2, target the same as the signal\n',
    );
    expect(routes('SEV3', 'tls_expiry')).toContain('no inhibition can hold it back\n');
  });

  it('--rule names the maintenance window that silences the rule at that time', () => {
    const run = runCli([
      'routes',
      '--severity',
      'SEV1',
      '--at',
      '2026-11-29T03:00:00Z',
      '--rule',
      'disk_usage',
      '--config',
      file('v2.json', VENDORS),
      '--json',
    ]);
    expect(JSON.parse(run.stdout)).toEqual({
      sinks: [],
      escalation: null,
      silencedBy: 'window:sunday-upgrade',
      ackBy: null,
      secondary: [],
    });
    const text = runCli(['routes', '--severity', 'SEV3', '--at', '2026-11-24T10:00:00Z']);
    expect(text.stdout).toBe(
      'SEV3 at 2026-11-24T10:00:00.000Z: chatops\nno escalation\n' +
        'ack by 2026-11-25T10:00:00.000Z (routing.targets.SEV3.ack), else "ack target missed" on chatops and no secondary page (routing.secondary is empty)\n',
    );
  });

  it.each([
    [['routes', '--severity', 'SEV9', '--at', '2026-11-24T10:00:00Z'], 'routes: --severity must be one of SEV1, SEV2, SEV3, SEV4'],
    [['routes', '--severity', 'SEV1'], 'routes: --at ISO is required (e.g. 2026-11-28T03:00:00Z)'],
    [['routes', '--severity', 'SEV1', '--at', 'saturday'], '--at: expected an ISO-8601 time such as 2026-11-20T12:00:00Z, got "saturday"'],
  ])('rejects %j with exit 2 and one line', (args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`metis-alerts routes: ${message}\n`);
  });
});

describe('metis-alerts route --wire', () => {
  it('writes one JSON line per outbound request as sent, secrets masked', () => {
    const signals = file('signals.json', [
      {
        source: 'trace-db',
        rule: 'provider_unavailable',
        subject: 'openai',
        severity: 'SEV1',
        status: 'firing',
        dedupKey: 'provider_unavailable:openai',
        summary: 'openai unavailable',
        observedAt: '2026-11-24T10:00:00Z',
        details: {},
      },
    ]);
    const wire = join(dir, 'wire.jsonl');
    const run = runCli(['route', '--signals', signals, '--config', file('w.json', VENDORS), '--wire', wire, '--json']);
    expect(run.status).toBe(0);
    const lines = readFileSync(wire, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string; sink: string; request: Record<string, unknown> });
    expect(lines.map((l) => l.sink)).toEqual(['opsgenie', 'splunk-oncall', 'page', 'chatops', 'webhook:keep']);
    expect(lines.every((l) => l.at === '2026-11-24T10:00:00.000Z')).toBe(true);
    const [opsgenie, splunk, page, chatops, webhook] = lines;
    expect(opsgenie?.request).toMatchObject({
      method: 'POST',
      url: 'https://api.opsgenie.com/v2/alerts',
      headers: { Authorization: 'GenieKey [MASKED]' },
    });
    expect(splunk?.request.url).toBe('https://dry-run.invalid/integrations/[MASKED]');
    expect(webhook?.request.body).toMatchObject({ version: '4', status: 'firing', receiver: 'keep' });
    expect(page?.request).toMatchObject({ MessageStructure: 'json', Subject: '[SEV1] FIRING provider_unavailable: openai' });
    const chatbot = JSON.parse((JSON.parse(chatops!.request.Message as string) as { https: string }).https) as {
      version: string;
      source: string;
    };
    expect(chatbot).toMatchObject({ version: '1.0', source: 'custom' });
    expect(readFileSync(wire, 'utf8')).not.toMatch(/dry-run-secret|dry-run-token/);
  });
});

describe('metis-alerts test-page --dry-run', () => {
  it('triggers then resolves a TEST incident on every configured sink and reports each delivered', () => {
    const wire = join(dir, 'test-page.jsonl');
    const run = runCli([
      'test-page',
      '--dry-run',
      '--now',
      '2026-11-24T10:00:00Z',
      '--config',
      file('tp.json', VENDORS),
      '--wire',
      wire,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { dedupKey: string; sinks: Record<string, unknown> };
    expect(result.dedupKey).toBe('test_page:test-page-20261124100000');
    const both = { trigger: 'delivered', resolve: 'delivered' };
    expect(result.sinks).toEqual({ opsgenie: both, 'splunk-oncall': both, page: both, chatops: both, 'webhook:keep': both });
    const lines = readFileSync(wire, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line).toContain('TEST');
  });

  it('outside a dry run it reaches the deployed stack: without a region, exit 2 and one line saying how to give it', () => {
    const nowhere = join(dir, 'no-such-aws-file');
    const env = { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere };
    const run = runCli(['test-page'], { cwd: dir, env: { ...env, METIS_ALERTS_BUS: '', METIS_ALERTS_TABLE: '' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'metis-alerts test-page: no AWS region: pass --region REGION or set AWS_REGION (or a region in your AWS_PROFILE)\n',
    );
  });
});
