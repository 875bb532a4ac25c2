/**
 * The region as a NATS super-cluster: one cluster per province (one node in tests, three in
 * production), JetStream on, the clusters joined by gateways. Every node carries the same four
 * accounts with exactly the exports and imports of the single-server config (`accountPlan()`), so a
 * lane means the same thing on one server and across gateways; what changes is where things live:
 *  - a province's cluster holds only its own users: another province's credentials are refused there;
 *  - a province's user may publish on its own lanes only (`xchg.*.from.<self>.>`), so a lane is its
 *    requester's even if the lane were imported by mistake;
 *  - a province's streams (audit, feed) live on its own cluster: JetStream places a stream on the
 *    cluster of the server that asks unless told otherwise, the services connect to their own
 *    cluster, and `streamSettings` makes that explicit (placement on the province's cluster, with the
 *    description's replicas: R3 in production), so a stream never spreads over other provinces' nodes;
 *  - JetStream is enabled for every account on every node: the meta leader, which creates every
 *    stream of the super-cluster, may be any province's node and needs the account there.
 * See docs/federation.md for the topology and the trust model.
 */
import { randomBytes } from 'node:crypto';
import { type Province, provinceInfo, provinces } from '@yrd/region';
import { type AccountPlan, accountPlan, type NatsCredentials } from './server-config.js';

/** One nats-server of a province's cluster. */
export interface FederationNode {
  /** server_name: unique in the whole region (JetStream's meta group spans every cluster) */
  name: string;
  /** the address the province's other nodes reach it at (and the other provinces, without gatewayHost) */
  host: string;
  /** the address the other provinces' gateways dial, when not `host` (a load balancer, a public name) */
  gatewayHost?: string;
  /** the interface it listens on (default 0.0.0.0) */
  listen?: string;
  /** client port; -1 = random (tests) */
  clientPort: number;
  /**
   * route port inside the province's cluster; fixed even for a one-node cluster: a JetStream server
   * with gateways needs a configured route (its own, ignored on connect, will do)
   */
  clusterPort: number;
  /** gateway port the other provinces dial */
  gatewayPort: number;
  /** monitoring port (absent = off) */
  httpPort?: number;
  /** JetStream store folder */
  storeDir: string;
}

export interface ProvinceCluster {
  nodes: FederationNode[];
  /** replicas of the province's own streams (audit, feed): 1 on a one-node cluster, 3 in production */
  streamReplicas: number;
  /** JetStream storage limits of the province's account on its cluster */
  maxFileStore?: string;
  maxMemoryStore?: string;
}

/** TLS files for the cluster routes and the gateways (production: a regional CA, one cert per node). */
export interface FederationTls {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** One description of the region, from which every province's config is generated. */
export interface RegionDescription {
  clusters: Record<Province, ProvinceCluster>;
  /** the province users of each account: only the province's own are written into its config */
  credentials: Record<Province, NatsCredentials>;
  /** what another province presents at this province's gateway */
  gatewayCredentials: Record<Province, NatsCredentials>;
  /** what a node presents to its province's other nodes (routes) */
  routeCredentials: Record<Province, NatsCredentials>;
  /** the lanes and shared subjects between the accounts; the single-server plan when absent */
  accounts?: AccountPlan;
  /** per node name; absent = plain TCP (tests on one machine) */
  tls?: Record<string, FederationTls>;
}

export const clusterName = (p: Province) => `yrd-${p}`;

/** The province a cluster name belongs to (a stream's `cluster.name` as JetStream reports it). */
export function provinceOfCluster(name: string | undefined): Province | undefined {
  return provinces.find((p) => clusterName(p) === name);
}

function secret(user: string): NatsCredentials {
  return { user, pass: randomBytes(18).toString('base64url') };
}

function perProvince<T>(f: (p: Province) => T): Record<Province, T> {
  return Object.fromEntries(provinces.map((p) => [p, f(p)])) as Record<Province, T>;
}

/**
 * A region description with fresh secrets: `nodes(p)` gives each province's node list (one node in
 * tests, three in production), `replicas` the province streams' replica count (default: 3 when a
 * cluster has three nodes or more, else 1).
 */
export function describeRegion(opts: {
  nodes: (p: Province) => FederationNode[];
  replicas?: number;
  accounts?: AccountPlan;
  tls?: Record<string, FederationTls>;
}): RegionDescription {
  return {
    clusters: perProvince((p) => {
      const nodes = opts.nodes(p);
      return { nodes, streamReplicas: opts.replicas ?? (nodes.length >= 3 ? 3 : 1) };
    }),
    credentials: perProvince((p) => secret(`${p}-node`)),
    gatewayCredentials: perProvince((p) => secret(`${p}-gateway`)),
    routeCredentials: perProvince((p) => secret(`${p}-route`)),
    ...(opts.accounts ? { accounts: opts.accounts } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  };
}

/** Reasons the description cannot make a working super-cluster; empty when it can. */
export function checkRegion(region: RegionDescription): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const p of provinces) {
    const c = region.clusters[p];
    if (c.nodes.length === 0) problems.push(`${p}: a cluster needs at least one node`);
    if (!Number.isInteger(c.streamReplicas) || c.streamReplicas < 1 || c.streamReplicas > 5)
      problems.push(`${p}: stream replicas must be 1 to 5, not ${c.streamReplicas}`);
    if (c.streamReplicas > c.nodes.length)
      problems.push(
        `${p}: ${c.streamReplicas} replicas need at least as many nodes, the cluster has ${c.nodes.length}`,
      );
    for (const n of c.nodes) {
      if (names.has(n.name)) problems.push(`${p}: server name ${n.name} is used twice in the region`);
      names.add(n.name);
      if (!/^[A-Za-z0-9_-]+$/.test(n.name)) problems.push(`${p}: server name ${JSON.stringify(n.name)} is not a token`);
      if (n.gatewayPort <= 0) problems.push(`${p}/${n.name}: the gateway port must be fixed (others dial it)`);
      if (n.clusterPort <= 0) problems.push(`${p}/${n.name}: the route port must be fixed (JetStream needs a route)`);
    }
  }
  return problems;
}

/**
 * What a province's services ask of JetStream for their own streams: the replicas from the
 * description, and the province's own cluster as placement (where the server would put it anyway,
 * since the services connect to their own cluster; saying so makes a misrouted connection fail).
 */
export function streamSettings(
  region: RegionDescription,
  p: Province,
): {
  replicas: number;
  placement: { cluster: string };
} {
  return { replicas: region.clusters[p].streamReplicas, placement: { cluster: clusterName(p) } };
}

/** The client URLs of a province's cluster, for its services (`servers` in connectProvince). */
export function clientUrls(region: RegionDescription, p: Province): string {
  return region.clusters[p].nodes.map((n) => `nats://${n.host}:${n.clientPort}`).join(',');
}

const q = (s: string) => JSON.stringify(s);
const withAuth = (scheme: string, c: NatsCredentials, host: string, port: number) =>
  `${scheme}://${encodeURIComponent(c.user)}:${encodeURIComponent(c.pass)}@${host}:${port}`;

function tlsBlock(indent: string, tls: FederationTls | undefined): string[] {
  if (!tls) return [];
  return [
    `${indent}tls {`,
    `${indent}  cert_file: ${q(tls.certFile)}`,
    `${indent}  key_file: ${q(tls.keyFile)}`,
    `${indent}  ca_file: ${q(tls.caFile)}`,
    `${indent}  verify: true`,
    `${indent}  timeout: 5`,
    `${indent}}`,
  ];
}

/**
 * The nats-server config of one node of province `p`. Every node of the region has the same four
 * accounts and the same exports/imports; the province's own account alone has users and JetStream.
 */
export function renderFederationNode(region: RegionDescription, p: Province, nodeName: string): string {
  const problems = checkRegion(region);
  if (problems.length > 0) throw new Error(`region description: ${problems.join('; ')}`);
  const cluster = region.clusters[p];
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (!node) throw new Error(`${p} has no node ${nodeName}`);
  const plan = region.accounts ?? accountPlan();
  const listen = node.listen ?? '0.0.0.0';
  const tls = region.tls?.[node.name];
  const own = region.credentials[p];
  const routeAuth = region.routeCredentials[p];
  const lines: string[] = [
    `# generated by @yrd/nats federation — province ${p} (${provinceInfo[p].name}), node ${node.name}`,
    '# of a super-cluster of one cluster per province joined by gateways; edit the region description, not this file',
    `server_name: ${q(node.name)}`,
    `host: ${q(listen)}`,
    `port: ${node.clientPort}`,
    ...(node.httpPort ? [`http_port: ${node.httpPort}`] : []),
    'max_payload: 4MB',
    // as in the single-server config: a node busy starting its databases may be slow to send CONNECT
    'authorization { timeout: 10 }',
    `jetstream { store_dir: ${q(node.storeDir)}, max_memory_store: ${cluster.maxMemoryStore ?? '256MB'}, max_file_store: ${cluster.maxFileStore ?? '4GB'} }`,
    'cluster {',
    `  name: ${q(clusterName(p))}`,
    `  listen: ${q(`${listen}:${node.clusterPort}`)}`,
    `  authorization { user: ${q(routeAuth.user)}, password: ${q(routeAuth.pass)}, timeout: 5 }`,
    ...tlsBlock('  ', tls),
    // every node of the province, this one included: a node ignores its own route, and a one-node
    // cluster needs one configured (JetStream refuses to start clustered without routes)
    '  routes: [',
    ...cluster.nodes.map((n) => `    ${q(withAuth('nats-route', routeAuth, n.host, n.clusterPort))}`),
    '  ]',
    '}',
    'gateway {',
    `  name: ${q(clusterName(p))}`,
    `  listen: ${q(`${listen}:${node.gatewayPort}`)}`,
    ...(node.gatewayHost ? [`  advertise: ${q(`${node.gatewayHost}:${node.gatewayPort}`)}`] : []),
    // a cluster that is not one of the four provinces is refused, not learnt by gossip
    '  reject_unknown_cluster: true',
    `  authorization { user: ${q(region.gatewayCredentials[p].user)}, password: ${q(region.gatewayCredentials[p].pass)}, timeout: 5 }`,
    ...tlsBlock('  ', tls),
    '  gateways: [',
  ];
  for (const o of provinces) {
    if (o === p) continue;
    const urls = region.clusters[o].nodes.map((n) =>
      q(withAuth('nats', region.gatewayCredentials[o], n.gatewayHost ?? n.host, n.gatewayPort)),
    );
    lines.push(`    { name: ${q(clusterName(o))}, urls: [${urls.join(', ')}] }`);
  }
  lines.push('  ]', '}', 'accounts {');
  for (const a of provinces) {
    const { account } = provinceInfo[a];
    lines.push(`  ${account}: {`);
    lines.push('    jetstream: enabled');
    if (a === p) {
      const others = provinces.filter((o) => o !== p).map((o) => q(`xchg.*.from.${o}.>`));
      lines.push(
        `    users: [ { user: ${q(own.user)}, password: ${q(own.pass)}, permissions: { publish: { deny: [${others.join(', ')}] } } } ]`,
      );
    } else {
      // the account exists here so that imports resolve, gateways carry its traffic and the meta
      // leader can create its streams; nobody connects to it on this cluster
      lines.push('    users: []');
    }
    lines.push('    exports: [');
    for (const e of plan[a].exports)
      lines.push(`      { ${e.type}: ${q(e.subject)}, accounts: [${e.accounts.join(', ')}] }`);
    lines.push('    ]');
    lines.push('    imports: [');
    for (const i of plan[a].imports)
      lines.push(`      { ${i.type}: { account: ${i.account}, subject: ${q(i.subject)} } }`);
    lines.push('    ]');
    lines.push('  }');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Every node's config: province → node name → config text. */
export function renderFederation(region: RegionDescription): Record<Province, Record<string, string>> {
  return perProvince((p) =>
    Object.fromEntries(region.clusters[p].nodes.map((n) => [n.name, renderFederationNode(region, p, n.name)])),
  );
}
