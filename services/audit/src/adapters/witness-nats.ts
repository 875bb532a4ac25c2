/**
 * Witnessing over NATS. A province publishes each signed head on `sth.P` (exported to every other
 * province); every other province's witness hears it, asks P for the consistency proof over the
 * audit lane (`xchg.P.from.W.audit.consistency`) and hands its co-signature back the same way
 * (`…audit.cosign`). Heads and proofs are hashes only, so no token is needed on these lanes.
 */
import { invalid } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { isProvince, type Province, provinces } from '@yrd/region';
import type { AuditLog, TracePage } from '../app/audit-log.js';
import type { CosignatureBook } from '../app/cosignatures.js';
import { type CounterpartPeers, CounterpartTrace, type Witness, type WitnessPeers } from '../app/witness.js';
import type { Cosignature, SignedTreeHead } from '../domain/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (v: unknown) => encoder.encode(JSON.stringify(v));
const parse = <T>(data: Uint8Array) => JSON.parse(decoder.decode(data)) as T;
const laneOpts = { timeoutMs: 3000, unavailableCode: 'AUDIT.PEER_UNAVAILABLE' };

export class NatsWitnessPeers implements WitnessPeers, CounterpartPeers {
  constructor(
    private readonly nc: NatsConnection,
    private readonly me: Province,
  ) {}

  async consistency(province: Province, from: number, to: number): Promise<Buffer[]> {
    const data = await request(
      this.nc,
      subjects.lane(province, this.me, 'audit', 'consistency'),
      json({ from, to }),
      laneOpts,
    );
    return parse<{ proof: string[] }>(data).proof.map((h) => Buffer.from(h, 'hex'));
  }

  async trace(province: Province, requestId: string): Promise<TracePage> {
    const data = await request(
      this.nc,
      subjects.lane(province, this.me, 'audit', 'trace'),
      json({ requestId }),
      laneOpts,
    );
    return parse<TracePage>(data);
  }

  async deliverCosignature(province: Province, c: Cosignature): Promise<void> {
    await request(this.nc, subjects.lane(province, this.me, 'audit', 'cosign'), json(c), laneOpts);
  }
}

/** Publishes this province's heads, answers the witnesses' lanes, and witnesses the others' heads. */
export class WitnessLink {
  private readonly subs: { unsubscribe(): void }[] = [];
  private republish: NodeJS.Timeout | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly me: Province,
    private readonly log: AuditLog,
    private readonly book: CosignatureBook,
    private readonly witness: Witness,
    private readonly logger: Logger,
    /** how often a head some province has not co-signed yet is published again */
    private readonly republishMs = 5000,
  ) {}

  publish(head: SignedTreeHead) {
    try {
      this.nc.publish(subjects.treeHeads(this.me), json(head));
    } catch (err) {
      this.logger.warn({ size: head.size, err: (err as Error).message }, 'tree head not published');
    }
  }

  async start() {
    this.subs.push(
      serve(this.nc, subjects.lanes(this.me, 'audit'), { queue: 'audit', logger: this.logger }, async (m) => {
        const from = laneRequester(m.subject);
        if (!isProvince(from)) throw invalid('AUDIT.BAD_LANE', `not a lane: ${m.subject}`);
        switch (m.subject.split('.').at(-1)) {
          case 'consistency': {
            const q = parse<{ from: number; to: number }>(m.data);
            return json(await this.log.consistency(Number(q.from), Number(q.to)));
          }
          case 'trace': {
            const q = parse<{ requestId: string }>(m.data);
            if (typeof q.requestId !== 'string' || q.requestId === '' || q.requestId.length > 200)
              throw invalid('AUDIT.BAD_REQUEST_ID', 'a request id is required');
            const page = await this.log.trace({ requestId: q.requestId, limit: 500 });
            return json(CounterpartTrace.forAsker(page, from));
          }
          case 'cosign':
            await this.book.accept(from, parse<Cosignature>(m.data));
            return json({ ok: true });
          default:
            throw invalid('AUDIT.UNKNOWN_OP', `unknown audit lane operation in ${m.subject}`);
        }
      }),
    );
    for (const p of provinces) {
      if (p === this.me) continue;
      this.subs.push(
        this.nc.subscribe(subjects.treeHeads(p), {
          callback: (err, m) => {
            if (err) return;
            let head: SignedTreeHead;
            try {
              head = parse<SignedTreeHead>(m.data);
            } catch {
              this.logger.warn({ province: p }, 'unreadable tree head ignored');
              return;
            }
            this.witness
              .observe(p, head)
              .catch((e: unknown) => this.logger.error({ err: e, province: p }, 'witnessing a head failed'));
          },
        }),
      );
    }
    await this.nc.flush();
    // a head signed before the others listened is published again, so they can start witnessing
    const latest = await this.log.latestHead().catch(() => undefined);
    if (latest) this.publish(latest);
    // A quiet log signs no new head, so a head published before the other provinces were up (or while
    // a link was down) would never be co-signed, and an export of it never passes the quorum. Until
    // every other province has co-signed the latest head it is published again, every few seconds.
    this.republish = setInterval(() => {
      void this.publishIfUnwitnessed();
    }, this.republishMs);
    this.republish.unref();
  }

  private async publishIfUnwitnessed(): Promise<void> {
    try {
      const head = await this.log.latestHead();
      const cosigned = new Set((await this.book.of(head)).map((c) => c.witness));
      if (provinces.some((p) => p !== this.me && !cosigned.has(p))) this.publish(head);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'latest head not republished');
    }
  }

  stop() {
    if (this.republish) clearInterval(this.republish);
    for (const s of this.subs) s.unsubscribe();
  }
}
