/** Data-subject consents (授权书) present when the demo starts. */
import { agencyBySlug } from './agencies.js';
import { demoSubject } from './datasets.js';
import type { SeedConsent } from './types.js';

export const consents: SeedConsent[] = [
  {
    // Scenario 2: the subject lets 上海 人社局 read their 江苏 contribution record for the transfer.
    id: 'consent-demo-0001',
    subject: demoSubject.id,
    requesterAgency: agencyBySlug('sh', 'rsj').creditCode,
    requesterProvince: 'sh',
    resourceId: 'js.320000-RSJ-00001',
    items: ['id_number', 'person_name', 'contribution_months', 'last_contribution'],
    purpose: '社保关系转移接续',
    validUntil: '2027-12-31T23:59:59+08:00',
  },
  {
    // Scenario 4: the subject lets 浙里办 verify their 随申办 identity when booking a venue.
    id: 'consent-demo-0002',
    subject: demoSubject.id,
    requesterAgency: agencyBySlug('zj', 'dsjj').creditCode,
    requesterProvince: 'zj',
    resourceId: 'sh.310000-DSJ-00001',
    items: ['id_number', 'person_name', 'auth_level'],
    purpose: '浙里办场馆预约实名核验',
    validUntil: '2026-12-31T23:59:59+08:00',
  },
];
