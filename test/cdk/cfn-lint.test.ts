// cfn-lint on every synthesized template variant: warnings are allowed, errors are not (see cfn-lint-helpers.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COULD_NOT_RUN, ERRORS, cfnLint, lintErrors } from './cfn-lint-helpers.ts';
import { EXAMPLE_CONFIG_PATH, readJson, synthesize } from './synth-helpers.ts';

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
          pagerduty: {
            routingKeyParameter: '/metis/pd',
            kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
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
    expect(lintErrors(matches)).toEqual([]);
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
