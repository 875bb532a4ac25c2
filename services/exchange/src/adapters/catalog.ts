import { call, catalogV1, insecureClient } from '@yrd/proto';
import type { ResourceDirectory } from '../app/sources.js';

/**
 * The province's own catalogue over gRPC, asked who provides an entry before its source may be
 * changed. A missing entry is `undefined`; an outage is EXCHANGE.CATALOG_UNAVAILABLE (503).
 */
export class GrpcResourceDirectory implements ResourceDirectory {
  private client: catalogV1.CatalogServiceClient | undefined;

  constructor(private readonly address: string) {}

  async entry(resourceId: string): Promise<{ province: string; providerCode: string } | undefined> {
    // made on first use: only the source admin API needs the catalogue
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
      return r ? { province: r.province, providerCode: r.provider?.creditCode ?? '' } : undefined;
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
