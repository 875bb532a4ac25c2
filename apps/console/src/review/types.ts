/** The consent service's applications as the generated client types them (never written by hand). */
import type { paths } from '@yrd/api-client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Application = Json<paths['/api/consent/v1/applications/{id}']['get']['responses'][200]>;
export type ApplicationStep = Application['steps'][number];
export type WorklistQuery = NonNullable<paths['/api/consent/v1/applications']['get']['parameters']['query']>;

/** What a step of the workflow did (the consent service's step actions). */
export const stepActions = [
  'submitted',
  'compliance_passed',
  'compliance_failed',
  'approved',
  'first_level_approved',
  'rejected',
  'second_level_approved',
  'second_level_rejected',
  'coordination_requested',
  'coordinated_approved',
  'coordinated_rejected',
  'expired',
] as const;
export type StepAction = (typeof stepActions)[number];
export const isStepAction = (s: unknown): s is StepAction =>
  typeof s === 'string' && (stepActions as readonly string[]).includes(s);
