/**
 * Whether a connection to the broker is up, as its client last learnt it. While the broker is
 * known down nothing sent on NATS can be acknowledged, so callers refuse at once instead of waiting
 * out their timeouts (a request, a JetStream publish), and health checks report the node degraded.
 *
 * The state follows the client's status events. `connectProvince` watches each connection from the
 * moment it is made; a connection made elsewhere is watched from its first query (until then it
 * counts as up unless it is closed).
 */
import type { NatsConnection } from '@nats-io/transport-node';

export type BrokerState = 'connected' | 'disconnected' | 'closed';

class ConnectionWatch {
  state: BrokerState = 'connected';
  /**
   * What to call when the connection goes down: one per request and publish in flight. A set, not
   * an AbortSignal's listeners: adding and removing one is O(1), where EventTarget searches its
   * list on each removal (with every request in flight listening, that was a cost of every request).
   */
  readonly inFlight = new Set<() => void>();
  readonly listeners = new Set<(state: BrokerState) => void>();

  constructor(nc: NatsConnection) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'staleConnection') this.set('disconnected');
        else if (s.type === 'reconnect') this.set('connected');
        else if (s.type === 'close') this.set('closed');
      }
    })();
    void nc.closed().then(() => this.set('closed'));
  }

  private set(next: BrokerState) {
    if (this.state === 'closed' || next === this.state) return;
    this.state = next;
    if (next !== 'connected') {
      const down = [...this.inFlight];
      this.inFlight.clear();
      for (const d of down) d();
    }
    for (const l of this.listeners) l(next);
  }
}

const watches = new WeakMap<NatsConnection, ConnectionWatch>();

/** Starts following a connection's state (idempotent); `connectProvince` calls it on connect. */
export function watchBroker(nc: NatsConnection): void {
  if (!watches.has(nc)) watches.set(nc, new ConnectionWatch(nc));
}

export function brokerState(nc: NatsConnection): BrokerState {
  watchBroker(nc);
  if (nc.isClosed()) return 'closed';
  return watches.get(nc)?.state ?? 'connected';
}

export const isBrokerUp = (nc: NatsConnection): boolean => brokerState(nc) === 'connected';

/** Calls `listener` with each change of the connection's state; returns the unsubscribe. */
export function onBrokerChange(nc: NatsConnection, listener: (state: BrokerState) => void): () => void {
  watchBroker(nc);
  const watch = watches.get(nc);
  watch?.listeners.add(listener);
  return () => void watch?.listeners.delete(listener);
}

/**
 * Runs `work` and settles like it, unless the broker goes down first (then this rejects at once
 * with `onDown()`; what `work` does later is ignored, it still settles on its own timeout). While the
 * broker is known down, `work` is not started at all.
 */
export function unlessBrokerDown<T>(nc: NatsConnection, work: () => Promise<T>, onDown: () => Error): Promise<T> {
  watchBroker(nc);
  const watch = watches.get(nc);
  if (!watch || nc.isClosed() || watch.state !== 'connected') return Promise.reject(onDown());
  return new Promise<T>((resolve, reject) => {
    const down = () => reject(onDown());
    watch.inFlight.add(down);
    Promise.resolve()
      .then(work)
      .then(resolve, reject)
      .finally(() => watch.inFlight.delete(down));
  });
}
