/**
 * Canonical JSON of a message lives in @yrd/canonical (RFC 8785, strict; an unset optional field is
 * left out). Re-exported here so that `@yrd/proto` and `@yrd/proto/messages` keep offering it.
 */
export { CanonicalJsonError, canonicalJson } from '@yrd/canonical';
