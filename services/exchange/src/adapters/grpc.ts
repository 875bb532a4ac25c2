import { principalSchema } from '@yrd/auth';
import { invalid } from '@yrd/errors';
import { call, consentV1, exchangeV1, type grpc, insecureClient, unary } from '@yrd/proto';
import { withSpan } from '@yrd/telemetry';
import type { ExchangeMode, PolicyDecider, RequesterApp } from '../app/exchange.js';

/** The province's own consent service, asked before anything is served. */
export class GrpcPolicyDecider implements PolicyDecider {
  private client: consentV1.ConsentServiceClient | undefined;

  constructor(private readonly address: string) {}

  authorize(req: consentV1.AuthorizeRequest): Promise<consentV1.AuthorizeResponse> {
    this.client ??= insecureClient(consentV1.ConsentServiceClient, this.address);
    const c = this.client;
    return call(c, c.authorize, req, {
      name: 'consent.Authorize',
      unavailableCode: 'EXCHANGE.POLICY_UNAVAILABLE',
      deadlineMs: 3000,
    });
  }

  close() {
    this.client?.close();
    this.client = undefined;
  }
}

/**
 * The province's consent service when it runs in this process: its Authorize called as a function,
 * in a span of the same name as the gRPC call's, so a trace still shows the decision.
 */
export class LocalPolicyDecider implements PolicyDecider {
  constructor(private readonly consent: PolicyDecider) {}

  authorize(req: consentV1.AuthorizeRequest): Promise<consentV1.AuthorizeResponse> {
    return withSpan('consent.Authorize', { attributes: { 'yrd.call': 'in-process' } }, () =>
      this.consent.authorize(req),
    );
  }
}

/** ExchangeService.Exchange for internal callers of this province: the same requester use case. */
export function registerExchangeGrpc(server: grpc.Server, requester: RequesterApp) {
  const impl: exchangeV1.ExchangeServiceServer = {
    exchange: unary('exchange.Exchange', async (q: exchangeV1.QueryRequest) => {
      const a = q.requester;
      const r = q.request;
      if (!a || !r) throw invalid('REQUEST.INVALID', 'requester and request are required');
      const parsed = principalSchema.safeParse({
        sub: a.userId,
        province: a.province,
        agency: a.agencyCode,
        roles: a.roles,
        kind: a.requesterKind || 'government',
      });
      if (!parsed.success) throw invalid('REQUEST.INVALID', 'requester actor is invalid');
      if (!parsed.data.roles.includes('requester'))
        throw invalid('AUTH.ROLE_REQUIRED', 'the actor needs the requester role');
      const mode: ExchangeMode = r.mode === 'verify' ? 'verify' : 'query';
      if (!r.requestId) throw invalid('REQUEST.INVALID', 'request id is required');
      const { reply } = await requester.exchange(
        parsed.data,
        mode,
        {
          resourceId: r.resourceId,
          purpose: r.purpose,
          key: r.key,
          claims: r.claims,
          items: r.items,
          grantId: r.grantId,
          consentId: r.consentId,
        },
        r.requestId,
      );
      return reply;
    }),
  };
  server.addService(exchangeV1.ExchangeServiceService, impl);
}
