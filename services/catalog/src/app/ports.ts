/**
 * What the catalogue use cases need from storage: the records they read and write and the one
 * interface they go through. They live on the app side so that the app never imports an adapter;
 * the database adapter (adapters/db.ts) implements `CatalogStore` and is handed in by service.ts.
 */
import type { catalogV1 } from '@yrd/proto';

type Resource = catalogV1.Resource;

export interface SearchFilters {
  q?: string | undefined;
  province?: string | undefined;
  agency?: string | undefined;
  sharing?: string | undefined;
  open?: string | undefined;
  grade?: string | undefined;
  domain?: string | undefined;
  page: number;
  pageSize: number;
}

/** The filters of an export: every match, not one page. */
export type ListFilters = Omit<SearchFilters, 'page' | 'pageSize'>;

/** Whose entries an export covers: the regional published view, or this province's own (of one agency). */
export type ListScope = { own: false } | { own: true; agency?: string };

/** An entry of this province (`local`) or one learnt from another province (`federated`). */
export type Origin = 'local' | 'federated';

/** The states an entry of this province goes through. */
export const entryStatuses = ['draft', 'submitted', 'published', 'withdrawn'] as const;
export type EntryStatus = (typeof entryStatuses)[number];

/** One page of this province's own entries (a publisher's agency's, or all for the admin). */
export interface OwnFilters {
  q?: string | undefined;
  status?: EntryStatus | undefined;
  page: number;
  pageSize: number;
}

/** The page, most recently changed first, and how many entries each state holds under the same q. */
export interface OwnPage {
  total: number;
  items: Resource[];
  counts: Record<EntryStatus, number>;
}

export interface StoredEntry {
  resource: Resource;
  origin: string;
}

export interface HistoryEntry {
  seq: number;
  version: number;
  action: 'created' | 'updated' | 'submitted' | 'rejected' | 'published' | 'withdrawn';
  status: string;
  changedBy: string;
  changedAt: string;
  reason: string;
  changedFields: string[];
}

/** A lifecycle step to record in an entry's history; the rest of the row comes from the entry. */
export type Step = Omit<HistoryEntry, 'seq' | 'version' | 'status' | 'changedBy' | 'changedAt'>;

export interface FacetCount {
  value: string;
  count: number;
  label?: string;
}

export interface SearchPage {
  total: number;
  items: Resource[];
  facets: Record<string, FacetCount[]>;
}

/** The catalogue's storage of entries, their versions and their history. */
export interface CatalogStore {
  get(id: string): Promise<StoredEntry | undefined>;
  /**
   * Inserts or replaces an entry; a local entry also keeps the document of its version and, when a
   * lifecycle step is given, a history row — atomically.
   */
  save(r: Resource, origin: Origin, changedBy: string, step?: Step): Promise<void>;
  /** Many entries atomically: all of them or none. `onWritten` hears progress. */
  saveMany(
    entries: { resource: Resource; step?: Step }[],
    origin: Origin,
    changedBy: string,
    onWritten?: (n: number) => void,
  ): Promise<void>;
  getMany(ids: string[]): Promise<Map<string, StoredEntry>>;
  history(id: string): Promise<HistoryEntry[]>;
  version(id: string, version: number): Promise<Resource | undefined>;
  removeFederated(id: string): Promise<void>;
  /** Federated entries of one province, to reconcile a snapshot against. */
  federatedIds(province: string): Promise<string[]>;
  publishedLocal(): Promise<Resource[]>;
  countLocal(): Promise<number>;
  /** Every entry matching the filters, in code order, for export. */
  list(f: ListFilters, scope: ListScope): Promise<Resource[]>;
  /** A page of this province's own entries in every state (`scope` as for list). */
  ownPage(f: OwnFilters, scope: { own: true; agency?: string }): Promise<OwnPage>;
  /** Regional search over published entries, ranked, with facets over the same filter. */
  search(f: SearchFilters): Promise<SearchPage>;
}
