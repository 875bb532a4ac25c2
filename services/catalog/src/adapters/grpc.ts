import { catalogV1, type grpc, unary } from '@yrd/proto';
import type { CatalogApp } from '../app/catalog.js';

export function registerCatalogGrpc(server: grpc.Server, catalog: CatalogApp) {
  const impl: catalogV1.CatalogServiceServer = {
    getResource: unary('catalog.GetResource', async (req: catalogV1.GetResourceRequest) => ({
      resource: await catalog.get(req.id),
    })),
  };
  server.addService(catalogV1.CatalogServiceService, impl);
}
