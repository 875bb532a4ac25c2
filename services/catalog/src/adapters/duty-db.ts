import { type DatabaseHandle, isoTimestamp, type SQL, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import type { DutyStore, Removal } from '../app/duty.js';
import type { Duty, EntrySummary, NegativeEntry, Tier } from '../domain/duty.js';

type Row = Record<string, unknown>;

const iso = isoTimestamp;

/** The removal columns, present only once a line was removed. */
function trail(r: Row) {
  return {
    createdBy: String(r.created_by),
    createdAt: iso(r.created_at),
    ...(r.removed_at === null || r.removed_at === undefined
      ? {}
      : { removedBy: String(r.removed_by), removedAt: iso(r.removed_at), removedReason: String(r.removed_reason) }),
  };
}

function toDuty(r: Row): Duty {
  return {
    id: String(r.id),
    agencyCreditCode: String(r.agency_code),
    classCode: String(r.class_code),
    name: String(r.name),
    ...(r.sharing_tier ? { sharingTier: r.sharing_tier as Tier } : {}),
    ...(r.due_date ? { dueDate: String(r.due_date) } : {}),
    note: String(r.note),
    ...trail(r),
  };
}

function toNegative(r: Row): NegativeEntry {
  return {
    id: String(r.id),
    ...(r.class_code ? { classCode: String(r.class_code) } : {}),
    ...(r.resource_id ? { resourceId: String(r.resource_id) } : {}),
    reason: String(r.reason),
    legalBasis: String(r.legal_basis),
    ...trail(r),
  };
}

const dutyColumns = sql`id, agency_code, class_code, name, sharing_tier, due_date::text as due_date, note,
  created_by, created_at, removed_by, removed_at, removed_reason`;

const entryColumns = sql`id, name, doc->>'classCode' as "classCode", provider_code as "agencyCreditCode", status,
  sharing_tier as "sharingTier"`;

/**
 * The duty and negative lists of one province, and the read-only summary of its local catalogue
 * entries that compliance is computed from (read straight from catalog.resources).
 */
export class DutyRepo implements DutyStore {
  constructor(
    private readonly h: DatabaseHandle,
    private readonly province: Province,
  ) {}

  async addDuty(d: Duty): Promise<boolean> {
    // the partial unique index on current duties decides duplicates, also between concurrent admins
    const rows = await this.h.rows<Row>(sql`
      insert into catalog.duties (id, province, agency_code, class_code, name, sharing_tier, due_date, note,
                                  created_by, created_at)
      values (${d.id}, ${this.province}, ${d.agencyCreditCode}, ${d.classCode}, ${d.name}, ${d.sharingTier ?? null},
              ${d.dueDate ?? null}, ${d.note}, ${d.createdBy}, ${d.createdAt})
      on conflict do nothing
      returning id`);
    return rows.length === 1;
  }

  async duties(o: { agency?: string | undefined; includeRemoved: boolean }): Promise<Duty[]> {
    const conds = [sql`province = ${this.province}`];
    if (o.agency !== undefined) conds.push(sql`agency_code = ${o.agency}`);
    if (!o.includeRemoved) conds.push(sql`removed_at is null`);
    const rows = await this.h.rows<Row>(sql`
      select ${dutyColumns} from catalog.duties where ${sql.join(conds, sql` and `)}
      order by agency_code, class_code, name, created_at`);
    return rows.map(toDuty);
  }

  async duty(id: string): Promise<Duty | undefined> {
    const rows = await this.h.rows<Row>(
      sql`select ${dutyColumns} from catalog.duties where id = ${id} and province = ${this.province}`,
    );
    return rows[0] ? toDuty(rows[0]) : undefined;
  }

  async removeDuty(id: string, r: Removal): Promise<Duty | undefined> {
    const rows = await this.h.rows<Row>(sql`
      update catalog.duties set removed_by = ${r.by}, removed_at = ${r.at}, removed_reason = ${r.reason}
      where id = ${id} and province = ${this.province} and removed_at is null
      returning ${dutyColumns}`);
    return rows[0] ? toDuty(rows[0]) : undefined;
  }

  async addNegative(n: NegativeEntry): Promise<boolean> {
    const rows = await this.h.rows<Row>(sql`
      insert into catalog.negative_list (id, province, class_code, resource_id, reason, legal_basis, created_by, created_at)
      values (${n.id}, ${this.province}, ${n.classCode ?? null}, ${n.resourceId ?? null}, ${n.reason}, ${n.legalBasis},
              ${n.createdBy}, ${n.createdAt})
      on conflict do nothing
      returning id`);
    return rows.length === 1;
  }

  async negativeList(o: { includeRemoved: boolean }): Promise<NegativeEntry[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from catalog.negative_list
      where province = ${this.province} ${o.includeRemoved ? sql`` : sql`and removed_at is null`}
      order by coalesce(class_code, resource_id), created_at`);
    return rows.map(toNegative);
  }

  async negativeEntry(id: string): Promise<NegativeEntry | undefined> {
    const rows = await this.h.rows<Row>(
      sql`select * from catalog.negative_list where id = ${id} and province = ${this.province}`,
    );
    return rows[0] ? toNegative(rows[0]) : undefined;
  }

  async removeNegative(id: string, r: Removal): Promise<NegativeEntry | undefined> {
    const rows = await this.h.rows<Row>(sql`
      update catalog.negative_list set removed_by = ${r.by}, removed_at = ${r.at}, removed_reason = ${r.reason}
      where id = ${id} and province = ${this.province} and removed_at is null
      returning *`);
    return rows[0] ? toNegative(rows[0]) : undefined;
  }

  async isLocalEntry(resourceId: string): Promise<boolean> {
    const rows = await this.h.rows<Row>(
      sql`select 1 from catalog.resources where id = ${resourceId} and origin = 'local' and province = ${this.province}`,
    );
    return rows.length > 0;
  }

  async entriesOf(agencies: string[]): Promise<EntrySummary[]> {
    if (agencies.length === 0) return [];
    const list = sql.join(
      agencies.map((a) => sql`${a}`),
      sql`, `,
    );
    return this.entries(sql`provider_code in (${list})`);
  }

  /** Narrows in SQL to what a current line could cover; the domain's negativeMatch decides. */
  async sharedUnder(negativeList: NegativeEntry[]): Promise<EntrySummary[]> {
    const covers: SQL[] = negativeList
      .filter((n) => n.removedAt === undefined)
      .map((n) =>
        n.resourceId !== undefined
          ? sql`id = ${n.resourceId}`
          : sql`(doc->>'classCode' = ${n.classCode} or starts_with(doc->>'classCode', ${`${n.classCode}-`}))`,
      );
    if (covers.length === 0) return [];
    return this.entries(sql`status = 'published' and sharing_tier <> 'none' and (${sql.join(covers, sql` or `)})`);
  }

  private entries(where: SQL): Promise<EntrySummary[]> {
    return this.h.rows<EntrySummary>(sql`
      select ${entryColumns} from catalog.resources
      where origin = 'local' and province = ${this.province} and ${where}
      order by id`);
  }
}
