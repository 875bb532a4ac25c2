import { type DatabaseHandle, sql } from '@yrd/db';
import type { consentV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { GrantStatus, GrantView, Mode } from '../domain/index.js';

export type Application = consentV1.ApplicationView;

export interface Grant extends GrantView {
  applicationId: string;
  resourceVersion: number;
  revokedAt: string;
}

export interface StoredConsent extends consentV1.ConsentArtefact {
  subjectUser: string;
}

/** Timestamps come back as Date (PGlite, pg) or string; the app speaks ISO 8601 strings. */
function iso(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function strings(v: unknown): string[] {
  const a = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(a) ? a.map(String) : [];
}

const tsOrNull = (s: string) => (s === '' ? null : s);

type Row = Record<string, unknown>;

function toApplication(r: Row): Application {
  return {
    id: String(r.id),
    requesterUser: String(r.requester_user),
    requesterAgency: String(r.requester_agency),
    requesterProvince: String(r.requester_province),
    resourceId: String(r.resource_id),
    resourceVersion: Number(r.resource_version),
    providerProvince: String(r.provider_province),
    purpose: String(r.purpose),
    legalBasis: String(r.legal_basis),
    items: strings(r.items),
    modes: strings(r.modes),
    validUntil: iso(r.valid_until),
    status: String(r.status),
    reason: String(r.reason ?? ''),
    decidedBy: String(r.decided_by ?? ''),
    decidedAt: iso(r.decided_at),
    grantId: String(r.grant_id ?? ''),
    dueAt: iso(r.due_at),
    createdAt: iso(r.created_at),
  };
}

function toGrant(r: Row): Grant {
  return {
    id: String(r.id),
    applicationId: String(r.application_id),
    requesterAgency: String(r.requester_agency),
    requesterProvince: String(r.requester_province) as Province,
    resourceId: String(r.resource_id),
    resourceVersion: Number(r.resource_version),
    items: strings(r.items),
    purpose: String(r.purpose),
    modes: strings(r.modes) as Mode[],
    validFrom: iso(r.valid_from),
    validUntil: iso(r.valid_until),
    status: String(r.status) as GrantStatus,
    legalDuty: Boolean(r.legal_duty),
    revokedAt: iso(r.revoked_at),
  };
}

function toConsent(r: Row): StoredConsent {
  return {
    id: String(r.id),
    subjectUser: String(r.subject_user),
    subjectRef: String(r.subject_ref),
    requesterAgency: String(r.requester_agency),
    requesterProvince: String(r.requester_province),
    resourceId: String(r.resource_id),
    items: strings(r.items),
    purpose: String(r.purpose),
    validUntil: iso(r.valid_until),
    status: String(r.status),
    signature: String(r.signature),
    keyId: String(r.key_id),
    createdAt: iso(r.created_at),
    revokedAt: iso(r.revoked_at),
  };
}

/** The consent service's persistence, in SQL that PGlite and PostgreSQL both speak. */
export class ConsentRepo {
  constructor(private readonly h: DatabaseHandle) {}

  async insertApplication(a: Application): Promise<void> {
    await this.h.db.execute(sql`
      insert into consent.applications (id, requester_user, requester_agency, requester_province, resource_id, resource_version,
        provider_province, purpose, legal_basis, items, modes, valid_until, status, reason, decided_by, decided_at, grant_id, due_at, created_at)
      values (${a.id}, ${a.requesterUser}, ${a.requesterAgency}, ${a.requesterProvince}, ${a.resourceId}, ${a.resourceVersion},
        ${a.providerProvince}, ${a.purpose}, ${a.legalBasis}, ${JSON.stringify(a.items)}::jsonb, ${JSON.stringify(a.modes)}::jsonb,
        ${a.validUntil}, ${a.status}, ${a.reason}, ${a.decidedBy}, ${tsOrNull(a.decidedAt)}, ${a.grantId}, ${a.dueAt}, ${a.createdAt})`);
  }

  /** Removes an application nobody has been told of (its audit event could not be published). */
  async withdrawApplication(id: string): Promise<void> {
    await this.h.db.execute(sql`delete from consent.applications where id = ${id} and status = 'submitted'`);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.applications where id = ${id}`);
    return rows[0] ? toApplication(rows[0]) : undefined;
  }

  /**
   * Records a decision (and the grant an approval creates) in one transaction; only a submitted
   * application can be decided, so two concurrent decisions cannot both win.
   */
  async decide(a: Application, grant: Grant | undefined): Promise<boolean> {
    return this.h.db.transaction(async (tx) => {
      const res = (await tx.execute(sql`
        update consent.applications set status = ${a.status}, reason = ${a.reason}, decided_by = ${a.decidedBy},
          decided_at = ${a.decidedAt}, grant_id = ${a.grantId}
        where id = ${a.id} and status = 'submitted' returning id`)) as unknown as { rows: unknown[] };
      if (res.rows.length === 0) return false;
      if (grant) {
        await tx.execute(sql`
          insert into consent.grants (id, application_id, requester_agency, requester_province, resource_id, resource_version,
            items, purpose, modes, valid_from, valid_until, status, legal_duty)
          values (${grant.id}, ${grant.applicationId}, ${grant.requesterAgency}, ${grant.requesterProvince}, ${grant.resourceId},
            ${grant.resourceVersion}, ${JSON.stringify(grant.items)}::jsonb, ${grant.purpose}, ${JSON.stringify(grant.modes)}::jsonb,
            ${grant.validFrom}, ${grant.validUntil}, ${grant.status}, ${grant.legalDuty ?? false})`);
      }
      return true;
    });
  }

  async getGrant(id: string): Promise<Grant | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.grants where id = ${id}`);
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  async revokeGrant(id: string, at: string): Promise<void> {
    await this.h.db.execute(
      sql`update consent.grants set status = 'revoked', revoked_at = ${at} where id = ${id} and status <> 'revoked'`,
    );
  }

  async insertConsent(c: StoredConsent): Promise<void> {
    await this.h.db.execute(sql`
      insert into consent.consents (id, subject_user, subject_ref, requester_agency, requester_province, resource_id, items,
        purpose, valid_until, status, signature, key_id, created_at)
      values (${c.id}, ${c.subjectUser}, ${c.subjectRef}, ${c.requesterAgency}, ${c.requesterProvince}, ${c.resourceId},
        ${JSON.stringify(c.items)}::jsonb, ${c.purpose}, ${c.validUntil}, ${c.status}, ${c.signature}, ${c.keyId}, ${c.createdAt})
      on conflict (id) do nothing`);
  }

  /** Removes a consent nobody has been handed yet (its audit event could not be published). */
  async withdrawConsent(id: string): Promise<void> {
    await this.h.db.execute(sql`delete from consent.consents where id = ${id} and status = 'active'`);
  }

  async countConsents(): Promise<number> {
    const rows = await this.h.rows<{ n: number }>(sql`select count(*)::int as n from consent.consents`);
    return rows[0]?.n ?? 0;
  }

  async getConsent(id: string): Promise<StoredConsent | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.consents where id = ${id}`);
    return rows[0] ? toConsent(rows[0]) : undefined;
  }

  async revokeConsent(id: string, at: string): Promise<void> {
    await this.h.db.execute(
      sql`update consent.consents set status = 'revoked', revoked_at = ${at} where id = ${id} and status <> 'revoked'`,
    );
  }
}
