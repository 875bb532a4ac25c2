// @yrd/crypto-suite — a province's crypto suite, chosen at setup: 'ed25519-sha256' (Ed25519, SHA-256)
// or 'sm2-sm3' (国密: SM2 with SM3 and the GM/T 0009 default ID, SM3). Built on node:crypto only.
// Where each choice came from:
//   suite.ts  the suites, hashes and RFC 6962 Merkle hashing (same bytes as the audit log for SHA-256);
//   sm2.ts    why SM2 is not crypto.sign('sm3') in Node, and what the platform still does;
//   keys.ts   KeyObjects and JWKs (SM2 JWK { kty: 'EC', crv: 'SM2', x, y[, d] }, which Node lacks);
//   jws.ts    compact JWS: 'EdDSA' (jose-compatible) and 'SM2SM3' (our name; none is registered).
export { cryptoErrors } from './errors.js';
export {
  type JwsHeader,
  type JwsKeyResolver,
  MAX_JWS_LENGTH,
  type SignJwsOptions,
  signJws,
  type VerifiedJws,
  verifyJws,
} from './jws.js';
export {
  type Ed25519PublicJwk,
  exportPrivateJwk,
  exportPublicJwk,
  importPrivateJwk,
  importPublicJwk,
  isSuiteId,
  type PrivateJwk,
  type PublicJwk,
  type Sm2PublicJwk,
  type SuiteId,
  suiteIds,
  suiteOfJwk,
  suiteOfKey,
} from './keys.js';
export { SM2_DEFAULT_ID, sm2Za } from './sm2.js';
export { type CryptoSuite, type JwsAlg, jwsAlgs, suite } from './suite.js';
