// cfn-lint on every synthesized template variant, in one cfn-lint run (its start-up costs more than a
// template): the whole stack from the example, minimal, optional-sinks, probe, trace-check, staging and
// log-watch configs, LogWatch in a bare stack, and a broken template as the control that proves the run
// reports errors. Warnings are allowed, errors are not (see cfn-lint-helpers.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COULD_NOT_RUN, ERRORS, cfnLint, type LintRun } from './cfn-lint-helpers.ts';
import { EXAMPLE_CONFIG_PATH, readJson, synthesize } from './synth-helpers.ts';
import { LOG_WATCH_CONFIG, PROBE_CONFIG, SNAPSHOT_CONFIG, STAGING_CONFIG, logWatchBareStack } from './variants.ts';

const BROKEN = 'broken.template.json';

describe('cfn-lint', () => {
  let dir: string;
  let files: string[];
  let run: LintRun;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metis-cfn-lint-'));
    const stacks = {
      example: readJson(EXAMPLE_CONFIG_PATH),
      minimal: {},
      'optional-sinks': {
        sinks: {
          pagerduty: {
            routingKeyParameter: '/metis/pd',
            kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
          chatops: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0456EFGH' } },
        },
      },
      probes: PROBE_CONFIG,
      'trace-checks': SNAPSHOT_CONFIG,
      staging: STAGING_CONFIG,
      'log-watch': { name: LOG_WATCH_CONFIG.name, logGroups: LOG_WATCH_CONFIG.logGroups, rules: LOG_WATCH_CONFIG.rules },
    };
    const templates: Record<string, unknown> = Object.fromEntries(
      Object.entries(stacks).map(([name, raw]) => [`${name}.template.json`, synthesize(raw).template.toJSON()]),
    );
    templates['log-watch-bare.template.json'] = Template.fromStack(logWatchBareStack(LOG_WATCH_CONFIG).stack).toJSON();
    // The control: a queue whose retention period is text.
    templates[BROKEN] = { Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 'two weeks' } } } };
    files = Object.entries(templates).map(([name, template]) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(template, null, 1));
      return file;
    });
    run = cfnLint(files);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ran over every template', () => {
    expect(run.status & COULD_NOT_RUN, run.stderr).toBe(0);
    expect(files.map((f) => basename(f))).toEqual([
      'example.template.json',
      'minimal.template.json',
      'optional-sinks.template.json',
      'probes.template.json',
      'trace-checks.template.json',
      'staging.template.json',
      'log-watch.template.json',
      'log-watch-bare.template.json',
      BROKEN,
    ]);
  });

  it('finds no errors in any synthesized template', () => {
    const errors = run.matches.filter((m) => m.Level === 'Error' && basename(m.Filename) !== BROKEN);
    expect(errors.map((m) => `${basename(m.Filename)}: ${m.Rule.Id} ${m.Message}`)).toEqual([]);
  });

  it('does report the broken template (control): the run can fail', () => {
    expect(run.status & ERRORS).toBe(ERRORS);
    expect(run.matches.some((m) => m.Level === 'Error' && basename(m.Filename) === BROKEN)).toBe(true);
  });
});
