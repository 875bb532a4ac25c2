// Issue 16 part 7: a region of two suites — 上海 on sm2-sm3 (国密), the others on ed25519-sha256 — and
// everything crosses: tokens, exchanges, heads, co-signatures. (Proposed by helper gmwire; needs the
// `suites` option of startSeededRegion, tests/src/client.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededRegion } from './client.js';

type Head = { alg: string; suite?: string; size: number; cosignatures: { witness: string }[] };

describe('上海 on sm2-sm3, the others on ed25519-sha256', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  const url = (p: 'sh' | 'js' | 'zj' | 'ah') => {
    if (!started) throw new Error('the region did not start');
    return started.region.nodes[p].url;
  };
  const tokenOf = async (p: 'sh' | 'js' | 'zj' | 'ah', user: string) =>
    (
      (await (
        await fetch(`${url(p)}/api/auth/v1/dev-token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user }),
        })
      ).json()) as { token: string }
    ).token;
  const call = async (p: 'sh' | 'js' | 'zj' | 'ah', token: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url(p)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    started = await startSeededRegion('suites', { suites: { sh: 'sm2-sm3' } });
  });
  afterAll(async () => {
    await started?.stop();
  });

  /** The latest head of `p` once all three others co-signed it. */
  const cosignedHead = async (p: 'sh' | 'zj'): Promise<Head> => {
    for (let i = 0; i < 40; i++) {
      const h = (await (await fetch(`${url(p)}/api/audit/v1/heads/latest`)).json()) as Head;
      if (h.size > 0 && h.cosignatures.length >= 3) return h;
      await new Promise((res) => setTimeout(res, 500));
    }
    throw new Error(`no head of ${p} co-signed by the three others`);
  };

  it('上海’s SM2 token is accepted by 浙江, its SM3 log is co-signed by all, and it co-signs 浙江’s', async () => {
    const trust = (await (await fetch(`${url('zj')}/api/audit/v1/trust-list`)).json()) as {
      provinces: Record<string, { keys: { jwk: { kty: string; crv: string } }[] }>;
    };
    expect(trust.provinces.sh?.keys[0]?.jwk).toMatchObject({ kty: 'EC', crv: 'SM2' });
    expect(trust.provinces.zj?.keys[0]?.jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const { token } = (await (
      await fetch(`${url('sh')}/api/auth/v1/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'sh-scjgj-requester' }),
      })
    ).json()) as { token: string };
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).alg).toBe('SM2SM3');
    const r = await fetch(`${url('sh')}/api/exchange/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceId: 'zj.330000-SCJG-00001',
        purpose: '跨省通办 企业变更登记',
        key: { credit_code: '91330106MA2H7K3L1K' },
        claims: { legal_representative: '周明远', license_status: '存续' },
      }),
    });
    expect(r.status).toBe(200);
    const sh = await cosignedHead('sh');
    expect(sh).toMatchObject({ alg: 'SM2', suite: 'sm2-sm3' });
    expect(sh.cosignatures.map((c) => c.witness).sort()).toEqual(['ah', 'js', 'zj']);
    const zj = await cosignedHead('zj');
    expect(zj).toMatchObject({ alg: 'Ed25519', suite: 'ed25519-sha256' });
    expect(zj.cosignatures.map((c) => c.witness).sort()).toEqual(['ah', 'js', 'sh']);
    expect(await (await fetch(`${url('sh')}/api/audit/v1/checkpoint`)).text()).toContain('\nsuite sm2-sm3\n');
  });

  it('a certificate 上海 issued (SM2 root, SM2 issuer key) is shown by its holder and verified in 浙江 (Ed25519)', async () => {
    // the holder's birth certificate (seeds/src/certificates.ts), shown with one field
    const holder = await tokenOf('sh', 'sh-subject-02');
    const wallet = await call('sh', holder, 'GET', '/api/certificate/v1/wallet');
    const cert = (wallet.body.certificates as { id: string; name: { zh: string } }[]).find(
      (c) => c.name.zh === '出生医学证明',
    );
    expect(cert).toBeDefined();
    const shown = await call('sh', holder, 'POST', `/api/certificate/v1/wallet/${cert?.id}/presentations`, {
      reveal: ['certificate_no'],
    });
    expect(shown.status).toBe(201);
    // 浙江 holds 上海's root from the trust list; 上海's key certificates and lists come with the request
    const keys = (await (await fetch(`${url('sh')}/api/certificate/v1/issuer-keys`)).json()) as {
      root: { suite: string };
      keyCertificates: string[];
      statusLists: string[];
    };
    expect(keys.root.suite).toBe('sm2-sm3');
    const lists = (await (
      await fetch(`${url('sh')}/api/certificate/v1/status-lists/${keys.statusLists[0]}`)
    ).json()) as {
      revocation: string;
      suspension: string;
    };
    const verifier = await tokenOf('zj', 'zj-dsjj-requester');
    const verified = await call('zj', verifier, 'POST', '/api/certificate/v1/verifications', {
      presentation: shown.body.presentation,
      keyCertificates: keys.keyCertificates,
      statusLists: [lists.revocation, lists.suspension],
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      valid: true,
      checks: {
        signature: { result: 'passed' },
        issuerKeyCertified: { result: 'passed' },
        status: { result: 'passed' },
      },
      disclosed: [expect.objectContaining({ name: 'certificate_no', value: 'K310000117', digestOk: true })],
    });
    // the fields not shown stay hidden
    expect(JSON.stringify(verified.body)).not.toContain('上海市黄浦区');
  });
});
