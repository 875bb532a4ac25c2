/**
 * A retry with the same request id is answered with the reply already given: the provider neither
 * serves nor audits it twice. The same id with a different request is refused; an id still being
 * served is refused until it is done (the caller retries).
 *
 * Request ids belong to the requesting province and agency: the same id from another agency is
 * another request. A request being served holds a lease: when the process serving it died, the
 * lease runs out and a retry is served afresh, instead of being refused as in progress for good.
 */
import type { exchangeV1 } from '@yrd/proto';

export interface ReplayScope {
  /** the requesting province, as the lane it came on names it */
  province: string;
  /** the requesting agency, as its verified token names it */
  agency: string;
  requestId: string;
}

export type Begun =
  | { state: 'new' }
  | { state: 'done'; reply: exchangeV1.ExchangeReply }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

export interface ReplayStore {
  /**
   * Claims the request for the attempt `claim` until `leaseUntil` ('new'), or says why not. A claim
   * whose lease has run out is taken over.
   */
  begin(scope: ReplayScope, fingerprint: string, claim: string, at: Date, leaseUntil: Date): Promise<Begun>;
  /** Stores the reply given, if `claim` still holds the request. */
  complete(scope: ReplayScope, claim: string, reply: exchangeV1.ExchangeReply): Promise<void>;
  /** Lets the request go (it was refused or failed), if `claim` still holds it. */
  abandon(scope: ReplayScope, claim: string): Promise<void>;
  forgetBefore(at: Date): Promise<number>;
}
