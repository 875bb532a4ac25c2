import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unavailable } from '@yrd/errors';
import { silentLogger } from '@yrd/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectProvince, type NatsConnection } from './connect.js';
import { ensureStream, request, serve } from './messaging.js';
import { findNatsServer, type RunningNats, startNatsServer } from './nats-server.js';
import { accountPlan } from './server-config.js';
import { subjects } from './subjects.js';

describe('province accounts on a real nats-server', () => {
  let dir: string;
  let server: RunningNats;
  const conns: NatsConnection[] = [];
  const as = async (p: 'sh' | 'js' | 'zj' | 'ah') => {
    const nc = await connectProvince({
      servers: server.url,
      credentials: server.credentials[p],
      name: `test/${p}`,
      logger: silentLogger(),
    });
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-nats-'));
    server = await startNatsServer({ dir });
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a stream once, then leaves it alone unless something asked of it changed', async () => {
    const sh = await as('sh');
    const stream = { name: 'AUDIT_SH', subjects: [subjects.auditAll('sh')] };
    expect(await ensureStream(sh, stream)).toBe('created');
    // a service starting again asks for the same: no change is sent (a change needs a quorum that a
    // province cut off from the region does not have)
    expect(await ensureStream(sh, stream)).toBe('unchanged');
    expect(await ensureStream(sh, { ...stream, maxAgeDays: 30 })).toBe('updated');
    expect(await ensureStream(sh, { ...stream, maxAgeDays: 30 })).toBe('unchanged');
  });

  it("province A's credentials cannot subscribe to province B's internal subjects", async () => {
    const zj = await as('zj');
    const sh = await as('sh');
    const seen: string[] = [];
    // 上海 tries to listen to 浙江's internal audit stream and to 江苏's lane into 浙江
    const spy1 = sh.subscribe('audit.zj.>', { callback: (_e, m) => void seen.push(m.subject) });
    const spy2 = sh.subscribe('xchg.zj.from.js.>', { callback: (_e, m) => void seen.push(m.subject) });
    const spy3 = sh.subscribe('>', { callback: (_e, m) => void seen.push(m.subject) });
    await sh.flush();
    const own: string[] = [];
    const zjOwn = zj.subscribe('audit.zj.>', { callback: (_e, m) => void own.push(m.subject) });
    await zj.flush();
    zj.publish('audit.zj.exchange', 'internal');
    zj.publish('xchg.zj.from.js.query', 'a lane that is not 上海的');
    await zj.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(own).toEqual(['audit.zj.exchange']);
    expect(seen).toEqual([]);
    spy1.unsubscribe();
    spy2.unsubscribe();
    spy3.unsubscribe();
    zjOwn.unsubscribe();
  });

  it('a requester reaches a provider only on its own lane, and the provider learns who asks from the subject', async () => {
    const zj = await as('zj');
    const sh = await as('sh');
    const js = await as('js');
    const sub = zj.subscribe(subjects.lanes('zj', 'exchange'), {
      callback: (_e, m) => void m.respond(new TextEncoder().encode(m.subject.split('.')[3])),
    });
    await zj.flush();
    const r = await sh.request(subjects.lane('zj', 'sh', 'exchange', 'query'), 'x', { timeout: 2000 });
    expect(new TextDecoder().decode(r.data)).toBe('sh');
    const r2 = await js.request(subjects.lane('zj', 'js', 'exchange', 'query'), 'x', { timeout: 2000 });
    expect(new TextDecoder().decode(r2.data)).toBe('js');
    // 上海 pretending to be 江苏: the lane is not imported into SH, so nobody answers
    await expect(sh.request(subjects.lane('zj', 'js', 'exchange', 'query'), 'x', { timeout: 1000 })).rejects.toThrow();
    sub.unsubscribe();
  });

  it("a served error reaches the requester with its own code and kind, an unavailable one too (not as 'no responders')", async () => {
    const zj = await as('zj');
    const sh = await as('sh');
    const sub = serve(zj, subjects.lanes('zj', 'consent'), { logger: silentLogger() }, async () => {
      throw unavailable('AUDIT.UNAVAILABLE', '留痕失败 audit trail unavailable');
    });
    await zj.flush();
    const opts = { timeoutMs: 2000, unavailableCode: 'CONSENT.PROVIDER_UNAVAILABLE' };
    await expect(
      request(sh, subjects.lane('zj', 'sh', 'consent', 'apply'), new Uint8Array(), opts),
    ).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'AUDIT.UNAVAILABLE',
      message: '留痕失败 audit trail unavailable',
    });
    sub.unsubscribe();
  });

  it('the server refuses a config in which a province imports a lane not exported to it', () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(
      bad,
      `port: -1
accounts {
  ZJ: { users: [{user: zj, password: x}], exports: [ { service: "xchg.zj.from.js.>", accounts: [JS] } ] }
  JS: { users: [{user: js, password: y}], imports: [ { service: { account: ZJ, subject: "xchg.zj.from.js.>" } } ] }
  SH: { users: [{user: sh, password: z}], imports: [ { service: { account: ZJ, subject: "xchg.zj.from.js.>" } } ] }
}
`,
    );
    expect(() => execFileSync(findNatsServer(), ['-t', '-c', bad], { stdio: 'pipe' })).toThrow();
  });

  it('every lane is exported to exactly one province', () => {
    const plan = accountPlan();
    for (const p of ['sh', 'js', 'zj', 'ah'] as const) {
      const lanes = plan[p].exports.filter((e) => e.subject.startsWith('xchg.'));
      expect(lanes).toHaveLength(3);
      for (const l of lanes) {
        expect(l.accounts).toHaveLength(1);
        expect(l.subject).toBe(`xchg.${p}.from.${l.accounts[0]?.toLowerCase()}.>`);
      }
    }
  });
});
