export { CatalogRepo, type SearchFilters } from './adapters/db.js';
export { DutyRepo } from './adapters/duty-db.js';
export { dutyRoutes } from './adapters/duty-http.js';
export { readTableFile, writeTableFile } from './adapters/files.js';
export { type AgencyDirectory, CatalogApp } from './app/catalog.js';
export { type ComplianceView, DutyApp, type DutyStore } from './app/duty.js';
export { CatalogImports, type ImportJob } from './app/import.js';
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
export { type EntryIssue, entryIssues, type ResourceInput, resourceInput } from './domain/resource.js';
export { columns, entryRows } from './domain/table.js';
export { type CatalogOptions, catalogMigrations, type RunningCatalog, startCatalog } from './service.js';
