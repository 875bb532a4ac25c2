import { connect, type NatsConnection } from '@nats-io/transport-node';
import { unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { watchBroker } from './health.js';
import type { NatsCredentials } from './server-config.js';

export interface ProvinceConnectionOptions {
  servers: string;
  credentials: NatsCredentials;
  /** shows in the server's connection list, e.g. "sh/exchange" */
  name: string;
  logger: Logger;
}

/** Connects with the province's account credentials; reconnects forever once connected. */
export async function connectProvince(opts: ProvinceConnectionOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: opts.servers,
      user: opts.credentials.user,
      pass: opts.credentials.pass,
      name: opts.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // without it every request builds two Errors up front (their stacks kept for a timeout that
      // rarely comes): ~3 % of an exchange's CPU; a timeout still says which subject timed out
      noAsyncTraces: true,
    });
  } catch (err) {
    throw unavailable('NATS.CONNECT_FAILED', `cannot connect to NATS at ${opts.servers}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // from the first moment, so a disconnect is never missed (see health.ts)
  watchBroker(nc);
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
        opts.logger.warn({ status: s.type }, 'nats connection status');
      }
    }
  })();
  return nc;
}

export type { NatsConnection };
