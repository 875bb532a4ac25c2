/** The catalogue entries the consent use cases read, and how the policy sees them. */
import { internal, notFound } from '@yrd/errors';
import type { catalogV1 } from '@yrd/proto';
import { z } from 'zod';
import {
  conditionsRequireSubjectConsent,
  grades,
  piiKinds,
  type ResourcePolicyView,
  sharingModes,
  sharingTiers,
} from '../domain/index.js';
import type { ResourceLookup } from './ports.js';

export type Resource = catalogV1.Resource;

const itemView = z.object({
  name: z.string(),
  grade: z.enum(grades),
  subLevel: z.number().transform((n) => (n > 0 ? n : null)),
  personalInfo: z.boolean(),
  sensitivePersonalInfo: z.boolean(),
  piiKind: z
    .string()
    .transform((s) => (s === '' ? 'none' : s))
    .pipe(z.enum(piiKinds)),
});
const resourceView = z.object({
  id: z.string(),
  province: z.enum(['sh', 'js', 'zj', 'ah']),
  version: z.number(),
  sharingTier: z.enum(sharingTiers),
  openTier: z.enum(sharingTiers),
  grade: z.enum(grades),
  legalBasis: z.string(),
  sharingModes: z.array(z.enum(sharingModes)),
  items: z.array(itemView),
  sharingConditions: z.string(),
});

/** A catalogue entry as the policy sees it, validated at the boundary. */
export function toPolicyView(r: Resource): ResourcePolicyView {
  const parsed = resourceView.safeParse(r);
  if (!parsed.success)
    throw internal('CONSENT.BAD_CATALOGUE_ENTRY', `catalogue entry ${r.id} cannot be read: ${parsed.error.message}`);
  const { sharingConditions, ...view } = parsed.data;
  return { ...view, subjectConsent: conditionsRequireSubjectConsent(sharingConditions) };
}

/** The published entry, or 404 CONSENT.UNKNOWN_RESOURCE. */
export async function requireResource(catalog: ResourceLookup, id: string): Promise<Resource> {
  const r = await catalog.get(id);
  if (!r) throw notFound('CONSENT.UNKNOWN_RESOURCE', `目录中无资源 no catalogue entry ${id}`);
  return r;
}

/** The entry and, when the province's 负面清单 covers it, that line (undefined: no such entry). */
export async function lookupResource(
  catalog: ResourceLookup,
  id: string,
): Promise<catalogV1.GetResourceResponse | undefined> {
  if (catalog.lookup) return catalog.lookup(id);
  const resource = await catalog.get(id);
  return resource ? { resource, negativeListing: undefined } : undefined;
}

/** The names a consent or an application lists that the entry does not have. */
export function unknownItems(view: ResourcePolicyView, items: readonly string[]): string[] {
  const known = new Set(view.items.map((i) => i.name));
  return items.filter((i) => !known.has(i));
}
