// Fails (exit 1) when TypeScript files import each other in a circle, type-only imports included: a cycle
// makes load order matter and hides which file owns a type. Part of `npm run lint`.
// Follows relative imports (static, dynamic and re-exports) between the repository's own .ts files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOTS = ['bin', 'cli', 'lib', 'lambdas', 'bench', 'scripts', 'tools', 'test'];
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export type ImportGraph = Map<string, string[]>;

/** Relative specifiers a file imports (comments are not stripped: write no fake imports in comments). */
export function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => (match[1] ?? match[2]) as string);
}

/** Every cycle once, as the files along it (first file repeated at the end), found by a depth-first walk. */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The repository's import graph: repository-relative path -> the repository files it imports. */
export function repositoryGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of ROOTS.flatMap((dir) => tsFiles(join(root, dir)))) {
    const targets = importsOf(readFileSync(file, 'utf8'))
      .map((specifier) => resolve(dirname(file), specifier))
      .filter((target) => target.endsWith('.ts') && existsSync(target))
      .map((target) => relative(root, target));
    graph.set(relative(root, file), targets);
  }
  return graph;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const cycles = findCycles(repositoryGraph(process.cwd()));
  for (const cycle of cycles) console.error(`import cycle: ${cycle.join(' -> ')}`);
  if (cycles.length > 0) process.exit(1);
  console.log('import cycles: none');
}
