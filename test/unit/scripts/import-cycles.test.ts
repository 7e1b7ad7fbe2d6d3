// scripts/import-cycles.ts, the lint step that refuses files importing each other in a circle.
import { describe, expect, it } from 'vitest';
import { findCycles, importsOf, repositoryGraph } from '../../../scripts/import-cycles.ts';

describe('importsOf', () => {
  it('reads static, type-only, re-export and dynamic relative imports; skips packages', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      "const d = await import('./d.ts');",
      "import { z } from 'zod';",
      "import {\n  e,\n  f,\n} from './ef.ts';",
    ].join('\n');
    expect(importsOf(source)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './ef.ts']);
  });
});

describe('findCycles', () => {
  it('names a two-file cycle (the shape scan.ts <-> traceback-tally.ts had) once', () => {
    const graph = new Map([
      ['scan.ts', ['traceback-tally.ts', 'rules.ts']],
      ['traceback-tally.ts', ['scan.ts']],
      ['rules.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([['scan.ts', 'traceback-tally.ts', 'scan.ts']]);
  });

  it('finds a longer cycle and a self-import; a diamond is no cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['d.ts']],
      ['c.ts', ['d.ts']],
      ['d.ts', []],
      ['x.ts', ['y.ts']],
      ['y.ts', ['z.ts']],
      ['z.ts', ['x.ts']],
      ['self.ts', ['self.ts']],
    ]);
    expect(findCycles(graph)).toEqual([
      ['self.ts', 'self.ts'],
      ['x.ts', 'y.ts', 'z.ts', 'x.ts'],
    ]);
  });

  it('the repository has none, and its graph holds the files that once formed cycles', () => {
    const graph = repositoryGraph(process.cwd());
    expect(graph.get('lambdas/core/logs/scan.ts')).toContain('lambdas/core/logs/traceback-tally.ts');
    expect(graph.get('lambdas/core/trace-db/snapshot-unreadable.ts')).toContain('lambdas/core/trace-db/db-integrity.ts');
    expect(findCycles(graph)).toEqual([]);
  });
});
