/**
 * Pure helpers with no I/O and no dependencies, for any layer (a service's `domain/` included):
 * canonical JSON, RFC 8785.
 */
export { CanonicalJsonError, canonicalJson } from './canonical-json.js';
