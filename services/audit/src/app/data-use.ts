/**
 * 谁用了我的数据: the use case behind a data subject's "who used my data". An exchange that names a
 * person of this province may have run between two other provinces, so this province's log alone
 * is not the answer: the records naming the person are asked of every other province's audit
 * service too (over the audit lanes, see adapters/data-use-http.ts), merged with this province's,
 * and both sides of each exchange become one line (domain/data-use.ts). A province that does not
 * answer in time is named in the answer, never silently left out.
 */
import type { Principal } from '@yrd/auth';
import { asAppError, invalid } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type Province, provinces } from '@yrd/region';
import {
  type DataUseLine,
  type DataUseRecord,
  dataUseLines,
  dataUseRecordOf,
  isExchangeRecord,
  pageOf,
  readCursor,
} from '../domain/data-use.js';
import type { StoredAuditRecord } from '../domain/index.js';
import type { RecordFilters } from './ports.js';

/** At most this many records naming one person are read from one province's log for one window. */
export const MAX_SUBJECT_RECORDS = 2000;
const PAGE = 500;

/** The time window a person looks at: `from` inclusive, `to` exclusive (ISO 8601). */
export interface UseWindow {
  from?: string | undefined;
  to?: string | undefined;
}

/** What one province's log holds of the exchanges naming a person. */
export interface ProvinceUses {
  records: DataUseRecord[];
  /** more records than MAX_SUBJECT_RECORDS matched: the window should be narrowed */
  truncated: boolean;
}

/** The other provinces' audit services, each asked for the records naming the person. */
export interface DataUsePeers {
  /** `subject` is the person who asks, as this province signed them in */
  uses(province: Province, subject: Principal, window: UseWindow): Promise<ProvinceUses>;
}

/** The log's stored records, as far as this use case reads them. */
export interface SubjectRecordStore {
  find(f: RecordFilters): Promise<StoredAuditRecord[]>;
}

export interface DataUseAnswer {
  uses: DataUseLine[];
  /** pass as `after` for the next page */
  next?: string | undefined;
  /** the provinces whose logs were read */
  provinces: string[];
  /** the provinces that did not answer in time: lines they alone hold may be missing */
  incomplete: string[];
  /** provinces with more records in the window than are read at once: narrow the window */
  truncated: string[];
}

export class DataUse {
  constructor(
    private readonly me: Province,
    private readonly store: SubjectRecordStore,
    private readonly peers: DataUsePeers,
    private readonly logger: Logger,
  ) {}

  /** This province's records of exchanges naming the person with reference `subjectRef`. */
  async recordsOf(subjectRef: string, window: UseWindow): Promise<ProvinceUses> {
    const records: DataUseRecord[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await this.store.find({
        subjectRef,
        from: window.from,
        to: window.to,
        after,
        limit: PAGE,
      });
      for (const r of page) if (isExchangeRecord(r.fields.kind)) records.push(dataUseRecordOf(r.fields));
      const last = page.at(-1);
      if (!last || page.length < PAGE) return { records, truncated: false };
      if (records.length >= MAX_SUBJECT_RECORDS)
        return { records: records.slice(0, MAX_SUBJECT_RECORDS), truncated: true };
      after = last.seq;
    }
  }

  /**
   * The exchanges that named the signed-in person, in every province's log, newest first. The person
   * is whoever the token's `subjectRef` says (set by this province, which knows them); the caller has
   * checked the role.
   */
  async mine(
    subject: Principal & { subjectRef: string },
    q: UseWindow & { after?: string | undefined; limit: number },
  ): Promise<DataUseAnswer> {
    const window: UseWindow = { from: q.from, to: q.to };
    const cursor = q.after === undefined ? undefined : readCursor(q.after);
    if (q.after !== undefined && !cursor)
      throw invalid('AUDIT.CURSOR_INVALID', '翻页位置无效 `after` is not a `next` this service gave');
    if (window.from && window.to && Date.parse(window.from) > Date.parse(window.to))
      throw invalid('AUDIT.RANGE_INVALID', `时间范围无效 from ${window.from} is after to ${window.to}`);
    const others = provinces.filter((p) => p !== this.me);
    const incomplete: string[] = [];
    const truncated: string[] = [];
    const answers = await Promise.all([
      this.recordsOf(subject.subjectRef, window).then((a) => ({ province: this.me, ...a })),
      ...others.map(async (p) => {
        try {
          return { province: p, ...(await this.peers.uses(p, subject, window)) };
        } catch (err) {
          // the code only: the log never names the person
          this.logger.warn({ province: p, code: asAppError(err).code }, 'a province did not answer who used the data');
          incomplete.push(p);
          return { province: p, records: [], truncated: false };
        }
      }),
    ]);
    for (const a of answers) if (a.truncated) truncated.push(a.province);
    const lines = dataUseLines(answers.flatMap((a) => a.records));
    const page = pageOf(lines, q.limit, cursor);
    const order = (list: string[]) => provinces.filter((p) => list.includes(p));
    return {
      ...page,
      provinces: order(answers.map((a) => a.province).filter((p) => !incomplete.includes(p))),
      incomplete: order(incomplete),
      truncated: order(truncated),
    };
  }
}
