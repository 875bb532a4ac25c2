/**
 * Bulk import (批量导入) of an agency's catalogue from a spreadsheet. A job reads the file, checks
 * every entry against the same rules as the API, and only when no row has an error writes all the
 * entries in one transaction: nothing is half-imported. New codes become drafts (to be submitted
 * for review); codes already in the catalogue get a new version when a cell changed. Progress is
 * readable while the job runs, for files of many thousand rows.
 */
import type { Principal } from '@yrd/auth';
import { forbidden, notFound } from '@yrd/errors';
import type { catalogV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { resourceId, resourceInput } from '../domain/resource.js';
import { type Cell, locate, type RowError, readTable } from '../domain/table.js';
import type { CatalogApp } from './catalog.js';
import type { Step } from './ports.js';

export type ImportPhase = 'reading' | 'checking' | 'writing' | 'done' | 'failed';

export interface ImportJob {
  id: string;
  format: string;
  status: ImportPhase;
  /** data rows in the file (after reading) */
  rows: number;
  entries: number;
  /** entries checked, then entries written */
  checked: number;
  written: number;
  created: number;
  updated: number;
  unchanged: number;
  /** the first errors, by row; `errorCount` has them all */
  errors: RowError[];
  errorCount: number;
  startedAt: string;
  finishedAt?: string;
  /** milliseconds spent reading the file, checking the entries and writing them */
  phaseMs: { reading: number; checking: number; writing: number };
  /** who started it (their own jobs are what a publisher sees) */
  by: string;
}

const maxReportedErrors = 1000;
/** entries checked between two yields to the event loop, so a large file does not stall the node */
const checkSlice = 500;

export class CatalogImports {
  private readonly jobs = new Map<string, ImportJob>();

  constructor(
    private readonly province: Province,
    private readonly catalog: CatalogApp,
    private readonly clock: () => Date,
    private readonly newId: () => string,
    private readonly keep = 200,
  ) {}

  /** Starts a job; `read` turns the uploaded file into rows. `done` settles when the job ends. */
  start(format: string, read: () => Promise<Cell[][]>, by: Principal): { job: ImportJob; done: Promise<ImportJob> } {
    if (by.province !== this.province)
      throw forbidden('CATALOG.WRONG_PROVINCE', '只能导入本省目录 entries are imported in their own province');
    const job: ImportJob = {
      id: this.newId(),
      format,
      status: 'reading',
      rows: 0,
      entries: 0,
      checked: 0,
      written: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: [],
      errorCount: 0,
      startedAt: this.clock().toISOString(),
      phaseMs: { reading: 0, checking: 0, writing: 0 },
      by: by.sub,
    };
    this.jobs.set(job.id, job);
    this.forgetOld();
    const done = this.run(job, read, by).then(
      () => job,
      (err: unknown) => {
        // reading failed: the file is not a table; writing failed: the transaction rolled back
        const unreadable = job.status === 'reading';
        this.fail(job, [
          {
            row: 0,
            column: '',
            code: unreadable ? 'IMPORT.FILE_UNREADABLE' : 'IMPORT.WRITE_FAILED',
            message: unreadable
              ? `文件无法读取 the file could not be read: ${(err as Error).message}`
              : '写入失败，未导入任何条目 writing failed; nothing was imported',
          },
        ]);
        return job;
      },
    );
    return { job, done };
  }

  /** A job, for the one who started it and the province admin. */
  get(id: string, viewer: Principal): ImportJob {
    const job = this.jobs.get(id);
    if (!job || viewer.province !== this.province || (job.by !== viewer.sub && !viewer.roles.includes('admin')))
      throw notFound('CATALOG.IMPORT_NOT_FOUND', `没有该导入任务 no import job ${id}`);
    return job;
  }

  private async run(job: ImportJob, read: () => Promise<Cell[][]>, by: Principal) {
    let mark = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = Math.round(now - mark);
      mark = now;
      return ms;
    };
    const table = await read();
    job.rows = Math.max(table.length - 1, 0);
    const { entries, errors } = readTable(table);
    job.entries = entries.length;
    job.phaseMs.reading = lap();
    job.status = 'checking';
    const problems: RowError[] = [...errors];
    const stored = await this.catalog.stored(entries.map((e) => resourceId(this.province, e.resourceCode)));
    const batch: { resource: catalogV1.Resource; step: Step }[] = [];
    let created = 0;
    let unchanged = 0;
    // an entry with an unreadable cell is reported by that cell only, not again by the schema
    const badRows = new Set(errors.map((e) => e.row));
    for (const [i, e] of entries.entries()) {
      if (i % checkSlice === 0) await new Promise((r) => setImmediate(r));
      job.checked = i + 1;
      if (e.rows.some((r) => badRows.has(r))) continue;
      const parsed = resourceInput.safeParse(e.input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push({
            ...locate(e, issue.path.join('.')),
            code: 'IMPORT.VALUE_INVALID',
            message: issue.message,
          });
        }
        continue;
      }
      const found = stored.get(resourceId(this.province, e.resourceCode));
      const current = found?.origin === 'local' ? found.resource : undefined;
      const issues = this.catalog.check(parsed.data, by, current ?? 'new');
      for (const issue of issues) problems.push({ ...locate(e, issue.path), code: issue.code, message: issue.message });
      if (issues.length > 0) continue;
      if (!current) {
        batch.push({
          resource: this.catalog.draft(parsed.data),
          step: { action: 'created', reason: `批量导入 import ${job.id}`, changedFields: [] },
        });
        created += 1;
        continue;
      }
      const next = this.catalog.revise(current, parsed.data);
      const listed =
        next?.resource.status === 'published' ? await this.catalog.negativeIssue(next.resource) : undefined;
      if (listed) problems.push({ ...locate(e, listed.path), code: listed.code, message: listed.message });
      else if (!next) unchanged += 1;
      else batch.push({ ...next, step: { ...next.step, reason: `批量导入 import ${job.id}` } });
    }
    job.phaseMs.checking = lap();
    if (problems.length > 0) return this.fail(job, problems);
    job.status = 'writing';
    await this.catalog.writeBatch(batch, by, (n) => {
      job.written = n;
    });
    job.phaseMs.writing = lap();
    job.created = created;
    job.updated = batch.length - created;
    job.unchanged = unchanged;
    job.status = 'done';
    job.finishedAt = this.clock().toISOString();
  }

  private fail(job: ImportJob, problems: RowError[]) {
    const sorted = [...problems].sort((a, b) => a.row - b.row);
    job.errors = sorted.slice(0, maxReportedErrors);
    job.errorCount = problems.length;
    job.status = 'failed';
    job.finishedAt = this.clock().toISOString();
  }

  private forgetOld() {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt);
    for (const j of finished.slice(0, Math.max(0, finished.length - this.keep))) this.jobs.delete(j.id);
  }
}
