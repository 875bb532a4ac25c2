import { type Province, provinceOfResourceId } from '@yrd/region';
import { agencies } from './agencies.js';
import { consents } from './consents.js';
import { datasets } from './datasets.js';
import { resources } from './resources.js';
import type { SeedAgency, SeedConsent, SeedDataset, SeedResource, SeedUser } from './types.js';
import { userById, users } from './users.js';

export {
  agencies,
  agencyBySlug,
  dataAuthority,
  dataAuthoritySlugs,
  organisations,
  type SeedOrganisation,
} from './agencies.js';
export { certificateSeedFor, certificateTypeCodes } from './certificates.js';
export { consents } from './consents.js';
export { datasetFor, datasets, demoBookingNo, demoCompany, demoDeclarationNo, demoSubject } from './datasets.js';
export { resourceById, resourceSubLevels, resources } from './resources.js';
export type * from './types.js';
export { subjects, userById, users } from './users.js';

export interface ProvinceSeeds {
  agencies: SeedAgency[];
  users: SeedUser[];
  resources: SeedResource[];
  datasets: SeedDataset[];
  consents: SeedConsent[];
}

/** The seeds one province node loads: its own agencies, users, entries, records, and the consents
 *  that its entries are subject to (a consent lives with the provider of the resource it covers). */
export function seedsFor(province: Province): ProvinceSeeds {
  return {
    agencies: agencies.filter((a) => a.province === province),
    users: users.filter((u) => u.province === province),
    resources: resources.filter((r) => r.province === province),
    datasets: datasets.filter((d) => provinceOfResourceId(d.resourceId) === province),
    // a consent is issued (and signed) by the data subject's own province
    consents: consents.filter((c) => userById(c.subject)?.province === province),
  };
}
