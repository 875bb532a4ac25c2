/**
 * Duty list (共享责任清单) and negative list (负面清单) use cases, and the per-agency compliance
 * view. The province admin keeps both lists; an agency's publisher sees its own compliance.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import { conflict, forbidden, invalid, notFound } from '@yrd/errors';
import { isValidCreditCode, type Province } from '@yrd/region';
import { classOf } from '../domain/classes.js';
import {
  type AgencyCompliance,
  agenciesInView,
  agencyCompliance,
  chinaDate,
  type Duty,
  type DutyInput,
  type EntrySummary,
  isClassPrefix,
  type NegativeEntry,
  type NegativeEntryInput,
} from '../domain/duty.js';
import type { AgencyDirectory } from './catalog.js';

export interface Removal {
  by: string;
  at: string;
  reason: string;
}

/** Where the lists live, and the read-only view of the local catalogue they are checked against. */
export interface DutyStore {
  /** false when a current duty of the same agency, class and name exists */
  addDuty(d: Duty): Promise<boolean>;
  duties(o: { agency?: string | undefined; includeRemoved: boolean }): Promise<Duty[]>;
  duty(id: string): Promise<Duty | undefined>;
  /** undefined when the duty is not current (unknown, or removed meanwhile) */
  removeDuty(id: string, r: Removal): Promise<Duty | undefined>;
  /** false when a current entry names the same class or resource */
  addNegative(n: NegativeEntry): Promise<boolean>;
  negativeList(o: { includeRemoved: boolean }): Promise<NegativeEntry[]>;
  negativeEntry(id: string): Promise<NegativeEntry | undefined>;
  removeNegative(id: string, r: Removal): Promise<NegativeEntry | undefined>;
  isLocalEntry(resourceId: string): Promise<boolean>;
  /** local entries of these agencies, in any status */
  entriesOf(agencies: string[]): Promise<EntrySummary[]>;
  /** local published, shared entries the current negative list may cover (a superset is fine) */
  sharedUnder(negativeList: NegativeEntry[]): Promise<EntrySummary[]>;
}

export interface ComplianceView {
  /** the day overdue was measured on (China time) */
  today: string;
  agencies: AgencyCompliance[];
}

export class DutyApp {
  constructor(
    private readonly province: Province,
    private readonly store: DutyStore,
    private readonly agencies: AgencyDirectory,
    private readonly clock: () => Date,
    /** tells the province's services that the negative list changed (they drop what they cached) */
    private readonly negativeListChanged: () => Promise<void> = async () => {},
  ) {}

  // --- duty list ---

  async addDuty(input: DutyInput, by: Principal): Promise<Duty> {
    this.requireAdmin(by);
    this.requireRegistered(input.agencyCreditCode);
    if (!classOf(input.classCode)) {
      throw invalid(
        'CATALOG.UNKNOWN_CLASS_CODE',
        `分类代码 ${input.classCode} 不是资源分类表中的细目 unknown class code (a duty names a 细目)`,
      );
    }
    const duty: Duty = {
      id: randomUUID(),
      agencyCreditCode: input.agencyCreditCode,
      classCode: input.classCode,
      name: input.name,
      ...(input.sharingTier ? { sharingTier: input.sharingTier } : {}),
      ...(input.dueDate ? { dueDate: input.dueDate } : {}),
      note: input.note,
      createdBy: by.sub,
      createdAt: this.clock().toISOString(),
    };
    if (!(await this.store.addDuty(duty))) {
      throw conflict(
        'CATALOG.DUPLICATE_DUTY',
        `责任清单中已有该单位的此项资源 the agency already has a duty for ${input.classCode} ${input.name}`,
      );
    }
    return duty;
  }

  /** The admin sees every duty of the province; a publisher those of its own agency. */
  async duties(by: Principal, o: { agency?: string | undefined; includeRemoved: boolean }): Promise<Duty[]> {
    const agency = this.visibleAgency(by, o.agency);
    return this.store.duties({ agency, includeRemoved: o.includeRemoved });
  }

  async removeDuty(id: string, reason: string, by: Principal): Promise<Duty> {
    this.requireAdmin(by);
    const found = await this.store.duty(id);
    if (!found) throw notFound('CATALOG.DUTY_NOT_FOUND', `责任清单中没有 ${id} no duty ${id}`);
    if (found.removedAt) return found;
    this.requireReason(reason, '移出责任清单须说明理由 removing a duty needs a reason');
    return (await this.store.removeDuty(id, this.removal(by, reason))) ?? ((await this.store.duty(id)) as Duty);
  }

  // --- negative list ---

  async addNegative(input: NegativeEntryInput, by: Principal): Promise<NegativeEntry> {
    this.requireAdmin(by);
    const classCode = input.classCode?.trim() || undefined;
    const resourceId = input.resourceId?.trim() || undefined;
    if ((classCode === undefined) === (resourceId === undefined)) {
      throw invalid(
        'CATALOG.NEGATIVE_TARGET',
        '负面清单条目须指定分类代码或目录条目之一 name either a class code or a resource id',
      );
    }
    if (classCode !== undefined && !isClassPrefix(classCode)) {
      throw invalid('CATALOG.UNKNOWN_CLASS_CODE', `分类代码 ${classCode} 不在资源分类表中 unknown class code`);
    }
    if (resourceId !== undefined && !(await this.store.isLocalEntry(resourceId))) {
      throw invalid('CATALOG.UNKNOWN_RESOURCE', `本省目录中没有 ${resourceId} no entry ${resourceId} in this province`);
    }
    this.requireReason(input.reason, '列入负面清单须说明理由 a negative-list entry needs a reason');
    if (input.legalBasis.trim() === '') {
      throw invalid(
        'CATALOG.LEGAL_BASIS_REQUIRED',
        '列入负面清单须注明法律、行政法规或国家政策依据 a negative-list entry needs a legal basis',
      );
    }
    const entry: NegativeEntry = {
      id: randomUUID(),
      ...(classCode !== undefined ? { classCode } : {}),
      ...(resourceId !== undefined ? { resourceId } : {}),
      reason: input.reason,
      legalBasis: input.legalBasis,
      createdBy: by.sub,
      createdAt: this.clock().toISOString(),
    };
    if (!(await this.store.addNegative(entry))) {
      throw conflict(
        'CATALOG.DUPLICATE_NEGATIVE_ENTRY',
        `负面清单中已有 ${classCode ?? resourceId} is already on the negative list`,
      );
    }
    await this.negativeListChanged();
    return entry;
  }

  /** Publishers read it too: it tells them what they must not share. */
  async negativeList(by: Principal, o: { includeRemoved: boolean }): Promise<NegativeEntry[]> {
    this.requireOwnProvince(by);
    return this.store.negativeList(o);
  }

  async removeNegative(id: string, reason: string, by: Principal): Promise<NegativeEntry> {
    this.requireAdmin(by);
    const found = await this.store.negativeEntry(id);
    if (!found) throw notFound('CATALOG.NEGATIVE_ENTRY_NOT_FOUND', `负面清单中没有 ${id} no negative-list entry ${id}`);
    if (found.removedAt) return found;
    this.requireReason(reason, '移出负面清单须说明理由 removing a negative-list entry needs a reason');
    const removed =
      (await this.store.removeNegative(id, this.removal(by, reason))) ??
      ((await this.store.negativeEntry(id)) as NegativeEntry);
    await this.negativeListChanged();
    return removed;
  }

  // --- compliance ---

  /**
   * The admin sees one agency or, without `agency`, every agency with a duty or a violation; a
   * publisher sees its own agency only.
   */
  async compliance(by: Principal, agency?: string): Promise<ComplianceView> {
    const only = this.visibleAgency(by, agency);
    const [duties, negativeList] = await Promise.all([
      this.store.duties({ agency: only, includeRemoved: false }),
      this.store.negativeList({ includeRemoved: false }),
    ]);
    const today = chinaDate(this.clock());
    let agencies: string[];
    let entries: EntrySummary[];
    if (only !== undefined) {
      agencies = [only];
      entries = await this.store.entriesOf(agencies);
    } else {
      const [ofDuties, exposed] = await Promise.all([
        this.store.entriesOf([...new Set(duties.map((d) => d.agencyCreditCode))]),
        this.store.sharedUnder(negativeList),
      ]);
      entries = [...new Map([...ofDuties, ...exposed].map((e) => [e.id, e])).values()];
      agencies = agenciesInView({ duties, negativeList, entries });
    }
    return {
      today,
      agencies: agencies.map((a) =>
        agencyCompliance(a, this.agencies.nameOf(a) ?? '', { duties, negativeList, entries, today }),
      ),
    };
  }

  // --- rules of access ---

  private requireOwnProvince(by: Principal) {
    if (by.province !== this.province) {
      throw forbidden('CATALOG.WRONG_PROVINCE', '只能查看和管理本省的清单 lists belong to their own province');
    }
  }

  private requireAdmin(by: Principal) {
    this.requireOwnProvince(by);
    if (!by.roles.includes('admin')) {
      throw forbidden(
        'CATALOG.ADMIN_REQUIRED',
        '责任清单和负面清单由本省管理员维护 the province admin keeps these lists',
      );
    }
  }

  /** The agency a caller may look at: any (or all, undefined) for the admin, its own for a publisher. */
  private visibleAgency(by: Principal, agency: string | undefined): string | undefined {
    this.requireOwnProvince(by);
    if (by.roles.includes('admin')) {
      if (agency !== undefined) this.requireRegistered(agency);
      return agency;
    }
    if (!by.roles.includes('publisher') || by.agency === '' || (agency !== undefined && agency !== by.agency)) {
      throw forbidden('CATALOG.NOT_YOUR_AGENCY', '只能查看本单位的责任清单 a publisher sees its own agency’s duties');
    }
    return by.agency;
  }

  private requireRegistered(agency: string) {
    if (!isValidCreditCode(agency)) {
      throw invalid('CATALOG.INVALID_CREDIT_CODE', '统一社会信用代码校验失败 invalid credit code');
    }
    if (!this.agencies.nameOf(agency)) {
      throw invalid('CATALOG.UNKNOWN_AGENCY', '该单位不在本省机构名录中 the agency is not registered in this province');
    }
  }

  private requireReason(reason: string, message: string) {
    if (reason.trim() === '') throw invalid('CATALOG.REASON_REQUIRED', message);
  }

  private removal(by: Principal, reason: string): Removal {
    return { by: by.sub, at: this.clock().toISOString(), reason };
  }
}
