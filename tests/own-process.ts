/**
 * Test files that install the process's OpenTelemetry SDK with an exporter of their own
 * (`initTelemetry`). The first install in a process stays for the process's life, while the int
 * and e2e files share their worker's process and modules (vitest.config.ts): each of these runs in
 * a process of its own. `src/own-process.unit.test.ts` finds any other test file that installs it.
 */
export const ownProcessFiles = {
  int: [
    'packages/telemetry/src/otlp-export.int.test.ts',
    'packages/telemetry/src/undici.int.test.ts',
    'services/audit/src/ingest-trace.int.test.ts',
    'services/exchange/src/http-connector.int.test.ts',
    'services/exchange/src/subscribe.int.test.ts',
  ],
  e2e: ['tests/src/journey.e2e.test.ts'],
};
