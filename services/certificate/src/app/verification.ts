/**
 * 核验 at this province: the domain's offline verification with what this province holds — the
 * root keys of the trust list, every key certificate it knows (its own, other provinces' it imported,
 * any the caller brings), its own status lists signed now and other provinces' cached ones — plus the
 * single-use register in the database. Every verification of an authentic certificate is recorded
 * for its holder and in the province's audit log.
 */
import { randomUUID } from 'node:crypto';
import { auditEvent, sha256Hex } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';

import type { CertificatePayload } from '../domain/certificate.js';
import { isKeyCertificatePayload } from '../domain/key-certificate.js';
import { artefactTypes, openArtefact, verifyArtefact } from '../domain/signed.js';
import { verifyStatusList } from '../domain/status-list.js';
import { type VerificationResult, verifyPresentation } from '../domain/verify.js';
import { actorOf, type CertificateContext } from './context.js';
import { refuse, serviceCodes } from './errors.js';
import { recordUse } from './use-forwarding.js';

export interface VerificationRequest {
  presentation: string;
  /** key certificates of another province the caller holds (e.g. from its GET /issuer-keys) */
  keyCertificates?: string[] | undefined;
  /** signed status lists of another province the caller holds */
  statusLists?: string[] | undefined;
}

/** The audience a presentation is shown to at this verifier: the user's agency, else the user. */
export const verifierId = (p: Principal) => (p.agency ? p.agency : `${p.province}:${p.sub}`);

export class Verification {
  constructor(private readonly ctx: CertificateContext) {}

  async verify(by: Principal, req: VerificationRequest): Promise<VerificationResult> {
    return this.check(req, verifierId(by), by);
  }

  /** The verification itself; `by` absent for a machine caller (gRPC), which names its audience. */
  async check(req: VerificationRequest, audience: string, by?: Principal): Promise<VerificationResult> {
    const now = this.ctx.clock();
    const trust = await this.ctx.trust.trust(req.keyCertificates ?? []);
    const own = await this.ctx.trust.signedStatusLists(this.ctx.trust.statusList);
    // the first list that answers is read: the caller's (freshest) first, then this province's, then the cache
    const statusLists = [
      ...(req.statusLists ?? []),
      ...(own ? [own.verified.revocation, own.verified.suspension] : []),
      ...(await this.ctx.store.foreign('status_list')),
    ];
    const result = verifyPresentation(req.presentation, {
      trust,
      statusLists,
      now,
      verifier: this.ctx.verifier,
      expectedAudience: audience,
    });
    // The domain's nonce port is synchronous; the register is in the database, so the single-use
    // check runs here, after the domain found the presentation authentic (garbage is not recorded).
    const authentic = result.checks.signature.result === 'passed' && result.checks.holderBinding.result === 'passed';
    if (authentic && result.presentation) {
      const first = await this.ctx.store.firstUse(
        result.presentation.jti,
        new Date(result.presentation.exp * 1000).toISOString(),
        now.toISOString(),
      );
      result.checks.singleUse = first
        ? { result: 'passed' }
        : {
            result: 'failed',
            reason: { zh: '亮证码已被使用过（重放）', en: 'the presentation was used before (replay)' },
          };
      result.valid = result.valid && first;
    } else {
      result.checks.singleUse = {
        result: 'not_checked',
        reason: { zh: '亮证码未通过验签，不登记', en: 'not checked: the presentation is not authentic' },
      };
      result.valid = false;
    }
    if (authentic && result.certificate) await this.record(req.presentation, result, by, audience);
    return result;
  }

  private async record(presentation: string, result: VerificationResult, by: Principal | undefined, audience: string) {
    const opened = openArtefact(presentation.split('~')[0] ?? '', artefactTypes.certificate);
    if (!opened.ok || !result.certificate) return;
    const payload = opened.artefact.payload as CertificatePayload;
    const at = this.ctx.clock().toISOString();
    const user = by
      ? actorOf(by)
      : { province: this.ctx.province, sub: `grpc:${audience}`, agency: audience, kind: 'government' };
    const id = randomUUID();
    await this.ctx.audit.publish(
      auditEvent({
        eventId: `${this.ctx.province}-cert-verify-${id}`,
        province: this.ctx.province,
        kind: 'certificate.verified',
        resourceId: result.certificate.id,
        actorUser: user.sub,
        actorAgency: user.agency,
        requesterProvince: user.province,
        providerProvince: result.certificate.issuer.province,
        outcome: result.valid ? 'ok' : 'deny',
        payloadHash: sha256Hex(presentation),
        subjectRef: payload.holder.ref,
        subjectRefKeyId: payload.holder.keyId,
        items: result.disclosed.map((d) => d.name),
        occurredAt: at,
      }),
    );
    // a certificate of another province: its holder's wallet is there, so the use goes there too
    await recordUse(
      this.ctx,
      {
        id,
        certificateId: result.certificate.id,
        holderRef: payload.holder.ref,
        kind: 'verification',
        user,
        serviceCode: null,
        purpose: null,
        authorisationId: null,
        outcome: result.valid ? 'valid' : 'invalid',
        at,
      },
      { issuer: payload.province, holderKeyId: payload.holder.keyId },
    );
  }

  /**
   * Another province's public material kept for offline verification here: key certificates signed
   * by a root of the trust list, status lists signed by one. Anything else is refused whole.
   */
  async importMaterial(req: { keyCertificates: string[]; statusLists: string[] }) {
    const roots = this.ctx.trust.roots();
    const at = this.ctx.clock().toISOString();
    const bad = (i: number, what: string) =>
      refuse(
        'invalid',
        serviceCodes.foreignMaterialInvalid,
        `第 ${i + 1} 个${what}无效或不由信任列表中的根密钥签发`,
        `${what} #${i + 1} is invalid or not signed by a trusted root`,
      );
    const keys: { kid: string; province: string; compact: string }[] = [];
    req.keyCertificates.forEach((compact, i) => {
      const opened = openArtefact(compact, artefactTypes.keyCertificate);
      const p = opened.ok ? opened.artefact.payload : undefined;
      if (!opened.ok || !isKeyCertificatePayload(p)) throw bad(i, '密钥证书 key certificate');
      const root = roots.find((r) => r.province === p.province && r.kid === opened.artefact.header.kid);
      if (!root || !verifyArtefact(opened.artefact, this.ctx.verifier, root.publicKey))
        throw bad(i, '密钥证书 key certificate');
      keys.push({ kid: p.kid, province: p.province, compact });
    });
    const lists: { key: string; province: string; compact: string }[] = [];
    req.statusLists.forEach((compact, i) => {
      const v = verifyStatusList(compact, roots, this.ctx.verifier);
      if (!v.ok) throw bad(i, '状态列表 status list');
      lists.push({ key: `${v.list.province}/${v.list.list}/${v.list.purpose}`, province: v.list.province, compact });
    });
    for (const k of keys) await this.ctx.store.putForeign('key_certificate', k.kid, k.province, k.compact, at);
    for (const l of lists) await this.ctx.store.putForeign('status_list', l.key, l.province, l.compact, at);
    return { keyCertificates: keys.length, statusLists: lists.length };
  }
}
