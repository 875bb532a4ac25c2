/** The publisher's answers and bodies as the generated client types them (never written by hand). */
import type { paths } from '@yrd/api-client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type OwnPage = Json<paths['/api/catalog/v1/own-resources']['get']['responses'][200]>;
export type OwnEntry = OwnPage['items'][number];
export type StateCounts = OwnPage['counts'];
export type EntryInput = NonNullable<
  paths['/api/catalog/v1/resources']['post']['requestBody']
>['content']['application/json'];
export type ItemInput = EntryInput['items'][number];
export type ImportJob = Json<paths['/api/catalog/v1/imports/{id}']['get']['responses'][200]>;
export type ImportError = ImportJob['errors'][number];
export type ResourceClass = Json<paths['/api/catalog/v1/classes']['get']['responses'][200]>['classes'][number];
export type ExportFormat = NonNullable<
  NonNullable<paths['/api/catalog/v1/export']['get']['parameters']['query']>['format']
>;
