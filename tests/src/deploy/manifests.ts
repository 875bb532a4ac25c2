/**
 * What deploy/k8s renders to, read for the tests: each province's overlay rendered by kustomize
 * (`kubectl kustomize`, the one on PATH — kubectl ≥ 1.14 embeds it), parsed into objects; and the
 * few questions the rules ask of them (which pods a NetworkPolicy selects, whether it lets a port in
 * from a pod or out to one).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const k8sDir = `${repoRoot}deploy/k8s`;

/** A Kubernetes object as rendered: only the parts the tests read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** `kubectl kustomize <dir>`: stderr (a deprecation warning of a newer kustomize) is not the output. */
export function render(dir: string): K8sObject[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        '未找到 kubectl kubectl not found: the deploy tests render deploy/k8s with `kubectl kustomize` (Debian: apt-get install kubernetes-client)',
      );
    }
    throw new Error(`kustomize 渲染失败 rendering ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`YAML: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

// --- the parts of a pod and a policy the rules read ---------------------------------------------

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  configMap?: { name: string; items?: { key: string; path: string }[] };
  emptyDir?: object;
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

export interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    serviceName?: string;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

interface Rule {
  ports?: { port: number | string; protocol?: string }[];
  from?: Peer[];
  to?: Peer[];
}

export interface NetworkPolicy extends K8sObject {
  spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

export function isWorkload(o: K8sObject): o is Workload {
  return o.apiVersion === 'apps/v1' && (o.kind === 'Deployment' || o.kind === 'StatefulSet');
}

export function isNetworkPolicy(o: K8sObject): o is NetworkPolicy {
  return o.apiVersion === 'networking.k8s.io/v1' && o.kind === 'NetworkPolicy';
}

/** Does the selector pick these labels? (matchLabels, and matchExpressions In / NotIn / Exists) */
export function selects(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key] ?? '';
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A pod of this namespace, by its labels. */
export interface Pod {
  labels: Record<string, string>;
}

/**
 * Does a rule's peer list admit a pod of the same namespace? A peer with only a podSelector means
 * this namespace; one with a namespaceSelector means other namespaces (ours has no such label here).
 */
function peerAdmits(peers: Peer[] | undefined, pod: Pod): boolean {
  if (peers === undefined) return true;
  return peers.some((p) => p.namespaceSelector === undefined && p.podSelector && selects(p.podSelector, pod.labels));
}

function portAdmits(rule: Rule, port: number): boolean {
  return rule.ports === undefined || rule.ports.some((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
}

/** Is TCP `port` of `to` reachable from `from`, both pods of one namespace, under these policies? */
export function allowed(policies: NetworkPolicy[], from: Pod, to: Pod, port: number): boolean {
  const types = (p: NetworkPolicy) => p.spec.policyTypes ?? ['Ingress'];
  const egressOf = policies.filter((p) => types(p).includes('Egress') && selects(p.spec.podSelector, from.labels));
  const ingressOf = policies.filter((p) => types(p).includes('Ingress') && selects(p.spec.podSelector, to.labels));
  const out =
    egressOf.length === 0 ||
    egressOf.some((p) => (p.spec.egress ?? []).some((r) => portAdmits(r, port) && peerAdmits(r.to, to)));
  const inn =
    ingressOf.length === 0 ||
    ingressOf.some((p) => (p.spec.ingress ?? []).some((r) => portAdmits(r, port) && peerAdmits(r.from, from)));
  return out && inn;
}

/**
 * Each pod-to-pod permission a policy grants inside its namespace, as `from → to:port` between the
 * named pods given (peers that name other namespaces or addresses are not among them).
 */
export function grants(policy: NetworkPolicy, pods: (Pod & { name: string })[]): string[] {
  const selected = pods.filter((p) => selects(policy.spec.podSelector, p.labels));
  const out: string[] = [];
  const each = (rules: Rule[] | undefined, peersOf: (r: Rule) => Peer[] | undefined, ingress: boolean) => {
    for (const r of rules ?? []) {
      const peers = (peersOf(r) ?? []).filter((x) => x.namespaceSelector === undefined && x.podSelector);
      for (const peer of peers) {
        for (const other of pods.filter((p) => selects(peer.podSelector as LabelSelector, p.labels))) {
          for (const own of selected) {
            for (const port of r.ports ?? [{ port: '*' }]) {
              out.push(
                ingress ? `${other.name} → ${own.name}:${port.port}` : `${own.name} → ${other.name}:${port.port}`,
              );
            }
          }
        }
      }
    }
  };
  each(policy.spec.ingress, (r) => r.from, true);
  each(policy.spec.egress, (r) => r.to, false);
  return out;
}
