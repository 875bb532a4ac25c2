import type { catalogV1 } from '@yrd/proto';
import type { SeedResource } from '@yrd/seeds';

/** A seed entry as the catalogue stores it: published, version 1. */
export function seedToResource(s: SeedResource, agencyName: string, at: string): catalogV1.Resource {
  return {
    id: s.id,
    resourceCode: s.resourceCode,
    classCode: s.classCode,
    name: s.name,
    province: s.province,
    provider: { creditCode: s.providerCreditCode, name: agencyName },
    summary: s.summary,
    format: s.format,
    updateCycle: s.updateCycle,
    publishDate: s.publishDate,
    relatedResources: s.relatedResources,
    items: s.items.map((i) => ({ ...i })),
    sharingTier: s.sharingTier,
    sharingConditions: s.sharingConditions,
    sharingModes: s.sharingModes,
    openTier: s.openTier,
    grade: s.grade,
    legalBasis: s.legalBasis,
    version: 1,
    status: 'published',
    domain: s.domain,
    updatedAt: at,
    keyItems: s.keyItems,
  };
}
