/**
 * The ladder (issue 14): what a cross-province query must cost at least, built from the project's
 * own libraries, one cost added per step:
 *
 *   raw     NATS request/reply of a query-sized request and answer, 上海's lane into 浙江
 *   proto   + the request and the answer encoded and decoded (@yrd/proto exchangeV1)
 *   audit   + two audit events acknowledged by JetStream, one on each side (@yrd/audit-events)
 *   jwt     + the user's token verified, a requester token signed and verified, every request,
 *             no cache (@yrd/auth signToken, TokenVerifier that keeps nothing)
 *   http    + HTTP ingress: the requester side behind fastify, the load generator on undici
 *   read    + one data read at the provider: the exchange's own statement on exchange.dataset_records
 *
 * The provider side always runs in the server process. Up to `jwt` the requester side runs in the
 * load generator (it is the client); from `http` on it runs in the server behind fastify, and the
 * load generator only speaks HTTP. Nothing here is cached but what a step says.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditPublisher, auditEvent, sha256Hex } from '@yrd/audit-events';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  type ProvinceKey,
  signToken,
  TokenMinter,
  TokenVerifier,
  type TrustList,
} from '@yrd/auth';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import type { Logger } from '@yrd/logger';
import { connectProvince, type NatsConnection, type NatsCredentials, startNatsServer, subjects } from '@yrd/nats';
import { exchangeV1 } from '@yrd/proto';
import { type Province, provinces } from '@yrd/region';
import { users } from '@yrd/seeds';
import Fastify from 'fastify';
import { type BenchDataset, bookingResource, bookings, loadRecords } from './dataset.js';

export const ladderSteps = ['raw', 'proto', 'audit', 'jwt', 'http', 'read', 'cached'] as const;
export type LadderStep = (typeof ladderSteps)[number];
export const ladderLabels: Record<LadderStep, string> = {
  raw: 'raw NATS request/reply',
  proto: '+ protobuf encode/decode of request and reply',
  audit: '+ two JetStream publishes acknowledged (audit on both sides)',
  jwt: '+ JWT: verify the user token, sign and verify a requester token, every request',
  http: '+ HTTP ingress (fastify; undici client)',
  read: '+ one data read',
  cached:
    '= the last, with JWT as the project caches it (TokenVerifier keeps a verified token, TokenMinter reuses a requester token)',
};
const at = (s: LadderStep) => ladderSteps.indexOf(s);
/** whether a step pays a cost: each step pays its own and those before it; `cached` pays all */
export const pays = (step: LadderStep, cost: Exclude<LadderStep, 'raw' | 'cached'>) => at(step) >= at(cost);

export const ladderPurpose = '长三角场馆客流与公共安全保障';
const items = ['booking_no', 'venue', 'person_name', 'phone', 'visit_date'];
const subjectOf = (step: LadderStep) => `${subjects.laneExport('zj', 'sh').slice(0, -1)}bench.ladder.${step}`;

/** What the load generator needs to play the requester side and send HTTP. */
export interface LadderClientConfig {
  natsUrl: string;
  credentials: NatsCredentials;
  httpUrl: string;
  shPrivateJwk: JsonWebKeyLike;
  trust: TrustList;
  keys: string[];
  /** the raw step's sizes: those of the encoded request and answer of the proto step */
  rawRequestBytes: number;
  rawReplyBytes: number;
}
type JsonWebKeyLike = Parameters<typeof loadProvinceKey>[1];

export const ladderUser = (() => {
  const u = users.find((x) => x.id === 'sh-dsj-requester');
  if (!u) throw new Error('seed user sh-dsj-requester is missing');
  return {
    sub: u.id,
    name: u.name,
    province: u.province,
    agency: u.agency,
    roles: u.roles,
    kind: u.kind ?? 'government',
  } satisfies Principal;
})();

/** The requester side: the same code in the load generator (steps ≤ jwt) and behind fastify. */
export class LadderRequester {
  private readonly verifier: TokenVerifier;
  private readonly cachingVerifier: TokenVerifier;
  private readonly minter: TokenMinter;
  private readonly audit: AuditPublisher;

  constructor(
    private readonly nc: NatsConnection,
    private readonly key: ProvinceKey,
    trust: TrustList,
    private readonly sizes: { request: Uint8Array },
  ) {
    // keeps no verified token: every request pays the signature check
    this.verifier = new TokenVerifier(trust, 'sh', { maxVerified: 0 });
    // the `cached` step: as the edge and the exchange keep them
    this.cachingVerifier = new TokenVerifier(trust, 'sh');
    this.minter = new TokenMinter(key, { ttlSeconds: 60 });
    this.audit = new AuditPublisher(nc, 'sh');
  }

  async call(step: LadderStep, userToken: string, key: string): Promise<unknown> {
    if (step === 'raw') {
      const m = await this.nc.request(subjectOf(step), this.sizes.request, { timeout: 5000 });
      return m.data.length;
    }
    let principal: Principal = ladderUser;
    let requesterToken = '';
    if (step === 'cached') {
      principal = await this.cachingVerifier.verifyUser(userToken);
      requesterToken = await this.minter.token(principal, audiences.exchange('zj'));
    } else if (pays(step, 'jwt')) {
      principal = await this.verifier.verifyUser(userToken);
      requesterToken = await signToken(this.key, principal, { audience: audiences.exchange('zj'), ttlSeconds: 60 });
    }
    const requestId = randomUUID();
    const req: exchangeV1.ExchangeRequest = {
      requestId,
      mode: 'query',
      resourceId: bookingResource,
      purpose: ladderPurpose,
      key: { booking_no: key },
      claims: {},
      grantId: 'grant-ladder',
      consentId: '',
      items,
      requesterToken,
      limit: 100,
    };
    const m = await this.nc.request(subjectOf(step), exchangeV1.ExchangeRequest.encode(req).finish(), {
      timeout: 5000,
    });
    const reply = exchangeV1.ExchangeReply.decode(m.data);
    if (reply.problem) throw new Error(`${reply.problem.code}`);
    if (pays(step, 'audit')) {
      await this.audit.publish(
        auditEvent({
          eventId: `${requestId}:sh:answered`,
          province: 'sh',
          kind: 'exchange.query.answered',
          requestId,
          resourceId: bookingResource,
          actorUser: principal.sub,
          actorAgency: principal.agency,
          requesterProvince: 'sh',
          providerProvince: 'zj',
          outcome: 'allow',
          grantId: reply.grantId,
          items: reply.items,
          payloadHash: sha256Hex(m.data),
          occurredAt: new Date(),
        }),
      );
    }
    return {
      requestId,
      resourceId: bookingResource,
      provider: 'zj',
      items: reply.items,
      masking: reply.masking,
      records: reply.records.map((r) => r.fields),
    };
  }
}

const mask = (r: Record<string, string>): Record<string, string> => ({
  ...r,
  person_name: `${(r.person_name ?? '').slice(0, 1)}**`,
  phone: `${(r.phone ?? '').slice(0, 3)}****${(r.phone ?? '').slice(-4)}`,
});

export interface LadderServer {
  client: Omit<LadderClientConfig, 'keys'>;
  keys: string[];
  natsPid: number;
  stop(): Promise<void>;
}

/**
 * The ladder's server side: its own nats-server (so its audit streams feed no audit service), the
 * provider responder, the requester side behind fastify, and a database with the bench's bookings.
 */
export async function startLadderServer(opts: {
  dir: string;
  databaseUrl?: string | undefined;
  logger: Logger;
  records?: number;
}): Promise<LadderServer> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const nats = await startNatsServer({ dir: join(opts.dir, 'ladder-nats'), port: 0 });
    cleanups.push(() => nats.stop());
    const natsPid = Number(readFileSync(nats.pidFile, 'utf8').trim());
    const connect = async (p: Province) => {
      const nc = await connectProvince({
        servers: nats.url,
        credentials: nats.credentials[p],
        name: `ladder/${p}`,
        logger: opts.logger,
      });
      cleanups.push(() => nc.drain());
      return nc;
    };
    const zjNc = await connect('zj');
    const shNc = await connect('sh');
    const zjAudit = new AuditPublisher(zjNc, 'zj');
    await zjAudit.ensure();
    await new AuditPublisher(shNc, 'sh').ensure();

    const jwks = Object.fromEntries(provinces.map((p) => [p, generateProvinceKey(p)])) as Record<
      Province,
      ReturnType<typeof generateProvinceKey>
    >;
    const trust = Object.fromEntries(provinces.map((p) => [p, jwks[p].publicJwk])) as TrustList;
    const providerVerifier = new TokenVerifier(trust, undefined, { maxVerified: 0 });
    const cachingProviderVerifier = new TokenVerifier(trust);

    const db: DatabaseHandle = await openDatabase(
      opts.databaseUrl ? { url: opts.databaseUrl, poolSize: 4 } : { dataDir: join(opts.dir, 'ladder-pgdata') },
    );
    cleanups.push(() => db.close());
    await db.db.execute(sql`create schema if not exists exchange`);
    await db.db.execute(sql`create table if not exists exchange.dataset_records (
      resource_id text not null, record_key text not null, fields jsonb not null,
      primary key (resource_id, record_key))`);
    await db.db.execute(
      sql`create index if not exists dataset_records_fields on exchange.dataset_records using gin (fields jsonb_path_ops)`,
    );
    const data: BenchDataset = bookings(opts.records ?? 10_000);
    await loadRecords(db, [data]);
    const byKey = new Map(data.records.map((r) => [r.booking_no ?? '', r]));

    // the provider: what each step adds, on its own subject
    const sub = zjNc.subscribe(`${subjects.laneExport('zj', 'sh').slice(0, -1)}bench.ladder.*`, {
      queue: 'ladder',
      callback: (_err, m) => {
        const step = m.subject.slice(m.subject.lastIndexOf('.') + 1) as LadderStep;
        if (step === 'raw') {
          m.respond(rawReply);
          return;
        }
        void (async () => {
          const req = exchangeV1.ExchangeRequest.decode(m.data);
          if (pays(step, 'jwt')) {
            await (step === 'cached' ? cachingProviderVerifier : providerVerifier).verify(
              req.requesterToken,
              audiences.exchange('zj'),
            );
          }
          const key = req.key.booking_no ?? '';
          let found: Record<string, string>[];
          if (pays(step, 'read')) {
            const rows = await db.rows<{ fields: Record<string, string> | string }>(sql`
              select fields from exchange.dataset_records
              where resource_id = ${req.resourceId} and fields @> ${JSON.stringify({ booking_no: key })}::jsonb
              order by record_key
              limit ${req.limit}`);
            found = rows.map((r) =>
              typeof r.fields === 'string' ? (JSON.parse(r.fields) as Record<string, string>) : r.fields,
            );
          } else {
            const r = byKey.get(key);
            found = r ? [r] : [];
          }
          const reply: exchangeV1.ExchangeReply = {
            requestId: req.requestId,
            records: found.map((r) => ({ fields: mask(r) })),
            results: {},
            items,
            masking: { person_name: 'name', phone: 'phone' },
            problem: undefined,
            providerProvince: 'zj',
            grantId: req.grantId,
          };
          const bytes = exchangeV1.ExchangeReply.encode(reply).finish();
          if (pays(step, 'audit')) {
            await zjAudit.publish(
              auditEvent({
                eventId: `${req.requestId}:zj:served`,
                province: 'zj',
                kind: 'exchange.query.served',
                requestId: req.requestId,
                resourceId: req.resourceId,
                actorUser: 'sh-dsj-requester',
                requesterProvince: 'sh',
                providerProvince: 'zj',
                outcome: 'allow',
                grantId: req.grantId,
                items,
                payloadHash: sha256Hex(bytes),
                occurredAt: new Date(),
              }),
            );
          }
          m.respond(bytes);
        })().catch((err: unknown) => {
          opts.logger.error({ err }, 'ladder provider failed');
          m.respond(new Uint8Array(0));
        });
      },
    });
    cleanups.push(async () => sub.unsubscribe());
    await zjNc.flush();

    // sizes of a typical request and answer, for the raw step
    const sample = data.records[0] ?? {};
    const sampleReq = exchangeV1.ExchangeRequest.encode({
      requestId: randomUUID(),
      mode: 'query',
      resourceId: bookingResource,
      purpose: ladderPurpose,
      key: { booking_no: sample.booking_no ?? '' },
      claims: {},
      grantId: 'grant-ladder',
      consentId: '',
      items,
      requesterToken: '',
      limit: 100,
    }).finish();
    const rawReply = new Uint8Array(
      exchangeV1.ExchangeReply.encode({
        requestId: randomUUID(),
        records: [{ fields: mask(sample) }],
        results: {},
        items,
        masking: { person_name: 'name', phone: 'phone' },
        problem: undefined,
        providerProvince: 'zj',
        grantId: 'grant-ladder',
      }).finish().length,
    ).fill(0x61);

    // the requester side behind HTTP, for the http and read steps
    const shKey = loadProvinceKey('sh', jwks.sh.privateJwk);
    const requester = new LadderRequester(shNc, shKey, trust, { request: new Uint8Array(sampleReq.length) });
    const app = Fastify({ logger: false });
    app.post<{ Params: { step: string }; Body: { key?: { booking_no?: string } } }>(
      '/ladder/:step',
      async (req, reply) => {
        const step = req.params.step as LadderStep;
        const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        try {
          return await requester.call(step, token, req.body.key?.booking_no ?? '');
        } catch (err) {
          opts.logger.warn({ err }, 'ladder request refused');
          return reply.code(500).send({ code: 'BENCH.LADDER_FAILED' });
        }
      },
    );
    const httpUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());

    return {
      client: {
        natsUrl: nats.url,
        credentials: nats.credentials.sh,
        httpUrl,
        shPrivateJwk: jwks.sh.privateJwk,
        trust,
        rawRequestBytes: sampleReq.length,
        rawReplyBytes: rawReply.length,
      },
      keys: data.records.map((r) => r.booking_no ?? ''),
      natsPid,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
