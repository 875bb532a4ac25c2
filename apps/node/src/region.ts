/**
 * The whole region on one machine: a nats-server with the four province accounts and the four
 * province nodes. The demo, the end-to-end tests and the benchmarks all start it this way.
 */

import type { JsonWebKey } from 'node:crypto';
import { join } from 'node:path';
import { generateProvinceKey, type TrustList } from '@yrd/auth';
import type { SecretResolver } from '@yrd/config';
import type { Logger } from '@yrd/logger';
import { generateCredentials, type NatsCredentials, type RunningNats, startNatsServer } from '@yrd/nats';
import { generateSubjectKeyring, type Province, provinces, type SubjectKeyring } from '@yrd/region';
import { type ProvinceNode, startProvinceNode } from './node.js';

export interface RegionSecrets {
  nats: Record<Province, NatsCredentials>;
  keys: Record<Province, { privateJwk: JsonWebKey; publicJwk: JsonWebKey }>;
  /** the regional subject keyring (区域主体密钥), shared by the four provinces */
  subjectKeys: SubjectKeyring;
}

export function generateRegionSecrets(): RegionSecrets {
  const keys = {} as RegionSecrets['keys'];
  for (const p of provinces) keys[p] = generateProvinceKey(p);
  return { nats: generateCredentials(), keys, subjectKeys: generateSubjectKeyring() };
}

export interface RegionOptions {
  logger: Logger;
  /** folder for NATS and, unless `inMemory`, the PGlite databases */
  dataDir: string;
  inMemory?: boolean;
  /**
   * PostgreSQL instead of PGlite; `{province}` in the URL is replaced by the province code so each
   * province keeps its own database (e.g. postgres://localhost/yrd_{province})
   */
  databaseUrl?: string | undefined;
  secrets?: RegionSecrets;
  natsPort?: number;
  ports: 'default' | 'random';
  devMode: boolean;
  seed: boolean;
  clock?: () => Date;
  /** passed to every node's exchange (see ProvinceNodeConfig) */
  exchangeSources?: { secrets: SecretResolver; production: boolean };
  /** each province's public base URL (see ProvinceNodeConfig); absent: its edge's own origin */
  publicBaseUrls?: Partial<Record<Province, string>>;
}

export interface Region {
  nats: RunningNats;
  nodes: Record<Province, ProvinceNode>;
  secrets: RegionSecrets;
  trust: TrustList;
  stop(): Promise<void>;
}

export async function startRegion(opts: RegionOptions): Promise<Region> {
  const secrets = opts.secrets ?? generateRegionSecrets();
  const trust = Object.fromEntries(provinces.map((p) => [p, secrets.keys[p].publicJwk])) as TrustList;
  const nats = await startNatsServer({
    dir: join(opts.dataDir, 'nats'),
    port: opts.natsPort ?? 0,
    credentials: secrets.nats,
  });
  const nodes = {} as Record<Province, ProvinceNode>;
  const stop = async () => {
    await Promise.allSettled(Object.values(nodes).map((n) => n.stop()));
    await nats.stop();
  };
  try {
    // one after another: four WASM databases starting at once would crowd a 2-core machine
    for (const p of provinces) {
      nodes[p] = await startProvinceNode({
        province: p,
        logger: opts.logger,
        nats: { url: nats.url, credentials: secrets.nats[p] },
        dataDir: opts.inMemory ? undefined : join(opts.dataDir, p),
        databaseUrl: opts.databaseUrl?.replaceAll('{province}', p),
        trust,
        privateJwk: secrets.keys[p].privateJwk,
        subjectKeys: secrets.subjectKeys,
        devMode: opts.devMode,
        seed: opts.seed,
        ports: opts.ports,
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(opts.exchangeSources ? { exchangeSources: opts.exchangeSources } : {}),
        publicBaseUrl: opts.publicBaseUrls?.[p],
      });
    }
    // every node is up: let each catalogue pull the others' entries now rather than on its timer
    await Promise.all(provinces.map((p) => nodes[p].syncCatalog()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nats, nodes, secrets, trust, stop };
}
