export { type ProvinceNode, type ProvinceNodeConfig, startProvinceNode } from './node.js';
export { generateRegionSecrets, type Region, type RegionOptions, type RegionSecrets, startRegion } from './region.js';
export { seedToResource } from './seed-mapping.js';
