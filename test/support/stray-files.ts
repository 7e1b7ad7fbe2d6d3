// vitest globalSetup for every project: a test run must not leave files in the working tree (an empty
// crashcopy.db was once committed by accident). Tests write into mkdtemp directories under the OS temp
// dir; this fails the run when a file git does not track (and does not ignore) appears or changes.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Untracked, not ignored files of the working tree with their modification times. */
export function untrackedFiles(repo: string = REPO): Map<string, number> {
  const listed = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: repo, encoding: 'utf8' });
  const files = new Map<string, number>();
  for (const path of listed.split('\0').filter(Boolean)) {
    try {
      files.set(path, statSync(join(repo, path)).mtimeMs);
    } catch {
      // removed between the listing and the stat: not left behind
    }
  }
  return files;
}

/** The files that appeared, or were written again, since `before`. */
export function strayFiles(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([path, mtime]) => before.get(path) !== mtime).map(([path]) => path);
}

export default function setup(): () => void {
  const before = untrackedFiles();
  return () => {
    const stray = strayFiles(before, untrackedFiles());
    if (stray.length > 0) {
      // vitest reports an error thrown here but still exits 0, so set the exit status as well.
      process.exitCode = 1;
      throw new Error(`tests left files in the working tree (write them under a mkdtemp directory instead): ${stray.join(', ')}`);
    }
  };
}
