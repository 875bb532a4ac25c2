export { CatalogRepo, type SearchFilters } from './adapters/db.js';
export type { AgencyDirectory } from './app/catalog.js';
export { classOf, classTable } from './domain/classes.js';
export { type EntryIssue, entryIssues, type ResourceInput, resourceInput } from './domain/resource.js';
export { type CatalogOptions, catalogMigrations, type RunningCatalog, startCatalog } from './service.js';
