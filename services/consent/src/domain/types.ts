// The views the policy decision reads. They are deliberately flat and independent of storage and
// transport: adapters map catalogue entries, grants and consents onto them (validating with zod at
// the boundary), and the decision never sees anything else.
import type { MaskProfile } from '@yrd/masking';
import type { Province } from '@yrd/region';
import type { DenialCode, ReasonCode, RuleId } from './codes.js';

/** 分级 (数据安全法 art. 21, GB/T 43697-2024). */
export const grades = ['core', 'important', 'general'] as const;
export type Grade = (typeof grades)[number];

/** 共享属性 / 开放属性: 无条件 | 有条件 | 不予共享 (非开放). */
export const sharingTiers = ['unconditional', 'conditional', 'none'] as const;
export type SharingTier = (typeof sharingTiers)[number];
export type OpenTier = SharingTier;

/** 共享方式 recorded on a catalogue entry. */
export const sharingModes = ['interface', 'file', 'verify', 'subscribe'] as const;
export type SharingMode = (typeof sharingModes)[number];

/** The kind of exchange a requester asks for. */
export const modes = ['query', 'verify', 'subscribe'] as const;
export type Mode = (typeof modes)[number];

export const requesterKinds = ['government', 'enterprise', 'research', 'individual'] as const;
export type RequesterKind = (typeof requesterKinds)[number];

/** What kind of identifier or personal datum an item holds; drives the masking profile. */
export const piiKinds = ['id_number', 'name', 'phone', 'address', 'credit_code', 'none'] as const;
export type PiiKind = (typeof piiKinds)[number];

export const grantStatuses = ['active', 'revoked', 'expired'] as const;
export type GrantStatus = (typeof grantStatuses)[number];
export type ConsentStatus = GrantStatus;

/** 信息项 as the policy sees it. */
export interface DataItemPolicyView {
  name: string;
  grade: Grade;
  /** Sub-level 1–4 of a general item, if the classification gives one. */
  subLevel: number | null;
  personalInfo: boolean;
  /** 敏感个人信息 (PIPL art. 28). */
  sensitivePersonalInfo: boolean;
  piiKind: PiiKind;
}

/** One version of a catalogue entry, reduced to what the policy needs. */
export interface ResourcePolicyView {
  id: string;
  /** The provider's province. */
  province: Province;
  version: number;
  sharingTier: SharingTier;
  openTier: OpenTier;
  grade: Grade;
  /** 法律、行政法规或国家政策依据; required when sharingTier is none. */
  legalBasis: string;
  sharingModes: readonly SharingMode[];
  items: readonly DataItemPolicyView[];
  /**
   * The entry's sharing conditions (共享条件) make the data subject's own consent a condition of every
   * use (须取得本人授权 / 单独同意), whatever the mode and whichever items: see `conditionsRequireSubjectConsent`.
   */
  subjectConsent: boolean;
}

/** A catalogue entry a request names that the catalogue does not have (or no longer publishes). */
export interface UnknownResource {
  id: string;
  unknown: true;
}

export function isUnknownResource(r: ResourcePolicyView | UnknownResource): r is UnknownResource {
  return 'unknown' in r;
}

/** 授权: the approved scope of an application for a conditional resource. */
export interface GrantView {
  id: string;
  requesterAgency: string;
  requesterProvince: Province;
  resourceId: string;
  items: readonly string[];
  purpose: string;
  modes: readonly Mode[];
  /** ISO 8601 instant, inclusive. */
  validFrom: string;
  /** ISO 8601 instant, inclusive. */
  validUntil: string;
  status: GrantStatus;
  /**
   * The requester uses the data to perform a statutory duty (履行法定职责, PIPL art. 13(3)), which
   * stands in for the data subject's separate consent to sensitive personal information.
   */
  legalDuty?: boolean;
}

/** 授权书: a data subject's consent artefact. */
export interface ConsentView {
  id: string;
  requesterAgency: string;
  requesterProvince: Province;
  resourceId: string;
  items: readonly string[];
  purpose: string;
  /** ISO 8601 instant, inclusive. */
  validUntil: string;
  status: ConsentStatus;
  /** Opaque reference to the data subject (e.g. a hashed ID number); never the identifier itself. */
  subjectRef: string;
  /** once: good for one fetch; periodic (the default): any number until it expires */
  fetchType?: 'once' | 'periodic';
  /** a once-consent already served a fetch */
  used?: boolean;
}

/** A consent a request names that could not be read: it is refused for that, never ignored. */
export interface UnresolvedConsent {
  id: string;
  /**
   * unknown: no such consent at its issuer, or not an id a province issues; forged: its signature does
   * not verify; revoked: the region's revocation register holds it, so it was not read at all.
   */
  unresolved: 'unknown' | 'forged' | 'revoked';
}

export function isUnresolved(c: ConsentView | UnresolvedConsent): c is UnresolvedConsent {
  return 'unresolved' in c;
}

export interface Requester {
  province: Province;
  /** 统一社会信用代码 of the requesting agency or organisation. */
  agency: string;
  userId: string;
  kind: RequesterKind;
}

export interface DecisionInput {
  requester: Requester;
  /** The entry as the catalogue has it, or the id of one it does not have (refused, nothing else judged). */
  resource: ResourcePolicyView | UnknownResource;
  /** Empty means everything the grant (conditional) or the resource (unconditional) allows. */
  requestedItems: readonly string[];
  mode: Mode;
  purpose: string;
  grant?: GrantView;
  /** The consent the request names, as read from its issuer, or why it could not be read. */
  consent?: ConsentView | UnresolvedConsent;
  /** The subject the request is about; a consent can only be matched against a request that names one. */
  subjectRef?: string;
  /** Resource ids the provider put on its 负面清单. */
  negativeList?: readonly string[];
  /** ISO 8601 instant the decision is made at; the decision never reads a clock. */
  at: string;
  /** The province's masking choices: another mask for personal items of a kind (never unmasking). */
  maskOverrides?: Partial<Record<PiiKind, MaskProfile>>;
}

export interface Reason {
  ruleId: RuleId;
  code: ReasonCode;
  /** Chinese / English. Never contains personal data. */
  message: string;
}

export interface Decision {
  allow: boolean;
  /** The items the requester may receive (or, in verify mode, have checked); empty on denial. */
  allowedItems: string[];
  /** The masking profile of every allowed item; empty on denial. */
  masking: Record<string, MaskProfile>;
  /** On denial: every applicable denial reason. On allow: the basis, and any items dropped. */
  reasons: Reason[];
  /** The code of the first denial reason. */
  denialCode?: DenialCode;
}
