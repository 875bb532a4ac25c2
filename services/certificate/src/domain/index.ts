/**
 * The pure 电子证照 domain: 发证目录, identifiers, signed certificates with selective disclosure,
 * the certification chain, status lists, the life cycle, presentations (亮证), offline verification
 * (核验) and disputes (异议核查). No I/O and no clock: keys, time and randomness come in as ports.
 */
export * from './catalogue.js';
export * from './certificate.js';
export * from './disclosure.js';
export * from './dispute.js';
export * from './encoding.js';
export * from './errors.js';
export * from './identifier.js';
export * from './key-certificate.js';
export * from './lifecycle.js';
export * from './presentation.js';
export * from './signed.js';
export * from './status-list.js';
export * from './suite.js';
export * from './update.js';
export * from './use-forward.js';
export * from './verify.js';
export * from './wallet.js';
