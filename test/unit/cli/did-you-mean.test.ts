import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../../cli/did-you-mean.ts';

describe('did you mean', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('tabel', 'table')).toBe(2);
  });

  it('suggests the closest name within a third of the word (at least 2 edits), else nothing', () => {
    expect(closest('modle_error_rate', ['model_error_rate', 'latency_p95'])).toBe('model_error_rate');
    expect(closest('sev', ['severity', 'at'])).toBeUndefined();
    expect(closest('frobnicate', ['check', 'route'])).toBeUndefined();
    expect(didYouMean('tabel', ['table', 'json'], (n) => `--${n}`)).toBe(' (did you mean --table?)');
    expect(didYouMean('zzz', ['table'])).toBe('');
  });
});
