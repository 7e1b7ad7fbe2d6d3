// bench/results.md as parts: the intro, the summary table's rows (by benchmark id) and each benchmark's
// section (by its `## title`). A run with BENCH_ONLY replaces only its own rows and sections and keeps
// every other one as it was, so measuring one thing never deletes the figures of another.
import { markdownTable, type SummaryRow } from './harness.ts';

const HEADER = ['benchmark', 'metric', 'value', 'baseline', 'ratio', 'note'] as const;

export interface ResultsFile {
  intro: string;
  /** Table rows as written (benchmark id and the whole line), in file order. */
  rows: { id: string; line: string }[];
  /** `## title` -> the section's text, heading included, in file order. */
  sections: Map<string, string>;
}

function firstCell(line: string): string {
  return line.split('|')[1]?.trim() ?? '';
}

export function parseResults(text: string): ResultsFile {
  const lines = text.split('\n');
  const tableStart = lines.findIndex((line) => line.startsWith(`| ${HEADER[0]} |`));
  const firstSection = lines.findIndex((line) => line.startsWith('## '));
  const introEnd = tableStart === -1 ? (firstSection === -1 ? lines.length : firstSection) : tableStart;
  const rows: ResultsFile['rows'] = [];
  if (tableStart !== -1) {
    for (let i = tableStart + 2; i < lines.length && lines[i]!.startsWith('|'); i++)
      rows.push({ id: firstCell(lines[i]!), line: lines[i]! });
  }
  const sections = new Map<string, string>();
  let title: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (title !== undefined) sections.set(title, body.join('\n').trimEnd());
  };
  for (const line of firstSection === -1 ? [] : lines.slice(firstSection)) {
    if (line.startsWith('## ')) {
      flush();
      title = line.slice(3).trim();
      body = [line];
    } else body.push(line);
  }
  flush();
  return { intro: lines.slice(0, introEnd).join('\n').trimEnd(), rows, sections };
}

export interface BenchOutcome {
  id: string;
  title: string;
  rows: SummaryRow[];
  /** Its section, heading included. */
  section: string;
}

/**
 * The new file: `order` lists every benchmark (id, title) in report order; `fresh` holds the ones that ran.
 * Rows and sections of benchmarks that did not run are kept verbatim (also those of ids no longer listed).
 */
export function mergeResults(
  previous: ResultsFile | undefined,
  intro: string,
  order: readonly { id: string; title: string }[],
  fresh: readonly BenchOutcome[],
): string {
  const ran = new Map(fresh.map((outcome) => [outcome.id, outcome]));
  const oldRows = previous?.rows ?? [];
  const rows: string[] = [];
  const sections: string[] = [];
  const known = new Set(order.map((b) => b.id));
  const knownTitles = new Set(order.map((b) => b.title));
  for (const { id, title } of order) {
    const outcome = ran.get(id);
    if (outcome) {
      const cells = outcome.rows.map((r) => [r.benchmark, r.metric, r.value, r.baseline, r.ratio, r.note]);
      rows.push(...markdownTable(HEADER, cells).split('\n').slice(2));
      sections.push(outcome.section.trimEnd());
    } else {
      rows.push(...oldRows.filter((row) => row.id === id).map((row) => row.line));
      const kept = previous?.sections.get(title);
      if (kept !== undefined) sections.push(kept);
    }
  }
  rows.push(...oldRows.filter((row) => !known.has(row.id)).map((row) => row.line));
  for (const [title, text] of previous?.sections ?? []) if (!knownTitles.has(title)) sections.push(text);
  const table = [markdownTable(HEADER, []), ...rows].join('\n');
  return `${[intro, '', table, '', sections.join('\n\n')].join('\n')}\n`;
}
