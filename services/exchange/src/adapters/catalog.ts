import { call, catalogV1, insecureClient } from '@yrd/proto';
import type { ResourceDirectory } from '../app/sources.js';
import type { FeedCatalog, FeedEntry } from '../app/subscriptions.js';

/**
 * The province's own catalogue over gRPC, asked what the exchange needs of an entry: who provides
 * it (before its data source may be changed, or events accepted into its feed), whether it is offered
 * by subscription, and which items it has. A missing entry is `undefined`; an outage is
 * EXCHANGE.CATALOG_UNAVAILABLE (503).
 */
export class GrpcCatalogEntries implements ResourceDirectory, FeedCatalog {
  private client: catalogV1.CatalogServiceClient | undefined;

  constructor(private readonly address: string) {}

  async entry(resourceId: string): Promise<FeedEntry | undefined> {
    // made on first use: only the source and feed APIs need the catalogue
    this.client ??= insecureClient(catalogV1.CatalogServiceClient, this.address);
    const c = this.client;
    try {
      const res = await call(
        c,
        c.getResource,
        { id: resourceId },
        { name: 'catalog.GetResource', unavailableCode: 'EXCHANGE.CATALOG_UNAVAILABLE', deadlineMs: 3000 },
      );
      const r = res.resource;
      if (!r) return undefined;
      return {
        id: r.id,
        province: r.province,
        providerCode: r.provider?.creditCode ?? '',
        status: r.status,
        sharingModes: r.sharingModes,
        items: r.items.map((i) => i.name),
      };
    } catch (err) {
      if ((err as { kind?: string }).kind === 'not_found') return undefined;
      throw err;
    }
  }

  close() {
    this.client?.close();
    this.client = undefined;
  }
}
