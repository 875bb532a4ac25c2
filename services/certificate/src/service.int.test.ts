/**
 * The service as a province node runs it: listening (HTTP + gRPC), keys kept in a key directory
 * across restarts, a natural person's certificate, and every fetch and verification in the
 * province's audit log.
 */
import { join } from 'node:path';
import type { Principal } from '@yrd/auth';
import { certificateV1, call as grpcCall, insecureClient } from '@yrd/proto';
import { makeIdNumber } from '@yrd/region';
import { agencyCode, aPrincipal, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate, certificateRootKey, type RunningCertificate, startCertificate } from './index.js';

const healthBureau = agencyCode('sh', 21);
const idNumber = makeIdNumber('310101', '19900307', '777');

/** 出生医学证明: a natural person's certificate issued by a synthetic 上海 health agency. */
function birthCertificateType() {
  const f = (name: string, zh: string, en: string, extra: Record<string, unknown> = {}) => ({
    name,
    label: { zh, en },
    grade: 'general' as const,
    subLevel: 3,
    personalInfo: true,
    ...extra,
  });
  return {
    typeCode: `${healthBureau}041`,
    name: { zh: '出生医学证明', en: 'Medical birth certificate' },
    issuer: { province: 'sh', creditCode: healthBureau, name: '上海市卫生健康委员会' },
    holderType: 'natural_person',
    collectionStart: '2019-01-01',
    publicAttribute: 'public',
    validity: { kind: 'long_term' },
    fields: [
      f('name', '姓名', 'Name', { piiKind: 'name' }),
      f('birth_date', '出生日期', 'Date of birth', { type: 'date' }),
      f('birth_place', '出生地点', 'Place of birth', { piiKind: 'address' }),
    ],
  };
}

describe('the certificate service, listening', () => {
  let tb: Testbed;
  let running: RunningCertificate;
  let keyDir = '';
  let certificateId = '';
  let presentation = '';
  const publisher = aPrincipal({ province: 'sh', sub: 'sh-health-pub', agency: healthBureau, roles: ['publisher'] });
  const requester = aPrincipal({ province: 'sh', sub: 'sh-gov', agency: agencyCode('sh', 4), roles: ['requester'] });
  let person: Principal;

  const api = (who: Principal | undefined, method: string, path: string, body?: unknown) =>
    tb.http(running.httpUrl, who ?? 'none', method, `/api/certificate/v1${path}`, body);

  beforeAll(async () => {
    tb = await createTestbed();
    keyDir = join(tb.dir, 'certificate-keys');
    person = aPrincipal({
      province: 'sh',
      sub: 'sh-person',
      agency: '',
      roles: ['subject'],
      kind: 'individual',
      subjectRef: tb.subjectRefs.ofIdNumber(idNumber).ref,
    });
    running = await tb.started(startCertificate(await tb.deps('sh'), { suite: 'sm2-sm3', keyDir }));
  });

  afterAll(() => tb?.close());

  it('issues to a person by ID number; the person’s wallet shows it and presents it', async () => {
    expect((await api(publisher, 'POST', '/types', birthCertificateType())).status).toBe(201);
    const issued = await api(publisher, 'POST', '/certificates', {
      typeCode: `${healthBureau}041`,
      holder: { idNumber },
      data: { name: '测试乙', birth_date: '2020-02-29', birth_place: '上海市示例医院' },
      validFrom: '2020-03-01',
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.holderType).toBe('natural_person');
    expect(JSON.stringify(issued.body)).not.toContain(idNumber);
    certificateId = String(issued.body.id);
    const wallet = await api(person, 'GET', '/wallet');
    expect(wallet.body.certificates.map((c: { id: string }) => c.id)).toEqual([certificateId]);
    const shown = await api(person, 'POST', `/wallet/${certificateId}/presentations`, { reveal: ['birth_date'] });
    expect(shown.status).toBe(201);
    expect(Date.parse(String(shown.body.expiresAt)) - Date.now()).toBeLessThanOrEqual(300_000);
    presentation = String(shown.body.presentation);
  });

  it('serves VerifyPresentation and GetCertificateStatus over gRPC', async () => {
    const client = insecureClient(certificateV1.CertificateServiceClient, `127.0.0.1:${running.grpcPort}`);
    try {
      const verified = await grpcCall(
        client,
        client.verifyPresentation,
        { presentation, audience: 'sh.counter-1', keyCertificates: [], statusLists: [] },
        { name: 'certificate.VerifyPresentation', unavailableCode: 'CERT.UNAVAILABLE' },
      );
      expect(verified.valid, JSON.stringify(verified.checks)).toBe(true);
      expect(verified.checks.find((c) => c.name === 'singleUse')?.result).toBe('passed');
      expect(verified.disclosed).toEqual([expect.objectContaining({ name: 'birth_date', valueJson: '"2020-02-29"' })]);
      const replay = await grpcCall(
        client,
        client.verifyPresentation,
        { presentation, audience: 'sh.counter-1', keyCertificates: [], statusLists: [] },
        { name: 'certificate.VerifyPresentation', unavailableCode: 'CERT.UNAVAILABLE' },
      );
      expect(replay.valid).toBe(false);
      const status = await grpcCall(
        client,
        client.getCertificateStatus,
        { id: certificateId },
        { name: 'certificate.GetCertificateStatus', unavailableCode: 'CERT.UNAVAILABLE' },
      );
      expect(status).toMatchObject({ id: certificateId, status: 'active', disputed: false, statusList: 'sh-1' });
      await expect(
        grpcCall(
          client,
          client.getCertificateStatus,
          { id: 'nope' },
          { name: 'certificate.GetCertificateStatus', unavailableCode: 'CERT.UNAVAILABLE' },
        ),
      ).rejects.toMatchObject({ code: 'CERT.NOT_FOUND', kind: 'not_found' });
    } finally {
      client.close();
    }
  });

  it('records every fetch and verification in the province’s audit log, with the holder reference only', async () => {
    // a government user without a service: refused, and the refusal is audited too
    const refused = await api(requester, 'POST', '/fetches', { holder: { idNumber }, typeCode: `${healthBureau}041` });
    expect(refused.body.code).toBe('CERT.SERVICE_REQUIRED');
    const { events } = await auditEventsIn(await tb.connect('sh'), 'sh');
    const ours = events.filter((e) => e.kind.startsWith('certificate.'));
    expect(ours.map((e) => [e.kind, e.outcome])).toEqual(
      expect.arrayContaining([
        ['certificate.verified', 'ok'],
        ['certificate.verified', 'deny'],
        ['certificate.fetched', 'deny'],
      ]),
    );
    expect(ours.every((e) => e.subjectRef === person.subjectRef)).toBe(true);
    expect(JSON.stringify(ours)).not.toContain(idNumber);
  });

  it('keeps its keys in the key directory: built again, it signs under the same certified keys', async () => {
    const before = await api(undefined, 'GET', '/issuer-keys');
    const again = await buildCertificate(await tb.deps('sh'), { suite: 'sm2-sm3', keyDir });
    const after = await again.http.inject({ method: 'GET', url: '/api/certificate/v1/issuer-keys' });
    expect(after.json().root).toEqual(before.body.root);
    // what another province puts in its trust option, read without building the service
    expect(certificateRootKey('sh', 'sm2-sm3', keyDir)).toEqual(before.body.root);
    // a key directory of the other suite is refused, not silently replaced
    await expect(buildCertificate(await tb.deps('sh'), { suite: 'ed25519-sha256', keyDir })).rejects.toThrow(/suite/);
  });

  it('loads its seed at start, once: types, certificates and 用证清单', async () => {
    const birth = {
      typeCode: `${healthBureau}041`,
      holder: { idNumber },
      data: { name: '测试乙', birth_date: '2020-02-29', birth_place: '上海市示例医院' },
      validFrom: '2020-03-01',
    };
    const seed = {
      types: [birthCertificateType()],
      certificates: [birth],
      services: [
        {
          code: 'SH-HJ-001',
          name: '新生儿户籍登记',
          materials: [{ material: '出生医学证明', certificateTypes: [`${healthBureau}041`] }],
        },
      ],
    };
    const seeded = await buildCertificate(await tb.deps('sh'), { suite: 'ed25519-sha256', seed });
    await seeded.start?.();
    await seeded.start?.();
    const as = async (who: Principal, url: string) =>
      (
        await seeded.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await tb.token(who)}` } })
      ).json();
    expect((await as(person, '/api/certificate/v1/wallet')).certificates).toHaveLength(1);
    expect((await as(requester, '/api/certificate/v1/services')).services.map((x: { code: string }) => x.code)).toEqual(
      ['SH-HJ-001'],
    );
    await expect(
      seeded.app.seed({ types: [], services: [], certificates: [{ ...birth, typeCode: `${healthBureau}042` }] }),
    ).rejects.toThrow(/unknown type/);
  });

  it('refuses options that are not valid', async () => {
    await expect(buildCertificate(await tb.deps('sh'), { suite: 'rsa' as 'sm2-sm3' })).rejects.toThrow(/suite/);
  });
});
