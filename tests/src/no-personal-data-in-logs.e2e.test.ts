/**
 * Issue 10 §3: no personal data can be recovered from what the platform stores or logs.
 * The whole region runs with a logger that writes every line (debug and up) to a buffer; a journey,
 * refusals of every kind and a forced database failure run against it, and then every line is
 * scanned for every seed ID number, phone number, booking number and person name.
 * Along the way: one person has one reference — the subject's token, the seeded consent and the
 * provider's computation agree (scenario 2 is served on the seeds) — and an auditor traces that person
 * by ID number across provinces and across the change from unkeyed to keyed references.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@yrd/logger';
import { type Region, startRegion } from '@yrd/node';
import { auditV1 } from '@yrd/proto';
import { legacySubjectKeyId, legacySubjectRefOfIdNumber, SubjectRefs } from '@yrd/region';
import { datasets, demoBookingNo, demoSubject, resourceById, subjects, users } from '@yrd/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionClient } from './client.js';

const insurance = 'js.320000-RSJ-00001'; // scenario 2: conditional, personal, 须取得本人单独同意
const insurancePurpose = '社保关系转移接续';
const insuranceItems = ['id_number', 'person_name', 'contribution_months', 'last_contribution'];
const booking = 'zj.330000-DSJ-00001'; // 浙里办场馆预约记录: keyed by booking number

interface Problem {
  code?: string;
  status?: number;
  records?: Record<string, string>[];
}
interface TraceAnswer {
  subjectRefs: { keyId: string; subjectRef: string }[];
  records: { kind: string; subjectRef: string; subjectRefKeyId?: string; requestId: string; outcome: string }[];
}

/** Every personal string the seeds hold: ID numbers, names, phones, and the keys of personal records. */
function personalStrings(): string[] {
  const found = new Set<string>();
  for (const u of users) {
    if (u.idNumber) found.add(u.idNumber);
    if (u.name.length >= 2) found.add(u.name);
  }
  for (const d of datasets) {
    const resource = resourceById(d.resourceId);
    const personal = new Set(
      resource.items.filter((i) => i.personalInfo || i.sensitivePersonalInfo).map((i) => i.name),
    );
    if (personal.size === 0) continue;
    // the key of a record about a person leads to the person (a booking number, a declaration…)
    for (const k of resource.keyItems) personal.add(k);
    for (const r of d.records) {
      for (const [field, value] of Object.entries(r)) {
        const item = resource.items.find((i) => i.name === field);
        const kind = item?.piiKind ?? 'none';
        const personKind = kind === 'id_number' || kind === 'name' || kind === 'phone' || kind === 'address';
        if (personal.has(field) && (personKind || resource.keyItems.includes(field)) && value.length >= 2)
          found.add(value);
      }
    }
  }
  found.add(demoBookingNo);
  return [...found];
}

describe('no personal data in logs; one person, one keyed reference', () => {
  const lines: string[] = [];
  let dir: string;
  let region: Region;
  let api: RegionClient;
  let grantId: string;
  let consentId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-e2e-logs-'));
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    region = await startRegion({
      logger: createLogger({ name: 'yrd-e2e-logs', level: 'debug' }, sink),
      dataDir: dir,
      inMemory: true,
      ports: 'random',
      devMode: true,
      seed: true,
    });
    api = new RegionClient(region);

    // 上海 人社局 applies for 江苏's contribution records; 江苏 approves (and its authority, if asked)
    const applied = await api.as<{ id: string }>('sh-rsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: insurance,
      purpose: insurancePurpose,
      legalBasis: '《中华人民共和国个人信息保护法》第十三条',
      items: insuranceItems,
      modes: ['query'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const path = `/api/consent/v1/applications/${applied.body.id}`;
    type Decided = { application?: { status: string }; grant?: { id: string } };
    let decided = await api.as<Decided>('js-rst-reviewer', 'js', 'POST', `${path}/decision`, {
      decision: 'approve',
      reason: '符合共享条件',
    });
    if (decided.body.application?.status === 'second_approval') {
      decided = await api.as<Decided>('js-admin', 'js', 'POST', `${path}/second-approval`, {
        decision: 'approve',
        reason: '符合共享条件',
      });
    }
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    grantId = decided.body.grant?.id ?? '';

    // the seeded consent, as the subject lists it
    const mine = await api.as<{ consents: { id: string; resourceId: string; subjectRef: string }[] }>(
      demoSubject.id,
      'sh',
      'GET',
      '/api/consent/v1/consents',
    );
    consentId = mine.body.consents.find((c) => c.resourceId === insurance)?.id ?? '';
    expect(consentId).not.toBe('');
  }, 180_000);

  afterAll(async () => {
    await region?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = (key: Record<string, string>, o: { consentId?: string; grantId?: string } = {}) =>
    api.as<Problem>('sh-rsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
      resourceId: insurance,
      purpose: insurancePurpose,
      key,
      ...o,
    });

  it('the seeded consent names the person as their token and the provider do: scenario 2 is served', async () => {
    const refs = new SubjectRefs(region.secrets.subjectKeys);
    const mine = await api.as<{ consents: { id: string; subjectRef: string }[] }>(
      demoSubject.id,
      'sh',
      'GET',
      '/api/consent/v1/consents',
    );
    for (const c of mine.body.consents) expect(c.subjectRef).toBe(refs.ofIdNumber(demoSubject.idNumber).ref);
    const served = await query({ id_number: demoSubject.idNumber }, { grantId, consentId });
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.records?.length).toBe(1);
    // the same person, written the way a clerk might type the number: still the person the consent names
    const typed = await query({ id_number: ` ${demoSubject.idNumber} ` }, { grantId, consentId });
    expect(typed.status, JSON.stringify(typed.body)).toBe(200);
  });

  it('refuses another person with that consent, and every other refusal, without logging who was asked about', async () => {
    const other = subjects.find((s) => s.id !== demoSubject.id && s.idNumber)?.idNumber ?? '';
    const mismatch = await query({ id_number: other }, { grantId, consentId });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.code).toBe('CONSENT.CONSENT_SUBJECT_MISMATCH');

    const noGrant = await query({ id_number: demoSubject.idNumber });
    expect(noGrant.status).toBe(403);

    const unknown = await api.as<Problem>('sh-rsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
      resourceId: 'js.320000-RSJ-99999',
      purpose: insurancePurpose,
      key: { id_number: demoSubject.idNumber },
    });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);

    const bookingNoGrant = await api.as<Problem>('sh-dsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
      resourceId: booking,
      purpose: '长三角场馆客流与公共安全保障',
      key: { booking_no: demoBookingNo },
    });
    expect(bookingNoGrant.status).toBe(403);

    const verify = await api.as<Problem>('zj-dsjj-requester', 'zj', 'POST', '/api/exchange/v1/verifications', {
      resourceId: 'sh.310000-DSJ-00001',
      purpose: '浙里办场馆预约实名核验',
      key: { id_number: demoSubject.idNumber },
      claims: { person_name: demoSubject.name, auth_level: 'L3' },
    });
    expect(verify.status).toBe(403);

    // malformed: personal values where they do not belong, a NUL inside an ID number, wrong types
    for (const body of [
      { resourceId: insurance, purpose: insurancePurpose, key: { id_number: `${demoSubject.idNumber}\u0000` } },
      { resourceId: insurance, purpose: insurancePurpose, key: demoSubject.idNumber },
      { resourceId: demoSubject.idNumber, purpose: demoSubject.name, key: { phone: '13900000101' } },
      {
        resourceId: insurance,
        purpose: insurancePurpose,
        key: { id_number: Number(demoSubject.idNumber.slice(0, 15)) },
      },
    ]) {
      const r = await api.as<Problem>('sh-rsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', body);
      expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
  });

  it('an auditor traces one person by ID number, over POST, in every province that saw them, old references included', async () => {
    const refs = new SubjectRefs(region.secrets.subjectKeys);
    const current = refs.ofIdNumber(demoSubject.idNumber);
    // an event as a node wrote it before references were keyed: the unkeyed hash, no key id
    const legacyRef = legacySubjectRefOfIdNumber(demoSubject.idNumber);
    const audit = region.nodes.sh.services.audit as unknown as {
      log: { append(ev: auditV1.AuditEvent): Promise<{ seq: number }> };
    };
    await audit.log.append(
      auditV1.AuditEvent.fromPartial({
        eventId: 'legacy-1:sh:requester',
        province: 'sh',
        kind: 'exchange.query.requested',
        requestId: 'legacy-1',
        resourceId: insurance,
        requesterProvince: 'sh',
        providerProvince: 'js',
        outcome: 'allow',
        subjectRef: legacyRef,
        occurredAt: '2025-06-01T08:00:00Z',
      }),
    );

    const trace = async (auditor: string, p: 'sh' | 'js', body: unknown) => {
      // records reach the log through JetStream: wait until the served query's own records are in
      for (let i = 0; ; i++) {
        const r = await api.as<TraceAnswer>(auditor, p, 'POST', '/api/audit/v1/records/by-subject', body);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        if (r.body.records.some((x) => x.subjectRefKeyId === current.keyId) || i > 50) return r.body;
        await new Promise((done) => setTimeout(done, 200));
      }
    };
    const sh = await trace('sh-auditor', 'sh', { idNumber: demoSubject.idNumber.toLowerCase() });
    expect(sh.subjectRefs).toContainEqual({ keyId: current.keyId, subjectRef: current.ref });
    expect(sh.subjectRefs).toContainEqual({ keyId: legacySubjectKeyId, subjectRef: legacyRef });
    const kinds = sh.records.map((r) => `${r.kind}:${r.subjectRefKeyId ?? ''}`);
    expect(kinds).toContain(`exchange.query.requested:${current.keyId}`);
    expect(kinds).toContain('exchange.query.requested:'); // the legacy record
    expect(sh.records.some((r) => r.kind.startsWith('consent.') && r.subjectRef === current.ref)).toBe(true);

    // 江苏 computes the same reference with the same regional key: the provider's side of the same exchanges
    const js = await trace('js-auditor', 'js', { idNumber: demoSubject.idNumber });
    expect(js.subjectRefs[0]).toEqual({ keyId: current.keyId, subjectRef: current.ref });
    expect(js.records.some((r) => r.kind === 'exchange.query.served' && r.subjectRef === current.ref)).toBe(true);
    const shared = new Set(sh.records.map((r) => r.requestId));
    expect(js.records.some((r) => shared.has(r.requestId))).toBe(true);

    // the reference alone still works on the GET route; the ID number never goes in a URL
    const byRef = await api.as<TraceAnswer>(
      'sh-auditor',
      'sh',
      'GET',
      `/api/audit/v1/records?subjectRef=${current.ref}`,
    );
    expect(byRef.body.records.length).toBeGreaterThan(0);
    expect(byRef.body.records.every((r) => r.subjectRef === current.ref)).toBe(true);

    // a booking number is traced the same way, as a key
    const byKey = await api.as<TraceAnswer>('zj-auditor', 'zj', 'POST', '/api/audit/v1/records/by-subject', {
      key: { booking_no: demoBookingNo },
    });
    expect(byKey.status).toBe(200);
    expect(byKey.body.subjectRefs[0]?.subjectRef).toBe(refs.ofKey({ booking_no: demoBookingNo }).ref);
  });

  it.each([
    [
      'a number that fails its check character',
      'sh-auditor',
      { idNumber: '320106198805120310' },
      400,
      'AUDIT.ID_NUMBER_INVALID',
    ],
    [
      'both an ID number and a key',
      'sh-auditor',
      { idNumber: demoSubject.idNumber, key: { a: 'b' } },
      400,
      'REQUEST.INVALID',
    ],
    ['neither', 'sh-auditor', {}, 400, 'REQUEST.INVALID'],
    ['an empty key', 'sh-auditor', { key: {} }, 400, 'REQUEST.INVALID'],
    ['someone who is not an auditor', 'sh-admin', { idNumber: demoSubject.idNumber }, 403, undefined],
  ])('a trace by person is refused for %s', async (_label, user, body, status, code) => {
    const r = await api.as<Problem>(user, 'sh', 'POST', '/api/audit/v1/records/by-subject', body);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (code) expect(r.body.code).toBe(code);
    expect(JSON.stringify(r.body)).not.toContain(demoSubject.idNumber);
  });

  it('a failing database is logged at error level without the statement parameters', async () => {
    const db = region.nodes.js.database;
    if (!db) throw new Error('the in-memory region shares one database per province');
    const before = lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50).length;
    await db.db.execute('alter table exchange.dataset_records rename to dataset_records_gone');
    try {
      const r = await query({ id_number: demoSubject.idNumber }, { grantId, consentId });
      expect(r.status).toBeGreaterThanOrEqual(500);
    } finally {
      await db.db.execute('alter table exchange.dataset_records_gone rename to dataset_records');
    }
    const errors = lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
    expect(errors.length).toBeGreaterThan(before);
    expect(errors.some((l) => l.includes('dataset_records'))).toBe(true);
    // and the province serves again
    expect((await query({ id_number: demoSubject.idNumber }, { grantId, consentId })).status).toBe(200);
  });

  it('no log line carries a seed ID number, phone, booking number or person name', () => {
    const personal = personalStrings();
    expect(personal).toContain(demoSubject.idNumber);
    expect(personal).toContain(demoSubject.name);
    expect(personal).toContain(demoBookingNo);
    expect(personal).toContain('13900000101');
    expect(lines.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const line of lines) {
      const text = `${line}\n${JSON.stringify(JSON.parse(line))}`; // both as written and with \u escapes undone
      for (const s of personal) if (text.includes(s)) leaks.push(`${s} in ${line.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });
});
