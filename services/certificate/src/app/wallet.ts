/**
 * 我的证照 and 亮证: a holder (role subject, known by the subjectRef their province put in their
 * token) lists their certificates, shows one as a short-lived single-use presentation disclosing the
 * fields they choose, grants and revokes non-government users' authorisations, and sees every use.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import { createPresentation, maxPresentationSeconds } from '../domain/presentation.js';
import { type WalletEntry, walletView } from '../domain/wallet.js';
import type { CertificateContext } from './context.js';
import { domainCall, refuse, serviceCodes } from './errors.js';
import type { Authorisation, CertificateUse, StoredCertificate } from './ports.js';

export interface PresentationRequest {
  reveal: string[];
  audience?: string | undefined;
  lifetimeSeconds?: number | undefined;
}

export interface AuthorisationRequest {
  user: { province: string; sub: string };
  purpose: string;
  typeCodes: string[];
  validUntil: string;
}

/** The holder reference of a signed-in holder, or a refusal. */
export function holderOf(by: Principal): string {
  if (!by.roles.includes('subject') || !by.subjectRef)
    throw refuse(
      'forbidden',
      serviceCodes.noSubjectRef,
      '只有持证主体本人可以办理（令牌中须有主体引用）',
      'only the holder may do this (the token carries no subject reference)',
    );
  return by.subjectRef;
}

export class Wallet {
  constructor(private readonly ctx: CertificateContext) {}

  async list(by: Principal): Promise<WalletEntry[]> {
    const held = await this.ctx.store.certificatesOfHolder(holderOf(by));
    const records = [];
    for (const c of held) {
      const t = await this.ctx.store.getType(c.typeCode);
      if (t)
        records.push({
          payload: c.payload,
          state: c.state,
          type: t.type,
          fieldNames: c.disclosures.map((d) => d.name),
        });
    }
    return walletView(records, this.ctx.clock());
  }

  async present(
    by: Principal,
    id: string,
    req: PresentationRequest,
  ): Promise<{ presentation: string; expiresAt: string }> {
    const cert = await this.own(by, id);
    const entry = (await this.list(by)).find((e) => e.id === id);
    if (!entry?.presentable)
      throw refuse(
        'conflict',
        serviceCodes.notPresentable,
        '该证照当前不可亮证（已中止、注销、更新或不在有效期内）',
        'this certificate cannot be shown now (suspended, cancelled, superseded or outside its validity)',
      );
    const now = this.ctx.clock();
    const lifetime = req.lifetimeSeconds ?? 120;
    const { signer } = await this.ctx.trust.wallet();
    const presentation = await domainCall(() =>
      createPresentation(
        {
          certificate: cert,
          reveal: req.reveal,
          audience: req.audience ?? 'any',
          lifetimeSeconds: lifetime,
          wallet: signer,
        },
        { now, randomBytes: this.ctx.randomBytes, verifier: this.ctx.verifier },
      ),
    );
    const exp = Math.floor(now.getTime() / 1000) + Math.min(lifetime, maxPresentationSeconds);
    return { presentation, expiresAt: new Date(exp * 1000).toISOString() };
  }

  async uses(by: Principal, limit = 200): Promise<CertificateUse[]> {
    return this.ctx.store.usesOfHolder(holderOf(by), limit);
  }

  async authorise(by: Principal, req: AuthorisationRequest): Promise<Authorisation> {
    const holderRef = holderOf(by);
    const now = this.ctx.clock();
    if (Date.parse(req.validUntil) <= now.getTime())
      throw refuse(
        'invalid',
        serviceCodes.authorisationInvalid,
        '授权截止时间须在将来',
        'an authorisation ends in the future',
      );
    for (const code of req.typeCodes)
      if (!(await this.ctx.store.getType(code)))
        throw refuse('invalid', serviceCodes.unknownType, `没有证照类型 ${code}`, `no certificate type ${code}`);
    const a: Authorisation = {
      id: `${this.ctx.province}-auth-${randomUUID()}`,
      holderRef,
      user: req.user,
      purpose: req.purpose.trim(),
      typeCodes: [...new Set(req.typeCodes)],
      validUntil: new Date(req.validUntil).toISOString(),
      createdAt: now.toISOString(),
      revokedAt: null,
    };
    await this.ctx.store.insertAuthorisation(a);
    return a;
  }

  async authorisations(by: Principal): Promise<Authorisation[]> {
    return this.ctx.store.authorisationsOfHolder(holderOf(by));
  }

  async revoke(by: Principal, id: string): Promise<Authorisation> {
    const holderRef = holderOf(by);
    const a = await this.ctx.store.getAuthorisation(id);
    if (!a || a.holderRef !== holderRef)
      throw refuse('not_found', serviceCodes.authorisationNotFound, `没有授权 ${id}`, `no authorisation ${id}`);
    const at = this.ctx.clock().toISOString();
    if (a.revokedAt === null) await this.ctx.store.revokeAuthorisation(id, at);
    return { ...a, revokedAt: a.revokedAt ?? at };
  }

  /** A certificate of the signed-in holder; another's is not found. */
  async own(by: Principal, id: string): Promise<StoredCertificate> {
    const holderRef = holderOf(by);
    const cert = await this.ctx.store.getCertificate(id);
    if (!cert || cert.holder.ref !== holderRef)
      throw refuse('not_found', serviceCodes.notFound, `没有证照 ${id}`, `no certificate ${id}`);
    return cert;
  }
}
