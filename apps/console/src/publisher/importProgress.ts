/**
 * How far an import has come, for a progress bar: reading the file is the first step, checking the
 * entries the first half, writing them the second. A finished job (imported or refused) is at the end.
 */
import type { ImportJob } from './types';

const share = (n: number, of: number) => (of > 0 ? Math.min(n / of, 1) : 0);

export function importPercent(j: Pick<ImportJob, 'status' | 'entries' | 'checked' | 'written'>): number {
  switch (j.status) {
    case 'reading':
      return 5;
    case 'checking':
      return 5 + Math.floor(45 * share(j.checked, j.entries));
    case 'writing':
      return 50 + Math.floor(49 * share(j.written, j.entries));
    case 'done':
    case 'failed':
      return 100;
  }
}

export const isFinished = (j: Pick<ImportJob, 'status'> | undefined) => j?.status === 'done' || j?.status === 'failed';

/** The import format of a file, by its name (browsers disagree on a CSV file's media type). */
export function formatOfFile(name: string): 'csv' | 'xlsx' | undefined {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'xlsx' ? ext : undefined;
}
