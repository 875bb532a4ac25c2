import { call, catalogV1, consentV1, type grpc, insecureClient, unary } from '@yrd/proto';
import type { Authorization } from '../app/authorize.js';
import { TtlCache } from '../app/cache.js';
import type { ResourceLookup } from '../app/ports.js';

export function registerConsentGrpc(server: grpc.Server, authorization: Authorization) {
  const impl: consentV1.ConsentServiceServer = {
    authorize: unary('consent.Authorize', (req: consentV1.AuthorizeRequest) => authorization.authorize(req)),
  };
  server.addService(consentV1.ConsentServiceService, impl);
}

/**
 * The province's own catalogue over gRPC; a missing entry is `undefined`, an outage an error.
 *
 * Every Authorize reads the entry, and that lookup was most of its time (bench/RESULTS.md), so
 * answers are kept briefly: for `ttlMs` (default 2 s, the longest a negative-list change waits), and
 * dropped at once when the province's catalogue announces a change of that entry (`forget`).
 */
export class GrpcCatalog implements ResourceLookup {
  private readonly client: catalogV1.CatalogServiceClient;
  private readonly cache: TtlCache<string, catalogV1.GetResourceResponse | undefined>;

  constructor(address: string, ttlMs = 2000, now: () => number = Date.now) {
    this.client = insecureClient(catalogV1.CatalogServiceClient, address);
    this.cache = new TtlCache({ ttlMs, now });
  }

  async get(id: string): Promise<catalogV1.Resource | undefined> {
    return (await this.lookup(id))?.resource;
  }

  /** concurrent lookups of one entry share one call; a failed call is not kept */
  lookup(id: string): Promise<catalogV1.GetResourceResponse | undefined> {
    return this.cache.get(id, (key) => this.fetch(key));
  }

  /** The catalogue changed this entry: the next lookup asks again. */
  forget(id: string) {
    this.cache.forget(id);
  }

  forgetAll() {
    this.cache.forgetAll();
  }

  private async fetch(id: string): Promise<catalogV1.GetResourceResponse | undefined> {
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
