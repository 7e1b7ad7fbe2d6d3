// The README's commands are the ones this test runs: every line of a ```sh runnable block, in order, from
// the repository root, as a newcomer would paste it. A trailing `# exit N` is the exit status the README
// promises (0 otherwise), and each "quoted text" after it must appear in the output. Three lines are not
// run here, and the list says why (the demo's is run once, by its own test); /tmp/ is a fresh temporary
// directory so parallel runs do not share files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

const NOT_RUN_HERE: Record<string, string> = {
  'npm ci': 'this test runs inside a checkout npm ci has already installed',
  'npm test': 'this test is part of npm test',
  'npm run demo': 'test/integration/scripts/demo.test.ts runs this line once and checks its exit status and output',
};

interface Command {
  line: string;
  exit: number;
  says: string[];
}

function runnableCommands(markdown: string): Command[] {
  const blocks = [...markdown.matchAll(/^```sh runnable\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  return blocks
    .flatMap((block) => block.split('\n'))
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => {
      const comment = /\s#\s*(.*)$/.exec(line)?.[1] ?? '';
      const exit = /^exit (\d+)/.exec(comment);
      return {
        line: line.replace(/\s+#.*$/, '').trim(),
        exit: exit ? Number(exit[1]) : 0,
        says: exit ? [...comment.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [],
      };
    });
}

const commands = runnableCommands(README);
const tmp = mkdtempSync(join(tmpdir(), 'metis-readme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README runnable commands', () => {
  it('the README has the quickstart, the CLI tour and the bad-config synth as runnable blocks', () => {
    const lines = commands.map((c) => c.line);
    expect(lines).toEqual(expect.arrayContaining(['npm ci', 'npm run demo', 'npm test']));
    expect(lines.some((l) => l.startsWith('npx metis-alerts check '))).toBe(true);
    expect(commands.find((c) => c.line.startsWith('npx cdk synth'))).toMatchObject({ exit: 1 });
    expect(Object.keys(NOT_RUN_HERE).every((line) => lines.includes(line))).toBe(true);
  });

  it.each(commands.filter((c) => !(c.line in NOT_RUN_HERE)).map((c) => [c.line, c]))(
    '%s',
    (_line, command) => {
      const run = spawnSync('bash', ['-c', command.line.replaceAll('/tmp/', `${tmp}/`)], {
        cwd: REPO,
        encoding: 'utf8',
        // The demo's output folder is an environment variable: the command stays the README's.
        env: { ...process.env, NO_COLOR: '1', DEMO_OUT: join(tmp, 'demo-out') },
        timeout: 240_000,
      });
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status, output).toBe(command.exit);
      for (const text of command.says) expect(output).toContain(text);
    },
    250_000,
  );
});
