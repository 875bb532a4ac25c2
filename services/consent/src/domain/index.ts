export * from '@yrd/calendar';
export * from './codes.js';
export * from './decide.js';
export * from './masking.js';
export * from './rules.js';
export * from './types.js';
export * from './workflow.js';
