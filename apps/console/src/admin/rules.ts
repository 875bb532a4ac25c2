/**
 * The province's rules (管理规则) as the console shows them: each field in words, and what changed
 * between two versions. The rules themselves, their limits and defaults, are the consent service's.
 */
import type { TFunction } from 'i18next';
import type { PolicyRules } from './types';

export const ruleFields = [
  'responseDays',
  'complianceReview',
  'secondApprovalGrades',
  'secondApprovalDays',
  'coordinationDays',
  'masking',
] as const;
export type RuleField = (typeof ruleFields)[number];
export const isRuleField = (f: string): f is RuleField => (ruleFields as readonly string[]).includes(f);

/** Kinds of personal data whose masking a province may choose (services/consent domain/rules.ts). */
export const maskableKinds = ['id_number', 'name', 'phone', 'address', 'credit_code'] as const;
export type MaskableKind = (typeof maskableKinds)[number];
/** The profiles a rule may choose for a kind: never none (@yrd/masking). */
export const maskChoices = ['id_number', 'name', 'phone', 'address', 'credit_code', 'redact'] as const;
export type MaskChoice = (typeof maskChoices)[number];
const isMaskChoice = (v: unknown): v is MaskChoice =>
  typeof v === 'string' && (maskChoices as readonly string[]).includes(v);

export const approvalGrades = ['important', 'core'] as const;

/** One field of a version of the rules, in words. */
export function describeRule(field: RuleField, rules: PolicyRules, t: TFunction): string {
  switch (field) {
    case 'responseDays':
    case 'secondApprovalDays':
    case 'coordinationDays':
      return t('admin.rules.workingDays', { count: rules[field] });
    case 'complianceReview':
      return rules.complianceReview.enabled
        ? t('admin.rules.reviewOn', { count: rules.complianceReview.days })
        : t('admin.rules.reviewOff');
    case 'secondApprovalGrades':
      return rules.secondApprovalGrades.length > 0
        ? rules.secondApprovalGrades.map((g) => t(`grade.${g}`)).join('、')
        : t('admin.rules.noSecondApproval');
    case 'masking': {
      const chosen = maskableKinds.flatMap((k) => {
        const p = rules.masking[k];
        return isMaskChoice(p) ? [`${t(`admin.rules.kind.${k}`)}：${t(`admin.rules.profile.${p}`)}`] : [];
      });
      return chosen.length > 0 ? chosen.join('；') : t('admin.rules.maskDefault');
    }
    default:
      return field satisfies never;
  }
}

/** The masking choices of a form as the API takes them: a kind left at the default is left out. */
export function maskingOf(form: Partial<Record<MaskableKind, MaskChoice | undefined>>): PolicyRules['masking'] {
  const out: PolicyRules['masking'] = {};
  for (const k of maskableKinds) {
    const p = form[k];
    if (p !== undefined) out[k] = p;
  }
  return out;
}
