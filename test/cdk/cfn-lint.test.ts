// cfn-lint on every synthesized template variant. cfn-lint's exit code is a bit field: 2 = errors,
// 4 = warnings, 8 = informational (1 = it could not run). Warnings are allowed, errors are not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_PATH, readJson, synthesize } from './synth-helpers.ts';

const ERRORS = 2;
const COULD_NOT_RUN = 1;

interface LintMatch {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Filename: string;
}

function cfnLint(files: string[]): { status: number; matches: LintMatch[]; stderr: string } {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, matches: run.stdout.trim() ? (JSON.parse(run.stdout) as LintMatch[]) : [], stderr: run.stderr };
}

describe('cfn-lint', () => {
  let dir: string;
  let templates: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metis-cfn-lint-'));
    const variants = {
      example: readJson(EXAMPLE_CONFIG_PATH),
      minimal: {},
      'optional-sinks': {
        sinks: {
          pagerduty: { routingKeyParameter: '/metis/pd', kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
          chatops: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0456EFGH' } },
        },
      },
    };
    templates = Object.entries(variants).map(([name, raw]) => {
      const file = join(dir, `${name}.template.json`);
      writeFileSync(file, JSON.stringify(synthesize(raw).template.toJSON(), null, 1));
      return file;
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds no errors in the templates from the example, minimal and optional-sinks configs', () => {
    const { status, matches, stderr } = cfnLint(templates);
    const errors = matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message}`);
    expect(errors).toEqual([]);
    expect(status & COULD_NOT_RUN, stderr).toBe(0);
    expect(status & ERRORS).toBe(0);
  });

  it('does fail on a template with an error (control)', () => {
    const broken = join(dir, 'broken.template.json');
    writeFileSync(
      broken,
      JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 'two weeks' } } } }),
    );
    const { status, matches } = cfnLint([broken]);
    expect(status & ERRORS).toBe(ERRORS);
    expect(matches.some((m) => m.Level === 'Error')).toBe(true);
  });
});
