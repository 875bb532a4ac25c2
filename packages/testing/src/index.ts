export * from './audit.js';
export * from './builders.js';
export * from './testbed.js';
