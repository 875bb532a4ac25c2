export * from './builders.js';
export * from './testbed.js';
