/**
 * `npm run services:build`: bundles the service processes' code into apps/node/dist/service.js (what
 * the image runs: `node apps/node/dist/service.js <service>`), and says where and how big.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { buildServiceBundle } from './service-bundle.js';

const started = Date.now();
try {
  const file = await buildServiceBundle();
  const kib = Math.round(statSync(file).size / 1024);
  console.log(`服务 services: built ${relative(process.cwd(), file)} (${kib} KiB) in ${Date.now() - started} ms`);
} catch (err) {
  console.error(`服务打包失败 services bundle failed: ${(err as Error).message}`);
  process.exit(1);
}
