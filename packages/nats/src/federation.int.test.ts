/**
 * Four provinces, four nats-servers (one-node clusters, random ports, a temp folder), joined by
 * gateways from the generated configs: the lanes work across gateways and the account isolation of
 * the single server still holds — now between clusters.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { silentLogger } from '@yrd/logger';
import { type Province, provinces } from '@yrd/region';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectProvince } from './connect.js';
import { clusterName, describeRegion, renderFederation, renderFederationNode, streamSettings } from './federation.js';
import { eventually, type LocalRegion, startLocalRegion } from './federation-local.js';
import { ensureStream } from './messaging.js';
import { findNatsServer, launchNatsServer, type NatsProcess } from './nats-server.js';
import { freePort } from './ports.js';
import { auditStream, subjects } from './subjects.js';

const text = (d: Uint8Array) => new TextDecoder().decode(d);
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('a super-cluster of four provinces joined by gateways', () => {
  let dir: string;
  let local: LocalRegion | undefined;
  const conns: NatsConnection[] = [];

  /** a connection with province `who`'s credentials to province `at`'s cluster */
  const as = async (who: Province, at: Province = who) => {
    if (!local) throw new Error('the region did not start');
    const nc = await connectProvince({
      servers: local.url(at),
      credentials: local.region.credentials[who],
      name: `test/${who}@${at}`,
      logger: silentLogger(),
    });
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-federation-'));
    local = await startLocalRegion({ dir });
  });
  afterAll(async () => {
    try {
      await Promise.all(conns.map((c) => c.close()));
    } finally {
      await local?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a request on 上海's lane to 浙江 is answered by a responder on 浙江's cluster", async () => {
    const zj = await as('zj');
    const sh = await as('sh');
    const seen: string[] = [];
    const sub = zj.subscribe(subjects.lanes('zj', 'exchange'), {
      callback: (_e, m) => {
        seen.push(m.subject);
        m.respond(new TextEncoder().encode(`浙江 answers ${m.subject.split('.')[3]}`));
      },
    });
    await zj.flush();
    // the gateways connect in the first seconds; the lane answers once they have
    const reply = await eventually('上海 → 浙江 lane', () =>
      sh.request(subjects.lane('zj', 'sh', 'exchange', 'query'), 'q', { timeout: 1000 }),
    );
    expect(text(reply.data)).toBe('浙江 answers sh');
    expect(seen.at(-1)).toBe('xchg.zj.from.sh.exchange.query');
    // the responder's server is 浙江's, the requester's 上海's: the reply crossed a gateway
    expect(zj.info?.cluster).toBe(clusterName('zj'));
    expect(sh.info?.cluster).toBe(clusterName('sh'));
    sub.unsubscribe();
  });

  it("上海's credentials on 上海's cluster cannot see 浙江's internal subjects on 浙江's cluster", async () => {
    const zj = await as('zj');
    const sh = await as('sh');
    const spied: string[] = [];
    const imported: string[] = [];
    for (const s of ['audit.zj.>', 'feed.zj.>', 'auditlog.zj.state', 'xchg.zj.from.js.>', '>']) {
      sh.subscribe(s, { callback: (_e, m) => void spied.push(`${s} ← ${m.subject}`) });
    }
    // the control: what 浙江 exports to 上海 does arrive, so the gateway path is there
    sh.subscribe(subjects.catalogEvents('zj'), { callback: (_e, m) => void imported.push(m.subject) });
    await sh.flush();
    const own: string[] = [];
    zj.subscribe('audit.zj.>', { callback: (_e, m) => void own.push(m.subject) });
    await zj.flush();
    await eventually('浙江 catalogue events reaching 上海', async () => {
      zj.publish(subjects.catalogEvents('zj'), 'published');
      await zj.flush();
      await settle();
      if (imported.length === 0) throw new Error('no catalogue event yet');
    });
    zj.publish(subjects.audit('zj', 'exchange'), 'internal');
    zj.publish(subjects.feed('zj', 'r1'), 'internal');
    zj.publish(subjects.auditState('zj'), 'internal');
    zj.publish(subjects.lane('zj', 'js', 'exchange', 'query'), 'a lane that is not 上海的');
    await zj.flush();
    await settle();
    expect(own).toEqual(['audit.zj.exchange']);
    expect(imported[0]).toBe('catalog.zj.events');
    // `>` in SH sees only what SH imported (the catalogue event), nothing of 浙江's own
    expect(spied.every((s) => s.startsWith('> ← catalog.zj.events'))).toBe(true);
  });

  it("another province's credentials are refused on a province's cluster", async () => {
    if (!local) throw new Error('the region did not start');
    for (const [who, at] of [
      ['js', 'sh'],
      ['sh', 'zj'],
    ] as const) {
      const { user, pass } = local.region.credentials[who];
      await expect(connect({ servers: local.url(at), user, pass, reconnect: false })).rejects.toThrow(
        /authorization violation/i,
      );
    }
  });

  it("nobody but 上海 can publish on 上海's lane: 江苏's credentials are refused, and 浙江 never hears it", async () => {
    const zj = await as('zj');
    const js = await as('js');
    const seen: string[] = [];
    const sub = zj.subscribe(subjects.lanes('zj', 'exchange'), {
      callback: (_e, m) => {
        seen.push(m.subject);
        m.respond(new TextEncoder().encode('ok'));
      },
    });
    await zj.flush();
    // 江苏's own lane works: the refusal below is about the lane, not a broken path
    const own = await eventually('江苏 → 浙江 lane', () =>
      js.request(subjects.lane('zj', 'js', 'exchange', 'query'), 'q', { timeout: 1000 }),
    );
    expect(text(own.data)).toBe('ok');
    const errors: string[] = [];
    void (async () => {
      for await (const s of js.status()) if (s.type === 'error') errors.push(String(s.error));
    })();
    // 江苏 speaking on 上海's lane: refused by its own cluster (publish permission), answered by nobody
    await expect(
      js.request(subjects.lane('zj', 'sh', 'exchange', 'query'), 'pretending', { timeout: 1500 }),
    ).rejects.toThrow(/permissions violation|timeout|no responders/i);
    js.publish(subjects.lane('zj', 'sh', 'exchange', 'verify'), 'pretending');
    await js.flush().catch(() => undefined);
    await settle();
    expect(errors.some((e) => /permissions violation for publish/i.test(e))).toBe(true);
    expect(seen).toEqual(['xchg.zj.from.js.exchange.query']);
    sub.unsubscribe();
  });

  it("a JetStream stream created by 上海 lives on 上海's cluster only, and never borrows other provinces' nodes", async () => {
    if (!local) throw new Error('the region did not start');
    const sh = await as('sh');
    const zj = await as('zj');
    const settings = streamSettings(local.region, 'sh');
    expect(settings).toEqual({ replicas: 1, placement: { cluster: 'yrd-sh' } });
    // JetStream's meta leader is elected across the four clusters in the first seconds
    await eventually(
      'the audit stream on 上海',
      () => ensureStream(sh, { name: auditStream('sh'), subjects: [subjects.auditAll('sh')], ...settings }),
      45_000,
    );
    const shm = await jetstreamManager(sh);
    const info: StreamInfo = await shm.streams.info(auditStream('sh'));
    expect(info.cluster?.name).toBe('yrd-sh');
    expect(info.cluster?.leader).toBe('sh-0');
    expect(info.cluster?.replicas ?? []).toEqual([]);
    // a stream without placement also lands on the cluster of the server that asked
    const plain = await shm.streams.add({ name: 'FEED_SH', subjects: [subjects.feedAll('sh')] });
    expect(plain.cluster?.name).toBe('yrd-sh');
    // its files are on 上海's node, and on no other province's
    const storeOf = (p: Province) => join(dir, `${p}-0`, 'jetstream', 'jetstream', 'SH', 'streams');
    expect(readdirSync(storeOf('sh')).sort()).toEqual(['AUDIT_SH', 'FEED_SH']);
    for (const p of provinces.filter((o) => o !== 'sh')) expect(existsSync(storeOf(p))).toBe(false);
    // R3 on a one-node cluster is refused, with or without placement: the replicas are never borrowed
    // from other provinces' nodes
    await expect(
      shm.streams.add({
        name: 'SH_R3',
        subjects: ['sh.r3.>'],
        num_replicas: 3,
        placement: { ...settings.placement, tags: [] },
      }),
    ).rejects.toThrow(/no suitable peers/i);
    await expect(shm.streams.add({ name: 'SH_R3', subjects: ['sh.r3.>'], num_replicas: 3 })).rejects.toThrow(
      /no suitable peers/i,
    );
    // and 浙江's account does not see 上海's streams
    const zjm = await eventually('浙江 JetStream', () => jetstreamManager(zj));
    await expect(zjm.streams.info(auditStream('sh'))).rejects.toThrow(/stream not found/i);
  });
});

describe('what the gateways do not protect against: a province server taken over', () => {
  it("hears another province's internal subjects and speaks on another province's lane: the broker is not the last line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-rogue-'));
    let local: LocalRegion | undefined;
    let rogue: NatsProcess | undefined;
    const conns: NatsConnection[] = [];
    try {
      local = await startLocalRegion({ dir });
      // 江苏's node runs a config its operator edited: users of its own in the SH and ZJ accounts,
      // which every node of the region carries (gateways and imports need them)
      await local.servers.js[0]?.stop();
      const edited = renderFederationNode(local.region, 'js', 'js-0')
        .replace(/( {2}SH: \{\n {4}jetstream: enabled\n {4}users: )\[\]/, '$1[ { user: "rogue-sh", password: "x" } ]')
        .replace(/( {2}ZJ: \{\n {4}jetstream: enabled\n {4}users: )\[\]/, '$1[ { user: "rogue-zj", password: "x" } ]');
      expect(edited).toContain('rogue-sh');
      expect(edited).toContain('rogue-zj');
      rogue = await launchNatsServer({ dir: join(dir, 'rogue'), config: () => edited });
      const at = (url: string, user: string, pass: string) =>
        connect({ servers: url, user, pass }).then((nc) => {
          conns.push(nc);
          return nc;
        });
      const zj = await at(local.url('zj'), local.region.credentials.zj.user, local.region.credentials.zj.pass);
      const asZj = await at(rogue.url, 'rogue-zj', 'x');
      const asSh = await at(rogue.url, 'rogue-sh', 'x');
      const heard: string[] = [];
      asZj.subscribe('audit.zj.>', { callback: (_e, m) => void heard.push(m.subject) });
      await asZj.flush();
      zj.subscribe(subjects.lanes('zj', 'exchange'), {
        callback: (_e, m) => void m.respond(new TextEncoder().encode(`lane of ${m.subject.split('.')[3]}`)),
      });
      await zj.flush();
      // 浙江's broker delivers it on 上海's lane: only the requester token (signed by 上海's key, which
      // 江苏 does not hold) tells 浙江's exchange it is not 上海 (services/exchange: AUTH.WRONG_PROVINCE,
      // AUTH.TOKEN_INVALID)
      const forged = await eventually('the rogue on 上海 lane', () =>
        asSh.request(subjects.lane('zj', 'sh', 'exchange', 'query'), 'forged', { timeout: 1000 }),
      );
      expect(text(forged.data)).toBe('lane of sh');
      await eventually("浙江's internal subjects at the rogue", async () => {
        zj.publish(subjects.audit('zj', 'exchange'), 'internal');
        await zj.flush();
        await settle();
        if (!heard.includes('audit.zj.exchange')) throw new Error('not heard yet');
      });
    } finally {
      await Promise.allSettled(conns.map((c) => c.close()));
      await rogue?.stop();
      await local?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a province cut off from the other three', () => {
  it('keeps appending to its own streams and delivering from them, but creates or updates none until a majority of the region is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-cut-'));
    let local: LocalRegion | undefined;
    let nc: NatsConnection | undefined;
    try {
      local = await startLocalRegion({ dir });
      const region = local;
      nc = await connectProvince({
        servers: region.url('zj'),
        credentials: region.region.credentials.zj,
        name: 'test/zj-cut',
        logger: silentLogger(),
      });
      const conn = nc;
      const stream = {
        name: auditStream('zj'),
        subjects: [subjects.auditAll('zj')],
        ...streamSettings(region.region, 'zj'),
      };
      await eventually('the audit stream on 浙江', () => ensureStream(conn, stream), 45_000);
      const js = jetstream(conn);
      expect((await js.publish(subjects.audit('zj', 'exchange'), 'before')).seq).toBe(1);
      // a durable consumer, as the audit service keeps one, made while the region is whole
      await (await jetstreamManager(conn)).consumers.add(stream.name, {
        durable_name: 'audit-log',
        ack_policy: AckPolicy.Explicit,
      });
      const consumer = await js.consumers.get(stream.name, 'audit-log');
      // the others gone: 浙江 alone is one of four in JetStream's meta group, no majority
      await Promise.all((['sh', 'js', 'ah'] as const).map((p) => region.servers[p][0]?.stop()));
      const ack = await eventually('an append while cut off', () =>
        js.publish(subjects.audit('zj', 'exchange'), 'while cut off', { timeout: 2000 }),
      );
      expect(ack.seq).toBe(2);
      // and it delivers both, the one appended while cut off included
      const got: string[] = [];
      const batch = await consumer.fetch({ max_messages: 2, expires: 5000 });
      for await (const m of batch) {
        got.push(text(m.data));
        m.ack();
      }
      expect(got).toEqual(['before', 'while cut off']);
      // a service starting again while cut off asks for the stream it has: nothing to change, so no
      // quorum is needed (when even the look-up cannot be answered, it goes on unverified)
      expect(['unchanged', 'unverified']).toContain(
        await eventually('the stream as it is, while cut off', () => ensureStream(conn, stream), 20_000),
      );
      // no majority, no change to a stream: the server says so as 'temporarily unavailable' or as a
      // timeout; whichever, ensureStream fails
      await expect(ensureStream(conn, { ...stream, maxAgeDays: 30 })).rejects.toThrow(
        /temporarily unavailable|timeout/i,
      );
    } finally {
      await nc?.close();
      await local?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('starting the region on this machine', () => {
  it('starts again on ports picked anew when a route or gateway port was taken before its node bound it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-ports-'));
    // a port another program holds, handed out first, as a pick that lost the race would be
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const taken = address.port;
    let picks = 0;
    let local: LocalRegion | undefined;
    try {
      local = await startLocalRegion({
        dir,
        pickPort: () => {
          picks++;
          // the second is 上海's gateway port (a one-node province binds no route port)
          return picks === 2 ? Promise.resolve(taken) : freePort();
        },
      });
      const started = local;
      // 8 ports on the first attempt, 8 more on the second
      expect(picks).toBe(16);
      const ports = provinces.flatMap((p) =>
        started.region.clusters[p].nodes.flatMap((n) => [n.clusterPort, n.gatewayPort]),
      );
      expect(ports).not.toContain(taken);
      expect(new Set(ports).size).toBe(8);
      // every province's server runs and answers
      for (const p of provinces) {
        const nc = await connect({
          servers: started.url(p),
          user: started.region.credentials[p].user,
          pass: started.region.credentials[p].pass,
        });
        await nc.flush();
        await nc.close();
      }
    } finally {
      await local?.stop();
      await new Promise<void>((r) => holder.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('does not start again on anything else: a failure that is not a taken port is reported at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-ports-'));
    let picks = 0;
    try {
      await expect(
        startLocalRegion({
          dir,
          bin: '/bin/false',
          pickPort: () => {
            picks++;
            return freePort();
          },
        }),
      ).rejects.toThrow(/exited with 1/);
      expect(picks).toBe(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a province of three nodes in the super-cluster', () => {
  it('keeps its R3 audit stream on its own three nodes, with the replicas the description gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-r3-'));
    let local: LocalRegion | undefined;
    let nc: NatsConnection | undefined;
    try {
      local = await startLocalRegion({ dir, nodes: (p) => (p === 'sh' ? 3 : 1) });
      // a one-node province keeps R1; the three-node one gets R3
      expect(local.region.clusters.sh.streamReplicas).toBe(3);
      expect(local.region.clusters.zj.streamReplicas).toBe(1);
      const settings = streamSettings(local.region, 'sh');
      const region = local;
      nc = await connectProvince({
        servers: region.url('sh'),
        credentials: region.region.credentials.sh,
        name: 'test/sh-r3',
        logger: silentLogger(),
      });
      const conn = nc;
      await eventually(
        'the R3 audit stream on 上海',
        () => ensureStream(conn, { name: auditStream('sh'), subjects: [subjects.auditAll('sh')], ...settings }),
        60_000,
      );
      const info = await eventually('a stream with all its replicas', async () => {
        const i = await (await jetstreamManager(conn)).streams.info(auditStream('sh'));
        if ((i.cluster?.replicas ?? []).length !== 2) throw new Error('replicas not reported yet');
        return i;
      });
      expect(info.config.num_replicas).toBe(3);
      expect(info.cluster?.name).toBe('yrd-sh');
      const peers = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].sort();
      expect(peers).toEqual(['sh-0', 'sh-1', 'sh-2']);
    } finally {
      await nc?.close();
      await local?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the production shape: three nodes per province', () => {
  it('renders one config per node that nats-server accepts, every node with its province routes and three gateways', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-conf-'));
    try {
      const region = describeRegion({
        nodes: (p) =>
          [0, 1, 2].map((i) => ({
            name: `${p}-nats-${i}`,
            host: `nats-${i}.nats.yrd-${p}.svc`,
            clientPort: 4222,
            clusterPort: 6222,
            gatewayPort: 7222,
            httpPort: 8222,
            storeDir: join(dir, `${p}-${i}`),
          })),
      });
      expect(region.clusters.zj.streamReplicas).toBe(3);
      const configs = renderFederation(region);
      for (const p of provinces) {
        const nodes = Object.keys(configs[p]);
        expect(nodes).toEqual([`${p}-nats-0`, `${p}-nats-1`, `${p}-nats-2`]);
        for (const name of nodes) {
          const conf = configs[p][name] as string;
          mkdirSync(join(dir, p), { recursive: true });
          const file = join(dir, p, `${name}.conf`);
          writeFileSync(file, conf);
          // -t: parse and check the config, do not run
          execFileSync(findNatsServer(), ['-t', '-c', file], { stdio: 'pipe' });
          expect(conf).toContain(`name: "yrd-${p}"`);
          expect(conf.match(/nats-route:\/\//g)).toHaveLength(3);
          for (const o of provinces.filter((x) => x !== p)) expect(conf).toContain(`{ name: "yrd-${o}", urls: [`);
          // only the province's own user
          for (const o of provinces) expect(conf.includes(`user: "${o}-node"`)).toBe(o === p);
          expect(conf).not.toContain(region.credentials[provinces.find((o) => o !== p) as Province].pass);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
