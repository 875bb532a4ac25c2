// The province's editable rules (管理规则): deadlines, the compliance-review and second-approval steps
// of the application workflow, and masking choices. The province admin edits them; each change is a
// new version, kept and audited, and every decision and application records the version it ran
// under. What the law fixes is not here: core data never leaves its province, 不予共享 stays shut,
// sensitive personal information needs a legal duty or separate consent, and nothing masked by
// default can be unmasked by a rule.
import { type MaskProfile, maskProfiles } from '@yrd/masking';
import { z } from 'zod';
import type { WorkflowRules } from './workflow.js';

/** Kinds of personal data whose masking a province may choose (never to "none"). */
export const maskableKinds = ['id_number', 'name', 'phone', 'address', 'credit_code'] as const;
export type MaskableKind = (typeof maskableKinds)[number];

const days = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

export const policyRulesInput = z.object({
  /** 国发〔2016〕51号: the provider answers within 10 working days */
  responseDays: days(60, 10),
  /** 符合性审查 by the data authority before the provider's review */
  complianceReview: z
    .object({ enabled: z.boolean().default(false), days: days(30, 2) })
    .default({ enabled: false, days: 2 }),
  /** grades whose approval needs a second level (the data authority); important by default */
  secondApprovalGrades: z.array(z.enum(['important', 'core'])).default(['important']),
  secondApprovalDays: days(30, 5),
  coordinationDays: days(30, 5),
  /** a stronger or different mask for personal items of a kind (a masked item stays masked) */
  masking: z
    .partialRecord(
      z.enum(maskableKinds),
      z.enum(maskProfiles.filter((p) => p !== 'none') as [MaskProfile, ...MaskProfile[]]),
    )
    .default({}),
});
export type PolicyRulesInput = z.input<typeof policyRulesInput>;
export type PolicyRules = z.infer<typeof policyRulesInput>;

export const defaultRules: PolicyRules = policyRulesInput.parse({});

export function workflowRules(r: PolicyRules): WorkflowRules {
  return {
    responseDays: r.responseDays,
    complianceReview: r.complianceReview,
    secondApprovalGrades: r.secondApprovalGrades,
    secondApprovalDays: r.secondApprovalDays,
    coordinationDays: r.coordinationDays,
  };
}

/** The fields that differ between two versions of the rules (for the change record). */
export function changedRules(before: PolicyRules, after: PolicyRules): string[] {
  return (Object.keys(after) as (keyof PolicyRules)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}
