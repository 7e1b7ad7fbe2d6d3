// `check --meta FILE` reads the shipper's lastBackupAt in both forms (camelCase and the S3 metadata keys).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../../../cli/commands/check.ts';

const dir = mkdtempSync(join(tmpdir(), 'metis-meta-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

describe('readMeta: lastBackupAt', () => {
  it('camelCase and shipper keys both give lastBackupAt', () => {
    expect(readMeta(file('a.json', { takenAt: '2026-11-24T10:00:00Z', lastBackupAt: '2026-11-23T02:00:00Z' }))).toEqual({
      takenAt: '2026-11-24T10:00:00Z',
      lastBackupAt: '2026-11-23T02:00:00Z',
    });
    expect(readMeta(file('b.json', { 'taken-at': '2026-11-24T10:00:00Z', 'last-backup-at': '2026-11-23T02:00:00Z' }))).toEqual({
      takenAt: '2026-11-24T10:00:00Z',
      lastBackupAt: '2026-11-23T02:00:00Z',
    });
  });

  it('a non-string lastBackupAt is bad input naming the key; an unparseable shipper value is dropped', () => {
    expect(() => readMeta(file('c.json', { lastBackupAt: 5 }))).toThrow(/lastBackupAt: expected a string/);
    expect(readMeta(file('d.json', { 'taken-at': '2026-11-24T10:00:00Z', 'last-backup-at': 'yesterday' }))).toEqual({
      takenAt: '2026-11-24T10:00:00Z',
    });
  });
});
