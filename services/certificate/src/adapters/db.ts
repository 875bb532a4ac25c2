/** The certificate service's storage: its own schema `certificate` (migrations/), raw SQL through drizzle. */
import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import type {
  Authorisation,
  CertificateStore,
  CertificateUse,
  PendingForward,
  PublicService,
  StatusListRow,
  StoredCertificate,
  StoredType,
} from '../app/ports.js';
import type { CertificateType } from '../domain/catalogue.js';
import type { CertificatePayload, HolderReference } from '../domain/certificate.js';
import type { Disclosure } from '../domain/disclosure.js';
import type { Dispute } from '../domain/dispute.js';
import type { CertificateState, CertificateStatus, LifecycleEvent } from '../domain/lifecycle.js';
import type { StatusPurpose } from '../domain/status-list.js';
import type { UseForward } from '../domain/use-forward.js';

type Row = Record<string, unknown>;
type Tx = Parameters<Parameters<DatabaseHandle['db']['transaction']>[0]>[0];
const iso = isoTimestamp;
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const rowsOf = (r: unknown) => (r as { rows: Row[] }).rows;

const certificateColumns = sql`c.id, c.series, c.version, c.type_code, c.issuer_code, c.holder_type, c.holder_key_id,
  c.holder_ref, c.credential, c.disclosures, c.payload, c.status, c.reason, c.superseded_by, c.status_list,
  c.status_index, c.issued_by, c.changed_at,
  coalesce((select jsonb_agg(d.id order by d.id) from certificate.disputes d
    where d.certificate_id = c.id and d.status = 'open'), '[]'::jsonb) as open_disputes`;

export class CertificateRepo implements CertificateStore {
  constructor(
    private readonly h: DatabaseHandle,
    private readonly province: Province,
  ) {}

  private toCertificate(r: Row): StoredCertificate {
    const payload = json<CertificatePayload>(r.payload);
    const state: CertificateState = {
      id: String(r.id),
      series: String(r.series),
      version: Number(r.version),
      status: String(r.status) as CertificateStatus,
      statusEntry: { province: payload.province, list: String(r.status_list), index: Number(r.status_index) },
      openDisputes: json<string[]>(r.open_disputes),
      changedAt: iso(r.changed_at),
      ...(r.superseded_by ? { supersededBy: String(r.superseded_by) } : {}),
      ...(r.reason ? { reason: String(r.reason) } : {}),
    };
    const holder: HolderReference = {
      type: String(r.holder_type) as HolderReference['type'],
      keyId: String(r.holder_key_id),
      ref: String(r.holder_ref),
    };
    return {
      id: state.id,
      typeCode: String(r.type_code),
      issuerCode: String(r.issuer_code),
      holder,
      credential: String(r.credential),
      disclosures: json<Disclosure[]>(r.disclosures),
      payload,
      state,
      issuedBy: String(r.issued_by),
    };
  }

  async getType(code: string): Promise<StoredType | undefined> {
    const [r] = await this.h.rows<Row>(sql`select * from certificate.types where type_code = ${code}`);
    return r && toType(r);
  }

  async listTypes(): Promise<StoredType[]> {
    return (await this.h.rows<Row>(sql`select * from certificate.types order by type_code`)).map(toType);
  }

  async putType(t: StoredType, create: boolean): Promise<boolean> {
    const { type } = t;
    const values = sql`${type.typeCode}, ${type.issuer.creditCode}, ${type.issuer.province},
      ${type.publicAttribute === 'public'}, ${JSON.stringify(type)}::jsonb, ${t.createdBy}, ${t.updatedAt}`;
    if (create) {
      const res = await this.h.rows<Row>(sql`
        insert into certificate.types (type_code, issuer_code, province, public, body, created_by, updated_at)
        values (${values}) on conflict (type_code) do nothing returning type_code`);
      return res.length === 1;
    }
    const res = await this.h.rows<Row>(sql`
      update certificate.types set public = ${type.publicAttribute === 'public'}, body = ${JSON.stringify(type)}::jsonb,
        updated_at = ${t.updatedAt}
      where type_code = ${type.typeCode} returning type_code`);
    return res.length === 1;
  }

  async nextSerial(issuerCode: string, year: number): Promise<number> {
    const [r] = await this.h.rows<Row>(sql`
      insert into certificate.serials (issuer_code, year, last) values (${issuerCode}, ${year}, 1)
      on conflict (issuer_code, year) do update set last = certificate.serials.last + 1
      returning last`);
    return Number(r?.last);
  }

  async keyCertificates() {
    return (await this.h.rows<Row>(sql`select * from certificate.key_certificates order by created_at, kid`)).map(
      (r) => ({
        kid: String(r.kid),
        role: String(r.role),
        agency: r.agency === null ? null : String(r.agency),
        compact: String(r.compact),
      }),
    );
  }

  async putKeyCertificate(k: { kid: string; role: string; agency: string | null; compact: string; at: string }) {
    await this.h.db.execute(sql`
      insert into certificate.key_certificates (kid, role, agency, compact, created_at)
      values (${k.kid}, ${k.role}, ${k.agency}, ${k.compact}, ${k.at}) on conflict (kid) do nothing`);
  }

  async ensureStatusLists(list: string, size: number, at: string): Promise<void> {
    for (const purpose of ['revocation', 'suspension'] as const)
      await this.h.db.execute(sql`
        insert into certificate.status_lists (list, purpose, size, bits, updated_at)
        values (${list}, ${purpose}, ${size}, ${Buffer.alloc(size / 8)}, ${at}) on conflict do nothing`);
  }

  async reserveStatusIndex(list: string, index: number): Promise<boolean> {
    const res = await this.h.rows<Row>(sql`
      insert into certificate.status_indexes (list, idx) values (${list}, ${index}) on conflict do nothing returning idx`);
    return res.length === 1;
  }

  async statusList(list: string, purpose: StatusPurpose): Promise<StatusListRow | undefined> {
    const [r] = await this.h.rows<Row>(
      sql`select size, bits, updated_at from certificate.status_lists where list = ${list} and purpose = ${purpose}`,
    );
    if (!r) return undefined;
    return { size: Number(r.size), bits: new Uint8Array(r.bits as Uint8Array), updatedAt: iso(r.updated_at) };
  }

  async insertCertificate(
    c: StoredCertificate,
    events: readonly LifecycleEvent[],
    supersede?: { state: CertificateState; from: string },
  ): Promise<boolean> {
    return this.h.db.transaction(async (tx) => {
      if (supersede && !(await moveState(tx, supersede.state, supersede.from))) return false;
      await tx.execute(sql`
        insert into certificate.certificates (id, series, version, type_code, issuer_code, holder_type, holder_key_id,
          holder_ref, credential, disclosures, payload, status, reason, superseded_by, status_list, status_index,
          issued_by, changed_at)
        values (${c.id}, ${c.state.series}, ${c.state.version}, ${c.typeCode}, ${c.issuerCode}, ${c.holder.type},
          ${c.holder.keyId}, ${c.holder.ref}, ${c.credential}, ${JSON.stringify(c.disclosures)}::jsonb,
          ${JSON.stringify(c.payload)}::jsonb, ${c.state.status}, ${c.state.reason ?? null}, null,
          ${c.state.statusEntry.list}, ${c.state.statusEntry.index}, ${c.issuedBy}, ${c.state.changedAt})`);
      await setBits(tx, events);
      return true;
    });
  }

  async getCertificate(id: string): Promise<StoredCertificate | undefined> {
    const [r] = await this.h.rows<Row>(
      sql`select ${certificateColumns} from certificate.certificates c where c.id = ${id}`,
    );
    return r && this.toCertificate(r);
  }

  async certificatesOfHolder(holderRef: string): Promise<StoredCertificate[]> {
    const rows = await this.h.rows<Row>(
      sql`select ${certificateColumns} from certificate.certificates c where c.holder_ref = ${holderRef} order by c.id`,
    );
    return rows.map((r) => this.toCertificate(r));
  }

  async currentOfHolder(holderRef: string, typeCode: string): Promise<StoredCertificate | undefined> {
    const [r] = await this.h.rows<Row>(sql`
      select ${certificateColumns} from certificate.certificates c
      where c.holder_ref = ${holderRef} and c.type_code = ${typeCode} and c.status <> 'superseded'
      order by (c.status = 'active') desc, c.changed_at desc limit 1`);
    return r && this.toCertificate(r);
  }

  async applyLifecycle(state: CertificateState, from: string, events: readonly LifecycleEvent[]): Promise<boolean> {
    return this.h.db.transaction(async (tx) => {
      if (!(await moveState(tx, state, from))) return false;
      await setBits(tx, events);
      return true;
    });
  }

  async firstUse(jti: string, expiresAt: string, now: string): Promise<boolean> {
    await this.h.db.execute(sql`delete from certificate.nonces where expires_at < ${now}`);
    const res = await this.h.rows<Row>(sql`
      insert into certificate.nonces (jti, expires_at) values (${jti}, ${expiresAt}) on conflict do nothing returning jti`);
    return res.length === 1;
  }

  async putForeign(
    kind: 'key_certificate' | 'status_list',
    key: string,
    province: string,
    compact: string,
    at: string,
  ) {
    await this.h.db.execute(sql`
      insert into certificate.foreign_material (kind, key, province, compact, stored_at)
      values (${kind}, ${key}, ${province}, ${compact}, ${at})
      on conflict (kind, key) do update set compact = excluded.compact, stored_at = excluded.stored_at`);
  }

  async foreign(kind: 'key_certificate' | 'status_list'): Promise<string[]> {
    const rows = await this.h.rows<Row>(
      sql`select compact from certificate.foreign_material where kind = ${kind} and province <> ${this.province}`,
    );
    return rows.map((r) => String(r.compact));
  }

  async putService(s: PublicService): Promise<void> {
    await this.h.db.execute(sql`
      insert into certificate.services (code, name, materials, updated_by, updated_at)
      values (${s.code}, ${s.name}, ${JSON.stringify(s.materials)}::jsonb, ${s.updatedBy}, ${s.updatedAt})
      on conflict (code) do update set name = excluded.name, materials = excluded.materials,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
  }

  async getService(code: string): Promise<PublicService | undefined> {
    const [r] = await this.h.rows<Row>(sql`select * from certificate.services where code = ${code}`);
    return r && toService(r);
  }

  async listServices(): Promise<PublicService[]> {
    return (await this.h.rows<Row>(sql`select * from certificate.services order by code`)).map(toService);
  }

  async insertAuthorisation(a: Authorisation): Promise<void> {
    await this.h.db.execute(sql`
      insert into certificate.authorisations (id, holder_ref, user_province, user_sub, purpose, type_codes, valid_until,
        created_at, revoked_at)
      values (${a.id}, ${a.holderRef}, ${a.user.province}, ${a.user.sub}, ${a.purpose}, ${JSON.stringify(a.typeCodes)}::jsonb,
        ${a.validUntil}, ${a.createdAt}, null)`);
  }

  async authorisationsOfHolder(holderRef: string): Promise<Authorisation[]> {
    const rows = await this.h.rows<Row>(
      sql`select * from certificate.authorisations where holder_ref = ${holderRef} order by created_at desc, id`,
    );
    return rows.map(toAuthorisation);
  }

  async getAuthorisation(id: string): Promise<Authorisation | undefined> {
    const [r] = await this.h.rows<Row>(sql`select * from certificate.authorisations where id = ${id}`);
    return r && toAuthorisation(r);
  }

  async revokeAuthorisation(id: string, at: string): Promise<boolean> {
    const res = await this.h.rows<Row>(sql`
      update certificate.authorisations set revoked_at = ${at} where id = ${id} and revoked_at is null returning id`);
    return res.length === 1;
  }

  async authorisationsFor(holderRef: string, user: { province: string; sub: string }): Promise<Authorisation[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from certificate.authorisations
      where holder_ref = ${holderRef} and user_province = ${user.province} and user_sub = ${user.sub}`);
    return rows.map(toAuthorisation);
  }

  async insertUse(u: CertificateUse, forward?: { issuer: Province; body: UseForward }): Promise<void> {
    await this.h.db.transaction(async (tx) => {
      await tx.execute(insertUseSql(u, null));
      if (forward)
        await tx.execute(sql`
          insert into certificate.use_forwards (id, issuer_province, body, created_at, next_at)
          values (${u.id}, ${forward.issuer}, ${JSON.stringify(forward.body)}::jsonb, ${u.at}, now())`);
    });
  }

  async receiveUse(u: CertificateUse): Promise<'stored' | 'duplicate' | 'taken'> {
    const res = await this.h.rows<Row>(sql`${insertUseSql(u, u.recordedIn)} on conflict (id) do nothing returning id`);
    if (res.length === 1) return 'stored';
    const [had] = await this.h.rows<Row>(sql`select recorded_in from certificate.uses where id = ${u.id}`);
    return had?.recorded_in === u.recordedIn ? 'duplicate' : 'taken';
  }

  async dueForwards(now: string, limit: number): Promise<PendingForward[]> {
    const rows = await this.h.rows<Row>(sql`
      select id, issuer_province, body, attempts from certificate.use_forwards
      where sent_at is null and refused_code is null and next_at <= ${now}
      order by next_at, created_at, id limit ${limit}`);
    return rows.map((r) => ({
      id: String(r.id),
      issuer: String(r.issuer_province) as Province,
      body: json<UseForward>(r.body),
      attempts: Number(r.attempts),
    }));
  }

  async forwardSent(id: string, at: string): Promise<void> {
    await this.h.db.execute(
      sql`update certificate.use_forwards set sent_at = ${at}, attempts = attempts + 1, last_error = null where id = ${id}`,
    );
  }

  async forwardFailed(id: string, attempts: number, nextAt: string, error: string): Promise<void> {
    await this.h.db.execute(sql`
      update certificate.use_forwards set attempts = ${attempts}, next_at = ${nextAt}, last_error = ${error}
      where id = ${id}`);
  }

  async forwardRefused(id: string, attempts: number, code: string): Promise<void> {
    await this.h.db.execute(sql`
      update certificate.use_forwards set attempts = ${attempts}, refused_code = ${code}, last_error = ${code}
      where id = ${id}`);
  }

  async usesOfHolder(holderRef: string, limit: number): Promise<CertificateUse[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from certificate.uses where holder_ref = ${holderRef} order by at desc, id limit ${limit}`);
    return rows.map((r) => ({
      id: String(r.id),
      certificateId: String(r.certificate_id),
      holderRef: String(r.holder_ref),
      kind: String(r.kind) as CertificateUse['kind'],
      user: {
        province: String(r.user_province),
        sub: String(r.user_sub),
        agency: String(r.user_agency),
        kind: String(r.user_kind),
      },
      serviceCode: r.service_code === null ? null : String(r.service_code),
      purpose: r.purpose === null ? null : String(r.purpose),
      authorisationId: r.authorisation_id === null ? null : String(r.authorisation_id),
      outcome: String(r.outcome),
      at: iso(r.at),
      recordedIn: r.recorded_in === null ? this.province : String(r.recorded_in),
    }));
  }

  async hasUsed(certificateId: string, user: { province: string; sub: string }): Promise<boolean> {
    const rows = await this.h.rows<Row>(sql`
      select 1 from certificate.uses where certificate_id = ${certificateId} and user_province = ${user.province}
        and user_sub = ${user.sub} limit 1`);
    return rows.length > 0;
  }

  async insertDispute(d: Dispute, issuerCode: string): Promise<void> {
    await this.h.db.execute(sql`
      insert into certificate.disputes (id, certificate_id, issuer_code, body, status, due_at)
      values (${d.id}, ${d.certificateId}, ${issuerCode}, ${JSON.stringify(d)}::jsonb, ${d.status}, ${d.dueAt})`);
  }

  async getDispute(id: string) {
    const [r] = await this.h.rows<Row>(sql`select body, issuer_code from certificate.disputes where id = ${id}`);
    return r && { dispute: json<Dispute>(r.body), issuerCode: String(r.issuer_code) };
  }

  async resolveDispute(d: Dispute): Promise<boolean> {
    const res = await this.h.rows<Row>(sql`
      update certificate.disputes set body = ${JSON.stringify(d)}::jsonb, status = ${d.status}
      where id = ${d.id} and status = 'open' returning id`);
    return res.length === 1;
  }

  async disputesOfIssuer(issuerCode: string, openOnly: boolean): Promise<Dispute[]> {
    const rows = await this.h.rows<Row>(sql`
      select body from certificate.disputes where issuer_code = ${issuerCode}
        ${openOnly ? sql`and status = 'open'` : sql``} order by due_at, id`);
    return rows.map((r) => json<Dispute>(r.body));
  }
}

/** The insert of a use; `recordedIn` null for a use recorded here. */
function insertUseSql(u: CertificateUse, recordedIn: string | null) {
  return sql`
    insert into certificate.uses (id, certificate_id, holder_ref, kind, user_province, user_sub, user_agency, user_kind,
      service_code, purpose, authorisation_id, outcome, at, recorded_in)
    values (${u.id}, ${u.certificateId}, ${u.holderRef}, ${u.kind}, ${u.user.province}, ${u.user.sub}, ${u.user.agency},
      ${u.user.kind}, ${u.serviceCode}, ${u.purpose}, ${u.authorisationId}, ${u.outcome}, ${u.at}, ${recordedIn})`;
}

async function moveState(tx: Tx, s: CertificateState, from: string): Promise<boolean> {
  const res = rowsOf(
    await tx.execute(sql`
      update certificate.certificates set status = ${s.status}, reason = ${s.reason ?? null},
        superseded_by = ${s.supersededBy ?? null}, changed_at = ${s.changedAt}
      where id = ${s.id} and status = ${from} returning id`),
  );
  return res.length === 1;
}

/**
 * Sets or clears the bits lifecycle events name. PostgreSQL's set_bit numbers a byte's bits from
 * the least significant; the W3C list numbers them from the most significant, hence the flip.
 */
async function setBits(tx: Tx, events: readonly LifecycleEvent[]): Promise<void> {
  for (const e of events) {
    if (e.type !== 'StatusBitChanged') continue;
    const bit = Math.floor(e.entry.index / 8) * 8 + (7 - (e.entry.index % 8));
    await tx.execute(sql`
      update certificate.status_lists set bits = set_bit(bits, ${bit}, ${e.value ? 1 : 0}), updated_at = ${e.at}
      where list = ${e.entry.list} and purpose = ${e.purpose}`);
  }
}

function toType(r: Row): StoredType {
  return { type: json<CertificateType>(r.body), createdBy: String(r.created_by), updatedAt: iso(r.updated_at) };
}

function toService(r: Row): PublicService {
  return {
    code: String(r.code),
    name: String(r.name),
    materials: json<PublicService['materials']>(r.materials),
    updatedBy: String(r.updated_by),
    updatedAt: iso(r.updated_at),
  };
}

function toAuthorisation(r: Row): Authorisation {
  return {
    id: String(r.id),
    holderRef: String(r.holder_ref),
    user: { province: String(r.user_province), sub: String(r.user_sub) },
    purpose: String(r.purpose),
    typeCodes: json<string[]>(r.type_codes),
    validUntil: iso(r.valid_until),
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
  };
}
