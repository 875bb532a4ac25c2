import { silentLogger } from '@yrd/logger';
import type { Province } from '@yrd/region';
import { agencyCode, aPrincipal } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import { OutgoingApplications } from './outgoing.js';
import type { Application, ApplicationsAnswer, OutgoingApplication, OutgoingFilter, OutgoingStore } from './ports.js';

const AT = '2026-03-09T02:00:00.000Z';
const SH_AGENCY = agencyCode('sh');
const requester = aPrincipal({ province: 'sh', sub: 'sh-u1', agency: SH_AGENCY });

/** An outgoing record, as 上海 keeps it. */
function anOutgoing(id: string, provider: Province, o: Partial<OutgoingApplication> = {}): OutgoingApplication {
  return {
    id,
    providerProvince: provider,
    resourceId: `${provider}.000000-X-00001`,
    requesterAgency: SH_AGENCY,
    requesterUser: 'sh-u1',
    submittedAt: '2026-03-01T00:00:00.000Z',
    lastStatus: 'submitted',
    grantId: '',
    lastSeenAt: '2026-03-01T00:00:00.000Z',
    ...o,
  };
}

/** An application as its provider answers it. */
function anApplication(id: string, status: string, o: Partial<Application> = {}): Application {
  return { id, status, grantId: '', steps: [], workingDaysLeft: 3, ...o } as Application;
}

class MemoryStore implements OutgoingStore {
  constructor(readonly rows: OutgoingApplication[]) {}
  async recordOutgoing(o: OutgoingApplication) {
    this.rows.push(o);
  }
  async listOutgoing(f: OutgoingFilter) {
    const rows = this.rows
      .filter((r) => r.requesterAgency === f.requesterAgency)
      .filter((r) => !f.status || r.lastStatus === f.status)
      .filter((r) => !f.notStatus?.includes(r.lastStatus))
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
    return { rows: rows.slice(f.offset, f.offset + f.limit), total: rows.length };
  }
  async noteOutgoing(id: string, status: string, grantId: string, at: string) {
    const r = this.rows.find((x) => x.id === id);
    if (r) Object.assign(r, { lastStatus: status, grantId, lastSeenAt: at });
  }
}

function world(rows: OutgoingApplication[], answers: Partial<Record<Province, ApplicationsAnswer | Error>>) {
  const asked: { provider: Province; ids: string[] }[] = [];
  const answer = async (provider: Province, ids: readonly string[]) => {
    asked.push({ provider, ids: [...ids] });
    const a = answers[provider];
    if (a instanceof Error) throw a;
    return a ?? { applications: [], grants: [] };
  };
  const store = new MemoryStore(rows);
  const outgoing = new OutgoingApplications({
    province: 'sh',
    store,
    applications: { batchFor: (p, _by, ids) => answer(p, ids) },
    peers: { applications: (p, _by, ids) => answer(p, ids) },
    catalog: {
      get: async (id) =>
        id.startsWith('zj.') ? ({ name: '营业执照', provider: { name: '浙江省市场监督管理局' } } as never) : undefined,
    },
    clock: () => new Date(AT),
    logger: silentLogger(),
  });
  return { outgoing, asked, store };
}

describe('我的申请 at the requester province', () => {
  it('asks each provider province once for the page, and keeps what it read', async () => {
    const { outgoing, asked, store } = world(
      [anOutgoing('zj-app-1', 'zj'), anOutgoing('zj-app-2', 'zj'), anOutgoing('sh-app-3', 'sh')],
      {
        zj: { applications: [anApplication('zj-app-1', 'approved', { grantId: 'zj-grant-1' })], grants: [] },
        sh: { applications: [anApplication('sh-app-3', 'submitted')], grants: [] },
      },
    );
    const page = await outgoing.list(requester, { page: 1, pageSize: 20 });
    expect(asked.map((a) => a.provider).sort()).toEqual(['sh', 'zj']);
    expect(page.applications.map((a) => [a.id, a.status, a.unreachable])).toEqual([
      ['zj-app-1', 'approved', false],
      ['zj-app-2', 'submitted', false],
      ['sh-app-3', 'submitted', false],
    ]);
    expect(page.applications[0]).toMatchObject({
      resourceName: '营业执照',
      providerAgencyName: '浙江省市场监督管理局',
    });
    // zj-app-2 the provider no longer answers for: the last known state, no application
    expect(page.applications[1]?.application).toBeUndefined();
    expect(store.rows[0]).toMatchObject({ lastStatus: 'approved', grantId: 'zj-grant-1', lastSeenAt: AT });
  });

  it('a province that does not answer flags its rows with the last known state; the others still show', async () => {
    const { outgoing } = world(
      [anOutgoing('js-app-1', 'js', { lastStatus: 'rejected' }), anOutgoing('zj-app-2', 'zj')],
      {
        js: new Error('CONSENT.PROVIDER_UNAVAILABLE'),
        zj: { applications: [anApplication('zj-app-2', 'submitted')], grants: [] },
      },
    );
    const page = await outgoing.list(requester, { page: 1, pageSize: 20 });
    expect(page.applications).toMatchObject([
      { id: 'js-app-1', status: 'rejected', unreachable: true, seenAt: '2026-03-01T00:00:00.000Z' },
      { id: 'zj-app-2', status: 'submitted', unreachable: false, seenAt: AT, application: { workingDaysLeft: 3 } },
    ]);
    expect(page.applications[0]?.application).toBeUndefined();
    const grants = await outgoing.grants(requester);
    expect(grants.unreachable).toEqual(['js']);
  });

  it('asks in batches of at most 100, and keeps only grants of what it asked for', async () => {
    const rows = Array.from({ length: 150 }, (_, i) =>
      anOutgoing(`zj-app-${i}`, 'zj', { submittedAt: new Date(Date.parse(AT) - i * 1000).toISOString() }),
    );
    const grant = (id: string, applicationId: string) =>
      ({ id, applicationId, validFrom: AT, resourceId: 'zj.000000-X-00001' }) as ApplicationsAnswer['grants'][number];
    const { outgoing, asked } = world(rows, {
      zj: { applications: [], grants: [grant('zj-grant-1', 'zj-app-1'), grant('zj-grant-x', 'zj-app-of-another')] },
    });
    const { grants } = await outgoing.grants(requester);
    expect(asked.map((a) => a.ids.length)).toEqual([100, 50]);
    expect(grants.map((g) => [g.id, g.providerProvince])).toEqual([['zj-grant-1', 'zj']]);
  });

  it('only a requester with an agency, at its own province', async () => {
    const { outgoing } = world([], {});
    await expect(outgoing.list({ ...requester, roles: ['reviewer'] }, { page: 1, pageSize: 20 })).rejects.toMatchObject(
      {
        code: 'AUTH.ROLE_REQUIRED',
      },
    );
    await expect(outgoing.grants({ ...requester, province: 'zj' })).rejects.toMatchObject({
      code: 'CONSENT.WRONG_PROVINCE',
    });
  });
});
