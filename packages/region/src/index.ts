export * from './credit-code.js';
export * from './id-number.js';
export * from './provinces.js';
export * from './subject-ref.js';
