export { type ProvinceNode, type ProvinceNodeConfig, startProvinceNode } from './node.js';
export { seedToResource } from './seed-mapping.js';
