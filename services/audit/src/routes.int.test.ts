/**
 * Every route of the audit API, its refusals and one success, through `http.inject()` on the service
 * built once and never listening: an in-memory PGlite log, and the testbed's nats-server only because
 * the service is wired to one (nothing in the background runs: the module is not started).
 */
import { anchorsFrom, type Principal } from '@yrd/auth';
import { isValidIdNumber } from '@yrd/region';
import { agencyCode, aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditModule, AuditPublisher, buildAudit } from './index.js';
import { anExchangeEvent } from './test-events.js';

const authority = agencyCode('sh', 9);
const users = {
  auditor: aPrincipal({ province: 'sh', sub: 'sh-auditor', agency: authority, roles: ['auditor'] }),
  admin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: authority, roles: ['admin'] }),
  requester: aPrincipal({ province: 'sh', sub: 'sh-req', agency: agencyCode('sh', 4), roles: ['requester'] }),
  zjAuditor: aPrincipal({ province: 'zj', sub: 'zj-auditor', agency: agencyCode('zj', 9), roles: ['auditor'] }),
  subject: aPrincipal({
    province: 'sh',
    sub: 'sh-subject',
    agency: '',
    roles: ['subject'],
    subjectRef: 'e'.repeat(64),
  }),
  unknownSubject: aPrincipal({ province: 'sh', sub: 'sh-subject-x', agency: '', roles: ['subject'] }),
  zjSubject: aPrincipal({
    province: 'zj',
    sub: 'zj-subject',
    agency: '',
    roles: ['subject'],
    subjectRef: 'e'.repeat(64),
  }),
};
type Caller = keyof typeof users | 'nobody' | 'forged';

// an ID number whose check character is wrong (the last one of a valid number, changed)
const badIdNumber = '11010119900307002';
const wrongIdNumber = `${badIdNumber}${isValidIdNumber(`${badIdNumber}0`) ? '1' : '0'}`;

interface Row {
  what: string;
  as: Caller;
  method?: 'GET' | 'POST';
  url: string;
  body?: unknown;
  status: number;
  /** the problem's code; none for a success */
  code?: string;
}

const v1 = '/api/audit/v1';
const routes: Record<string, Row[]> = {
  'GET /records': [
    { what: 'no token', as: 'nobody', url: `${v1}/records`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a forged token', as: 'forged', url: `${v1}/records`, status: 401, code: 'AUTH.TOKEN_INVALID' },
    { what: 'a requester', as: 'requester', url: `${v1}/records`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { what: 'the admin', as: 'admin', url: `${v1}/records`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    {
      what: 'another province’s auditor',
      as: 'zjAuditor',
      url: `${v1}/records`,
      status: 403,
      code: 'AUDIT.WRONG_PROVINCE',
    },
    {
      what: 'a subjectRef that is not a hash',
      as: 'auditor',
      url: `${v1}/records?subjectRef=110101199003070011`,
      status: 400,
      code: 'REQUEST.INVALID',
    },
    { what: 'limit 0', as: 'auditor', url: `${v1}/records?limit=0`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'a date', as: 'auditor', url: `${v1}/records?from=yesterday`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'the auditor', as: 'auditor', url: `${v1}/records?requestId=rt-req-1`, status: 200 },
  ],
  'POST /records/by-subject': [
    {
      what: 'no token',
      as: 'nobody',
      method: 'POST',
      url: `${v1}/records/by-subject`,
      body: { key: { booking: 'B1' } },
      status: 401,
      code: 'AUTH.MISSING_TOKEN',
    },
    {
      what: 'the admin',
      as: 'admin',
      method: 'POST',
      url: `${v1}/records/by-subject`,
      body: { key: { booking: 'B1' } },
      status: 403,
      code: 'AUTH.ROLE_REQUIRED',
    },
    {
      what: 'neither idNumber nor key',
      as: 'auditor',
      method: 'POST',
      url: `${v1}/records/by-subject`,
      body: {},
      status: 400,
      code: 'REQUEST.INVALID',
    },
    {
      what: 'an ID number with a wrong check character',
      as: 'auditor',
      method: 'POST',
      url: `${v1}/records/by-subject`,
      body: { idNumber: wrongIdNumber },
      status: 400,
      code: 'AUDIT.ID_NUMBER_INVALID',
    },
    {
      what: 'the auditor',
      as: 'auditor',
      method: 'POST',
      url: `${v1}/records/by-subject`,
      body: { key: { booking: 'B1' } },
      status: 200,
    },
  ],
  'GET /export': [
    { what: 'no token', as: 'nobody', url: `${v1}/export`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'the admin', as: 'admin', url: `${v1}/export`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { what: 'another province', as: 'zjAuditor', url: `${v1}/export`, status: 403, code: 'AUDIT.WRONG_PROVINCE' },
    { what: 'a negative seq', as: 'auditor', url: `${v1}/export?fromSeq=-1`, status: 400, code: 'REQUEST.INVALID' },
    {
      what: 'from after to',
      as: 'auditor',
      url: `${v1}/export?fromSeq=2&toSeq=1`,
      status: 400,
      code: 'AUDIT.RANGE_INVALID',
    },
    {
      what: 'beyond the log',
      as: 'auditor',
      url: `${v1}/export?fromSeq=0&toSeq=99`,
      status: 400,
      code: 'AUDIT.RANGE_BEYOND_LOG',
    },
    { what: 'the auditor', as: 'auditor', url: `${v1}/export?fromSeq=0&toSeq=1`, status: 200 },
  ],
  'GET /verify': [
    { what: 'no token', as: 'nobody', url: `${v1}/verify`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a requester', as: 'requester', url: `${v1}/verify`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { what: 'another province', as: 'zjAuditor', url: `${v1}/verify`, status: 403, code: 'AUDIT.WRONG_PROVINCE' },
    { what: 'a wait too long', as: 'auditor', url: `${v1}/verify?wait=61`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'the admin', as: 'admin', url: `${v1}/verify`, status: 200 },
  ],
  'POST /verify': [
    { what: 'no token', as: 'nobody', method: 'POST', url: `${v1}/verify`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    {
      what: 'a requester',
      as: 'requester',
      method: 'POST',
      url: `${v1}/verify`,
      status: 403,
      code: 'AUTH.ROLE_REQUIRED',
    },
    { what: 'the auditor', as: 'auditor', method: 'POST', url: `${v1}/verify`, status: 202 },
  ],
  'GET /verify/:jobId': [
    { what: 'no token', as: 'nobody', url: `${v1}/verify/job-1`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a requester', as: 'requester', url: `${v1}/verify/job-1`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    {
      what: 'an id too long',
      as: 'auditor',
      url: `${v1}/verify/${'j'.repeat(101)}`,
      status: 414,
      code: 'REQUEST.URL_TOO_LONG',
    },
    {
      what: 'an unknown job',
      as: 'auditor',
      url: `${v1}/verify/no-such-job`,
      status: 404,
      code: 'AUDIT.VERIFY_JOB_NOT_FOUND',
    },
    // the success row is in its own test: its id comes from POST /verify
  ],
  'GET /witness': [
    { what: 'no token', as: 'nobody', url: `${v1}/witness`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a requester', as: 'requester', url: `${v1}/witness`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { what: 'another province', as: 'zjAuditor', url: `${v1}/witness`, status: 403, code: 'AUDIT.WRONG_PROVINCE' },
    { what: 'the admin', as: 'admin', url: `${v1}/witness`, status: 200 },
  ],
  // the other provinces are asked too: none runs here, so a success waits for them and names them
  'GET /my/data-use': [
    { what: 'no token', as: 'nobody', url: `${v1}/my/data-use`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a requester', as: 'requester', url: `${v1}/my/data-use`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { what: 'the auditor', as: 'auditor', url: `${v1}/my/data-use`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { what: 'the admin', as: 'admin', url: `${v1}/my/data-use`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    {
      what: 'a subject the province holds no reference for',
      as: 'unknownSubject',
      url: `${v1}/my/data-use`,
      status: 403,
      code: 'AUDIT.SUBJECT_UNKNOWN',
    },
    {
      what: 'another province’s subject',
      as: 'zjSubject',
      url: `${v1}/my/data-use`,
      status: 403,
      code: 'AUDIT.WRONG_PROVINCE',
    },
    { what: 'limit 0', as: 'subject', url: `${v1}/my/data-use?limit=0`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'a date', as: 'subject', url: `${v1}/my/data-use?from=yesterday`, status: 400, code: 'REQUEST.INVALID' },
    {
      what: 'a cursor it never gave',
      as: 'subject',
      url: `${v1}/my/data-use?after=not-a-cursor`,
      status: 400,
      code: 'AUDIT.CURSOR_INVALID',
    },
    {
      what: 'from after to',
      as: 'subject',
      url: `${v1}/my/data-use?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      status: 400,
      code: 'AUDIT.RANGE_INVALID',
    },
    { what: 'the subject', as: 'subject', url: `${v1}/my/data-use`, status: 200 },
  ],
  // the public routes: no token needed, and a token is not even read
  'GET /trust-list': [
    { what: 'anyone', as: 'nobody', url: `${v1}/trust-list`, status: 200 },
    { what: 'a forged token, unread', as: 'forged', url: `${v1}/trust-list`, status: 200 },
  ],
  'GET /heads/latest': [{ what: 'anyone', as: 'nobody', url: `${v1}/heads/latest`, status: 200 }],
  'GET /heads/:size': [
    { what: 'a size not a number', as: 'nobody', url: `${v1}/heads/abc`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'a negative size', as: 'nobody', url: `${v1}/heads/-1`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'no head of that size', as: 'nobody', url: `${v1}/heads/999`, status: 404, code: 'AUDIT.HEAD_NOT_FOUND' },
    { what: 'anyone', as: 'nobody', url: `${v1}/heads/2`, status: 200 },
  ],
  'GET /checkpoint': [{ what: 'anyone', as: 'nobody', url: `${v1}/checkpoint`, status: 200 }],
  'GET /consistency': [
    { what: 'no from', as: 'nobody', url: `${v1}/consistency`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'from not a number', as: 'nobody', url: `${v1}/consistency?from=x`, status: 400, code: 'REQUEST.INVALID' },
    {
      what: 'from larger than to',
      as: 'nobody',
      url: `${v1}/consistency?from=3&to=1`,
      status: 400,
      code: 'AUDIT.RANGE_INVALID',
    },
    {
      what: 'to not a signed head',
      as: 'nobody',
      url: `${v1}/consistency?from=1&to=999`,
      status: 404,
      code: 'AUDIT.HEAD_NOT_FOUND',
    },
    { what: 'anyone', as: 'nobody', url: `${v1}/consistency?from=1&to=3`, status: 200 },
  ],
  'GET /proofs/inclusion': [
    {
      what: 'a leafHash not hex',
      as: 'nobody',
      url: `${v1}/proofs/inclusion?leafHash=xyz`,
      status: 400,
      code: 'REQUEST.INVALID',
    },
    {
      what: 'both leafHash and seq',
      as: 'nobody',
      url: `${v1}/proofs/inclusion?leafHash=${'f'.repeat(64)}&seq=0`,
      status: 400,
      code: 'REQUEST.INVALID',
    },
    { what: 'neither', as: 'nobody', url: `${v1}/proofs/inclusion`, status: 400, code: 'REQUEST.INVALID' },
    {
      what: 'a leaf not in the log',
      as: 'nobody',
      url: `${v1}/proofs/inclusion?leafHash=${'f'.repeat(64)}`,
      status: 404,
      code: 'AUDIT.LEAF_NOT_FOUND',
    },
    {
      what: 'a head that was never signed',
      as: 'nobody',
      url: `${v1}/proofs/inclusion?seq=0&treeSize=999`,
      status: 404,
      code: 'AUDIT.HEAD_NOT_FOUND',
    },
    {
      what: 'a record the head does not cover',
      as: 'nobody',
      url: `${v1}/proofs/inclusion?seq=2&treeSize=1`,
      status: 400,
      code: 'AUDIT.RANGE_INVALID',
    },
    { what: 'anyone', as: 'nobody', url: `${v1}/proofs/inclusion?seq=0&treeSize=3`, status: 200 },
  ],
  'GET /stats': [
    { what: 'no token', as: 'nobody', url: `${v1}/stats`, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a data subject', as: 'subject', url: `${v1}/stats`, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    {
      what: 'another province’s auditor',
      as: 'zjAuditor',
      url: `${v1}/stats`,
      status: 403,
      code: 'AUDIT.WRONG_PROVINCE',
    },
    { what: 'a bucket of a week', as: 'admin', url: `${v1}/stats?bucket=week`, status: 400, code: 'REQUEST.INVALID' },
    { what: 'a date', as: 'admin', url: `${v1}/stats?from=yesterday`, status: 400, code: 'REQUEST.INVALID' },
    {
      what: 'from after to',
      as: 'admin',
      url: `${v1}/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
      status: 400,
      code: 'AUDIT.STATS_WINDOW_INVALID',
    },
    {
      what: 'eight days by the hour',
      as: 'admin',
      url: `${v1}/stats?from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z&bucket=hour`,
      status: 400,
      code: 'AUDIT.STATS_WINDOW_TOO_LONG',
    },
    { what: 'the admin', as: 'admin', url: `${v1}/stats`, status: 200 },
    { what: 'a requester', as: 'requester', url: `${v1}/stats?bucket=day`, status: 200 },
  ],
  'no such route': [
    { what: 'signed in', as: 'auditor', url: `${v1}/nothing-here`, status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
  ],
};

describe('the audit API, route by route (inject, never listening)', () => {
  let tb: Testbed;
  let audit: AuditModule;
  const tokens = new Map<Caller, string>();

  const call = (as: Caller, method: 'GET' | 'POST', url: string, body?: unknown) =>
    audit.http.inject({
      method,
      url,
      headers: tokens.has(as) ? { authorization: `Bearer ${tokens.get(as)}` } : {},
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });

  beforeAll(async () => {
    tb = await createTestbed();
    // a trust list, so the witness and the public trust list are there; a quorum of 0, so an export
    // does not wait for co-signatures no other province is running to give
    audit = await buildAudit(await tb.deps('sh'), {
      trust: anchorsFrom(tb.trust, '2020-01-01T00:00:00.000Z', 0),
      headEvery: 1,
      verifyEveryMs: 0,
    });
    tb.defer(() => audit.http.close());
    for (let i = 0; i < 3; i++) await audit.log.append(anExchangeEvent(i, {}, 'rt'));
    for (const [who, p] of Object.entries(users) as [keyof typeof users, Principal][]) {
      tokens.set(who, await tb.token(p));
    }
    const real = tokens.get('auditor') ?? '';
    // signed by nobody the trust list knows: the signature part of a real token, altered
    tokens.set('forged', `${real.slice(0, -6)}AAAAAA`);
  });
  afterAll(() => tb?.close());

  it('is built, not listening, and nothing runs in the background', async () => {
    expect(audit.http.server.listening).toBe(false);
    // an event on the province's stream stays there: the ingestion starts with start(), not at build
    const pub = new AuditPublisher(await tb.connect('sh'), 'sh');
    await pub.ensure();
    await pub.publish(anExchangeEvent(99, {}, 'rt'));
    await new Promise((r) => setTimeout(r, 300));
    expect(audit.log.size).toBe(3);
  });

  for (const [route, rows] of Object.entries(routes)) {
    describe(route, () => {
      it.each(rows.map((r) => [r.what, r] as const))('%s', async (_what, row) => {
        const res = await call(row.as, row.method ?? 'GET', row.url, row.body);
        expect(res.statusCode, res.body).toBe(row.status);
        if (row.code) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json()).toMatchObject({ status: row.status, code: row.code });
        } else {
          expect(res.headers['content-type']).toMatch(/^(application\/json|text\/plain)/);
        }
      });
    });
  }

  it('answers with what each success promises', async () => {
    const traced = (await call('auditor', 'GET', `${v1}/records?requestId=rt-req-1`)).json();
    expect(traced.records.map((r: { eventId: string }) => r.eventId)).toEqual(['rt-1']);
    const head = (await call('nobody', 'GET', `${v1}/heads/2`)).json();
    expect(head).toMatchObject({ size: 2, province: 'sh' });
    const verified = (await call('admin', 'GET', `${v1}/verify`)).json();
    expect(verified).toMatchObject({ ok: true, size: 3 });
    const exported = (await call('auditor', 'GET', `${v1}/export?fromSeq=0&toSeq=1`)).json();
    expect(exported.records).toHaveLength(2);
    const mine = (await call('subject', 'GET', `${v1}/my/data-use`)).json();
    expect(mine).toEqual({ uses: [], provinces: ['sh'], incomplete: ['js', 'zj', 'ah'], truncated: [] });
    const checkpoint = await call('nobody', 'GET', `${v1}/checkpoint`);
    expect(checkpoint.body).toMatch(/^yrd\.example\/audit\/sh\n3\n/);
  });

  it('GET /verify/:jobId: the job POST /verify started', async () => {
    const started = await call('auditor', 'POST', `${v1}/verify`);
    expect(started.statusCode).toBe(202);
    const { id } = started.json() as { id: string };
    expect(started.headers.location).toBe(`${v1}/verify/${id}`);
    const job = await call('admin', 'GET', `${v1}/verify/${id}`);
    expect([job.statusCode, job.json().id]).toEqual([200, id]);
  });
});
