// `--help` of every command, `--version`, "did you mean" and shell completion, through the real binary.
// The help texts are compared with committed files in golden/: after changing a flag or its text in
// cli/spec.ts, regenerate them with `UPDATE_GOLDEN=1 npx vitest run test/integration/cli/help.test.ts`
// and review the diff.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };
import { SPECS } from '../../../cli/spec.ts';
import { runCli } from '../support/run-cli.ts';

const golden = (name: string) => new URL(`golden/${name}.txt`, import.meta.url);

function expectGolden(name: string, text: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden(name), text);
  expect(existsSync(golden(name)), `golden/${name}.txt is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(text).toBe(readFileSync(golden(name), 'utf8'));
}

describe('metis-alerts <command> --help', () => {
  it.each(Object.keys(SPECS))('%s --help matches its golden file, exit 0', (path) => {
    const run = runCli([...path.split(' '), '--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expectGolden(path.replace(' ', '-'), run.stdout);
  });

  it('every flag of a command is in its help with its default, and the help names the exit codes and an example', () => {
    for (const [path, spec] of Object.entries(SPECS)) {
      const run = runCli([...path.split(' '), '-h']);
      for (const flag of Object.keys(spec.flags))
        expect(run.stdout, `${path} --${flag}`).toMatch(new RegExp(`--${flag}\\b.*\\((required|default: [^)]+)\\)`));
      expect(run.stdout).toContain('2  bad input or configuration');
      expect(run.stdout).toMatch(/^examples?:\n {2}metis-alerts|^examples?:\n {2}\S/m);
    }
  });

  it('metis-alerts --help lists every command (golden), exit 0; no arguments prints it on stderr, exit 2', () => {
    const run = runCli(['--help']);
    expect(run.status).toBe(0);
    expectGolden('main', run.stdout);
    const bare = runCli([]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toBe(run.stdout);
  });

  it('metis-alerts help <command> is the command help', () => {
    expect(runCli(['help', 'silence', 'add']).stdout).toBe(runCli(['silence', 'add', '--help']).stdout);
  });
});

describe('metis-alerts --version', () => {
  it("prints package.json's version", () => {
    const run = runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`metis-alerts ${pkg.version}\n`);
  });
});

describe('did you mean', () => {
  it.each([
    [['chek', '--db', 'x'], 'metis-alerts: unknown command "chek" (did you mean "check"?); metis-alerts --help lists the commands'],
    [['silense', 'list'], 'metis-alerts: unknown command "silense" (did you mean "silence"?); metis-alerts --help lists the commands'],
    [['silence', 'ad', '--rule', 'x'], 'metis-alerts silence: unknown subcommand "ad" (did you mean "add"?) (expected add, list, expire)'],
    [
      ['incidents', 'reslove', 'k'],
      'metis-alerts incidents: unknown subcommand "reslove" (did you mean "resolve"?) (expected resolve, ack)',
    ],
    [
      ['route', '--signal', 'x.json'],
      'metis-alerts route: unknown flag --signal (did you mean --signals?) (metis-alerts route --help lists the flags)',
    ],
    [
      ['silence', 'list', '--tabel', 'T'],
      'metis-alerts silence: unknown flag --tabel (did you mean --table?) (metis-alerts silence list --help lists the flags)',
    ],
    [['frobnicate'], 'metis-alerts: unknown command "frobnicate"; metis-alerts --help lists the commands'],
    [['silence'], 'metis-alerts silence: expected a subcommand: add, list, expire (metis-alerts silence --help)'],
  ])('%j: exit 2 with one line', (args, line) => {
    const run = runCli(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${line}\n`);
  });
});

describe('metis-alerts completion', () => {
  /** What bash completes for a command line (the words typed so far, the last one being completed). */
  function complete(shell: 'bash', words: string[]): string[] {
    const script = runCli(['completion', shell]).stdout;
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const run = spawnSync(
      'bash',
      ['-c', `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _metis_alerts; printf '%s\\n' "\${COMPREPLY[@]}"`],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    return run.stdout.split('\n').filter(Boolean);
  }

  it('bash: completes commands, subcommands and flags from the same spec as --help', () => {
    expect(complete('bash', ['metis-alerts', 'sc'])).toEqual(['scan-logs']);
    expect(complete('bash', ['metis-alerts', 'silence', 'e'])).toEqual(['expire']);
    expect(complete('bash', ['metis-alerts', 'silence', 'add', '--r'])).toEqual(['--rule', '--reason', '--region']);
    expect(complete('bash', ['metis-alerts', 'incidents', 'resolve', '--t'])).toEqual(['--table', '--timeout-seconds']);
    expect(complete('bash', ['metis-alerts', 'check', '--db', ''])).toEqual([]);
  });

  it('zsh: the bash function behind bashcompinit; an unknown shell is exit 2', () => {
    const zsh = runCli(['completion', 'zsh']);
    expect(zsh.status).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -o default -F _metis_alerts metis-alerts');
    const fish = runCli(['completion', 'fish']);
    expect(fish.status).toBe(2);
    expect(fish.stderr).toBe('metis-alerts completion: unknown shell "fish" (expected bash or zsh)\n');
  });
});
