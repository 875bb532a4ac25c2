/**
 * The whole region on one machine: a nats-server with the four province accounts and the four
 * province nodes. The demo, the end-to-end tests and the benchmarks all start it this way.
 */

import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  anchorsFrom,
  currentKeys,
  generateProvinceKey,
  parseTrustAnchors,
  type TrustAnchors,
  type TrustList,
} from '@yrd/auth';
import type { SecretResolver } from '@yrd/config';
import type { SuiteId } from '@yrd/crypto-suite';
import type { Logger } from '@yrd/logger';
import { generateCredentials, type NatsCredentials, type RunningNats, startNatsServer } from '@yrd/nats';
import { generateSubjectKeyring, type Province, provinces, type SubjectKeyring } from '@yrd/region';
import { type ProvinceNode, startProvinceNode } from './node.js';

export type RegionKeys = Record<Province, { privateJwk: JsonWebKey; publicJwk: JsonWebKey }>;

export interface RegionSecrets {
  nats: Record<Province, NatsCredentials>;
  /** the regional subject keyring (区域主体密钥), shared by the four provinces */
  subjectKeys: SubjectKeyring;
}

/**
 * The region's secrets with the provinces' keys in memory (tests and benches; the demo keeps keys in
 * files); `suites` as for generateRegionKeys.
 */
export function generateRegionSecrets(suites: RegionSuites = {}): RegionSecrets & { keys: RegionKeys } {
  return { nats: generateCredentials(), keys: generateRegionKeys(suites), subjectKeys: generateSubjectKeyring() };
}

/** Each province's crypto suite, chosen at setup; a province not named is on ed25519-sha256. */
export type RegionSuites = Partial<Record<Province, SuiteId>>;

/**
 * A key per province, in the suite `suites` gives it (default ed25519-sha256): a province's suite is
 * its key's, so this is where a province chooses sm2-sm3 (国密). The others read its key from the trust
 * list and check what it signs in its suite, whatever their own.
 */
export function generateRegionKeys(suites: RegionSuites = {}): RegionKeys {
  const keys = {} as RegionKeys;
  for (const p of provinces) keys[p] = generateProvinceKey(p, suites[p]);
  return keys;
}

/**
 * Where the provinces' keys come from: in memory (tests), or files — the public trust list, and one
 * private key file per province, which only that province's node reads (the demo, and production).
 */
export type RegionKeySource =
  | { keys: RegionKeys }
  | { trustListFile: string; privateKeyFiles: Record<Province, string> };

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
  /** the provinces' keys; default: fresh ones in memory */
  keySource?: RegionKeySource;
  natsPort?: number;
  ports: 'default' | 'random';
  devMode: boolean;
  seed: boolean;
  clock?: () => Date;
  /** passed to every node's exchange (see ProvinceNodeConfig) */
  exchangeSources?: { secrets: SecretResolver; production: boolean };
  /** each province's public base URL (see ProvinceNodeConfig); absent: its edge's own origin */
  publicBaseUrls?: Partial<Record<Province, string>>;
  /** the built console every province's edge serves at `/` (see ProvinceNodeConfig) */
  consoleDir?: string | undefined;
}

export interface Region {
  nats: RunningNats;
  nodes: Record<Province, ProvinceNode>;
  secrets: RegionSecrets;
  /** the provinces' current public keys */
  trust: TrustList;
  /** the regional trust list as published */
  anchors: TrustAnchors;
  stop(): Promise<void>;
}

export async function startRegion(opts: RegionOptions): Promise<Region> {
  const secrets = opts.secrets ?? generateRegionSecrets();
  const source: RegionKeySource =
    opts.keySource ?? ('keys' in secrets ? { keys: secrets.keys as RegionKeys } : { keys: generateRegionKeys() });
  const anchors =
    'keys' in source
      ? anchorsFrom(
          Object.fromEntries(provinces.map((p) => [p, source.keys[p].publicJwk])) as TrustList,
          '1970-01-01T00:00:00.000Z',
        )
      : parseTrustAnchors(JSON.parse(readFileSync(source.trustListFile, 'utf8')));
  const trust = currentKeys(anchors, opts.clock?.() ?? new Date());
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
        trust: anchors,
        privateKey: 'keys' in source ? { jwk: source.keys[p].privateJwk } : { file: source.privateKeyFiles[p] },
        subjectKeys: secrets.subjectKeys,
        devMode: opts.devMode,
        seed: opts.seed,
        ports: opts.ports,
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(opts.exchangeSources ? { exchangeSources: opts.exchangeSources } : {}),
        publicBaseUrl: opts.publicBaseUrls?.[p],
        consoleDir: opts.consoleDir,
      });
    }
    // every node is up: let each catalogue pull the others' entries now rather than on its timer
    await Promise.all(provinces.map((p) => nodes[p].syncCatalog()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nats, nodes, secrets, trust, anchors, stop };
}
