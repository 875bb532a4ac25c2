import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import type {
  Application,
  ApplicationFilter,
  ApplicationStep,
  ConsentStore,
  Grant,
  OutgoingApplication,
  OutgoingFilter,
  OutgoingStore,
  RulesVersion,
  StoredConsent,
} from '../app/ports.js';
import type { GrantStatus, Mode } from '../domain/index.js';
import { policyRulesInput } from '../domain/rules.js';

const iso = isoTimestamp;

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
    grade: String(r.grade ?? 'general'),
    firstApprovedBy: String(r.first_approved_by ?? ''),
    legalDuty: Boolean(r.legal_duty),
    coordinated: Boolean(r.coordinated),
    escalated: Boolean(r.escalated),
    rulesVersion: Number(r.rules_version ?? 0),
    steps: [],
    overdue: false,
    providerAgency: String(r.provider_agency ?? ''),
    ratePerMinute: Number(r.rate_per_minute ?? 60),
  };
}

function toStep(r: Row): ApplicationStep {
  return {
    seq: Number(r.seq),
    action: String(r.action),
    fromStatus: String(r.from_status),
    toStatus: String(r.to_status),
    actorUser: String(r.actor_user),
    actorAgency: String(r.actor_agency),
    at: iso(r.at),
    reason: String(r.reason ?? ''),
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
    ratePerMinute: Number(r.rate_per_minute ?? 60),
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
    fetchType: String(r.fetch_type ?? 'periodic'),
    alg: String(r.alg ?? ''),
  };
}

function toRules(r: Row): RulesVersion {
  const doc = typeof r.doc === 'string' ? (JSON.parse(r.doc) as unknown) : r.doc;
  return {
    version: Number(r.version),
    rules: policyRulesInput.parse(doc),
    changedBy: String(r.changed_by),
    changedAt: iso(r.changed_at),
    reason: String(r.reason),
    changedFields: strings(r.changed_fields),
  };
}

function toOutgoing(r: Row): OutgoingApplication {
  return {
    id: String(r.id),
    providerProvince: String(r.provider_province) as Province,
    resourceId: String(r.resource_id),
    requesterAgency: String(r.requester_agency),
    requesterUser: String(r.requester_user),
    submittedAt: iso(r.submitted_at),
    lastStatus: String(r.last_status ?? ''),
    grantId: String(r.grant_id ?? ''),
    lastSeenAt: iso(r.last_seen_at),
  };
}

type Tx = Parameters<Parameters<DatabaseHandle['db']['transaction']>[0]>[0];

async function insertStep(tx: Tx, id: string, s: ApplicationStep) {
  await tx.execute(sql`
    insert into consent.application_steps (application_id, seq, action, from_status, to_status, actor_user, actor_agency, at, reason)
    select ${id}, coalesce(max(seq), 0) + 1, ${s.action}, ${s.fromStatus}, ${s.toStatus}, ${s.actorUser}, ${s.actorAgency},
      ${s.at}, ${s.reason}
    from consent.application_steps where application_id = ${id}`);
}

/** The consent service's persistence, in SQL that PGlite and PostgreSQL both speak. */
export class ConsentRepo implements ConsentStore, OutgoingStore {
  constructor(private readonly h: DatabaseHandle) {}

  /** A new application and its first step, in one transaction. */
  async insertApplication(a: Application, step: ApplicationStep): Promise<void> {
    await this.h.db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into consent.applications (id, requester_user, requester_agency, requester_province, resource_id, resource_version,
          provider_province, purpose, legal_basis, items, modes, valid_until, status, reason, decided_by, decided_at, grant_id, due_at,
          created_at, grade, rules_version, provider_agency, rate_per_minute)
        values (${a.id}, ${a.requesterUser}, ${a.requesterAgency}, ${a.requesterProvince}, ${a.resourceId}, ${a.resourceVersion},
          ${a.providerProvince}, ${a.purpose}, ${a.legalBasis}, ${JSON.stringify(a.items)}::jsonb, ${JSON.stringify(a.modes)}::jsonb,
          ${a.validUntil}, ${a.status}, ${a.reason}, ${a.decidedBy}, ${tsOrNull(a.decidedAt)}, ${a.grantId}, ${tsOrNull(a.dueAt)},
          ${a.createdAt}, ${a.grade}, ${a.rulesVersion}, ${a.providerAgency}, ${a.ratePerMinute})`);
      await insertStep(tx, a.id, step);
    });
  }

  /** Removes an application nobody has been told of (its audit event could not be published). */
  async withdrawApplication(id: string): Promise<void> {
    await this.h.db.transaction(async (tx) => {
      const gone = (await tx.execute(sql`
        delete from consent.application_steps where application_id = ${id}
          and not exists (select 1 from consent.application_steps s where s.application_id = ${id} and s.seq > 1)
        returning seq`)) as unknown as { rows: unknown[] };
      if (gone.rows.length > 0)
        await tx.execute(
          sql`delete from consent.applications where id = ${id} and status in ('submitted', 'compliance_review')`,
        );
    });
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.applications where id = ${id}`);
    if (!rows[0]) return undefined;
    const steps = await this.h.rows<Row>(
      sql`select * from consent.application_steps where application_id = ${id} order by seq`,
    );
    return { ...toApplication(rows[0]), steps: steps.map(toStep) };
  }

  async getApplications(ids: readonly string[]): Promise<Application[]> {
    if (ids.length === 0) return [];
    const list = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    const rows = await this.h.rows<Row>(sql`select * from consent.applications where id in (${list})`);
    const steps = await this.h.rows<Row>(
      sql`select * from consent.application_steps where application_id in (${list}) order by application_id, seq`,
    );
    const stepsOf = new Map<string, ApplicationStep[]>();
    for (const r of steps) {
      const id = String(r.application_id);
      stepsOf.set(id, [...(stepsOf.get(id) ?? []), toStep(r)]);
    }
    return rows.map((r) => {
      const app = toApplication(r);
      return { ...app, steps: stepsOf.get(app.id) ?? [] };
    });
  }

  /**
   * Moves an application one step (with the grant an approval creates) in one transaction, only
   * from the stage the step was decided on: of two concurrent steps, one wins and the other finds
   * the application moved on.
   */
  async advance(a: Application, from: string, step: ApplicationStep, grant?: Grant): Promise<boolean> {
    return this.h.db.transaction(async (tx) => {
      const res = (await tx.execute(sql`
        update consent.applications set status = ${a.status}, reason = ${a.reason}, decided_by = ${a.decidedBy},
          decided_at = ${tsOrNull(a.decidedAt)}, grant_id = ${a.grantId}, due_at = ${tsOrNull(a.dueAt)},
          first_approved_by = ${a.firstApprovedBy}, legal_duty = ${a.legalDuty}, coordinated = ${a.coordinated},
          escalated = ${a.escalated}, rate_per_minute = ${a.ratePerMinute}
        where id = ${a.id} and status = ${from} returning id`)) as unknown as { rows: unknown[] };
      if (res.rows.length === 0) return false;
      await insertStep(tx, a.id, step);
      if (grant) {
        await tx.execute(sql`
          insert into consent.grants (id, application_id, requester_agency, requester_province, resource_id, resource_version,
            items, purpose, modes, valid_from, valid_until, status, legal_duty, rate_per_minute)
          values (${grant.id}, ${grant.applicationId}, ${grant.requesterAgency}, ${grant.requesterProvince}, ${grant.resourceId},
            ${grant.resourceVersion}, ${JSON.stringify(grant.items)}::jsonb, ${grant.purpose}, ${JSON.stringify(grant.modes)}::jsonb,
            ${grant.validFrom}, ${grant.validUntil}, ${grant.status}, ${grant.legalDuty ?? false}, ${grant.ratePerMinute})`);
      }
      return true;
    });
  }

  /** Applications still waiting on someone whose due date has passed. */
  async overdueApplications(at: string, limit = 500): Promise<Application[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from consent.applications
      where status in ('compliance_review', 'submitted', 'second_approval', 'coordination') and due_at < ${at}
      order by due_at limit ${limit}`);
    return rows.map(toApplication);
  }

  /** A worklist: applications by stage, of one provider agency or the whole province. */
  async listApplications(f: ApplicationFilter): Promise<Application[]> {
    const conds = [sql`true`];
    if (f.status) conds.push(sql`status = ${f.status}`);
    if (f.providerAgency) conds.push(sql`provider_agency = ${f.providerAgency}`);
    const rows = await this.h.rows<Row>(sql`
      select * from consent.applications where ${sql.join(conds, sql` and `)}
      order by due_at nulls last, created_at limit ${f.limit}`);
    return rows.map(toApplication);
  }

  async recordOutgoing(o: OutgoingApplication): Promise<void> {
    await this.h.db.execute(sql`
      insert into consent.outgoing_applications (id, provider_province, resource_id, requester_agency, requester_user,
        submitted_at, last_status, grant_id, last_seen_at)
      values (${o.id}, ${o.providerProvince}, ${o.resourceId}, ${o.requesterAgency}, ${o.requesterUser}, ${o.submittedAt},
        ${o.lastStatus}, ${o.grantId}, ${o.lastSeenAt})
      on conflict (id) do nothing`);
  }

  /** One page of an agency's outgoing applications, newest first, and how many there are. */
  async listOutgoing(f: OutgoingFilter): Promise<{ rows: OutgoingApplication[]; total: number }> {
    const conds = [sql`requester_agency = ${f.requesterAgency}`];
    if (f.status) conds.push(sql`last_status = ${f.status}`);
    if (f.notStatus && f.notStatus.length > 0)
      conds.push(
        sql`last_status not in (${sql.join(
          f.notStatus.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      );
    const where = sql.join(conds, sql` and `);
    const rows = await this.h.rows<Row>(sql`
      select * from consent.outgoing_applications where ${where}
      order by submitted_at desc, id desc limit ${f.limit} offset ${f.offset}`);
    const count = await this.h.rows<{ n: number }>(
      sql`select count(*)::int as n from consent.outgoing_applications where ${where}`,
    );
    return { rows: rows.map(toOutgoing), total: count[0]?.n ?? 0 };
  }

  async noteOutgoing(id: string, status: string, grantId: string, at: string): Promise<void> {
    await this.h.db.execute(sql`
      update consent.outgoing_applications set last_status = ${status}, grant_id = ${grantId}, last_seen_at = ${at}
      where id = ${id}`);
  }

  async currentRules(): Promise<RulesVersion | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.rules order by version desc limit 1`);
    return rows[0] ? toRules(rows[0]) : undefined;
  }

  async rulesVersion(version: number): Promise<RulesVersion | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.rules where version = ${version}`);
    return rows[0] ? toRules(rows[0]) : undefined;
  }

  async rulesHistory(): Promise<RulesVersion[]> {
    const rows = await this.h.rows<Row>(sql`select * from consent.rules order by version`);
    return rows.map(toRules);
  }

  /** Stores a version of the rules; false when that version number is taken (a concurrent change). */
  async insertRules(r: RulesVersion): Promise<boolean> {
    const res = (await this.h.db.execute(sql`
      insert into consent.rules (version, doc, changed_by, changed_at, reason, changed_fields)
      values (${r.version}, ${JSON.stringify(r.rules)}::jsonb, ${r.changedBy}, ${r.changedAt}, ${r.reason},
        ${JSON.stringify(r.changedFields)}::jsonb)
      on conflict (version) do nothing returning version`)) as unknown as { rows: unknown[] };
    return res.rows.length > 0;
  }

  async getGrant(id: string): Promise<Grant | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from consent.grants where id = ${id}`);
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  /** Grants and consents past their validity become expired (the decision refuses them anyway). */
  async expireLapsed(at: string): Promise<{ grants: number; consents: number }> {
    const g = (await this.h.db.execute(sql`
      update consent.grants set status = 'expired' where status = 'active' and valid_until < ${at} returning id`)) as unknown as {
      rows: unknown[];
    };
    const c = (await this.h.db.execute(sql`
      update consent.consents set status = 'expired' where status = 'active' and valid_until < ${at} returning id`)) as unknown as {
      rows: unknown[];
    };
    return { grants: g.rows.length, consents: c.rows.length };
  }

  async consentsOf(subjectUser: string): Promise<StoredConsent[]> {
    const rows = await this.h.rows<Row>(
      sql`select * from consent.consents where subject_user = ${subjectUser} order by created_at desc`,
    );
    return rows.map(toConsent);
  }

  async revokeGrant(id: string, at: string): Promise<void> {
    await this.h.db.execute(
      sql`update consent.grants set status = 'revoked', revoked_at = ${at} where id = ${id} and status <> 'revoked'`,
    );
  }

  async insertConsent(c: StoredConsent): Promise<void> {
    await this.h.db.execute(sql`
      insert into consent.consents (id, subject_user, subject_ref, requester_agency, requester_province, resource_id, items,
        purpose, valid_until, status, signature, key_id, created_at, fetch_type, alg)
      values (${c.id}, ${c.subjectUser}, ${c.subjectRef}, ${c.requesterAgency}, ${c.requesterProvince}, ${c.resourceId},
        ${JSON.stringify(c.items)}::jsonb, ${c.purpose}, ${c.validUntil}, ${c.status}, ${c.signature}, ${c.keyId}, ${c.createdAt},
        ${c.fetchType || 'periodic'}, ${c.alg})
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

  async consentUsed(id: string): Promise<boolean> {
    const rows = await this.h.rows<Row>(sql`select 1 from consent.consent_uses where consent_id = ${id}`);
    return rows.length > 0;
  }

  /** Records the one fetch of a once-only consent; false when it was already used (a racing fetch). */
  async useConsent(id: string, at: string, requester: string): Promise<boolean> {
    const res = (await this.h.db.execute(sql`
      insert into consent.consent_uses (consent_id, used_at, requester) values (${id}, ${at}, ${requester})
      on conflict (consent_id) do nothing returning consent_id`)) as unknown as { rows: unknown[] };
    return res.rows.length > 0;
  }

  async revokeConsent(id: string, at: string): Promise<void> {
    await this.h.db.execute(
      sql`update consent.consents set status = 'revoked', revoked_at = ${at} where id = ${id} and status <> 'revoked'`,
    );
  }
}
