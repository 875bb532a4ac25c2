/**
 * A retry with the same request id is answered with the reply already given: the provider neither
 * serves nor audits it twice. The same id with a different request is refused; an id still being
 * served is refused until it is done (the caller retries).
 */
export type Begun =
  | { state: 'new' }
  | { state: 'done'; reply: Uint8Array }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

export interface ReplayStore {
  begin(requester: string, requestId: string, fingerprint: string, at: Date): Promise<Begun>;
  complete(requester: string, requestId: string, reply: Uint8Array): Promise<void>;
  abandon(requester: string, requestId: string): Promise<void>;
  forgetBefore(at: Date): Promise<number>;
}
