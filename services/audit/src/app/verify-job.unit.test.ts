import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditFailure,
  type SignedTreeHead,
  type StoredAuditRecord,
  signTreeHead,
  verifyLog,
} from '../domain/index.js';
import { rootOf } from '../domain/merkle.js';
import { aStoredRecord } from '../domain/test-builders.js';
import type { VerifyPages } from './ports.js';
import { VerifyJobs, type VerifyJobsDeps, type VerifyJobView } from './verify-job.js';

const keys = generateKeyPairSync('ed25519');

function headAt(records: StoredAuditRecord[], size: number): SignedTreeHead {
  const root = rootOf(records.slice(0, size).map((r) => Buffer.from(r.leafHash, 'hex')));
  return signTreeHead(
    { province: 'sh', size, rootHash: root.toString('hex'), timestamp: '2025-03-02T00:00:00Z' },
    keys.privateKey,
    'sh-1',
  );
}

/** A log in memory served as the repo serves it (keyset pages), counting the pages read. */
class MemoryLog implements VerifyPages {
  records: StoredAuditRecord[] = [];
  heads: SignedTreeHead[] = [];
  pagesRead = 0;
  failAt: number | undefined;

  constructor(n: number, every = 64) {
    for (let i = 0; i < n; i++) this.append(every);
  }

  append(every = 64): void {
    this.records.push(aStoredRecord(this.records.length));
    if (this.records.length % every === 0) this.heads.push(headAt(this.records, this.records.length));
  }

  async recordsAfter(after: number, below: number, limit: number): Promise<StoredAuditRecord[]> {
    this.pagesRead++;
    if (this.failAt !== undefined && this.pagesRead >= this.failAt) throw new Error('connection lost');
    return this.records.filter((r) => r.seq > after && r.seq < below).slice(0, limit);
  }

  async headsAfter(after: number, through: number, limit: number): Promise<SignedTreeHead[]> {
    return this.heads.filter((h) => h.size > after && h.size <= through).slice(0, limit);
  }
}

function jobsOver(log: MemoryLog, over: Partial<VerifyJobsDeps> = {}) {
  const failures: AuditFailure[] = [];
  const errors: unknown[] = [];
  let n = 0;
  const jobs = new VerifyJobs({
    province: 'sh',
    pages: log,
    snapshot: async () => log.records.length,
    headKey: () => keys.publicKey,
    clock: () => new Date('2026-12-04T12:00:00Z'),
    pageSize: 50,
    headPageSize: 4,
    newId: () => `job-${++n}`,
    onFailure: (f) => failures.push(f),
    onError: (e) => errors.push(e),
    ...over,
  });
  return { jobs, failures, errors };
}

const finished = async (jobs: VerifyJobs, id: string): Promise<VerifyJobView> => {
  const v = await jobs.wait(id, 10_000);
  expect(v?.state).toMatch(/finished|failed/);
  return v!;
};

describe('VerifyJobs', () => {
  it('verifies the log page by page to the verdict verifyLog gives in one pass', async () => {
    const log = new MemoryLog(1_000);
    const { jobs, failures } = jobsOver(log);
    const started = jobs.start();
    expect(started).toMatchObject({ id: 'job-1', state: 'running', checked: 0 });
    const done = await finished(jobs, started.id);
    expect(done).toMatchObject({ state: 'finished', size: 1_000, checked: 1_000 });
    expect(done.result).toEqual(verifyLog(log.records, log.heads, keys.publicKey));
    expect(log.pagesRead).toBe(20);
    expect(failures).toEqual([]);
    expect(jobs.latestFinished()?.id).toBe('job-1');
  });

  it('runs one job at a time: asking again while one runs returns it', async () => {
    const { jobs } = jobsOver(new MemoryLog(500));
    const a = jobs.start();
    expect(jobs.start().id).toBe(a.id);
    await finished(jobs, a.id);
    expect(jobs.start().id).not.toBe(a.id);
  });

  it('queues a fresh pass behind the running one, shared by everyone who asks meanwhile', async () => {
    const { jobs } = jobsOver(new MemoryLog(500));
    const running = jobs.start();
    const fresh = jobs.startFresh();
    expect(fresh).toMatchObject({ state: 'queued' });
    expect(fresh.id).not.toBe(running.id);
    expect(jobs.startFresh().id).toBe(fresh.id);
    expect((await finished(jobs, fresh.id)).result?.ok).toBe(true);
    expect(jobs.get(running.id)?.state).toBe('finished');
    // nothing running now: a fresh pass starts at once
    expect(jobs.startFresh().state).toBe('running');
  });

  it('yields between pages, so timers run and appends go on while it verifies the size it started at', async () => {
    const log = new MemoryLog(2_000);
    const { jobs } = jobsOver(log);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const job = jobs.start();
    // appends while the job runs (they land beyond its snapshot)
    const appending = (async () => {
      for (let i = 0; i < 100; i++) {
        log.append();
        await new Promise((r) => setImmediate(r));
      }
    })();
    const done = await finished(jobs, job.id);
    await appending;
    clearInterval(ticker);
    expect(done.result).toMatchObject({ ok: true, size: 2_000 });
    expect(log.records.length).toBe(2_100);
    expect(ticks).toBeGreaterThan(0);
    expect((await jobs.run()).size).toBe(2_100);
  });

  it('reports a failure found through onFailure, and names it as verifyLog does', async () => {
    const log = new MemoryLog(600);
    log.records.splice(130, 1);
    const { jobs, failures } = jobsOver(log, { snapshot: async () => 600 });
    const done = await finished(jobs, jobs.start().id);
    expect(done.result?.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 130' });
    expect(done.result).toEqual(verifyLog(log.records, log.heads, keys.publicKey));
    expect(failures).toEqual([done.result?.failure]);
  });

  it('skips to the record a failure waits for instead of reading everything in between', async () => {
    const log = new MemoryLog(2_000);
    const [a, b] = [log.records[10]!, log.records[1_900]!];
    [a.fields, b.fields] = [b.fields, a.fields];
    [a.leafHash, b.leafHash] = [b.leafHash, a.leafHash];
    const { jobs } = jobsOver(log);
    const done = await finished(jobs, jobs.start().id);
    expect(done.result?.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 10/1900' });
    expect(log.pagesRead).toBeLessThan(5);
  });

  it('fails the job (and not the log) when the pages cannot be read, and run() says unavailable', async () => {
    const log = new MemoryLog(500);
    log.failAt = 3;
    const { jobs, failures, errors } = jobsOver(log);
    const done = await finished(jobs, jobs.start().id);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'AUDIT.VERIFY_INCOMPLETE' } });
    expect(done.result).toBeUndefined();
    expect(failures).toEqual([]);
    expect(errors).toHaveLength(1);
    await expect(jobs.run()).rejects.toMatchObject({ kind: 'unavailable', code: 'AUDIT.VERIFY_INCOMPLETE' });
  });

  it('stops at the next page when the service stops, and drops the queued pass', async () => {
    const { jobs } = jobsOver(new MemoryLog(5_000));
    const running = jobs.start();
    const queued = jobs.startFresh();
    await jobs.stop();
    expect(jobs.get(running.id)).toMatchObject({ state: 'failed', error: { code: 'AUDIT.VERIFY_INCOMPLETE' } });
    expect(jobs.get(running.id)!.checked).toBeLessThan(5_000);
    expect(jobs.get(queued.id)).toBeUndefined();
    expect(await jobs.wait('nope', 0)).toBeUndefined();
  });
});
