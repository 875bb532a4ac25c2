import { catalogV1, type grpc, unary } from '@yrd/proto';
import type { CatalogApp } from '../app/catalog.js';

export function registerCatalogGrpc(server: grpc.Server, catalog: CatalogApp) {
  const impl: catalogV1.CatalogServiceServer = {
    getResource: unary('catalog.GetResource', async (req: catalogV1.GetResourceRequest) => {
      const resource = await catalog.get(req.id);
      const listed = await catalog.negativeListing(resource);
      return {
        resource,
        negativeListing: listed ? { reason: listed.reason, legalBasis: listed.legalBasis } : undefined,
      };
    }),
  };
  server.addService(catalogV1.CatalogServiceService, impl);
}
