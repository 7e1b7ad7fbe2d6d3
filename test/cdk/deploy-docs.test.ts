// What the README's Deploy section promises about the stack is what the example config synthesizes: the
// resources `cdk destroy` keeps (and nothing else), and a template cfn-lint accepts in every region the
// README lists as supported.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cfnLint, lintErrors } from './cfn-lint-helpers.ts';
import { EXAMPLE_CONFIG_PATH, REPO_ROOT, readJson, synthesize } from './synth-helpers.ts';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}\n`);
  expect(start, `README section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n##', start + heading.length + 5);
  return markdown.slice(start, end === -1 ? undefined : end);
}

let template: Template;
let dir: string;
beforeAll(() => {
  template = synthesize(readJson(EXAMPLE_CONFIG_PATH)).template;
  dir = mkdtempSync(join(tmpdir(), 'metis-deploy-docs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's Deploy section", () => {
  it('"Destroy" names exactly what the stack retains: the incident table, the snapshot bucket, the KMS key, the five log groups', () => {
    const retained = Object.entries(template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>)
      .filter(([, r]) => r.DeletionPolicy === 'Retain')
      .map(([, r]) => r.Type)
      .sort();
    expect(retained).toEqual([
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::Logs::LogGroup',
      'AWS::Logs::LogGroup',
      'AWS::Logs::LogGroup',
      'AWS::Logs::LogGroup',
      'AWS::Logs::LogGroup',
      'AWS::S3::Bucket',
    ]);
    const destroy = section(README, 'Destroy');
    for (const kept of [
      'the incident table (deletion protection on)',
      'the snapshot bucket',
      'the KMS key',
      'the Lambda log groups (five with the example)',
    ])
      expect(destroy).toContain(kept);
    // The retained table is the incident table, with the deletion protection the README's commands lift first.
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: true } });
    expect(destroy).toContain('--no-deletion-protection-enabled');
  });

  it('"Supported regions": cfn-lint finds no error in the example template for any region listed', () => {
    const regions = [...section(README, 'Supported regions').matchAll(/\b[a-z]{2}-[a-z]+-\d\b/g)].map((m) => m[0]);
    expect(regions.length).toBeGreaterThanOrEqual(30);
    expect(regions).toContain('eu-central-1');
    const file = join(dir, 'example.template.json');
    writeFileSync(file, JSON.stringify(template.toJSON(), null, 1));
    const run = cfnLint([file], regions);
    expect(run.stderr).toBe('');
    expect(lintErrors(run.matches)).toEqual([]);
  });
});
