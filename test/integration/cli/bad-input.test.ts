// Nothing is silently read as "nothing happened": each bad input below exits 2 with one line on stderr
// (and nothing on stdout), run through the real binary. Gzipped inputs are read as gzip wherever a file
// is taken, and a file that is not SQLite still reports db_integrity but warns that the path may be wrong.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { STDLIB_TRACEBACK } from '../../unit/core/logs/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metis-bad-input-'));
});

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** No AWS settings at all: a check that needed the table would fail with a different line. */
const NO_AWS = { METIS_ALERTS_TABLE: '', METIS_ALERTS_BUS: '', AWS_REGION: '', AWS_DEFAULT_REGION: '' };

function expectOneLine(args: string[], command: string, line: RegExp | string, env: Record<string, string> = {}): void {
  const run = runCli(args, { cwd: dir, env });
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')).toHaveLength(2);
  if (typeof line === 'string') expect(run.stderr).toBe(`metis-alerts ${command}: ${line}\n`);
  else expect(run.stderr).toMatch(line);
  expect(run.status).toBe(2);
}

describe('route --signals on an empty file', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t\n'],
  ])('%s: exit 2 (a failed `check > out.json` is not an all clear)', (_name, content) => {
    const path = file(`signals-${content.length}.json`, content);
    expectOneLine(
      ['route', '--signals', path],
      'route',
      `${path}: empty file, no signals or reports to route (did the command that wrote it fail?)`,
    );
  });
});

describe('impossible dates, wherever a time is taken', () => {
  it.each([
    [
      'check --now',
      ['check', '--db', 'x.db', '--now', '2026-02-30T10:00:00Z'],
      'check',
      '--now',
      '2026-02-30T10:00:00Z',
      '2026-02 has 28 days, not 30',
    ],
    [
      'route --now',
      ['route', '--signals', 'x.json', '--now', '2026-04-31T10:00:00Z'],
      'route',
      '--now',
      '2026-04-31T10:00:00Z',
      '2026-04 has 30 days, not 31',
    ],
    [
      'routes --at',
      ['routes', '--severity', 'SEV1', '--at', '2026-13-01T00:00:00Z'],
      'routes',
      '--at',
      '2026-13-01T00:00:00Z',
      'there is no month 13',
    ],
    [
      'scan-logs --now',
      ['scan-logs', '--file', 'x.log', '--now', '2026-11-20T24:30:00Z'],
      'scan-logs',
      '--now',
      '2026-11-20T24:30:00Z',
      'there is no time 24:30:00',
    ],
    [
      'silence add --until',
      ['silence', 'add', '--rule', 'traceback', '--until', '2026-02-29T10:00:00Z', '--reason', 'x', '--now', '2026-02-27T10:00:00Z'],
      'silence',
      '--until',
      '2026-02-29T10:00:00Z',
      '2026-02 has 28 days, not 29',
    ],
  ])('%s', (_name, args, command, flag, value, detail) => {
    expectOneLine(args, command, `${flag}: "${value}" is not a real time (${detail})`, NO_AWS);
  });

  it('a real leap day is accepted (2028-02-29)', () => {
    const run = runCli(['routes', '--severity', 'SEV1', '--at', '2028-02-29T10:00:00Z']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^SEV1 at 2028-02-29T10:00:00.000Z: /);
  });
});

describe('silence add --rule with an unknown rule id', () => {
  it('exit 2 with "did you mean", before any AWS call (no table, no region configured)', () => {
    expectOneLine(
      ['silence', 'add', '--rule', 'modle_error_rate', '--for', '2h', '--reason', 'x'],
      'silence',
      '--rule: no rule "modle_error_rate" (did you mean "model_error_rate"?) (docs/runbook-mapping.md lists the rule ids; add --alarm-rule for your own alarm\'s metis:rule tag)',
      NO_AWS,
    );
  });
});

describe('check --meta with an unknown key', () => {
  it.each([
    ['camelCase', { takenAt: '2026-11-20T12:00:00Z', volumeUsedPc: 50 }, 'volumeUsedPc', '"volumeUsedPct"'],
    ["the shipper's S3 keys", { 'taken-at': '2026-11-20T12:00:00Z', 'volume-usedpct': '50' }, 'volume-usedpct', '"volume-used-pct"'],
  ])('%s: exit 2 naming the key, with did you mean', (_name, meta, key, suggestion) => {
    const path = file(`meta-${key}.json`, JSON.stringify(meta));
    expectOneLine(
      ['check', '--db', file('meta.db', ''), '--meta', path],
      'check',
      new RegExp(
        `^metis-alerts check: ${path.replace(/[.]/g, '\\.')}: unknown key "${key}" \\(did you mean ${suggestion}\\?\\) \\(expected .*\\)\\n$`,
      ),
    );
  });
});

describe('scan-logs on a binary file, and gzipped logs', () => {
  it('a binary file is exit 2, not "no signals fired"', () => {
    const path = file('core.bin', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
    expectOneLine(
      ['scan-logs', '--file', path],
      'scan-logs',
      `${path}: the log file is a binary file, not text (first bytes "\\x7fELF\\x00\\x01\\x02\\x03\\xff\\xfe\\x00\\x00")`,
    );
  });

  it.each([
    ['named .gz', 'app.log.gz'],
    ['gzip bytes under another name', 'app.log'],
  ])('a gzipped log with a traceback fires the traceback (%s)', (_name, name) => {
    const path = file(name, gzipSync(`${STDLIB_TRACEBACK}\n`));
    const run = runCli(['scan-logs', '--file', path, '--now', '2026-11-20T12:05:00Z', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { signals: { rule: string }[] };
    expect(out.signals.map((s) => s.rule)).toEqual(['traceback']);
  });

  it('a file named .gz that is not gzip is exit 2', () => {
    const path = file('plain.log.gz', 'just text\n');
    expectOneLine(['scan-logs', '--file', path], 'scan-logs', `${path}: named .gz but not gzip (first bytes "just text\\x0a")`);
  });

  it('route --signals reads a gzipped file too', () => {
    const report = { source: 'logs', evaluatedAt: '2026-11-20T12:00:00Z', evaluated: ['traceback'], healthy: {}, signals: [] };
    const run = runCli(['route', '--signals', file('report.json.gz', gzipSync(JSON.stringify(report)))]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
