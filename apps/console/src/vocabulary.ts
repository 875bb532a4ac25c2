/**
 * The platform's words as the console shows them: the values the API uses for tiers, grades, modes,
 * entry states, roles and provinces, so a label is looked up only for a value the UI knows (anything
 * else is shown as it came). The rules about them stay in the services.
 */

export const provinces = ['sh', 'js', 'zj', 'ah'] as const;
export type Province = (typeof provinces)[number];

export const roles = ['publisher', 'reviewer', 'requester', 'auditor', 'admin', 'subject'] as const;
export type Role = (typeof roles)[number];

export const tiers = ['unconditional', 'conditional', 'none'] as const;
export type Tier = (typeof tiers)[number];

export const grades = ['core', 'important', 'general'] as const;
export type Grade = (typeof grades)[number];

export const sharingModes = ['interface', 'file', 'verify', 'subscribe'] as const;
export type SharingMode = (typeof sharingModes)[number];

export const entryStatuses = ['draft', 'submitted', 'published', 'withdrawn'] as const;
export type EntryStatus = (typeof entryStatuses)[number];

export const itemTypes = ['string', 'number', 'date', 'boolean'] as const;
export type ItemType = (typeof itemTypes)[number];

/** An application's states, in the order the workflow meets them. */
export const applicationStatuses = [
  'compliance_review',
  'submitted',
  'second_approval',
  'coordination',
  'approved',
  'rejected',
  'expired',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

/** What kind of personal information an item holds: it picks the masking rule. */
export const piiKinds = ['none', 'id_number', 'name', 'phone', 'address', 'credit_code'] as const;
export type PiiKind = (typeof piiKinds)[number];

export const historyActions = ['created', 'updated', 'submitted', 'rejected', 'published', 'withdrawn'] as const;
export type HistoryAction = (typeof historyActions)[number];

const member =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);

export const isProvince = member(provinces);
export const isRole = member(roles);
export const isTier = member(tiers);
export const isGrade = member(grades);
export const isSharingMode = member(sharingModes);
export const isEntryStatus = member(entryStatuses);
export const isItemType = member(itemTypes);
export const isHistoryAction = member(historyActions);
export const isApplicationStatus = member(applicationStatuses);
export const isPiiKind = member(piiKinds);
