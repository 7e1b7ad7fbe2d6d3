// docs/runbook-mapping.md's "how it is tested" column: every row names at least one test file, and every
// test file it names exists (a renamed or deleted test leaves the doc lying). The one row about what no
// detector sees (rule id "none") says so instead.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DOC = 'docs/runbook-mapping.md';
const COLUMN = 'how it is tested';

interface Row {
  line: number;
  cells: string[];
}

/** The rows of every Markdown table whose header has the column, with that column's index. */
function testedTables(markdown: string): { column: number; rows: Row[] }[] {
  const lines = markdown.split('\n');
  const tables: { column: number; rows: Row[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = cellsOf(lines[i]!);
    const column = header.indexOf(COLUMN);
    if (column < 0) continue;
    const rows: Row[] = [];
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++) rows.push({ line: j + 1, cells: cellsOf(lines[j]!) });
    tables.push({ column, rows });
  }
  return tables;
}

function cellsOf(line: string): string[] {
  if (!line.startsWith('|')) return [];
  return line
    .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

const testFilesIn = (cell: string): string[] => [...cell.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);

describe(DOC, () => {
  const tables = testedTables(readFileSync(DOC, 'utf8'));

  it('has the column in every rule table (severity rows, sources, scenarios, pipeline health, beyond the runbook, routing)', () => {
    expect(tables.length).toBe(6);
    expect(tables.every((t) => t.rows.length > 0)).toBe(true);
  });

  it('every row names a test file, except the one nothing detects, which says so', () => {
    const untested = tables.flatMap(({ column, rows }) =>
      rows
        .filter((row) => testFilesIn(row.cells[column] ?? '').length === 0)
        .map((row) => `line ${row.line}: ${row.cells[column] ?? '(no cell)'}`),
    );
    expect(untested).toEqual([expect.stringMatching(/^line \d+: not detected: nothing to test$/)]);
  });

  it('every test file it names exists', () => {
    const named = tables.flatMap(({ column, rows }) => rows.flatMap((row) => testFilesIn(row.cells[column] ?? '')));
    expect(named.length).toBeGreaterThan(60);
    expect(named.filter((path) => !existsSync(path))).toEqual([]);
  });
});
