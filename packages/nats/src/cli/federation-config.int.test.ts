import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provinces } from '@yrd/region';
import { afterAll, describe, expect, it } from 'vitest';
import { findNatsServer } from '../nats-server.js';
import { buildRegion, writeFederationConfig } from './federation-config.js';

describe('npm run federation:config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-federation-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a config per node that nats-server accepts, secret files closed to others', () => {
    const out = join(dir, 'region');
    const { region } = buildRegion([out, '--host', '{node}.nats.yrd-{p}.svc', '--store-dir', join(dir, 'js')]);
    const files = writeFederationConfig(out, region);
    expect(files).toHaveLength(provinces.length * 4 + 2);
    expect(region.clusters.ah.nodes.map((n) => n.host)).toEqual([
      'ah-nats-0.nats.yrd-ah.svc',
      'ah-nats-1.nats.yrd-ah.svc',
      'ah-nats-2.nats.yrd-ah.svc',
    ]);
    expect(region.clusters.ah.streamReplicas).toBe(3);
    for (const p of provinces) {
      for (let i = 0; i < 3; i++) {
        const conf = join(out, p, `${p}-nats-${i}.conf`);
        expect(statSync(conf).mode & 0o077).toBe(0);
        execFileSync(findNatsServer(), ['-t', '-c', conf], { stdio: 'pipe' });
      }
      const own = JSON.parse(readFileSync(join(out, p, 'credentials.json'), 'utf8'));
      expect(own).toEqual({ cluster: `yrd-${p}`, ...region.credentials[p] });
    }
    // the shape without secrets is readable; the secrets are not
    expect(readFileSync(join(out, 'region.json'), 'utf8')).not.toContain(region.credentials.sh.pass);
    expect(statSync(join(out, 'secrets.json')).mode & 0o077).toBe(0);
  });

  it('keeps the passwords of an earlier run found in the folder, so nodes can be rolled one at a time', () => {
    const out = join(dir, 'again');
    const first = buildRegion([out, '--nodes', '1']).region;
    writeFederationConfig(out, first);
    const second = buildRegion([out, '--nodes', '1']).region;
    expect(second.credentials).toEqual(first.credentials);
    expect(second.gatewayCredentials).toEqual(first.gatewayCredentials);
    expect(second.clusters.sh.streamReplicas).toBe(1);
  });

  it('refuses what cannot make a super-cluster, saying why', () => {
    expect(() => buildRegion([])).toThrow(/usage/);
    expect(() => buildRegion([join(dir, 'x'), '--nodes', '1', '--replicas', '3'])).toThrow(
      /3 replicas need at least as many nodes/,
    );
    expect(() => buildRegion([join(dir, 'x'), '--gateway-port', '70000'])).toThrow(/not a port/);
    expect(() => buildRegion([join(dir, 'x'), '--bogus'])).toThrow(/Unknown option/);
  });
});
