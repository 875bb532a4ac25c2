import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { watchBroker } from './health.js';
import { settleRequestsWithoutCancelError } from './request-settle.js';
import type { NatsCredentials } from './server-config.js';

export interface ProvinceConnectionOptions {
  servers: string;
  credentials: NatsCredentials;
  /** shows in the server's connection list, e.g. "sh/exchange" */
  name: string;
  logger: Logger;
  /**
   * How long the first connection may keep being tried (default 0: once). A broker that is still
   * starting, or too busy to take the login in time ("Authentication Timeout"), is tried again, with
   * a growing pause, until then; credentials the broker refuses are not.
   */
  firstConnectWithinMs?: number;
  /** aborted (the process is told to stop): the tries end now, with NATS.CONNECT_FAILED */
  signal?: AbortSignal | undefined;
}

/** Connects with the province's account credentials; reconnects forever once connected. */
export async function connectProvince(opts: ProvinceConnectionOptions): Promise<NatsConnection> {
  // every connection of the process answers its requests without an Error built for nothing
  settleRequestsWithoutCancelError();
  const deadline = Date.now() + (opts.firstConnectWithinMs ?? 0);
  let nc: NatsConnection | undefined;
  for (let attempt = 1, pause = 250; nc === undefined; attempt += 1, pause = Math.min(pause * 2, 4_000)) {
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
      const message = err instanceof Error ? err.message : String(err);
      const failed = (what: string) =>
        unavailable(
          'NATS.CONNECT_FAILED',
          `${what} at ${opts.servers} (${attempt} ${attempt === 1 ? 'try' : 'tries'}): ${message}`,
          { cause: err },
        );
      const left = deadline - Date.now();
      if (refusedLogin(message) || left <= 0 || opts.signal?.aborted) {
        throw failed('无法连接 NATS cannot connect to NATS');
      }
      // the last try falls at the end of the window, not a pause before it
      const wait = Math.min(pause, left);
      opts.logger.warn({ attempt, retryInMs: wait, reason: message }, 'nats: first connection failed, trying again');
      const stopped = await sleep(wait, false, { signal: opts.signal }).catch(() => true);
      if (stopped) throw failed('停止中，不再连接 NATS stopped while trying to connect to NATS');
    }
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

/** The broker refused the credentials: trying again cannot help (unlike a login that timed out). */
function refusedLogin(message: string): boolean {
  return /authorization violation|account authentication expired/i.test(message);
}

export type { NatsConnection };
