/**
 * Test-only: the crypto port as the service wires it (adapters/crypto.ts, on @yrd/crypto-suite),
 * so the domain's tests sign and verify real SM2 (with the GM/T 0009 default ID) and Ed25519.
 */
import { randomBytes } from 'node:crypto';
import { cryptoVerifier, generateSigner } from '../adapters/crypto.js';

export { generateSigner };
export const testVerifier = cryptoVerifier;
export const testRandomBytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
