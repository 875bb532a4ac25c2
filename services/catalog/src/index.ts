export type { AgencyDirectory } from './app/catalog.js';
export { type ResourceInput, resourceInput } from './domain/resource.js';
export { type CatalogOptions, catalogMigrations, type RunningCatalog, startCatalog } from './service.js';
