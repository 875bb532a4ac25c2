/**
 * One service of a province node as its own process — how a province runs its node on several hosts
 * or in Kubernetes (one image, the service chosen by its command):
 *   node apps/node/dist/service.js <catalog|consent|exchange|audit|certificate|edge>
 * (this file bundled by `npm run services:build`, service-bundle.ts; `node --import tsx` runs it as
 * source), configured by environment variables (service-config.ts; the README lists them per service). The
 * all-in-one node (main.ts) stays for the demo.
 *
 * Exit status: 0 stopped on SIGTERM or SIGINT; 64 no such service; 78 configuration refused (each
 * variable at fault named on stderr); 1 failed to start, or to stop within YRD_STOP_TIMEOUT_MS.
 */

import type { ProcessName, ServiceConfig } from './service-config.js';
import type { StandaloneProcess } from './standalone.js';

// Loading the modules takes seconds on a busy machine, and nothing is open yet: a signal then ends
// the process at once, with status 0 like any stop (hence the imports below are loaded here, after it).
const stopWhileLoading = () => process.exit(0);
process.once('SIGINT', stopWhileLoading);
process.once('SIGTERM', stopWhileLoading);

const { ConfigError, envSecrets } = await import('@yrd/config');
const { isProcessName, parseServiceConfig, processNames } = await import('./service-config.js');

const exitUsage = 64;
const exitConfig = 78;

const name = process.argv[2];
if (!isProcessName(name)) {
  process.stderr.write(
    `用法 usage: service.ts <${processNames.join('|')}>\n` +
      `没有该服务 no such service: ${JSON.stringify(name ?? '')}\n`,
  );
  process.exit(exitUsage);
}

let config: ServiceConfig<ProcessName>;
try {
  config = parseServiceConfig(name, process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(exitConfig);
}

const [{ createLogger }, { initTelemetry }, { startStandalone }] = await Promise.all([
  import('@yrd/logger'),
  import('@yrd/telemetry'),
  import('./standalone.js'),
]);

const label = `yrd-${name}-${config.YRD_PROVINCE}`;
const logger = createLogger({ name: label, level: config.YRD_LOG_LEVEL });
const telemetry = initTelemetry({
  serviceName: label,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  otlpMetricsEndpoint: config.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
});

// a stop signal during start-up: a start still waiting for its broker gives up at once
const starting = new AbortController();
const started: Promise<StandaloneProcess> = startStandalone(name, config, {
  logger,
  signal: starting.signal,
  // a data source's secretRef (env:NAME) is looked up in this process's environment, when used
  secrets: envSecrets(process.env),
});

// Stopping: for YRD_STOP_GRACE_MS the process goes on serving while whatever routes to it (a
// Kubernetes Service, a load balancer) stops sending it new requests; then it stops taking requests,
// answers those it has taken, and closes NATS and the database within YRD_STOP_TIMEOUT_MS. A signal
// during start-up ends a wait for the broker at once (nothing is open then but the database, which
// the start closes); a start past it finishes, and then what started is stopped.
const { YRD_STOP_GRACE_MS: graceMs, YRD_STOP_TIMEOUT_MS: stopTimeoutMs } = config;
let stopping = false;
async function stop(signal: NodeJS.Signals) {
  logger.info({ signal, graceMs }, 'stopping: serving through the grace period, then intake, in-flight, NATS, storage');
  starting.abort();
  const p = await started.catch(() => undefined);
  if (!p) {
    // given up, or failed: the start closed what it had opened
    await telemetry.shutdown();
    logger.info(`${name} stopped before it was ready`);
    process.exit(0);
  }
  // readiness turns 503 at once, so what routes here learns it should stop sending during the grace
  await p.drain();
  if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
  const deadline = setTimeout(() => {
    logger.error({ stopTimeoutMs }, `停止超时 did not stop within ${stopTimeoutMs} ms`);
    process.exit(1);
  }, stopTimeoutMs);
  let code = 0;
  try {
    await p.stop();
  } catch (err) {
    logger.error({ err }, '停止失败 stop failed');
    code = 1;
  }
  await telemetry.shutdown();
  clearTimeout(deadline);
  logger.info(`${name} stopped`);
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.off(signal, stopWhileLoading);
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stop(signal);
  });
}

try {
  const p = await started;
  logger.info({ url: p.url, grpcPort: p.grpcPort, adminUrl: p.adminUrl }, `${name} ready`);
} catch (err) {
  // told to stop while starting, the start gave up: stop() ends the process, with status 0
  if (!stopping) {
    logger.fatal({ err }, `${name} 未能启动 did not start`);
    await telemetry.shutdown();
    process.exit(1);
  }
}
