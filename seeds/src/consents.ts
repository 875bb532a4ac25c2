/**
 * Data-subject consents (授权书) present when the demo starts. Each one names exactly what its
 * scenario's requester asks for: the requester agency, the resource, the items, the purpose (a
 * consent covers one purpose, so the requester states the same words) and a validity that lasts
 * beyond the demo. The requester still needs its grant (授权) for the conditional resource.
 * The subject's reference (subjectRef) is not written here: it is keyed with the regional subject
 * key, so the seeding node derives it from the subject's synthetic ID number, as the subject's token
 * carries it and as a provider computes it from the query key (one person, one reference).
 */
import { agencyBySlug } from './agencies.js';
import { demoSubject } from './datasets.js';
import type { SeedConsent } from './types.js';

export const consents: SeedConsent[] = [
  {
    // Scenario 2: the subject lets 上海 人社局 read their 江苏 contribution record for the transfer
    // (query; the entry requires the person's separate consent, and ID numbers are sensitive).
    id: 'consent-demo-0001',
    subject: demoSubject.id,
    requesterAgency: agencyBySlug('sh', 'rsj').creditCode,
    requesterProvince: 'sh',
    resourceId: 'js.320000-RSJ-00001',
    items: ['id_number', 'person_name', 'contribution_months', 'last_contribution'],
    purpose: '社保关系转移接续',
    validUntil: '2028-12-31T23:59:59+08:00',
  },
  {
    // Scenario 4: the subject lets 浙江 大数据局 (浙里办) verify their 随申办 real-name identity when
    // booking a venue (verify; the entry's conditions require the person's own authorisation).
    id: 'consent-demo-0002',
    subject: demoSubject.id,
    requesterAgency: agencyBySlug('zj', 'dsjj').creditCode,
    requesterProvince: 'zj',
    resourceId: 'sh.310000-DSJ-00001',
    items: ['id_number', 'person_name', 'phone', 'auth_level'],
    purpose: '浙里办场馆预约实名核验',
    validUntil: '2028-12-31T23:59:59+08:00',
  },
];
