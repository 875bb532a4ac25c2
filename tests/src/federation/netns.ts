/**
 * Four provinces on four Linux network namespaces (`yrdfed-<p>`), with two links each:
 *  - the regional network: a veth `yrdfed-<p>-r` in the root namespace, enslaved to the bridge
 *    `yrdfed-br`, whose other end is `eth0` in the province at 10.231.0.<i+1>. The gateways use it,
 *    through a relay per province at 10.231.0.<i+11> on the bridge (relay.ts). Cutting a province off
 *    is `ip link set yrdfed-<p>-r down`: nothing crosses to or from it any more;
 *  - the province's users: a veth `yrdfed-<p>-u` (root, 10.231.<i+10>.254) to `users` in the
 *    province (10.231.<i+10>.1), where its edge listens. The test reaches each edge this way, as a
 *    province's own users would, also while the province is cut off from the others.
 * A province has no default route: it reaches the others only over the bridge, and the root namespace
 * forwards nothing between the links (no route in the provinces points at it).
 *
 * Everything here is named with the `yrdfed-` prefix and the 10.231.0.0/16 addresses, so `removeAll`
 * takes away exactly what this test (or a killed run of it) made: the processes inside the namespaces,
 * the namespaces, the veths, the bridge.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Province, provinces } from '@yrd/region';

export const prefix = 'yrdfed-';
export const bridge = `${prefix}br`;
const bridgeAddress = '10.231.0.254/24';

const index = (p: Province) => provinces.indexOf(p);
export const nsName = (p: Province) => `${prefix}${p}`;
/** the root end of the province's regional link (on the bridge): down = the province cut off */
export const regionalLink = (p: Province) => `${prefix}${p}-r`;
const usersLink = (p: Province) => `${prefix}${p}-u`;
/** the province's address on the regional network (its nats-server's gateway listens there) */
export const regionalAddress = (p: Province) => `10.231.0.${index(p) + 1}`;
/** the province's relay on the bridge: the other provinces' gateways dial it */
export const relayAddress = (p: Province) => `10.231.0.${index(p) + 11}`;
/** the province's address for its own users (its edge listens there) */
export const usersAddress = (p: Province) => `10.231.${index(p) + 10}.1`;

/** Why this machine cannot run the test (not root, no `ip`), or undefined when it can. */
export function unsupported(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)';
  if (!['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].some((p) => existsSync(p)))
    return '`ip` (iproute2) is not installed';
  return undefined;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `ip …` that may fail (removing what may not be there). */
function ipMaybe(...args: string[]): void {
  spawnSync('ip', args, { stdio: 'ignore' });
}

/** A command run inside a province's namespace, for the few things set up there. */
export function inNamespace(p: Province, ...args: string[]): string {
  return ip('netns', 'exec', nsName(p), ...args);
}

/** The pids of every process in our namespaces (a killed run's leftovers, or this run's stragglers). */
function pidsInNamespaces(): number[] {
  const ours = ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  return ours.flatMap((n) =>
    (spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout ?? '')
      .split('\n')
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0),
  );
}

/**
 * Removes everything of ours: kills the processes inside our namespaces (only those), then deletes
 * the namespaces, the root ends of the veths and the bridge. Safe to call at any time, any number of times.
 */
export function removeAll(): void {
  for (const pid of pidsInNamespaces()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (const p of provinces) {
    ipMaybe('netns', 'delete', nsName(p));
    // deleting a namespace deletes the ends inside it, and with them their peers; a half-made run may
    // have left a root end whose peer never moved in
    ipMaybe('link', 'delete', regionalLink(p));
    ipMaybe('link', 'delete', usersLink(p));
  }
  ipMaybe('link', 'delete', bridge);
}

/** Builds the four namespaces, the bridge and the links (removing a killed run's leftovers first). */
export function createAll(): void {
  removeAll();
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', bridgeAddress, 'dev', bridge);
  for (const p of provinces) ip('addr', 'add', `${relayAddress(p)}/32`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  for (const p of provinces) {
    const ns = nsName(p);
    ip('netns', 'add', ns);
    inNamespace(p, 'ip', 'link', 'set', 'lo', 'up');
    // the regional link
    ip('link', 'add', regionalLink(p), 'type', 'veth', 'peer', 'name', `${prefix}${p}-rp`);
    ip('link', 'set', `${prefix}${p}-rp`, 'netns', ns);
    inNamespace(p, 'ip', 'link', 'set', `${prefix}${p}-rp`, 'name', 'eth0');
    inNamespace(p, 'ip', 'addr', 'add', `${regionalAddress(p)}/24`, 'dev', 'eth0');
    inNamespace(p, 'ip', 'link', 'set', 'eth0', 'up');
    ip('link', 'set', regionalLink(p), 'master', bridge);
    ip('link', 'set', regionalLink(p), 'up');
    // the users' link
    ip('link', 'add', usersLink(p), 'type', 'veth', 'peer', 'name', `${prefix}${p}-up`);
    ip('link', 'set', `${prefix}${p}-up`, 'netns', ns);
    inNamespace(p, 'ip', 'link', 'set', `${prefix}${p}-up`, 'name', 'users');
    inNamespace(p, 'ip', 'addr', 'add', `${usersAddress(p)}/24`, 'dev', 'users');
    inNamespace(p, 'ip', 'link', 'set', 'users', 'up');
    ip('addr', 'add', `${usersAddress(p).replace(/\.1$/, '.254')}/24`, 'dev', usersLink(p));
    ip('link', 'set', usersLink(p), 'up');
  }
}

/** Cuts a province off the regional network (its link down), or brings it back. */
export function setRegionalLink(p: Province, up: boolean): void {
  ip('link', 'set', regionalLink(p), up ? 'up' : 'down');
}

/** Our namespaces and links as `ip` lists them now (to prove the cleanup). */
export function leftovers(): string[] {
  const namespaces = ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  const links = ip('-o', 'link', 'show')
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  return [...namespaces, ...links];
}
