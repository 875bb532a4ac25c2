/** The catalogue's answers as the generated client types them (never written by hand). */
import type { paths } from '@yrd/api-client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type SearchAnswer = Json<paths['/api/catalog/v1/resources']['get']['responses'][200]>;
export type CatalogEntry = SearchAnswer['items'][number];
export type Facets = SearchAnswer['facets'];
export type FacetCount = NonNullable<Facets[string]>[number];
export type Entry = Json<paths['/api/catalog/v1/resources/{id}']['get']['responses'][200]>;
export type DataItem = Entry['items'][number];
export type HistoryAnswer = Json<paths['/api/catalog/v1/resources/{id}/history']['get']['responses'][200]>;
export type HistoryStep = HistoryAnswer['history'][number];
