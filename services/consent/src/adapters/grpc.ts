import { call, catalogV1, consentV1, type grpc, insecureClient, unary } from '@yrd/proto';
import type { ConsentApp, ResourceLookup } from '../app/consent.js';

export function registerConsentGrpc(server: grpc.Server, consent: ConsentApp) {
  const impl: consentV1.ConsentServiceServer = {
    authorize: unary('consent.Authorize', (req: consentV1.AuthorizeRequest) => consent.authorize(req)),
  };
  server.addService(consentV1.ConsentServiceService, impl);
}

/** The province's own catalogue over gRPC; a missing entry is `undefined`, an outage an error. */
export class GrpcCatalog implements ResourceLookup {
  private readonly client: catalogV1.CatalogServiceClient;

  constructor(address: string) {
    this.client = insecureClient(catalogV1.CatalogServiceClient, address);
  }

  async get(id: string): Promise<catalogV1.Resource | undefined> {
    return (await this.lookup(id))?.resource;
  }

  async lookup(id: string): Promise<catalogV1.GetResourceResponse | undefined> {
    try {
      return await call(
        this.client,
        this.client.getResource,
        { id },
        { name: 'catalog.GetResource', unavailableCode: 'CATALOG.UNAVAILABLE' },
      );
    } catch (err) {
      if ((err as { kind?: string }).kind === 'not_found') return undefined;
      throw err;
    }
  }

  close() {
    this.client.close();
  }
}
