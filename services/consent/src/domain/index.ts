export * from './codes.js';
export * from './decide.js';
export * from './masking.js';
export * from './types.js';
