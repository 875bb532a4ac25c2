import { describe, expect, it } from 'vitest';
import { formatOfFile, importPercent, isFinished } from './importProgress';

describe('how far an import has come', () => {
  it.each([
    [{ status: 'reading', entries: 0, checked: 0, written: 0 }, 5],
    [{ status: 'checking', entries: 0, checked: 0, written: 0 }, 5],
    [{ status: 'checking', entries: 10, checked: 5, written: 0 }, 27],
    [{ status: 'writing', entries: 10, checked: 10, written: 0 }, 50],
    [{ status: 'writing', entries: 10, checked: 10, written: 10 }, 99],
    [{ status: 'done', entries: 10, checked: 10, written: 10 }, 100],
    [{ status: 'failed', entries: 10, checked: 3, written: 0 }, 100],
  ] as const)('%j → %i %', (job, percent) => {
    expect(importPercent(job)).toBe(percent);
  });

  it('is finished when imported or refused', () => {
    expect(isFinished({ status: 'done' })).toBe(true);
    expect(isFinished({ status: 'failed' })).toBe(true);
    expect(isFinished({ status: 'writing' })).toBe(false);
    expect(isFinished(undefined)).toBe(false);
  });

  it('knows a file’s format by its name', () => {
    expect(formatOfFile('目录.CSV')).toBe('csv');
    expect(formatOfFile('catalogue.xlsx')).toBe('xlsx');
    expect(formatOfFile('catalogue.xls')).toBeUndefined();
    expect(formatOfFile('noext')).toBeUndefined();
  });
});
