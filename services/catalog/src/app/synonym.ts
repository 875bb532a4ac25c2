/**
 * The search synonym table's use cases: anyone of the province may read it; the province admin adds
 * and removes lines, each change kept with who, when and (for a removal) why — like the duty and
 * negative lists (app/duty.ts).
 */
import type { Principal } from '@yrd/auth';
import { conflict, forbidden, invalid, notFound } from '@yrd/errors';
import type { Province } from '@yrd/region';
import type { Fold } from '../domain/search.js';
import { type SynonymInput, type SynonymLine, synonymIssue } from '../domain/synonym.js';
import type { Removal } from './duty.js';

/** Where the table lives. */
export interface SynonymStore {
  /** false when a current line joins the same two terms (in either order) */
  add(line: SynonymLine): Promise<boolean>;
  lines(o: { includeRemoved: boolean }): Promise<SynonymLine[]>;
  line(id: string): Promise<SynonymLine | undefined>;
  /** undefined when the line is not current (unknown, or removed meanwhile) */
  remove(id: string, r: Removal): Promise<SynonymLine | undefined>;
}

export class SynonymApp {
  constructor(
    private readonly province: Province,
    private readonly store: SynonymStore,
    private readonly fold: () => Promise<Fold>,
    private readonly clock: () => Date,
    private readonly newId: () => string,
  ) {}

  async list(by: Principal, o: { includeRemoved: boolean }): Promise<SynonymLine[]> {
    this.requireOwnProvince(by);
    return this.store.lines(o);
  }

  async add(input: SynonymInput, by: Principal): Promise<SynonymLine> {
    this.requireAdmin(by);
    const checked = synonymIssue(input, await this.fold());
    if ('code' in checked) throw invalid(checked.code, checked.message);
    const line: SynonymLine = {
      id: this.newId(),
      term: checked.term,
      synonym: checked.synonym,
      note: input.note,
      createdBy: by.sub,
      createdAt: this.clock().toISOString(),
    };
    if (!(await this.store.add(line))) {
      throw conflict(
        'CATALOG.DUPLICATE_SYNONYM',
        `同义词表中已有“${line.term}”与“${line.synonym}” the table already joins these two terms`,
      );
    }
    return line;
  }

  async remove(id: string, reason: string, by: Principal): Promise<SynonymLine> {
    this.requireAdmin(by);
    const found = await this.store.line(id);
    if (!found) throw notFound('CATALOG.SYNONYM_NOT_FOUND', `同义词表中没有 ${id} no synonym line ${id}`);
    if (found.removedAt) return found;
    if (reason.trim() === '')
      throw invalid('CATALOG.REASON_REQUIRED', '移出同义词表须说明理由 removing a synonym line needs a reason');
    const removed = await this.store.remove(id, { by: by.sub, at: this.clock().toISOString(), reason });
    return removed ?? ((await this.store.line(id)) as SynonymLine);
  }

  private requireOwnProvince(by: Principal) {
    if (by.province !== this.province) {
      throw forbidden(
        'CATALOG.WRONG_PROVINCE',
        '只能查看和管理本省的同义词表 the synonym table belongs to its province',
      );
    }
  }

  private requireAdmin(by: Principal) {
    this.requireOwnProvince(by);
    if (!by.roles.includes('admin')) {
      throw forbidden('CATALOG.ADMIN_REQUIRED', '同义词表由本省管理员维护 the province admin keeps the synonym table');
    }
  }
}
