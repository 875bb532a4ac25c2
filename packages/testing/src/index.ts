export * from './audit.js';
export * from './builders.js';
export * from './plan.js';
export * from './testbed.js';
