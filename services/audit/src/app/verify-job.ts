/**
 * Verifying the whole stored log, off the request path. A job reads the records and the signed heads
 * page by page (keyset, in seq and size order), feeds them to the domain's LogVerifier and gives the
 * event loop a turn between pages: no page holds the thread for long (PGlite runs its queries in
 * this thread), appends go on in between, and memory is one page whatever the log's size.
 *
 * A job checks the log as it stood when it started: records below the size it took then, heads up to
 * it; what is appended meanwhile is the next job's. It is always a full pass, from seq 0: the point is
 * to find what was changed or deleted behind the service's back, anywhere. One job at a time.
 */
import { randomUUID } from 'node:crypto';
import type { SuiteId } from '@yrd/crypto-suite';
import { unavailable } from '@yrd/errors';
import { type AuditFailure, type HeadKey, LogVerifier, type VerifyLogResult } from '../domain/index.js';
import type { VerifyPages } from './ports.js';

/**
 * How long a page may hold the thread, ms. Pages are sized to it as the job goes: on PGlite, which
 * runs its queries in this thread, reading a record costs ~45 µs and checking it ~10 µs, so a page is
 * about 100 records; on PostgreSQL only the parsing and the check hold it, so pages grow. Well under
 * the 50 ms a request may wait, since a machine shared with other work stretches any page.
 */
export const VERIFY_PAGE_MS = 5;
const PAGE_MIN = 20;
const PAGE_MAX = 1_000;
const PAGE_FIRST = 100;
/** Heads per page: one per 64 records, so a page of heads lasts many pages of records. */
export const VERIFY_HEAD_PAGE = 128;

export interface VerifyJobsDeps {
  province: string;
  pages: VerifyPages;
  /** the size to verify up to, taken between appends */
  snapshot: () => Promise<number>;
  /** the key each head is checked with (by its key id) */
  headKey: HeadKey;
  /** the log's suite (its Merkle hash), once known; absent: the one its heads name */
  suite?: () => SuiteId | undefined;
  clock: () => Date;
  /** records per page, fixed (default: sized as the job goes to hold the thread VERIFY_PAGE_MS at most) */
  pageSize?: number;
  headPageSize?: number;
  /** finished jobs kept to be asked about (default 16) */
  keep?: number;
  /** a job found the log failing (what the log's health hears) */
  onFailure?: (failure: AuditFailure, job: VerifyJobView) => void;
  /** a job could not read the log to the end (the database is down): for the operator's log */
  onError?: (err: unknown, job: VerifyJobView) => void;
  newId?: () => string;
}

export type VerifyJobState = 'queued' | 'running' | 'finished' | 'failed';

export interface VerifyJobView {
  id: string;
  /** `failed`: the job could not run to the end (see `error`); a log found altered is `finished` with `result.ok` false */
  state: VerifyJobState;
  /** the log's size when the job started: records below it and heads up to it are checked */
  size?: number;
  /** records verified so far */
  checked: number;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: VerifyLogResult;
  error?: { code: string; message: string };
}

export const VERIFY_INCOMPLETE = 'AUDIT.VERIFY_INCOMPLETE';

interface Job {
  view: VerifyJobView;
  /** settles when the job is finished, failed, or dropped */
  done: Promise<void>;
  settle: () => void;
}

class Stopped extends Error {}

export class VerifyJobs {
  #running: Job | undefined;
  /** the job that starts when the running one ends (asked for by a caller who wants a pass from now) */
  #queued: Job | undefined;
  readonly #finished: Job[] = [];
  #stopping = false;
  readonly #pageSize: number | undefined;
  readonly #headPageSize: number;

  constructor(private readonly deps: VerifyJobsDeps) {
    this.#pageSize = deps.pageSize === undefined ? undefined : Math.max(1, Math.floor(deps.pageSize));
    this.#headPageSize = Math.max(1, Math.floor(deps.headPageSize ?? VERIFY_HEAD_PAGE));
  }

  /** Starts a job, or returns the running one. */
  start(): VerifyJobView {
    if (this.#running) return this.#view(this.#running);
    return this.#view(this.#begin(this.#new()));
  }

  /**
   * A job that reads the log as it is from now on: a new one, or, while one runs (it may have read
   * past a change made since), the one queued to start when it ends.
   */
  startFresh(): VerifyJobView {
    if (!this.#running) return this.start();
    this.#queued ??= this.#new();
    return this.#view(this.#queued);
  }

  get(id: string): VerifyJobView | undefined {
    const job = [this.#running, this.#queued, ...this.#finished].find((j) => j?.view.id === id);
    return job ? this.#view(job) : undefined;
  }

  /** The job that finished last (ok or not), if any. */
  latestFinished(): VerifyJobView | undefined {
    const job = this.#finished.findLast((j) => j.view.state === 'finished');
    return job ? this.#view(job) : undefined;
  }

  /** Waits up to `ms` for the job to end; its view then (undefined for an unknown id). */
  async wait(id: string, ms: number): Promise<VerifyJobView | undefined> {
    const job = [this.#running, this.#queued, ...this.#finished].find((j) => j?.view.id === id);
    if (!job) return undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job.done, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, ms))))]);
    clearTimeout(timer);
    return this.#view(job);
  }

  /** A full pass from now, to its end: the verdict, or `unavailable` when the log could not be read. */
  async run(): Promise<VerifyLogResult> {
    const { id } = this.startFresh();
    for (;;) {
      const job = await this.wait(id, 60_000);
      if (!job) throw unavailable(VERIFY_INCOMPLETE, '验证已取消 the verification was cancelled');
      if (job.state === 'finished' && job.result) return job.result;
      if (job.state === 'failed') throw unavailable(job.error?.code ?? VERIFY_INCOMPLETE, job.error?.message ?? '');
    }
  }

  /** Ends the running job at its next page (the service stops) and drops the queued one. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const queued = this.#queued;
    this.#queued = undefined;
    queued?.settle();
    await this.#running?.done;
  }

  #new(): Job {
    let settle = () => {};
    const done = new Promise<void>((r) => (settle = r));
    const view: VerifyJobView = {
      id: this.deps.newId?.() ?? randomUUID(),
      state: 'queued',
      checked: 0,
      queuedAt: this.deps.clock().toISOString(),
    };
    return { view, done, settle };
  }

  #begin(job: Job): Job {
    this.#running = job;
    job.view.state = 'running';
    job.view.startedAt = this.deps.clock().toISOString();
    void this.#run(job).finally(() => {
      job.view.finishedAt = this.deps.clock().toISOString();
      this.#running = undefined;
      this.#finished.push(job);
      if (this.#finished.length > (this.deps.keep ?? 16)) this.#finished.shift();
      job.settle();
      const next = this.#queued;
      this.#queued = undefined;
      if (next && !this.#stopping) this.#begin(next);
      else next?.settle();
    });
    return job;
  }

  async #run(job: Job): Promise<void> {
    const v = job.view;
    try {
      const result = await this.#verify(v);
      v.result = result;
      v.state = 'finished';
      if (result.failure) this.deps.onFailure?.(result.failure, this.#view(job));
    } catch (err) {
      v.state = 'failed';
      v.error =
        err instanceof Stopped
          ? { code: VERIFY_INCOMPLETE, message: '服务停止，验证中断 the service stopped during the verification' }
          : {
              code: VERIFY_INCOMPLETE,
              message: '验证未完成：无法读完日志 the verification could not read the log to the end',
            };
      if (!(err instanceof Stopped)) this.deps.onError?.(err, this.#view(job));
    }
  }

  async #verify(job: VerifyJobView): Promise<VerifyLogResult> {
    const { pages } = this.deps;
    let pageSize = this.#pageSize ?? PAGE_FIRST;
    const headPageSize = this.#headPageSize;
    if (this.#stopping) throw new Stopped();
    const size = await this.deps.snapshot();
    job.size = size;
    // keyset reads come in seq order, each seq once: the verifier may name a gap without reading on
    const suite = this.deps.suite?.();
    const verifier = new LogVerifier(this.deps.headKey, {
      province: this.deps.province,
      ordered: true,
      ...(suite ? { suite } : {}),
    });
    let headsAfter = -1;
    let headsDone = false;
    const nextHeads = async () => {
      const page = await pages.headsAfter(headsAfter, size, headPageSize);
      headsDone = page.length < headPageSize;
      if (!headsDone) headsAfter = page.at(-1)!.size;
      verifier.addHeads(page, headsDone ? Number.POSITIVE_INFINITY : headsAfter);
    };
    let after = -1;
    while (verifier.wantsRecords) {
      while (!headsDone && verifier.headsThrough < verifier.position + pageSize) await nextHeads();
      const wanted = verifier.nextSeqWanted;
      if (wanted !== undefined) after = Math.max(after, wanted - 1);
      const started = performance.now();
      const page = await pages.recordsAfter(after, size, pageSize);
      verifier.addRecords(page);
      const took = performance.now() - started;
      job.checked = verifier.checked;
      if (page.length < pageSize) break;
      after = page.at(-1)!.seq;
      if (after >= size - 1) break;
      // the next page sized to the time this one took (at most half as large again, a sudden stall of
      // the machine halves it at most)
      if (this.#pageSize === undefined) {
        const fit = Math.round((pageSize * VERIFY_PAGE_MS) / Math.max(took, 0.1));
        pageSize = Math.min(
          PAGE_MAX,
          Math.max(PAGE_MIN, Math.round(pageSize / 2), Math.min(fit, Math.round(pageSize * 1.5))),
        );
      }
      await this.#turn();
    }
    // a forged head anywhere outranks what the records showed: read the heads to the end
    while (!headsDone && verifier.wantsHeads) {
      await nextHeads();
      await this.#turn();
    }
    if (!headsDone) verifier.addHeads([], Number.POSITIVE_INFINITY);
    return verifier.finish();
  }

  /** Lets whatever waits (requests, appends, timers) run between two pages. */
  async #turn(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    if (this.#stopping) throw new Stopped();
  }

  #view(job: Job): VerifyJobView {
    return structuredClone(job.view);
  }
}
