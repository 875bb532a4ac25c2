/**
 * The service's gRPC contract (proto/yrd/certificate/v1) for the province's other services: verify
 * a presentation (the same verification and single-use register as POST /verifications) and read
 * one certificate version's status from the register.
 */
import { certificateV1, type grpc, unary } from '@yrd/proto';
import type { CertificateApp } from '../app/index.js';
import { checkNames } from '../domain/verify.js';

export function registerCertificateGrpc(server: grpc.Server, app: CertificateApp) {
  const impl: certificateV1.CertificateServiceServer = {
    verifyPresentation: unary(
      'certificate.VerifyPresentation',
      async (req: certificateV1.VerifyPresentationRequest): Promise<certificateV1.VerifyPresentationResponse> => {
        const r = await app.verification.check(
          { presentation: req.presentation, keyCertificates: req.keyCertificates, statusLists: req.statusLists },
          req.audience || 'any',
        );
        return {
          valid: r.valid,
          checks: checkNames.map((name) => ({
            name,
            result: r.checks[name].result,
            reason: r.checks[name].reason,
          })),
          status: r.status.state,
          certificateId: r.certificate?.id ?? '',
          typeCode: r.certificate?.type ?? '',
          typeName: r.certificate?.typeName ?? '',
          issuerProvince: r.certificate?.issuer.province ?? '',
          issuerCode: r.certificate?.issuer.code ?? '',
          issuerName: r.certificate?.issuer.name ?? '',
          validFrom: r.certificate?.validFrom ?? '',
          validUntil: r.certificate?.validUntil ?? '',
          disclosed: r.disclosed.map((d) => ({
            name: d.name,
            valueJson: JSON.stringify(d.value),
            digestOk: d.digestOk,
          })),
          walletProvince: r.presentation?.walletProvince ?? '',
        };
      },
    ),
    getCertificateStatus: unary(
      'certificate.GetCertificateStatus',
      async (req: certificateV1.GetCertificateStatusRequest): Promise<certificateV1.GetCertificateStatusResponse> => {
        const s = await app.certificates.status(req.id);
        return {
          id: s.id,
          status: s.status,
          disputed: s.disputed,
          supersededBy: s.supersededBy ?? '',
          changedAt: s.changedAt,
          statusList: s.statusList.list,
          statusIndex: s.statusList.index,
        };
      },
    ),
  };
  server.addService(certificateV1.CertificateServiceService, impl);
}
