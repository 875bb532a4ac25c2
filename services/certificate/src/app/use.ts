/**
 * 用证: the 用证清单 of public services (which certificate types replace which materials), and the
 * fetch of a holder's certificate — by a government user handling a listed service (no separate
 * application: the listing is the authority), or by a non-government user under the holder's
 * authorisation. Every fetch, served or refused, goes to the audit log; every served one to the
 * holder's list of uses.
 */
import { randomUUID } from 'node:crypto';
import { auditEvent } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import type { FieldValue } from '../domain/catalogue.js';
import type { Certificates, CertificateView, HolderInput } from './certificates.js';
import { viewOf } from './certificates.js';
import { actorOf, type CertificateContext } from './context.js';
import { refuse, serviceCodes } from './errors.js';
import type { PublicService } from './ports.js';
import { recordUse } from './use-forwarding.js';

export interface FetchRequest {
  holder: HolderInput;
  typeCode: string;
  serviceCode?: string | undefined;
  purpose?: string | undefined;
}

export interface FetchedCertificate {
  certificate: CertificateView;
  /** the issuer-signed certificate and every field's disclosure: verifiable offline like a presentation */
  credential: string;
  disclosures: string[];
  data: Record<string, FieldValue>;
  basis: { serviceCode: string } | { authorisationId: string };
}

export class Use {
  constructor(
    private readonly ctx: CertificateContext,
    private readonly certificates: Certificates,
  ) {}

  async putService(
    by: Principal,
    code: string,
    input: { name: string; materials: PublicService['materials'] },
  ): Promise<PublicService> {
    if (!by.roles.includes('admin') || by.province !== this.ctx.province)
      throw refuse(
        'forbidden',
        'AUTH.ROLE_REQUIRED',
        '只有本省管理员可以维护用证清单',
        'only an admin of this province maintains the list',
      );
    for (const m of input.materials)
      for (const t of m.certificateTypes)
        if (!(await this.ctx.store.getType(t)))
          throw refuse('invalid', serviceCodes.unknownType, `没有证照类型 ${t}`, `no certificate type ${t}`);
    const s: PublicService = { code, ...input, updatedBy: by.sub, updatedAt: this.ctx.clock().toISOString() };
    await this.ctx.store.putService(s);
    return s;
  }

  listServices(): Promise<PublicService[]> {
    return this.ctx.store.listServices();
  }

  async getService(code: string): Promise<PublicService> {
    const s = await this.ctx.store.getService(code);
    if (!s) throw refuse('not_found', serviceCodes.serviceNotFound, `没有事项 ${code}`, `no public service ${code}`);
    return s;
  }

  async fetch(by: Principal, req: FetchRequest): Promise<FetchedCertificate> {
    const stored = await this.ctx.store.getType(req.typeCode);
    if (!stored)
      throw refuse(
        'not_found',
        serviceCodes.typeNotFound,
        `没有证照类型 ${req.typeCode}`,
        `no certificate type ${req.typeCode}`,
      );
    const holder = this.certificates.holderRef(stored.type.holderType, req.holder);
    try {
      const basis = await this.basis(by, holder.ref, req);
      const cert = await this.ctx.store.currentOfHolder(holder.ref, req.typeCode);
      if (!cert)
        throw refuse(
          'not_found',
          serviceCodes.notFound,
          '该持证主体没有此类证照',
          'the holder has no certificate of this type',
        );
      const at = this.ctx.clock().toISOString();
      const id = randomUUID();
      await this.audit(by, id, { resourceId: cert.id, holder: holder, outcome: 'ok', code: '', at, req });
      // the certificates held here are this province's: recordUse forwards only another's
      await recordUse(
        this.ctx,
        {
          id,
          certificateId: cert.id,
          holderRef: holder.ref,
          kind: 'fetch',
          user: actorOf(by),
          serviceCode: 'serviceCode' in basis ? basis.serviceCode : null,
          purpose: req.purpose ?? null,
          authorisationId: 'authorisationId' in basis ? basis.authorisationId : null,
          outcome: 'served',
          at,
        },
        { issuer: cert.payload.province, holderKeyId: cert.holder.keyId },
      );
      return {
        certificate: viewOf(cert),
        credential: cert.credential,
        disclosures: cert.disclosures.map((d) => d.encoded),
        data: Object.fromEntries(cert.disclosures.map((d) => [d.name, d.value])),
        basis,
      };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('CERT.')) {
        await this.audit(by, randomUUID(), {
          resourceId: req.typeCode,
          holder,
          outcome: 'deny',
          code,
          at: this.ctx.clock().toISOString(),
          req,
        });
      }
      throw err;
    }
  }

  /** Why this user may fetch: the service's listing (government) or the holder's authorisation. */
  private async basis(
    by: Principal,
    holderRef: string,
    req: FetchRequest,
  ): Promise<{ serviceCode: string } | { authorisationId: string }> {
    if (by.kind === 'government') {
      if (!req.serviceCode)
        throw refuse(
          'invalid',
          serviceCodes.serviceRequired,
          '政务用证须指明所办事项',
          'a government user names the public service handled',
        );
      const s = await this.getService(req.serviceCode);
      if (!s.materials.some((m) => m.certificateTypes.includes(req.typeCode)))
        throw refuse(
          'forbidden',
          serviceCodes.notOnServiceList,
          `证照类型 ${req.typeCode} 不在事项 ${s.code} 的用证清单中`,
          `certificate type ${req.typeCode} is not on the list of service ${s.code}`,
        );
      return { serviceCode: s.code };
    }
    const now = this.ctx.clock().getTime();
    const purpose = req.purpose?.trim() ?? '';
    const grants = await this.ctx.store.authorisationsFor(holderRef, { province: by.province, sub: by.sub });
    const grant = grants.find(
      (a) =>
        a.revokedAt === null &&
        Date.parse(a.validUntil) > now &&
        a.typeCodes.includes(req.typeCode) &&
        a.purpose === purpose,
    );
    if (!grant)
      throw refuse(
        'forbidden',
        serviceCodes.notAuthorised,
        '没有持证主体对本用户、本用途、本类证照的有效授权',
        'no valid authorisation of the holder for this user, purpose and certificate type',
      );
    return { authorisationId: grant.id };
  }

  private async audit(
    by: Principal,
    id: string,
    e: {
      resourceId: string;
      holder: { ref: string; keyId: string };
      outcome: string;
      code: string;
      at: string;
      req: FetchRequest;
    },
  ) {
    await this.ctx.audit.publish(
      auditEvent({
        eventId: `${this.ctx.province}-cert-fetch-${id}`,
        province: this.ctx.province,
        kind: 'certificate.fetched',
        resourceId: e.resourceId,
        actorUser: by.sub,
        actorAgency: by.agency,
        requesterProvince: by.province,
        providerProvince: this.ctx.province,
        outcome: e.outcome,
        code: e.code,
        subjectRef: e.holder.ref,
        subjectRefKeyId: e.holder.keyId,
        items: [e.req.typeCode, ...(e.req.serviceCode ? [e.req.serviceCode] : [])],
        occurredAt: e.at,
      }),
    );
  }
}
