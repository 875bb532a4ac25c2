/**
 * Access to the audit log (issue 10 §2), through HTTP: a trace and an export are the province's
 * auditors' alone — not its admin's, not an agency's, not another province's auditor's — and the
 * refusal is the same whatever was asked for, so the log's contents cannot be probed.
 */
import type { Principal } from '@yrd/auth';
import { agencyCode, aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';

const authority = agencyCode('sh', 9);
const users = {
  auditor: aPrincipal({ province: 'sh', sub: 'sh-auditor', agency: authority, roles: ['auditor'] }),
  admin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: authority, roles: ['admin'] }),
  requester: aPrincipal({ province: 'sh', sub: 'sh-req', agency: agencyCode('sh', 4), roles: ['requester'] }),
  reviewer: aPrincipal({ province: 'sh', sub: 'sh-rev', agency: agencyCode('sh', 4), roles: ['reviewer'] }),
  zjAuditor: aPrincipal({ province: 'zj', sub: 'zj-auditor', agency: agencyCode('zj', 9), roles: ['auditor'] }),
};

describe('the audit log is read by its own province’s auditors', () => {
  let tb: Testbed;
  let audit: RunningAudit;
  const get = (who: Principal, path: string) => tb.http(audit.httpUrl, who, 'GET', `/api/audit/v1${path}`);

  beforeAll(async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    audit = await tb.started(startAudit(deps, { headEvery: 1 }));
    const pub = new AuditPublisher(deps.nc, 'sh');
    await pub.ensure();
    await pub.publish({
      eventId: 'acc-1:sh:requester',
      province: 'sh',
      kind: 'exchange.query.served',
      requestId: 'acc-1',
      resourceId: 'zj.330000-DSJ-00001',
      actorUser: users.requester.sub,
      actorAgency: users.requester.agency,
      requesterProvince: 'sh',
      providerProvince: 'zj',
      outcome: 'ok',
      code: '',
      payloadHash: 'b'.repeat(64),
      subjectRef: '',
      subjectRefKeyId: '',
      grantId: 'zj-grant-1',
      consentId: '',
      occurredAt: new Date().toISOString(),
      items: ['venue'],
    });
    for (let t = 0; t < 100; t++) {
      if ((await get(users.auditor, '/records?requestId=acc-1')).body.records?.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => tb?.close());

  it('a trace and an export: the auditor, and nobody else', async () => {
    const traced = await get(users.auditor, '/records?requestId=acc-1');
    expect([traced.status, traced.body.records.length]).toEqual([200, 1]);
    expect((await get(users.auditor, '/export?fromSeq=0&toSeq=0')).status).toBe(200);

    for (const path of [
      '/records?requestId=acc-1',
      '/records?requestId=no-such-request',
      '/export?fromSeq=0&toSeq=0',
    ]) {
      for (const [who, code] of [
        [users.admin, 'AUTH.ROLE_REQUIRED'],
        [users.requester, 'AUTH.ROLE_REQUIRED'],
        [users.reviewer, 'AUTH.ROLE_REQUIRED'],
        [users.zjAuditor, 'AUDIT.WRONG_PROVINCE'],
      ] as const) {
        const res = await get(who, path);
        expect([res.status, res.body.code], `${who.sub} ${path}`).toEqual([403, code]);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(JSON.stringify(res.body)).not.toContain('zj-grant-1');
      }
    }
  });

  it('verify and the witness view: the auditor and the admin; the signed head: anyone signed in', async () => {
    for (const who of [users.auditor, users.admin]) {
      expect((await get(who, '/verify')).status, who.sub).toBe(200);
      expect((await get(who, '/witness')).status, who.sub).toBe(200);
    }
    const refused = await get(users.requester, '/verify');
    expect([refused.status, refused.body.code]).toEqual([403, 'AUTH.ROLE_REQUIRED']);
    const elsewhere = await get(users.zjAuditor, '/verify');
    expect([elsewhere.status, elsewhere.body.code]).toEqual([403, 'AUDIT.WRONG_PROVINCE']);
    const head = await get(users.requester, '/heads/latest');
    expect([head.status, head.body.size]).toEqual([200, 1]);
  });
});
