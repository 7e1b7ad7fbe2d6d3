// The stray-file guard's comparison: what counts as left behind by a test run.
import { describe, expect, it } from 'vitest';
import { strayFiles } from '../../support/stray-files.ts';

describe('strayFiles', () => {
  const before = new Map([
    ['notes.txt', 1_000],
    ['scratch.db', 2_000],
  ]);

  it('names a file that appeared during the run', () => {
    expect(strayFiles(before, new Map([...before, ['crashcopy.db', 3_000]]))).toEqual(['crashcopy.db']);
  });

  it('names a file that was there before but written again', () => {
    expect(
      strayFiles(
        before,
        new Map([
          ['notes.txt', 1_000],
          ['scratch.db', 2_500],
        ]),
      ),
    ).toEqual(['scratch.db']);
  });

  it('leaves alone files untouched by the run and files the run removed', () => {
    expect(strayFiles(before, new Map([['notes.txt', 1_000]]))).toEqual([]);
  });
});
