/**
 * deploy/k8s and the Dockerfile (issue 15 part 4), checked offline: every province's overlay is
 * rendered by kustomize, each object validated against the Kubernetes schemas (kubernetes-models;
 * CloudNativePG's Cluster too), and the rules kept — no root, a read-only root filesystem, limits
 * and probes on every container, each service its ServiceAccount, PodDisruptionBudget and
 * NetworkPolicy, the policies letting through exactly the calls the services are configured to
 * make, each province its own namespace, no secret in the repository. The services' environment is
 * parsed by the services' own schema, and the NATS StatefulSet is checked against what the
 * federation generator writes, so neither can drift from the manifests.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1';
import { generateSubjectKeyring, type Province, provinces } from '@yrd/region';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy as NetworkPolicyModel } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ProcessName,
  parseServiceConfig,
  processNames,
  serviceVariables,
} from '../../apps/node/src/service-config.js';
import {
  allowed,
  type Container,
  grants,
  isNetworkPolicy,
  isWorkload,
  type K8sObject,
  k8sDir,
  type NetworkPolicy,
  type Pod,
  render,
  repoRoot,
  type Workload,
} from './deploy/manifests.js';

/** the schema of each kind the overlays may hold; a kind not listed here fails the test */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicyModel,
  'postgresql.cnpg.io/v1/Cluster': Cluster,
};

/** what the operator creates in each namespace (deploy/README.md), never kept in the repository */
const operatorMade = {
  secrets: ['province-key', 'subject-keys', 'nats-credentials', 'nats-config'],
  configMaps: ['trust-list'],
  /** made by CloudNativePG for the Cluster `postgres` */
  byCnpg: ['postgres-app'],
};

const backends = ['catalog', 'consent', 'exchange', 'audit'] as const;

const rendered = {} as Record<Province, K8sObject[]>;
let work = '';
let federation = '';

beforeAll(() => {
  for (const p of provinces) rendered[p] = render(`${k8sDir}/overlays/${p}`);
  work = mkdtempSync(join(tmpdir(), 'yrd-deploy-'));
  federation = join(work, 'federation');
  // the generator as an operator runs it (npm run federation:config -- DIR), with its defaults
  execFileSync(process.execPath, ['--import', 'tsx', 'packages/nats/src/cli/federation-config.ts', federation], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const ofKind = <T extends K8sObject = K8sObject>(objs: K8sObject[], kind: string) =>
  objs.filter((o) => o.kind === kind) as T[];
const named = <T extends K8sObject = K8sObject>(objs: K8sObject[], kind: string, name: string): T => {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as T;
};
const workloads = (objs: K8sObject[]) => objs.filter(isWorkload);
const policies = (objs: K8sObject[]) => objs.filter(isNetworkPolicy);
const containersOf = (w: Workload): Container[] => [
  ...w.spec.template.spec.containers,
  ...(w.spec.template.spec.initContainers ?? []),
];
const podOf = (w: Workload): Pod => ({ labels: w.spec.template.metadata.labels });
const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name);
const portNamed = (c: Container, name: string) => c.ports?.find((p) => p.name === name)?.containerPort;

describe('deploy/k8s: every overlay renders to valid objects', () => {
  it.each(provinces)('%s: each object is valid against its schema', (p) => {
    const objs = rendered[p];
    expect(objs.length).toBeGreaterThan(30);
    for (const o of objs) {
      const Model = models[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion} ${o.kind} ${o.metadata.name}: no schema known`).toBeDefined();
      if (Model) expect(() => new Model(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
  });

  it('refuses an object that breaks its schema (the validation is not a no-op)', () => {
    const d = named<Workload>(rendered.sh, 'Deployment', 'catalog');
    const broken = structuredClone(d) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken as never).validate()).toThrow();
    const cluster = structuredClone(named(rendered.sh, 'Cluster', 'postgres')) as unknown as {
      spec: { instances: unknown };
    };
    cluster.spec.instances = 'three';
    expect(() => new Cluster(cluster as never).validate()).toThrow();
  });

  it('each province in its own namespace, every object in it', () => {
    const seen = new Set<string>();
    for (const p of provinces) {
      const [ns, ...more] = ofKind(rendered[p], 'Namespace');
      expect(more).toEqual([]);
      expect(ns?.metadata.name).toBe(`yrd-${p}`);
      expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      seen.add(ns?.metadata.name ?? '');
      for (const o of rendered[p].filter((x) => x.kind !== 'Namespace')) {
        expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(`yrd-${p}`);
      }
      const config = ofKind<K8sObject & { data: Record<string, string> }>(rendered[p], 'ConfigMap').find((c) =>
        c.metadata.name.startsWith('yrd-config'),
      );
      expect(config?.data.YRD_PROVINCE).toBe(p);
    }
    expect(seen.size).toBe(4);
  });

  it('no secret is kept in the repository: no Secret rendered, each one named is the operator’s', () => {
    const readme = readFileSync(`${repoRoot}deploy/README.md`, 'utf8');
    for (const p of provinces) {
      const secrets = ofKind<K8sObject & { data?: object; stringData?: object }>(rendered[p], 'Secret');
      for (const s of secrets) {
        expect(s.data, `Secret ${s.metadata.name}`).toBeUndefined();
        expect(s.stringData, `Secret ${s.metadata.name}`).toBeUndefined();
      }
      const renderedConfigMaps = ofKind(rendered[p], 'ConfigMap').map((c) => c.metadata.name);
      for (const w of workloads(rendered[p])) {
        const spec = w.spec.template.spec;
        const secretNames = [
          ...(spec.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
          ...containersOf(w).flatMap((c) => (c.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef?.name ?? [])),
        ];
        for (const s of secretNames) expect([...operatorMade.secrets, ...operatorMade.byCnpg]).toContain(s);
        const configMaps = [
          ...(spec.volumes ?? []).flatMap((v) => (v.configMap ? [v.configMap.name] : [])),
          ...containersOf(w).flatMap((c) => (c.env ?? []).flatMap((e) => e.valueFrom?.configMapKeyRef?.name ?? [])),
        ];
        for (const m of configMaps) expect([...operatorMade.configMaps, ...renderedConfigMaps]).toContain(m);
      }
    }
    // the README tells the operator how to make each
    for (const name of [...operatorMade.secrets, ...operatorMade.configMaps, ...operatorMade.byCnpg]) {
      expect(readme).toContain(name);
    }
    // and the literals kept in the overlays are config, not secrets
    for (const p of provinces) {
      const text = readFileSync(`${k8sDir}/overlays/${p}/kustomization.yaml`, 'utf8');
      expect(text).not.toMatch(/password|secretGenerator|private/i);
    }
  });
});

describe('deploy/k8s: the rules every workload keeps', () => {
  const cpuMemory = (r: Record<string, string> | undefined) => Object.keys(r ?? {}).sort();

  it.each(provinces)('%s: non-root, read-only, no privilege, limits and probes on every container', (p) => {
    const ws = workloads(rendered[p]);
    expect(ws.map((w) => w.metadata.name).sort()).toEqual([...processNames, 'nats'].sort());
    for (const w of ws) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
      expect(pod.securityContext?.runAsUser, w.metadata.name).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken, w.metadata.name).toBe(false);
      for (const c of containersOf(w)) {
        const at = `${w.metadata.name}/${c.name}`;
        const sc = c.securityContext;
        expect(sc?.runAsNonRoot, at).toBe(true);
        expect(sc?.runAsUser ?? pod.securityContext?.runAsUser, at).not.toBe(0);
        expect(sc?.readOnlyRootFilesystem, at).toBe(true);
        expect(sc?.allowPrivilegeEscalation, at).toBe(false);
        expect(sc?.privileged ?? false, at).toBe(false);
        expect(sc?.capabilities?.drop, at).toEqual(['ALL']);
        expect(sc?.capabilities?.add ?? [], at).toEqual([]);
        expect(cpuMemory(c.resources?.requests), at).toEqual(['cpu', 'memory']);
        expect(cpuMemory(c.resources?.limits), at).toEqual(['cpu', 'memory']);
        expect(c.livenessProbe?.httpGet, at).toBeDefined();
        expect(c.readinessProbe?.httpGet, at).toBeDefined();
      }
    }
    const cluster = named<K8sObject & { spec: { resources: Record<string, Record<string, string>> } }>(
      rendered[p],
      'Cluster',
      'postgres',
    );
    expect(cpuMemory(cluster.spec.resources.requests)).toEqual(['cpu', 'memory']);
    expect(cpuMemory(cluster.spec.resources.limits)).toEqual(['cpu', 'memory']);
  });

  it.each(provinces)('%s: each service: its image and argument, its probes on /livez and /readyz', (p) => {
    for (const name of processNames) {
      const w = named<Workload>(rendered[p], 'Deployment', name);
      const [c, ...more] = w.spec.template.spec.containers;
      expect(more).toEqual([]);
      if (!c) throw new Error(`${name}: no container`);
      expect(c.image.split(':')[0], name).toBe('yrd-data-exchange');
      expect(c.command, name).toBeUndefined();
      expect(c.args, name).toEqual([name]);
      // the probes ask the port the service listens on
      expect(portNamed(c, 'http'), name).toBe(Number(envOf(c, 'YRD_HTTP_PORT')?.value));
      expect(portNamed(c, 'admin'), name).toBe(Number(envOf(c, 'YRD_ADMIN_PORT')?.value));
      if (name !== 'edge') expect(portNamed(c, 'grpc'), name).toBe(Number(envOf(c, 'YRD_GRPC_PORT')?.value));
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.startupProbe?.httpGet?.path).toBe('/livez');
    }
  });

  it.each(provinces)('%s: each workload has its ServiceAccount, PodDisruptionBudget, NetworkPolicy', (p) => {
    const objs = rendered[p];
    for (const w of workloads(objs)) {
      const name = w.metadata.name;
      const sa = named<K8sObject & { automountServiceAccountToken?: boolean }>(objs, 'ServiceAccount', name);
      expect(w.spec.template.spec.serviceAccountName).toBe(name);
      expect(sa.automountServiceAccountToken, name).toBe(false);
      const pdbs = ofKind<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(
        objs,
        'PodDisruptionBudget',
      ).filter((b) => Object.entries(b.spec.selector.matchLabels).every(([k, v]) => podOf(w).labels[k] === v));
      expect(
        pdbs.map((b) => b.metadata.name),
        name,
      ).toEqual([name]);
      const own = policies(objs).filter(
        (np) => np.metadata.name === name && Object.keys(np.spec.podSelector).length > 0,
      );
      expect(own, name).toHaveLength(1);
      expect(own[0]?.spec.policyTypes?.sort(), name).toEqual(['Egress', 'Ingress']);
      expect(
        Object.entries(own[0]?.spec.podSelector.matchLabels ?? {}).every(([k, v]) => podOf(w).labels[k] === v),
        name,
      ).toBe(true);
    }
    // and the namespace refuses whatever no policy lets through
    const deny = named<NetworkPolicy>(objs, 'NetworkPolicy', 'default-deny');
    expect(deny.spec.podSelector).toEqual({});
    expect(deny.spec.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);
    expect(deny.spec.ingress ?? []).toEqual([]);
    expect(deny.spec.egress ?? []).toEqual([]);
  });

  it('the audit service runs as one process, replaced rather than doubled (one writer of the log)', () => {
    const audit = named<Workload & { spec: { strategy?: { type: string } } }>(rendered.sh, 'Deployment', 'audit');
    expect(audit.spec.replicas).toBe(1);
    expect(audit.spec.strategy?.type).toBe('Recreate');
  });
});

describe('deploy/k8s: the services are configured as their schemas ask', () => {
  const keys = {} as Record<Province, { privateJwk: JsonWebKey; publicJwk: JsonWebKey }>;
  for (const p of provinces) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    keys[p] = {
      privateJwk: { ...privateKey.export({ format: 'jwk' }), kid: `${p}-1` },
      publicJwk: { ...publicKey.export({ format: 'jwk' }), kid: `${p}-1` },
    };
  }
  const subjectKeys = generateSubjectKeyring();

  /** synthetic stand-ins for what the operator (and CloudNativePG) put in each namespace */
  const sources = (p: Province, objs: K8sObject[]) => {
    const config = Object.fromEntries(
      ofKind<K8sObject & { data: Record<string, string> }>(objs, 'ConfigMap').map((c) => [c.metadata.name, c.data]),
    );
    return {
      secret: {
        'province-key': { 'private.jwk': JSON.stringify(keys[p].privateJwk) },
        'subject-keys': { 'subject-keys.json': JSON.stringify(subjectKeys) },
        'nats-credentials': { user: `${p}-node`, password: 'synthetic-password' },
        'postgres-app': { uri: `postgresql://app:synthetic@postgres-rw.yrd-${p}:5432/app` },
      } as Record<string, Record<string, string>>,
      configMap: {
        ...config,
        'trust-list': {
          'trust-list.json': JSON.stringify(Object.fromEntries(provinces.map((q) => [q, keys[q].publicJwk]))),
        },
      } as Record<string, Record<string, string>>,
    };
  };

  /** The container's environment as the kubelet would give it, files written where it mounts them. */
  function environment(p: Province, w: Workload, c: Container): Record<string, string> {
    const src = sources(p, rendered[p]);
    const root = join(work, 'env', p, w.metadata.name);
    const env: Record<string, string> = {};
    for (const e of c.env ?? []) {
      const from = e.valueFrom;
      let value: string | undefined = e.value;
      if (from?.configMapKeyRef) {
        value = src.configMap[from.configMapKeyRef.name]?.[from.configMapKeyRef.key];
        if (value === undefined && !from.configMapKeyRef.optional) throw new Error(`${e.name}: no config value`);
      } else if (from?.secretKeyRef) {
        value = src.secret[from.secretKeyRef.name]?.[from.secretKeyRef.key];
        if (value === undefined) throw new Error(`${e.name}: no such secret key`);
      }
      if (value === undefined) continue;
      // a path into a mounted Secret or ConfigMap: the file the kubelet would put there
      const mount = c.volumeMounts?.find((m) => value?.startsWith(`${m.mountPath}/`));
      if (mount) {
        const rel = value.slice(mount.mountPath.length + 1);
        const vol = w.spec.template.spec.volumes?.find((v) => v.name === mount.name);
        const ref = vol?.secret
          ? { items: vol.secret.items, data: src.secret[vol.secret.secretName] }
          : vol?.configMap
            ? { items: vol.configMap.items, data: src.configMap[vol.configMap.name] }
            : undefined;
        const key = ref?.items ? ref.items.find((i) => i.path === rel)?.key : rel;
        const content = key === undefined ? undefined : ref?.data?.[key];
        if (content === undefined) throw new Error(`${e.name}: ${value} is not in the volume ${mount.name}`);
        value = join(root, mount.name, rel);
        mkdirSync(dirname(value), { recursive: true });
        writeFileSync(value, content);
      }
      env[e.name] = value;
    }
    return env;
  }

  it.each(provinces)('%s: each service sets only its own variables, and its schema accepts them', (p) => {
    for (const name of processNames) {
      const w = named<Workload>(rendered[p], 'Deployment', name);
      const c = w.spec.template.spec.containers[0] as Container;
      const names = (c.env ?? []).map((e) => e.name);
      const known = serviceVariables(name);
      expect(
        names.filter((n) => !known.includes(n)),
        name,
      ).toEqual([]);
      const env = environment(p, w, c);
      const config = parseServiceConfig(name as ProcessName, env);
      expect(config.YRD_PROVINCE).toBe(p);
      expect(config.NODE_ENV).toBe('production');
    }
  });

  it('a manifest that leaves out a variable the service needs is caught', () => {
    const w = named<Workload>(rendered.sh, 'Deployment', 'exchange');
    const c = structuredClone(w.spec.template.spec.containers[0] as Container);
    c.env = (c.env ?? []).filter((e) => e.name !== 'YRD_CONSENT_GRPC');
    expect(() => parseServiceConfig('exchange', environment('sh', w, c))).toThrow(/YRD_CONSENT_GRPC/);
  });
});

describe('deploy/k8s: the network policies let through exactly the calls the services make', () => {
  type Endpoint = { pod: Pod; port: number };

  /** host (a Service's name) and port → the pods behind it and their container port */
  function resolve(objs: K8sObject[], host: string, port: number): Endpoint {
    const svc = named<
      K8sObject & { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] } }
    >(objs, 'Service', host);
    const w = workloads(objs).find((x) =>
      Object.entries(svc.spec.selector).every(([k, v]) => x.spec.template.metadata.labels[k] === v),
    );
    const sp = svc.spec.ports.find((x) => x.port === port);
    if (!w || !sp) throw new Error(`${host}:${port} reaches no pod`);
    const c = w.spec.template.spec.containers[0] as Container;
    const target = typeof sp.targetPort === 'number' ? sp.targetPort : portNamed(c, sp.targetPort);
    if (target === undefined) throw new Error(`${host}:${port}: no container port ${sp.targetPort}`);
    return { pod: podOf(w), port: target };
  }

  /** every address a service's environment names: its siblings, NATS, PostgreSQL */
  function callsOf(objs: K8sObject[], w: Workload): { what: string; to: Endpoint }[] {
    const c = w.spec.template.spec.containers[0] as Container;
    const out: { what: string; to: Endpoint }[] = [];
    for (const e of c.env ?? []) {
      if (!e.value) continue;
      const url = /^(?:https?|nats):\/\/([a-z0-9-]+):(\d+)/.exec(e.value);
      const grpc = /^([a-z0-9-]+):(\d+)$/.exec(e.value);
      const m = url ?? (e.name.endsWith('_GRPC') ? grpc : null);
      if (m) out.push({ what: e.name, to: resolve(objs, m[1] as string, Number(m[2])) });
    }
    if (envOf(c, 'YRD_DATABASE_URL')) {
      out.push({ what: 'YRD_DATABASE_URL', to: { pod: { labels: { 'cnpg.io/cluster': 'postgres' } }, port: 5432 } });
    }
    return out;
  }

  it.each(provinces)('%s: each configured call is let out of the caller and into the callee', (p) => {
    const objs = rendered[p];
    const ps = policies(objs);
    const seen: string[] = [];
    for (const name of processNames) {
      const w = named<Workload>(objs, 'Deployment', name);
      for (const call of callsOf(objs, w)) {
        seen.push(`${name} ${call.what}`);
        expect(allowed(ps, podOf(w), call.to.pod, call.to.port), `${name} → ${call.what}`).toBe(true);
      }
    }
    // the calls the code makes (apps/node/src/standalone.ts), as listed in deploy/README.md
    expect(seen).toEqual(
      expect.arrayContaining([
        'edge YRD_CATALOG_URL',
        'edge YRD_CONSENT_URL',
        'edge YRD_EXCHANGE_URL',
        'edge YRD_AUDIT_URL',
        'consent YRD_CATALOG_GRPC',
        'exchange YRD_CATALOG_GRPC',
        'exchange YRD_CONSENT_GRPC',
        'audit YRD_EXCHANGE_METRICS_URL',
        ...backends.flatMap((b) => [`${b} YRD_NATS_URL`, `${b} YRD_DATABASE_URL`]),
      ]),
    );
    // the routes among the province's NATS nodes
    const nats = podOf(named<Workload>(objs, 'StatefulSet', 'nats'));
    expect(allowed(ps, nats, nats, 6222)).toBe(true);
  });

  it.each(provinces)('%s: no policy grants a call inside the namespace that nobody makes', (p) => {
    const objs = rendered[p];
    const pods = [
      ...workloads(objs).map((w) => ({ name: w.metadata.name, ...podOf(w) })),
      { name: 'postgres', labels: { 'cnpg.io/cluster': 'postgres' } },
    ];
    const nameOf = (pod: Pod) =>
      pods.find((x) => Object.entries(pod.labels).every(([k, v]) => x.labels[k] === v))?.name;
    const made = new Set([
      ...processNames.flatMap((name) =>
        callsOf(objs, named<Workload>(objs, 'Deployment', name)).map(
          (c) => `${name} → ${nameOf(c.to.pod)}:${c.to.port}`,
        ),
      ),
      // the clusters' own traffic: NATS routes, PostgreSQL replication and instance status
      'nats → nats:6222',
      'postgres → postgres:5432',
      'postgres → postgres:8000',
    ]);
    const granted = policies(objs).flatMap((np) => grants(np, pods).map((g) => `${np.metadata.name}: ${g}`));
    expect(granted.length).toBeGreaterThan(20);
    expect(granted.filter((g) => !made.has(g.slice(g.indexOf(': ') + 2)))).toEqual([]);
  });

  it.each(provinces)('%s: and nothing the services do not make', (p) => {
    const objs = rendered[p];
    const ps = policies(objs);
    const pod = (name: string) => podOf(named<Workload>(objs, 'Deployment', name));
    const postgres = { labels: { 'cnpg.io/cluster': 'postgres' } };
    const nats = podOf(named<Workload>(objs, 'StatefulSet', 'nats'));
    const refused: [Pod, Pod, number, string][] = [
      [pod('edge'), postgres, 5432, 'edge → PostgreSQL'],
      [pod('edge'), nats, 4222, 'edge → NATS'],
      [pod('edge'), pod('catalog'), 9090, 'edge → catalog gRPC'],
      [pod('catalog'), pod('consent'), 9090, 'catalog → consent gRPC'],
      [pod('catalog'), pod('exchange'), 8080, 'catalog → exchange HTTP'],
      [pod('consent'), pod('exchange'), 9090, 'consent → exchange gRPC'],
      [pod('audit'), pod('catalog'), 9090, 'audit → catalog gRPC'],
      [pod('audit'), pod('consent'), 9464, 'audit → consent admin'],
      [pod('exchange'), pod('audit'), 8080, 'exchange → audit HTTP'],
      [nats, postgres, 5432, 'NATS → PostgreSQL'],
      [pod('catalog'), nats, 6222, 'a service → NATS routes'],
      [pod('catalog'), nats, 7222, 'a service → NATS gateway'],
    ];
    for (const [from, to, port, what] of refused) expect(allowed(ps, from, to, port), what).toBe(false);
  });
});

describe('deploy/k8s: the NATS cluster is the one the federation generator describes', () => {
  interface RegionJson {
    clusters: Record<
      Province,
      {
        nodes: {
          name: string;
          host: string;
          clientPort: number;
          clusterPort: number;
          gatewayPort: number;
          httpPort: number;
          storeDir: string;
        }[];
      }
    >;
  }

  it.each(provinces)('%s: pod names, ports, store and config files match', (p) => {
    const region = JSON.parse(readFileSync(join(federation, 'region.json'), 'utf8')) as RegionJson;
    const sts = named<Workload>(rendered[p], 'StatefulSet', 'nats');
    const c = sts.spec.template.spec.containers[0] as Container;
    const headless = named<K8sObject & { spec: { clusterIP?: string } }>(
      rendered[p],
      'Service',
      sts.spec.serviceName ?? '',
    );
    expect(headless.spec.clusterIP).toBe('None');
    const nodes = region.clusters[p].nodes;
    expect(sts.spec.replicas).toBe(nodes.length);
    // the pod reads the file named by its server name: $(YRD_PROVINCE)-$(POD_NAME)
    expect(envOf(c, 'NATS_SERVER_NAME')?.value).toBe('$(YRD_PROVINCE)-$(POD_NAME)');
    expect(envOf(c, 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(envOf(c, 'YRD_PROVINCE')?.valueFrom?.configMapKeyRef?.key).toBe('YRD_PROVINCE');
    const configArg = c.args?.find((a) => a.includes('$(NATS_SERVER_NAME)')) ?? '';
    const configMount = c.volumeMounts?.find((m) => configArg.startsWith(`${m.mountPath}/`));
    const configVolume = sts.spec.template.spec.volumes?.find((v) => v.name === configMount?.name);
    expect(configVolume?.secret?.secretName).toBe('nats-config');
    const dataMount = c.volumeMounts?.find((m) => m.name === 'data');
    expect(sts.spec.volumeClaimTemplates?.map((t) => t.metadata.name)).toContain('data');
    nodes.forEach((node, i) => {
      const pod = `${sts.metadata.name}-${i}`;
      expect(node.name).toBe(`${p}-${pod}`);
      expect(node.host).toBe(`${pod}.${sts.spec.serviceName}.${sts.metadata.namespace}.svc.cluster.local`);
      expect(portNamed(c, 'client')).toBe(node.clientPort);
      expect(portNamed(c, 'cluster')).toBe(node.clusterPort);
      expect(portNamed(c, 'gateway')).toBe(node.gatewayPort);
      expect(portNamed(c, 'monitor')).toBe(node.httpPort);
      expect(node.storeDir.startsWith(`${dataMount?.mountPath}/`)).toBe(true);
      const file = configArg.replace('$(NATS_SERVER_NAME)', node.name).slice((configMount?.mountPath.length ?? 0) + 1);
      expect(existsSync(join(federation, p, file)), file).toBe(true);
    });
    // the services' account user is the one the generator made for the province
    const creds = JSON.parse(readFileSync(join(federation, p, 'credentials.json'), 'utf8')) as { user: string };
    expect(creds.user).toBe(`${p}-node`);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages = lines.filter((l) => /^FROM\s/i.test(l));
  const last = lines.slice(lines.lastIndexOf(stages.at(-1) ?? ''));

  it('is multi-stage on Node 22', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    for (const s of stages) expect(s).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('runs as a non-root user, and the argument chooses the service', () => {
    const user = last.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:\d+)?$/);
    const entry = last.find((l) => l.startsWith('ENTRYPOINT '));
    const argv = JSON.parse(entry?.slice('ENTRYPOINT '.length) ?? '[]') as string[];
    // the services' bundle, built in the image from the same sources the tests bundle
    expect(argv).toEqual(['node', 'apps/node/dist/service.js']);
    // no default service: each Deployment names its own
    expect(last.some((l) => l.startsWith('CMD '))).toBe(false);
    const build = lines.slice(lines.indexOf(stages[0] ?? ''), lines.indexOf(stages[1] ?? ''));
    expect(build.some((l) => l.startsWith('RUN ') && l.includes('npm run services:build'))).toBe(true);
    expect(last).toContain('COPY --from=build /app/apps/node/dist /app/apps/node/dist');
    // the root package has the script the build stage runs
    const root = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(root.scripts['services:build']).toBeDefined();
    // nothing runs TypeScript through a loader any more
    expect(lines.join('\n')).not.toMatch(/--import|tsx/);
  });

  it('leaves installed and built things out of the build context', () => {
    const ignore = readFileSync(`${repoRoot}.dockerignore`, 'utf8');
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
    expect(ignore).toMatch(/^\.git$/m);
    expect(ignore).toMatch(/^\.env$/m);
  });
});
