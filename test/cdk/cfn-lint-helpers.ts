// cfn-lint over synthesized templates. Its exit code is a bit field: 1 = it could not run, 2 = errors,
// 4 = warnings, 8 = informational. Warnings are allowed, errors are not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';

export const COULD_NOT_RUN = 1;
export const ERRORS = 2;

export interface LintMatch {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Filename: string;
}

export interface LintRun {
  /** The exit code (-1 when cfn-lint was killed by a signal). */
  status: number;
  matches: LintMatch[];
  stderr: string;
}

/** Runs cfn-lint once over the files (JSON output), for `regions` (cfn-lint's default: us-east-1); throws when it cannot be started at all. */
export function cfnLint(files: string[], regions: string[] = []): LintRun {
  const regionArgs = regions.length ? ['--regions', ...regions] : [];
  const run = spawnSync('cfn-lint', ['--format', 'json', ...regionArgs, '--', ...files], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, matches: run.stdout.trim() ? (JSON.parse(run.stdout) as LintMatch[]) : [], stderr: run.stderr };
}

/** Writes each template as `<name>.template.json` into a fresh temporary directory, lints them in one run and removes the directory. */
export function cfnLintTemplates(templates: Record<string, Template>): LintRun {
  const dir = mkdtempSync(join(tmpdir(), 'metis-cfn-lint-'));
  try {
    const files = Object.entries(templates).map(([name, template]) => {
      const file = join(dir, `${name}.template.json`);
      writeFileSync(file, JSON.stringify(template.toJSON(), null, 1));
      return file;
    });
    return cfnLint(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error-level matches as `RuleId Message`. */
export function lintErrors(matches: LintMatch[]): string[] {
  return matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message}`);
}
