import { type Role, roles } from '@yrd/auth';
import { describe, expect, it } from 'vitest';
import { type AuditAction, accessRules, auditAccess, auditActions, type Viewer } from './access.js';

const provinceRelations = { own: 'sh', other: 'zj' } as const;
type ProvinceRelation = keyof typeof provinceRelations;
const agencies = { dataAuthority: 'SH-DATA-AUTHORITY', otherAgency: 'SH-OTHER', none: '' } as const;
type AgencyRelation = keyof typeof agencies;

const viewer = (role: Role, agency: AgencyRelation, province: ProvinceRelation): Viewer => ({
  sub: 'u-1',
  roles: [role],
  agency: agencies[agency],
  province: provinceRelations[province],
});

/** Who may take each action in the log's own province, written out; the agency does not matter. */
const allowedRoles: Record<AuditAction, readonly Role[]> = {
  trace: ['auditor'],
  export: ['auditor'],
  verify: ['auditor', 'admin'],
  witness: ['auditor', 'admin'],
};

const combinations = auditActions.flatMap((action) =>
  roles.flatMap((role) =>
    (Object.keys(agencies) as AgencyRelation[]).flatMap((agency) =>
      (Object.keys(provinceRelations) as ProvinceRelation[]).map((province) => ({ action, role, agency, province })),
    ),
  ),
);

describe('the audit access matrix', () => {
  it.each(combinations)('$action by $role of $agency, $province province', ({ action, role, agency, province }) => {
    const d = auditAccess(viewer(role, agency, province), 'sh', action);
    const who = allowedRoles[action];
    if (province !== 'own') {
      expect(d).toMatchObject({ allow: false, rule: accessRules.denied, code: 'AUDIT.WRONG_PROVINCE' });
    } else if (who.includes(role)) {
      expect(d).toEqual({ allow: true, rule: role === 'auditor' ? accessRules.auditor : accessRules.provinceAdmin });
    } else {
      expect(d).toMatchObject({ allow: false, rule: accessRules.denied, code: 'AUTH.ROLE_REQUIRED' });
    }
    if (!d.allow) expect(d.message).toMatch(/[\u4e00-\u9fff].* [a-z]/);
  });

  it('an auditor who is also an admin reads as the auditor', () => {
    expect(auditAccess({ sub: 'x', province: 'sh', agency: '', roles: ['admin', 'auditor'] }, 'sh', 'verify')).toEqual({
      allow: true,
      rule: accessRules.auditor,
    });
    expect(auditAccess({ sub: 'x', province: 'sh', agency: '', roles: [] }, 'sh', 'trace').allow).toBe(false);
  });
});
