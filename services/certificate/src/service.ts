import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AuditPublisher } from '@yrd/audit-events';
import type { TrustAnchors } from '@yrd/auth';
import { addWorkingDays } from '@yrd/calendar';
import { importPublicJwk, suiteOfKey } from '@yrd/crypto-suite';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { type Province, provinces, type ServiceName } from '@yrd/region';
import { type RunningService, runService, type ServiceDeps, type ServiceModule } from '@yrd/runtime';
import { cryptoVerifier } from './adapters/crypto.js';
import { CertificateRepo } from './adapters/db.js';
import { registerCertificateGrpc } from './adapters/grpc.js';
import { certificatePublicRoutes, certificateRoutes } from './adapters/http.js';
import { KeyStore } from './adapters/keys.js';
import { certificateMetrics } from './adapters/metrics.js';
import { NatsUsePeers, serveCertificateLanes } from './adapters/nats.js';
import { CertificateApp } from './app/index.js';
import { ProvinceTrust } from './app/trust.js';
import { UseForwarder } from './app/use-forwarding.js';
import type { ProvinceKey } from './domain/key-certificate.js';
import type { Suite } from './domain/suite.js';
import { type CertificateOptions, parseCertificateOptions, type RootKey } from './options.js';

export { type CertificateOptions, certificateOptionsSchema } from './options.js';

export const certificateMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

const serviceName: ServiceName = 'certificate';

export interface CertificateModule extends ServiceModule {
  app: CertificateApp;
}

export interface RunningCertificate extends RunningService {
  app: CertificateApp;
}

/**
 * The 电子证照 service built but not listening: options checked, schema migrated, the province's
 * audit stream ensured, its root and wallet keys loaded (or made) and certified, its status list
 * pair created, the routes registered. Nothing runs in the background until start(): then it serves
 * its certificate lane (uses of its certificates other provinces send) and sends its own outbox.
 */
export async function buildCertificate(deps: ServiceDeps, options: CertificateOptions): Promise<CertificateModule> {
  const opts = parseCertificateOptions(options);
  const logger = deps.logger.child({ service: 'certificate' });
  await migrate(deps.db, 'certificate', certificateMigrations);
  const store = new CertificateRepo(deps.db, deps.province);
  const audit = new AuditPublisher(deps.nc, deps.province);
  await audit.ensure(deps.patience);
  const suite = opts.suite ?? (opts.provinceRoot ? suiteOfKey(opts.provinceRoot.privateKey) : 'ed25519-sha256');
  const keys = new KeyStore(deps.province, suite, opts.keyDir, opts.provinceRoot);
  const trust = new ProvinceTrust(store, keys, deps.province, opts, deps.clock);
  await trust.init();
  // the forwarder needs the context it is part of: the context wakes it through this late binding
  let forwarder: UseForwarder | undefined;
  const app = new CertificateApp({
    province: deps.province,
    store,
    trust,
    subjectRefs: deps.subjectRefs,
    clock: deps.clock,
    audit,
    logger,
    workingDays: { addWorkingDays: (date, n) => addWorkingDays(date, n) },
    disputeDays: opts.disputeDays,
    statusListMaxAge: opts.statusListMaxAgeSeconds,
    verifier: cryptoVerifier,
    randomBytes: (n: number): Uint8Array => new Uint8Array(randomBytes(n)),
    forwarding: { wake: () => forwarder?.wake() },
  });
  const { timeoutMs, ...policy } = opts.useForwarding;
  forwarder = new UseForwarder(app.ctx, new NatsUsePeers(deps.nc, deps.province, timeoutMs), policy);
  let lanes: { unsubscribe(): void } | undefined;
  certificateMetrics(deps.metrics, { db: deps.db });
  const http = await buildHttpApp({
    service: 'certificate',
    logger,
    verifier: deps.verifier,
    publicRoutes: [...certificatePublicRoutes],
    openapi: {
      title: 'YRD 电子证照 Certificate API',
      description: '发证目录、制发与状态、亮证、核验、用证清单与授权、异议核查',
    },
  });
  certificateRoutes(http, app);
  return {
    name: serviceName,
    http,
    grpcServiceNames: ['yrd.certificate.v1.CertificateService'],
    registerGrpc: (s) => registerCertificateGrpc(s, app),
    start: async () => {
      if (opts.seed) {
        const seeded = await app.seed(opts.seed);
        logger.info(seeded, 'certificate seed applied');
      }
      lanes ??= serveCertificateLanes(deps.nc, deps.province, app.receipt, logger);
      forwarder?.start();
    },
    stop: async () => {
      lanes?.unsubscribe();
      lanes = undefined;
      await forwarder?.stop();
    },
    app,
  };
}

/**
 * A province's certificate root key as the other provinces put it in their `trust` option: read from
 * (or made once in) the province's key directory, so a node can configure every province's trust
 * before any of them started.
 */
export function certificateRootKey(province: Province, suite: Suite, keyDir: string): ProvinceKey {
  const root = new KeyStore(province, suite, keyDir).root();
  return { province, kid: root.kid, suite: root.suite, publicKey: root.publicKey };
}

/**
 * The other provinces' certificate roots as the regional trust list gives them — every key a province
 * has had, each by its kid — for a node whose certificate service uses its province key as its root
 * (`provinceRoot`): one trust list for tokens, audit heads and certificates.
 */
export function trustFromAnchors(anchors: TrustAnchors, self: Province): RootKey[] {
  const out: RootKey[] = [];
  for (const p of provinces) {
    if (p === self) continue;
    for (const k of anchors.provinces[p].keys) {
      const key = importPublicJwk(k.jwk);
      out.push({
        province: p,
        kid: k.kid,
        suite: suiteOfKey(key),
        publicKey: key.export({ format: 'der', type: 'spki' }).toString('base64url'),
      });
    }
  }
  return out;
}

/** The certificate service, listening (HTTP + gRPC). */
export async function startCertificate(deps: ServiceDeps, options: CertificateOptions): Promise<RunningCertificate> {
  const { app, ...module } = await buildCertificate(deps, options);
  const running = await runService({
    ...module,
    deps: { ...deps, logger: deps.logger.child({ service: 'certificate' }) },
  });
  return { ...running, app };
}
