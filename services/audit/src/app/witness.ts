/**
 * The witness of a province: it hears the other provinces' signed tree heads, judges each against
 * the largest head of that province it verified before (asking the province for the consistency
 * proof), co-signs what holds and hands the co-signature back, and raises an alarm — kept, logged,
 * and shown by the auditor API — when a province's log no longer extends what it saw.
 */
import type { ProvinceKey } from '@yrd/auth';
import { asAppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { isProvince, type Province } from '@yrd/region';
import {
  type Cosignature,
  cosign,
  type Judgement,
  judgeHead,
  proofNeeded,
  type SignedTreeHead,
} from '../domain/index.js';
import type { Keyring } from '../domain/keyring.js';
import type { TracePage } from './audit-log.js';
import type { WitnessStore } from './ports.js';

/** The other provinces' audit services, over the audit lanes. */
export interface WitnessPeers {
  consistency(province: Province, from: number, to: number): Promise<Buffer[]>;
  deliverCosignature(province: Province, c: Cosignature): Promise<void>;
}

export class Witness {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly me: Province,
    private readonly keys: Keyring,
    private readonly key: ProvinceKey,
    private readonly store: WitnessStore,
    private readonly peers: WitnessPeers,
    private readonly logger: Logger,
    private readonly clock: () => Date,
  ) {}

  /** Judges one head of another province (one at a time per province, in arrival order). */
  observe(province: Province, head: SignedTreeHead): Promise<Judgement | undefined> {
    const prior = this.chains.get(province) ?? Promise.resolve();
    const run = prior.then(() => this.judge(province, head));
    this.chains.set(
      province,
      run.catch(() => undefined),
    );
    return run;
  }

  status() {
    return Promise.all([this.store.allWitnessed(), this.store.alarms()]).then(([witnessed, alarms]) => ({
      witness: this.me,
      witnessed,
      alarms,
    }));
  }

  private async judge(province: Province, head: SignedTreeHead): Promise<Judgement | undefined> {
    // a head speaks for the province whose subject it came on, and no other
    if (head.province !== province || province === this.me) return undefined;
    // the key the head names, valid at its time; none is an alarm (judgeHead), not a silence
    const publicKey = this.keys.forHead(head);
    const prev = await this.store.witnessed(province);
    const need = proofNeeded(prev, head);
    let proof: Buffer[] = [];
    if (need) {
      try {
        proof = await this.peers.consistency(province, need.from, need.to);
      } catch (err) {
        const e = asAppError(err);
        // out of reach: judge the next head instead; a refusal to prove is itself a finding
        if (e.kind === 'unavailable' || e.kind === 'internal') {
          this.logger.warn({ province, size: head.size, code: e.code }, 'consistency proof not obtained; later');
          return undefined;
        }
        proof = [];
      }
    }
    const judgement = judgeHead(prev, head, publicKey, proof);
    const at = this.clock().toISOString();
    if (!judgement.ok) {
      this.logger.error(
        { province, size: head.size, code: judgement.code },
        'witness alarm: a province log does not hold',
      );
      await this.store.raise({ province, code: judgement.code, message: judgement.message, head, raisedAt: at });
      return judgement;
    }
    if (!prev || judgement.keep.size !== prev.size || judgement.keep.rootHash !== prev.rootHash)
      await this.store.keep(judgement.keep, at);
    if (judgement.cosign) {
      const c = cosign(this.me, head, this.key.privateKey, this.key.kid, this.clock());
      await this.peers.deliverCosignature(province, c).catch((err: unknown) => {
        this.logger.warn({ province, size: head.size, err: (err as Error).message }, 'co-signature not delivered');
      });
    }
    return judgement;
  }
}

/** The other province's side of an exchange, as its audit service answers over the audit lane. */
export interface CounterpartPeers {
  trace(province: Province, requestId: string): Promise<TracePage>;
}

/**
 * Both sides of an exchange for an auditor: this province's records of a request and, for each other
 * province those records name as requester or provider, that province's records of the same request
 * with proofs against its own signed head (which this province's witness can vouch for). A province
 * answers only for exchanges the asking province took part in.
 */
export class CounterpartTrace {
  constructor(
    private readonly me: Province,
    private readonly peers: CounterpartPeers,
  ) {}

  async of(
    own: readonly { requesterProvince: string; providerProvince: string }[],
    requestId: string,
  ): Promise<Record<string, TracePage | { error: string }>> {
    const others = new Set<Province>();
    for (const r of own) {
      for (const p of [r.requesterProvince, r.providerProvince]) if (isProvince(p) && p !== this.me) others.add(p);
    }
    const out: Record<string, TracePage | { error: string }> = {};
    await Promise.all(
      [...others].map(async (p) => {
        try {
          out[p] = await this.peers.trace(p, requestId);
        } catch (err) {
          out[p] = { error: asAppError(err).code };
        }
      }),
    );
    return out;
  }

  /** At the answering province: its records of the request, only those the asking province took part in. */
  static forAsker(page: TracePage, asker: Province): TracePage {
    return {
      ...page,
      records: page.records.filter((r) => r.requesterProvince === asker || r.providerProvince === asker),
    };
  }
}
