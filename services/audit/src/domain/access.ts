/**
 * Who may read what of a province's audit log (留痕): the audit service's access matrix, in one
 * place. The records follow people's data across agencies (by subjectRef, by requester), so reading
 * them — a trace, an export — is the job of the province's auditors alone: not the admin's, not an
 * agency's, and never another province's (the other provinces see their own side of an exchange in
 * their own logs, and this log's heads through witnessing). Checking the log as a whole (verify,
 * the witness view) is also the admin's. Signed heads, co-signatures, the trust list and consistency
 * and inclusion proofs hold only keys, sizes and hashes: they are public, need no sign-in and are not
 * in this matrix (adapters/public-http.ts). Deny unless a row allows.
 *
 * The refusals are about the route, never about a record: a caller who may not trace gets the same
 * 403 whatever it asked for, so nothing about the log's contents can be probed.
 */
import type { Principal } from '@yrd/auth';

export type Viewer = Pick<Principal, 'sub' | 'province' | 'agency' | 'roles'>;

export const auditActions = ['trace', 'export', 'verify', 'witness'] as const;
export type AuditAction = (typeof auditActions)[number];

export const accessRules = {
  auditor: 'ACCESS.PROVINCE_AUDITOR',
  provinceAdmin: 'ACCESS.PROVINCE_ADMIN',
  denied: 'ACCESS.DEFAULT_DENY',
} as const;
export type AccessRule = (typeof accessRules)[keyof typeof accessRules];

export type AccessDecision =
  | { allow: true; rule: AccessRule }
  | { allow: false; rule: AccessRule; code: 'AUDIT.WRONG_PROVINCE' | 'AUTH.ROLE_REQUIRED'; message: string };

/** The roles that may take each action, in the log's own province. */
const rolesFor: Record<AuditAction, readonly Principal['roles'][number][]> = {
  trace: ['auditor'],
  export: ['auditor'],
  verify: ['auditor', 'admin'],
  witness: ['auditor', 'admin'],
};

/** Whether `v` may take `action` on the audit log of `province`. */
export function auditAccess(v: Viewer, province: string, action: AuditAction): AccessDecision {
  const needed = rolesFor[action];
  if (v.province !== province) {
    return {
      allow: false,
      rule: accessRules.denied,
      code: 'AUDIT.WRONG_PROVINCE',
      message: `只能查看本省的留痕 the audit log of ${province} is read by its own province`,
    };
  }
  const role = needed.find((r) => v.roles.includes(r));
  if (role === 'auditor') return { allow: true, rule: accessRules.auditor };
  if (role === 'admin') return { allow: true, rule: accessRules.provinceAdmin };
  return {
    allow: false,
    rule: accessRules.denied,
    code: 'AUTH.ROLE_REQUIRED',
    message: `需要角色 requires one of the roles: ${needed.join(', ')}`,
  };
}
