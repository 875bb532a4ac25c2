/** The certificate service's HTTP API under /api/certificate/v1 (bilingual problem+json refusals, codes CERT.*). */

import { AppError } from '@yrd/errors';
import { type HttpApp, principalOf, publicApiRoutes, requireRoles } from '@yrd/http';
import { provinces } from '@yrd/region';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { CertificateApp } from '../app/index.js';
import { disputeGrounds } from '../domain/dispute.js';
import { maxPresentationSeconds } from '../domain/presentation.js';
import {
  authorisationSchema,
  certificateTypeSchema,
  certificateViewSchema,
  disputeSchema,
  fetchedSchema,
  importedSchema,
  issuerKeysSchema,
  presentationSchema,
  publicServiceSchema,
  statusListsSchema,
  useSchema,
  verificationSchema,
  walletEntrySchema,
} from './http-schemas.js';

const prefix = '/api/certificate/v1';

/** The routes anyone may call without a token: what an offline verifier downloads. */
/** the routes anyone may call without a token (listed with the others in @yrd/http's publicApiRoutes) */
export const certificatePublicRoutes = publicApiRoutes.filter((r) => r.startsWith(`${prefix}/`));

const id = z.object({ id: z.string().min(1).max(200) });
const code = z.object({ code: z.string().min(1).max(64) });
const date = z.iso.date();
const holder = z.union([
  z.object({ idNumber: z.string().min(15).max(18) }).strict(),
  z.object({ creditCode: z.string().length(18) }).strict(),
]);
const data = z.record(z.string().max(64), z.unknown());
const reason = z.object({ reason: z.string().max(2000) });
const compacts = z.array(z.string().min(1).max(300_000)).max(200);

export function certificateRoutes(http: HttpApp, app: CertificateApp) {
  const { catalogue, certificates, wallet, verification, use, disputes } = app;

  // 发证目录
  http.get(
    `${prefix}/types`,
    {
      schema: {
        operationId: 'listCertificateTypes',
        response: { 200: z.object({ types: z.array(certificateTypeSchema) }) },
        summary: '发证目录 certificate types this user may see',
      },
    },
    async (req) => ({ types: await catalogue.list(principalOf(req)) }),
  );
  http.get(
    `${prefix}/types/:code`,
    {
      schema: {
        operationId: 'getCertificateType',
        response: { 200: certificateTypeSchema },
        summary: '证照类型 one certificate type',
        params: code,
      },
    },
    async (req) => catalogue.get(principalOf(req), req.params.code),
  );
  http.post(
    `${prefix}/types`,
    {
      schema: {
        operationId: 'createCertificateType',
        response: { 201: certificateTypeSchema },
        summary: '新增证照类型 an issuing agency’s publisher adds a type to its catalogue',
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req, reply) => {
      const t = await catalogue.create(requireRoles(req, 'publisher'), req.body);
      reply.status(201);
      return t;
    },
  );
  http.put(
    `${prefix}/types/:code`,
    {
      schema: {
        operationId: 'updateCertificateType',
        response: { 200: certificateTypeSchema },
        summary: '修改证照类型 the issuer’s publisher updates a type',
        params: code,
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => catalogue.update(requireRoles(req, 'publisher'), req.params.code, req.body),
  );

  // 制发 / 更新 / 中止 / 恢复 / 注销
  http.post(
    `${prefix}/certificates`,
    {
      schema: {
        operationId: 'issueCertificate',
        response: { 201: certificateViewSchema },
        summary: '制发 the issuer’s publisher issues a certificate to a holder',
        body: z.object({
          typeCode: z.string().min(1).max(64),
          holder,
          data,
          validFrom: date,
          validUntil: date.optional(),
        }),
      },
    },
    async (req, reply) => {
      const c = await certificates.issue(requireRoles(req, 'publisher'), req.body);
      reply.status(201);
      return c;
    },
  );
  http.get(
    `${prefix}/certificates/:id`,
    {
      schema: {
        operationId: 'getCertificate',
        response: { 200: certificateViewSchema },
        summary: '证照登记 one certificate as its issuer sees it',
        params: id,
      },
    },
    async (req) => certificates.get(principalOf(req), req.params.id),
  );
  http.put(
    `${prefix}/certificates/:id`,
    {
      schema: {
        operationId: 'updateCertificate',
        response: { 201: certificateViewSchema },
        summary: '更新 a new version of a certificate',
        params: id,
        body: z.object({ data, validFrom: date.optional(), validUntil: date.optional() }),
      },
    },
    async (req, reply) => {
      const c = await certificates.update(principalOf(req), req.params.id, req.body);
      reply.status(201);
      return c;
    },
  );
  http.post(
    `${prefix}/certificates/:id/suspend`,
    {
      schema: {
        operationId: 'suspendCertificate',
        response: { 200: certificateViewSchema },
        summary: '中止 suspend, with a reason',
        params: id,
        body: reason,
      },
    },
    async (req) => certificates.suspend(principalOf(req), req.params.id, req.body.reason),
  );
  http.post(
    `${prefix}/certificates/:id/resume`,
    {
      schema: {
        operationId: 'resumeCertificate',
        response: { 200: certificateViewSchema },
        summary: '恢复 resume a suspended certificate',
        params: id,
      },
    },
    async (req) => certificates.resume(principalOf(req), req.params.id),
  );
  http.post(
    `${prefix}/certificates/:id/cancel`,
    {
      schema: {
        operationId: 'cancelCertificate',
        response: { 200: certificateViewSchema },
        summary: '注销 cancel, with a reason',
        params: id,
        body: reason,
      },
    },
    async (req) => certificates.cancel(principalOf(req), req.params.id, req.body.reason),
  );

  // published for offline verifiers, without a token
  http.get(
    `${prefix}/status-lists/:id`,
    {
      schema: {
        operationId: 'getStatusLists',
        // a 304 (If-None-Match matched the ETag) has no body, so it has no schema here
        response: { 200: statusListsSchema },
        summary:
          '状态列表 the province’s signed revocation and suspension lists (public, cacheable: ETag, 304 when unchanged)',
        params: id,
        security: [],
      },
    },
    async (req, reply) => {
      const signed = await app.ctx.trust.signedStatusLists(req.params.id);
      if (!signed) throw notFoundList(req.params.id);
      reply.header('etag', signed.etag);
      reply.header('cache-control', `public, max-age=${app.ctx.statusListMaxAge}`);
      if (req.headers['if-none-match'] === signed.etag) {
        // a 304 has no body, so the route's schema leaves it out (the API document would otherwise
        // show an answer without a type); the plain reply sends it
        return (reply as FastifyReply).code(304).send();
      }
      return { list: signed.list, revocation: signed.lists.revocation, suspension: signed.lists.suspension };
    },
  );
  http.get(
    `${prefix}/issuer-keys`,
    {
      schema: {
        operationId: 'getIssuerKeys',
        response: { 200: issuerKeysSchema },
        summary: '发证密钥 the province’s certificate root key and the key certificates it signed (public)',
        security: [],
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', `public, max-age=${app.ctx.statusListMaxAge}`);
      return {
        province: app.ctx.province,
        root: app.ctx.trust.rootKey(),
        keyCertificates: await app.ctx.trust.ownKeyCertificates(),
        statusLists: [app.ctx.trust.statusList],
      };
    },
  );

  // 我的证照, 亮证, 授权, 用证记录
  http.get(
    `${prefix}/wallet`,
    {
      schema: {
        operationId: 'listWallet',
        response: { 200: z.object({ certificates: z.array(walletEntrySchema) }) },
        summary: '我的证照 the holder’s certificates',
      },
    },
    async (req) => ({ certificates: await wallet.list(principalOf(req)) }),
  );
  http.post(
    `${prefix}/wallet/:id/presentations`,
    {
      schema: {
        operationId: 'createPresentation',
        response: { 201: presentationSchema },
        summary: '亮证 a short-lived, single-use presentation of chosen fields (QR content)',
        params: id,
        body: z.object({
          reveal: z.array(z.string().min(1).max(64)).max(64),
          audience: z.string().min(1).max(200).optional(),
          lifetimeSeconds: z.number().int().min(1).max(maxPresentationSeconds).optional(),
        }),
      },
    },
    async (req, reply) => {
      const p = await wallet.present(principalOf(req), req.params.id, req.body);
      reply.status(201);
      return p;
    },
  );
  http.get(
    `${prefix}/wallet/uses`,
    {
      schema: {
        operationId: 'listCertificateUses',
        response: { 200: z.object({ uses: z.array(useSchema) }) },
        summary: '用证记录 every fetch and verification of the holder’s certificates',
      },
    },
    async (req) => ({ uses: await wallet.uses(principalOf(req)) }),
  );
  http.get(
    `${prefix}/wallet/authorisations`,
    {
      schema: {
        operationId: 'listAuthorisations',
        response: { 200: z.object({ authorisations: z.array(authorisationSchema) }) },
        summary: '我的授权 the holder’s authorisations',
      },
    },
    async (req) => ({ authorisations: await wallet.authorisations(principalOf(req)) }),
  );
  http.post(
    `${prefix}/wallet/authorisations`,
    {
      schema: {
        operationId: 'grantAuthorisation',
        response: { 201: authorisationSchema },
        summary: '授权 the holder lets a non-government user fetch certificates of some types for a purpose',
        body: z.object({
          user: z.object({ province: z.enum(provinces), sub: z.string().min(1).max(200) }),
          purpose: z.string().trim().min(1).max(500),
          typeCodes: z.array(z.string().min(1).max(64)).min(1).max(20),
          validUntil: z.iso.datetime({ offset: true }),
        }),
      },
    },
    async (req, reply) => {
      const a = await wallet.authorise(principalOf(req), req.body);
      reply.status(201);
      return a;
    },
  );
  http.post(
    `${prefix}/wallet/authorisations/:id/revoke`,
    {
      schema: {
        operationId: 'revokeAuthorisation',
        response: { 200: authorisationSchema },
        summary: '撤回授权 the holder revokes an authorisation',
        params: id,
      },
    },
    async (req) => wallet.revoke(principalOf(req), req.params.id),
  );

  // 核验
  http.post(
    `${prefix}/verifications`,
    {
      schema: {
        operationId: 'verifyPresentation',
        response: { 200: verificationSchema },
        summary: '核验 verify a presentation: the answer says what was checked',
        body: z.object({
          presentation: z.string().min(1).max(16_384),
          keyCertificates: compacts.optional(),
          statusLists: compacts.optional(),
        }),
      },
    },
    async (req) => verification.verify(principalOf(req), req.body),
  );
  http.post(
    `${prefix}/trust-material`,
    {
      schema: {
        operationId: 'importTrustMaterial',
        response: { 200: importedSchema },
        summary:
          '互认材料 an admin imports another province’s key certificates and status lists for offline verification',
        body: z.object({ keyCertificates: compacts.default([]), statusLists: compacts.default([]) }),
      },
    },
    async (req) => {
      requireRoles(req, 'admin');
      return verification.importMaterial(req.body);
    },
  );

  // 用证清单 and 用证
  http.get(
    `${prefix}/services`,
    {
      schema: {
        operationId: 'listPublicServices',
        response: { 200: z.object({ services: z.array(publicServiceSchema) }) },
        summary: '用证清单 public services and the certificates replacing their materials',
      },
    },
    async () => ({ services: await use.listServices() }),
  );
  http.get(
    `${prefix}/services/:code`,
    {
      schema: {
        operationId: 'getPublicService',
        response: { 200: publicServiceSchema },
        summary: '事项用证清单 one public service’s list',
        params: code,
      },
    },
    async (req) => use.getService(req.params.code),
  );
  http.put(
    `${prefix}/services/:code`,
    {
      schema: {
        operationId: 'putPublicService',
        response: { 200: publicServiceSchema },
        summary: '维护用证清单 an admin sets a public service’s list',
        params: code,
        body: z.object({
          name: z.string().trim().min(1).max(200),
          materials: z
            .array(
              z.object({
                material: z.string().trim().min(1).max(200),
                certificateTypes: z.array(z.string().min(1).max(64)).min(1).max(20),
              }),
            )
            .min(1)
            .max(50),
        }),
      },
    },
    async (req) => use.putService(principalOf(req), req.params.code, req.body),
  );
  http.post(
    `${prefix}/fetches`,
    {
      schema: {
        operationId: 'fetchCertificate',
        response: { 200: fetchedSchema },
        summary: '用证 fetch a holder’s certificate: by service listing (government) or the holder’s authorisation',
        body: z.object({
          holder,
          typeCode: z.string().min(1).max(64),
          serviceCode: z.string().min(1).max(64).optional(),
          purpose: z.string().trim().min(1).max(500).optional(),
        }),
      },
    },
    async (req) => use.fetch(principalOf(req), req.body),
  );

  // 异议核查
  http.post(
    `${prefix}/certificates/:id/disputes`,
    {
      schema: {
        operationId: 'raiseDispute',
        response: { 201: disputeSchema },
        summary: '提出异议 the holder or a user disputes a certificate’s data',
        params: id,
        body: z.object({
          ground: z.enum(disputeGrounds),
          fields: z.array(z.string().min(1).max(64)).max(64).optional(),
          reason: z.string().max(2000),
        }),
      },
    },
    async (req, reply) => {
      const d = await disputes.raise(principalOf(req), req.params.id, req.body);
      reply.status(201);
      return d;
    },
  );
  http.post(
    `${prefix}/disputes/:id/resolution`,
    {
      schema: {
        operationId: 'resolveDispute',
        response: { 200: disputeSchema },
        summary: '异议处理 the issuer corrects (a new version) or rejects with a reason',
        params: id,
        body: z.discriminatedUnion('outcome', [
          z.object({
            outcome: z.literal('corrected'),
            newCertificateId: z.string().min(1).max(200),
            reason: z.string().max(2000).optional(),
          }),
          z.object({ outcome: z.literal('rejected'), reason: z.string().max(2000) }),
        ]),
      },
    },
    async (req) => disputes.resolve(principalOf(req), req.params.id, req.body),
  );
  http.get(
    `${prefix}/disputes`,
    {
      schema: {
        operationId: 'listDisputes',
        response: { 200: z.object({ disputes: z.array(disputeSchema) }) },
        summary: '异议待办 the issuer’s open disputes, or only the overdue ones',
        querystring: z.object({ overdue: z.enum(['true', 'false']).default('false') }),
      },
    },
    async (req) => ({ disputes: await disputes.ofIssuer(principalOf(req), req.query.overdue === 'true') }),
  );
}

function notFoundList(list: string) {
  return new AppError('not_found', 'CERT.STATUS_LIST_NOT_FOUND', `没有状态列表 ${list} no status list ${list}`);
}
