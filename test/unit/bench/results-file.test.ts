// A BENCH_ONLY run replaces only its own rows and sections of bench/results.md and keeps every other one.
import { describe, expect, it } from 'vitest';
import { mergeResults, parseResults } from '../../../bench/results-file.ts';

const EXISTING = `# metis-alerts benchmarks

Written by several runs (hand-edited intro).

| benchmark | metric | value | baseline | ratio | note |
| --- | --- | --- | --- | --- | --- |
| a | a-metric | 1 s | 2 s | 0.50x | kept \\| escaped |
| b | b-metric | 3 s | 3 s | 1.00x | old b |
| gone | gone-metric | 9 s | 9 s | 1.00x | no longer listed |

## A title

a details

## B title

old b details

## Gone title

gone details
`;

const ORDER = [
  { id: 'a', title: 'A title' },
  { id: 'b', title: 'B title' },
  { id: 'c', title: 'C title' },
];

describe('mergeResults', () => {
  it('replaces the rows and section of the benchmark that ran, keeps the others verbatim and adds a new one in order', () => {
    const previous = parseResults(EXISTING);
    const out = mergeResults(previous, previous.intro, ORDER, [
      {
        id: 'b',
        title: 'B title',
        rows: [{ benchmark: 'b', metric: 'b-metric', value: '2 s', baseline: '3 s', ratio: '0.67x', note: 'new b' }],
        section: '## B title\n\nnew b details',
      },
      {
        id: 'c',
        title: 'C title',
        rows: [{ benchmark: 'c', metric: 'c-metric', value: '5 ms', baseline: '4 ms', ratio: '1.25x', note: 'new c' }],
        section: '## C title\n\nc details',
      },
    ]);
    expect(out).toContain('Written by several runs (hand-edited intro).');
    expect(out).toContain('| a | a-metric | 1 s | 2 s | 0.50x | kept \\| escaped |');
    expect(out).toContain('| b | b-metric | 2 s | 3 s | 0.67x | new b |');
    expect(out).not.toContain('old b');
    expect(out).toContain('| gone | gone-metric | 9 s | 9 s | 1.00x | no longer listed |');
    const order = ['| a |', '| b |', '| c |', '| gone |', '## A title', '## B title', '## C title', '## Gone title'].map((s) =>
      out.indexOf(s),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(out).toContain('a details');
    expect(out).toContain('gone details');
  });

  it('round-trips a file when nothing ran', () => {
    const previous = parseResults(EXISTING);
    expect(mergeResults(previous, previous.intro, ORDER, [])).toBe(EXISTING);
  });
});
