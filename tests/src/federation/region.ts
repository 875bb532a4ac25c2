/**
 * The region as four hosts: per province, in its own network namespace (netns.ts), a nats-server of
 * the super-cluster (config from renderFederationNode with the namespace's addresses), and the
 * province's service processes, one per service and the edge (startProvinceProcesses, wrapped in
 * `ip netns exec`), each with its own PGlite folder. The gateways reach each other through one
 * delaying relay per province (relay.ts) on the bridge. `stop()` stops all of it;
 * `netns.removeAll()` is the backstop.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeRegion,
  type FederationNode,
  findNatsServer,
  launchNatsServer,
  type NatsProcess,
  type RegionDescription,
  renderFederationNode,
} from '@yrd/nats';
import { generateRegionKeys, type ProvinceProcesses, startProvinceProcesses } from '@yrd/node';
import { generateSubjectKeyring, type Province, provinces } from '@yrd/region';
import { nsName, regionalAddress, relayAddress, usersAddress } from './netns.js';
import { type Relay, startRelay } from './relay.js';

/** Inside each namespace the ports are the namespace's own: the same numbers in every province. */
const clientPort = 14222;
const clusterPort = 16222;
const gatewayPort = 17222;
/** monitoring (GET /gatewayz), reached from the root namespace over the bridge */
export const monitorPort = 18222;

/**
 * What the generated config leaves at NATS's default, 2-minute pings (two missed: a link cut
 * without a reset is dropped after 4 to 6 minutes; until then the link's bytes wait in TCP buffers
 * and arrive if it comes back). The cut test tightens the pings, by a config reload once the
 * services are up, so that the gateways drop 浙江 within seconds and the catch-up paths are what
 * brings it back up to date — not TCP retransmitting what was held. (Set from the start, 2 s pings
 * dropped the services' own connections while 20 processes started on two busy cores.)
 */
const tightPings = '\n# the federation test: a cut link dropped within seconds\nping_interval: "1s"\nping_max: 3\n';

export interface FederatedRegion {
  region: RegionDescription;
  nats: Record<Province, NatsProcess>;
  relays: Record<Province, Relay>;
  nodes: Record<Province, ProvinceProcesses>;
  /** sets every relay's delay, each way */
  setDelay(ms: number): void;
  /** pings every second (config reload, SIGHUP): a silently cut gateway is dropped in ~3 s */
  tightenPings(): Promise<void>;
  /** the provinces `p`'s nats-server has an open outbound gateway to, from its /gatewayz */
  gatewaysOf(p: Province): Promise<Province[]>;
  stop(): Promise<void>;
}

/** A nats-server started inside the province's namespace: `ip netns exec` in front of the binary. */
function natsInNamespace(dir: string, p: Province): string {
  const bin = join(dir, `nats-server-${p}`);
  writeFileSync(bin, `#!/bin/sh\nexec ip netns exec ${nsName(p)} ${findNatsServer()} "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

export async function startFederatedRegion(dir: string): Promise<FederatedRegion> {
  mkdirSync(dir, { recursive: true });
  const node = (p: Province): FederationNode => ({
    name: `${p}-0`,
    host: regionalAddress(p),
    gatewayHost: relayAddress(p),
    listen: '0.0.0.0',
    clientPort,
    clusterPort,
    gatewayPort,
    httpPort: monitorPort,
    storeDir: join(dir, p, 'nats', 'jetstream'),
  });
  const region = describeRegion({ nodes: (p) => [node(p)] });
  const nats = {} as Record<Province, NatsProcess>;
  const relays = {} as Record<Province, Relay>;
  const nodes = {} as Record<Province, ProvinceProcesses>;

  const stop = async () => {
    await Promise.allSettled(
      Object.values(nodes).map(async (n) => {
        await n.stop(15_000).catch(() => n.kill());
      }),
    );
    await Promise.allSettled(Object.values(nats).map((n) => n.stop()));
    await Promise.allSettled(Object.values(relays).map((r) => r.close()));
  };

  try {
    for (const p of provinces) {
      relays[p] = await startRelay({
        listen: { host: relayAddress(p), port: gatewayPort },
        target: { host: regionalAddress(p), port: gatewayPort },
      });
    }
    const started = await Promise.allSettled(
      provinces.map(async (p) => {
        nats[p] = await launchNatsServer({
          dir: join(dir, p, 'nats'),
          bin: natsInNamespace(dir, p),
          port: clientPort,
          config: () => renderFederationNode(region, p, `${p}-0`),
        });
      }),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const keys = generateRegionKeys();
    const trustList = Object.fromEntries(provinces.map((p) => [p, keys[p].publicJwk]));
    const subjectKeys = generateSubjectKeyring();
    for (const p of provinces) {
      nodes[p] = await startProvinceProcesses({
        province: p,
        dir: join(dir, p, 'services'),
        // the province's own nats-server, on the namespace's loopback
        nats: { url: `nats://127.0.0.1:${clientPort}`, credentials: region.credentials[p] },
        privateJwk: keys[p].privateJwk,
        trustList,
        subjectKeys,
        host: usersAddress(p),
        // the standard ports, inside the province's own namespace: nothing else listens there
        ports: 'default',
        wrap: ['ip', 'netns', 'exec', nsName(p)],
        env: { all: { YRD_LOG_LEVEL: 'warn' } },
      });
    }
    // 20 of the 24 processes open a PGlite cluster, each from the one empty cluster startProvinceProcesses
    // made here rather than by its own initdb, and load the seeds, all running the services' bundle: the
    // start took 57-61 s here on 2026-12-07 (78-82 s with each process loading the sources through tsx,
    // in turn; 210 s earlier that day with an initdb each too); the hook allows 420 s
    await Promise.all(provinces.map((p) => nodes[p].healthy(360_000)));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    region,
    nats,
    relays,
    nodes,
    setDelay: (ms) => {
      for (const r of Object.values(relays)) r.delayMs = ms;
    },
    stop,
    tightenPings: async () => {
      for (const p of provinces) {
        const { configPath, pidFile } = nats[p];
        writeFileSync(configPath, readFileSync(configPath, 'utf8') + tightPings, { mode: 0o600 });
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGHUP');
      }
      // the reload is asynchronous: a server says it is done in its log only; its /varz shows it
      for (const p of provinces) {
        for (let i = 0; ; i++) {
          const varz = (await (await fetch(`http://${regionalAddress(p)}:${monitorPort}/varz`)).json()) as {
            ping_interval?: number;
          };
          // nanoseconds
          if (varz.ping_interval === 1e9) break;
          if (i > 50) throw new Error(`${p}'s nats-server did not take the new ping interval: ${varz.ping_interval}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    gatewaysOf: async (p) => {
      const gw = (await (
        await fetch(`http://${regionalAddress(p)}:${monitorPort}/gatewayz`, { signal: AbortSignal.timeout(2000) })
      ).json()) as { outbound_gateways?: Record<string, { connection?: { cid?: number } }> };
      return provinces.filter((o) => o !== p && gw.outbound_gateways?.[`yrd-${o}`]?.connection?.cid !== undefined);
    },
  };
}
