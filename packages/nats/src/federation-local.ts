/**
 * The super-cluster on one machine, for tests: every node of every province a nats-server on
 * 127.0.0.1 with ports picked free, each under the supervisor of launchNatsServer. `stop()` stops
 * whatever was started, also when a start failed half-way.
 */

import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Province, provinces } from '@yrd/region';
import {
  clientUrls,
  describeRegion,
  type FederationNode,
  type RegionDescription,
  renderFederationNode,
} from './federation.js';
import { launchNatsServer, type NatsProcess } from './nats-server.js';
import { freePort } from './ports.js';

export interface LocalRegion {
  region: RegionDescription;
  /** province → its nodes, in the description's order */
  servers: Record<Province, NatsProcess[]>;
  /** the client URLs of a province's cluster, as its services would use them */
  url(p: Province): string;
  stop(): Promise<void>;
}

/**
 * Starts the region under `dir` (`<dir>/<node name>/`): `nodes(p)` nodes per province (default 1).
 * Client ports are the servers' own random pick; route and gateway ports are picked free first,
 * since the other nodes must know them.
 */
export async function startLocalRegion(opts: LocalRegionOptions): Promise<LocalRegion> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      // a route or gateway port picked free was taken before its node bound it: every node is
      // stopped by then, so start again on ports picked anew
      if (attempt >= PORT_ATTEMPTS || !portTaken(err)) throw err;
    }
  }
}

export interface LocalRegionOptions {
  dir: string;
  nodes?: (p: Province) => number;
  replicas?: number;
  bin?: string;
  /** where route and gateway ports come from (default freePort; a test gives it a taken one) */
  pickPort?: () => Promise<number>;
}

const PORT_ATTEMPTS = 3;

function portTaken(err: unknown): boolean {
  return err instanceof Error && /address already in use/i.test(err.message);
}

async function startOnce(opts: LocalRegionOptions): Promise<LocalRegion> {
  const dir = resolve(opts.dir);
  // freePort never hands out the same port twice, so the picks need no check of their own
  const port = opts.pickPort ?? (() => freePort());
  const nodeList: Record<string, FederationNode[]> = {};
  for (const p of provinces) {
    const list: FederationNode[] = [];
    for (let i = 0; i < (opts.nodes?.(p) ?? 1); i++) {
      const name = `${p}-${i}`;
      list.push({
        name,
        host: '127.0.0.1',
        listen: '127.0.0.1',
        clientPort: -1,
        clusterPort: await port(),
        gatewayPort: await port(),
        storeDir: join(dir, name, 'jetstream'),
      });
    }
    nodeList[p] = list;
  }
  const region = describeRegion({
    nodes: (p) => nodeList[p] ?? [],
    ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
  });
  const servers = Object.fromEntries(provinces.map((p) => [p, [] as NatsProcess[]])) as Record<Province, NatsProcess[]>;
  const stop = async () => {
    await Promise.all(provinces.flatMap((p) => servers[p].filter(Boolean).map((s) => s.stop())));
  };
  // every node at once; all of them settle before a failure is reported, so none is still starting
  // when the others are stopped
  const started = await Promise.allSettled(
    provinces.flatMap((p) =>
      region.clusters[p].nodes.map(async (n, i) => {
        servers[p][i] = await launchNatsServer({
          dir: join(dir, n.name),
          config: () => renderFederationNode(region, p, n.name),
          ...(opts.bin ? { bin: opts.bin } : {}),
        });
      }),
    ),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  // the client URLs are the servers' own picks, not the description's -1
  for (const p of provinces) {
    region.clusters[p].nodes.forEach((n, i) => {
      n.clientPort = servers[p][i]?.port ?? n.clientPort;
    });
  }
  return { region, servers, url: (p) => clientUrls(region, p), stop };
}

/** Retries `attempt` until it resolves or `ms` have passed (gateways and JetStream's meta leader take seconds). */
export async function eventually<T>(what: string, attempt: () => Promise<T>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await sleep(200);
    }
  }
  throw new Error(`${what}: not within ${ms} ms (${(last as Error | undefined)?.message ?? 'no attempt'})`);
}
