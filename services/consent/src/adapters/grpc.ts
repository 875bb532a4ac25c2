import { call, catalogV1, consentV1, type grpc, insecureClient, unary } from '@yrd/proto';
import type { ConsentApp, ResourceLookup } from '../app/consent.js';

export function registerConsentGrpc(server: grpc.Server, consent: ConsentApp) {
  const impl: consentV1.ConsentServiceServer = {
    authorize: unary('consent.Authorize', (req: consentV1.AuthorizeRequest) => consent.authorize(req)),
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
  private readonly cache = new Map<
    string,
    { at: number; answer: Promise<catalogV1.GetResourceResponse | undefined> }
  >();

  constructor(
    address: string,
    private readonly ttlMs = 2000,
    private readonly now: () => number = Date.now,
  ) {
    this.client = insecureClient(catalogV1.CatalogServiceClient, address);
  }

  async get(id: string): Promise<catalogV1.Resource | undefined> {
    return (await this.lookup(id))?.resource;
  }

  lookup(id: string): Promise<catalogV1.GetResourceResponse | undefined> {
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.answer;
    // concurrent lookups of one entry share one call; a failed call is not kept
    const answer = this.fetch(id);
    this.cache.set(id, { at: this.now(), answer });
    answer.catch(() => this.cache.delete(id));
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value ?? '');
    return answer;
  }

  /** The catalogue changed this entry: the next lookup asks again. */
  forget(id: string) {
    this.cache.delete(id);
  }

  forgetAll() {
    this.cache.clear();
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
