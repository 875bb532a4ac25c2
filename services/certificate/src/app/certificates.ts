/**
 * 制发, 更新, 中止, 恢复, 注销: an issuing agency's publisher issues a certificate to a holder
 * reference and changes its life; every change of status is written with its status-list bit in
 * one transaction (adapters/db.ts), so the published list never disagrees with the register.
 */
import { randomInt } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import { isValidCreditCode, isValidIdNumber } from '@yrd/region';
import type { CertificateType } from '../domain/catalogue.js';
import {
  certificateFacts,
  type HolderReference,
  type IssuedCertificate,
  issueCertificate,
} from '../domain/certificate.js';
import { certificateErrorCodes } from '../domain/errors.js';
import { type CertificateState, decide, issued, type LifecycleCommand } from '../domain/lifecycle.js';
import { updateCertificate } from '../domain/update.js';
import type { Catalogue } from './catalogue.js';
import { type CertificateContext, chinaToday } from './context.js';
import { domainCall, fromDomain, refuse, serviceCodes } from './errors.js';
import type { StoredCertificate } from './ports.js';

/** Who holds a certificate, as the issuer knows them: an ID number or a credit code, turned into a reference. */
export type HolderInput = { idNumber: string } | { creditCode: string };

export interface IssueRequest {
  typeCode: string;
  holder: HolderInput;
  data: Record<string, unknown>;
  validFrom: string;
  validUntil?: string | undefined;
}

export interface UpdateRequest {
  data: Record<string, unknown>;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
}

/** What the issuer sees of a certificate: its register entry (the field values stay with the holder's wallet). */
export interface CertificateView {
  id: string;
  series: string;
  version: number;
  typeCode: string;
  issuerCode: string;
  holderType: string;
  status: CertificateState['status'];
  reason: string | null;
  supersededBy: string | null;
  disputed: boolean;
  validFrom: string;
  validUntil: string | null;
  issuedAt: string;
  statusList: { list: string; index: number };
}

export const viewOf = (c: StoredCertificate): CertificateView => ({
  id: c.id,
  series: c.state.series,
  version: c.state.version,
  typeCode: c.typeCode,
  issuerCode: c.issuerCode,
  holderType: c.holder.type,
  status: c.state.status,
  reason: c.state.reason ?? null,
  supersededBy: c.state.supersededBy ?? null,
  disputed: c.state.openDisputes.length > 0,
  validFrom: c.payload.validFrom,
  validUntil: c.payload.validUntil,
  issuedAt: new Date(c.payload.issuedAt * 1000).toISOString(),
  statusList: { list: c.state.statusEntry.list, index: c.state.statusEntry.index },
});

export class Certificates {
  constructor(
    private readonly ctx: CertificateContext,
    private readonly catalogue: Catalogue,
  ) {}

  /** The holder reference of an ID number or credit code, checked against the type's holder category. */
  holderRef(type: CertificateType['holderType'], holder: HolderInput): HolderReference {
    if (type === 'natural_person') {
      if (!('idNumber' in holder) || !isValidIdNumber(holder.idNumber))
        throw refuse(
          'invalid',
          serviceCodes.invalidHolder,
          '自然人持证主体须给出有效身份证号',
          'a natural person holder is given by a valid ID number',
        );
      const r = this.ctx.subjectRefs.ofIdNumber(holder.idNumber);
      return { type, keyId: r.keyId, ref: r.ref };
    }
    if (!('creditCode' in holder) || !isValidCreditCode(holder.creditCode))
      throw refuse(
        'invalid',
        serviceCodes.invalidHolder,
        '法人或其他组织须给出有效统一社会信用代码',
        'an organisation holder is given by a valid credit code',
      );
    const r = this.ctx.subjectRefs.ofKey({ credit_code: holder.creditCode });
    return { type, keyId: r.keyId, ref: r.ref };
  }

  async issue(by: Principal, req: IssueRequest): Promise<CertificateView> {
    const type = await this.catalogue.get(by, req.typeCode);
    this.catalogue.assertIssuerStaff(by, type);
    const holder = this.holderRef(type.holderType, req.holder);
    const now = this.ctx.clock();
    const year = Number(chinaToday(now).slice(0, 4));
    const serial = await this.ctx.store.nextSerial(type.issuer.creditCode, year);
    const index = await this.reserveIndex();
    const { signer, key } = await this.ctx.trust.issuer(type.issuer.creditCode, type.issuer.name);
    const cert = await domainCall(() =>
      issueCertificate(
        {
          type,
          data: req.data,
          holder,
          year,
          serial,
          version: 1,
          validFrom: req.validFrom,
          ...(req.validUntil ? { validUntil: req.validUntil } : {}),
          status: { province: this.ctx.province, list: this.ctx.trust.statusList, index },
          signer,
          signerKey: key,
        },
        { now, randomBytes: this.ctx.randomBytes, verifier: this.ctx.verifier },
      ),
    );
    const facts = certificateFacts(cert.payload);
    const fresh = issued(
      { id: cert.payload.id, series: facts.series, version: facts.version, status: facts.statusEntry },
      { now },
    );
    const stored = this.stored(cert, type, fresh.state, holder, by);
    await this.ctx.store.insertCertificate(stored, fresh.events);
    return viewOf(stored);
  }

  /** 更新: a new version with new data; the old one is superseded (its revocation bit set). */
  async update(by: Principal, id: string, req: UpdateRequest): Promise<CertificateView> {
    const { old, type } = await this.ofIssuer(by, id);
    const now = this.ctx.clock();
    const index = await this.reserveIndex();
    const { signer, key } = await this.ctx.trust.issuer(type.issuer.creditCode, type.issuer.name);
    const result = updateCertificate(
      old.state,
      {
        type,
        data: req.data,
        holder: old.holder,
        validFrom: req.validFrom ?? old.payload.validFrom,
        ...(req.validUntil ? { validUntil: req.validUntil } : {}),
        status: { province: this.ctx.province, list: this.ctx.trust.statusList, index },
        signer,
        signerKey: key,
      },
      { id: by.agency },
      { now, randomBytes: this.ctx.randomBytes, verifier: this.ctx.verifier },
    );
    if (!result.ok) throw fromDomain(result.error);
    const stored = this.stored(result.certificate, type, result.next, old.holder, by);
    if (!(await this.ctx.store.insertCertificate(stored, result.events, { state: result.old, from: old.state.status })))
      throw this.concurrent();
    return viewOf(stored);
  }

  async suspend(by: Principal, id: string, reason: string) {
    return this.change(by, id, { kind: 'suspend', by: { id: by.agency }, reason });
  }

  async resume(by: Principal, id: string) {
    return this.change(by, id, { kind: 'resume', by: { id: by.agency } });
  }

  async cancel(by: Principal, id: string, reason: string) {
    return this.change(by, id, { kind: 'cancel', by: { id: by.agency }, reason });
  }

  /**
   * A version's status from the register, for the province's own services (gRPC): no holder data,
   * only what the published status list says plus the dispute mark and its successor.
   */
  async status(id: string): Promise<CertificateView & { changedAt: string }> {
    const c = await this.ctx.store.getCertificate(id);
    if (!c) throw refuse('not_found', serviceCodes.notFound, `没有证照 ${id}`, `no certificate ${id}`);
    return { ...viewOf(c), changedAt: c.state.changedAt };
  }

  /** One certificate as its issuer's staff sees it. */
  async get(by: Principal, id: string): Promise<CertificateView> {
    return viewOf((await this.ofIssuer(by, id)).old);
  }

  private async change(by: Principal, id: string, command: LifecycleCommand): Promise<CertificateView> {
    const { old } = await this.ofIssuer(by, id);
    const decision = decide(old.state, command, { now: this.ctx.clock() });
    if (!decision.ok) throw fromDomain(decision.error);
    if (!(await this.ctx.store.applyLifecycle(decision.state, old.state.status, decision.events)))
      throw this.concurrent();
    return viewOf({ ...old, state: decision.state });
  }

  /** A certificate and its type, for a publisher of its issuer; anyone else learns nothing (404). */
  private async ofIssuer(by: Principal, id: string) {
    const old = await this.ctx.store.getCertificate(id);
    const stored = old && (await this.ctx.store.getType(old.typeCode));
    if (
      !old ||
      !stored ||
      by.agency !== old.issuerCode ||
      by.province !== this.ctx.province ||
      !by.roles.includes('publisher')
    )
      throw refuse('not_found', serviceCodes.notFound, `没有证照 ${id}`, `no certificate ${id}`);
    return { old, type: stored.type };
  }

  /** A random free index in the province's status list pair (herd privacy: see domain/status-list.ts). */
  private async reserveIndex(): Promise<number> {
    for (let i = 0; i < 128; i++) {
      const index = randomInt(this.ctx.trust.statusListSizeOf());
      if (await this.ctx.store.reserveStatusIndex(this.ctx.trust.statusList, index)) return index;
    }
    throw refuse(
      'conflict',
      certificateErrorCodes.statusListFull,
      '状态列表已满，须启用新列表',
      'the status list is full: start a new list',
    );
  }

  private stored(
    cert: IssuedCertificate,
    type: CertificateType,
    state: CertificateState,
    holder: HolderReference,
    by: Principal,
  ): StoredCertificate {
    return {
      id: cert.payload.id,
      typeCode: type.typeCode,
      issuerCode: type.issuer.creditCode,
      holder,
      credential: cert.credential,
      disclosures: cert.disclosures,
      payload: cert.payload,
      state,
      issuedBy: by.sub,
    };
  }

  private concurrent() {
    return refuse(
      'conflict',
      serviceCodes.concurrentChange,
      '证照已被同时变更，请刷新后重试',
      'the certificate changed meanwhile: reload and retry',
    );
  }
}
