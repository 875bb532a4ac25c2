export * from './export.js';
export * from './export-check.js';
export * from './merkle.js';
export * from './note.js';
export * from './record.js';
export * from './tree-head.js';
export * from './verify.js';
export * from './witness.js';
