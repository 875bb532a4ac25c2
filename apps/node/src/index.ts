export {
  buildConsole,
  ConsoleBuildError,
  consoleBuildState,
  consoleDist,
  ensureConsoleBuilt,
} from './console-build.js';
export { type ProvinceNode, type ProvinceNodeConfig, startProvinceNode } from './node.js';
export {
  type Exit,
  type ProvinceProcesses,
  type ProvinceProcessesOptions,
  type ServiceProcess,
  startProvinceProcesses,
} from './province-processes.js';
export {
  generateRegionKeys,
  generateRegionSecrets,
  type Region,
  type RegionKeySource,
  type RegionKeys,
  type RegionOptions,
  type RegionSecrets,
  startRegion,
} from './region.js';
export { seedToResource } from './seed-mapping.js';
