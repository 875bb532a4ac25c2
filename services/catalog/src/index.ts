export { CatalogRepo } from './adapters/db.js';
export { DutyRepo } from './adapters/duty-db.js';
export { dutyRoutes } from './adapters/duty-http.js';
export { readTableFile, writeTableFile } from './adapters/files.js';
export { SynonymRepo, type SynonymSource } from './adapters/synonym-db.js';
export { synonymRoutes } from './adapters/synonym-http.js';
export { type AgencyDirectory, CatalogApp } from './app/catalog.js';
export { type ComplianceView, DutyApp, type DutyStore } from './app/duty.js';
export { CatalogImports, type ImportJob } from './app/import.js';
export type { CatalogStore, SearchFilters } from './app/ports.js';
export { SynonymApp, type SynonymStore } from './app/synonym.js';
export { classOf, classTable } from './domain/classes.js';
export {
  type AgencyCompliance,
  type Duty,
  type DutyCompliance,
  type DutyStatus,
  type EntrySummary,
  type NegativeEntry,
  negativeMatch,
  type Violation,
} from './domain/duty.js';
export { simplifier } from './domain/fold.js';
export { type EntryIssue, entryIssues, type ResourceInput, resourceInput } from './domain/resource.js';
export { type SearchQuery, type SearchSynonym, searchIndexVersion, searchQuery } from './domain/search.js';
export { type SynonymInput, type SynonymLine, synonymInput } from './domain/synonym.js';
export { columns, entryRows } from './domain/table.js';
export {
  type CatalogOptions,
  catalogOptionsSchema,
  type ParsedCatalogOptions,
  parseCatalogOptions,
} from './options.js';
export {
  buildCatalog,
  type CatalogModule,
  catalogMigrations,
  type RunningCatalog,
  startCatalog,
} from './service.js';
