// Canonical encoding of audit records for hashing. Pure functions, no I/O.
import { createHash } from 'node:crypto';
import { CanonicalJsonError, canonicalJson } from '@yrd/canonical';
import { SHA256_TREE, type TreeHasher } from './merkle.js';

/**
 * Canonical JSON (RFC 8785) is @yrd/canonical's, the one encoder the platform signs and hashes
 * with; tree heads and payload hashes use it. Re-exported for the rest of the audit service.
 */
export { CanonicalJsonError, canonicalJson };

// Characters JSON.stringify escapes: '"', '\\', controls, and (well-formed JSON.stringify) lone surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * A record field as JSON.stringify quotes it, for the record encoding below. Unlike canonicalJson it
 * escapes a lone surrogate (`\ud800`) rather than refusing it: the leaves of logs already written
 * were computed so, and must verify as they are. (Fields come decoded from protobuf, whose UTF-8
 * never yields one.)
 */
function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Hex SHA-256 of the canonical JSON (UTF-8) of a payload. Records keep this, never the payload. */
export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
}

/** The fields of an audit record that are covered by its Merkle leaf. */
export interface AuditRecordFields {
  seq: number;
  eventId: string;
  province: string;
  kind: string;
  requestId: string;
  resourceId: string;
  actorUser: string;
  actorAgency: string;
  requesterProvince: string;
  providerProvince: string;
  outcome: string;
  code: string;
  payloadHash: string;
  subjectRef: string;
  grantId: string;
  consentId: string;
  occurredAt: string;
  items: string[];
  /**
   * The regional subject key id `subjectRef` was made under. Optional and left out of the leaf when
   * absent or empty, so records written before it existed keep their encoding (and their leaf hash).
   */
  subjectRefKeyId?: string;
}

/** Fields covered by the leaf only when present and non-empty (added after the log format was fixed). */
const OPTIONAL_STRING_FIELDS = ['subjectRefKeyId'] as const satisfies readonly (keyof AuditRecordFields)[];
const optionalFields: ReadonlySet<string> = new Set(OPTIONAL_STRING_FIELDS);
const isOptionalField = (k: string): boolean => optionalFields.has(k);

const STRING_FIELDS = [
  'eventId',
  'province',
  'kind',
  'requestId',
  'resourceId',
  'actorUser',
  'actorAgency',
  'requesterProvince',
  'providerProvince',
  'outcome',
  'code',
  'payloadHash',
  'subjectRef',
  'grantId',
  'consentId',
  'occurredAt',
] as const satisfies readonly (keyof AuditRecordFields)[];

/**
 * Copy exactly the AuditRecordFields out of `record` (ignoring any other properties, e.g. database
 * columns such as the stored leaf hash) and check their types. Throws TypeError when malformed.
 */
export function recordFields(record: AuditRecordFields): AuditRecordFields {
  if (!Number.isSafeInteger(record.seq) || record.seq < 0) {
    throw new TypeError(`audit record: seq must be a non-negative safe integer, got ${String(record.seq)}`);
  }
  const out: Record<string, unknown> = { seq: record.seq };
  for (const f of STRING_FIELDS) {
    const v: unknown = record[f];
    if (typeof v !== 'string') throw new TypeError(`audit record ${record.seq}: ${f} must be a string`);
    out[f] = v;
  }
  for (const f of OPTIONAL_STRING_FIELDS) {
    const v: unknown = record[f];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string') throw new TypeError(`audit record ${record.seq}: ${f} must be a string`);
    out[f] = v;
  }
  const items: unknown = record.items;
  if (!Array.isArray(items) || !items.every((i): i is string => typeof i === 'string')) {
    throw new TypeError(`audit record ${record.seq}: items must be an array of strings`);
  }
  out.items = [...items];
  return out as unknown as AuditRecordFields;
}

const RECORD_KEYS = [...STRING_FIELDS, ...OPTIONAL_STRING_FIELDS, 'seq', 'items'].sort() as (keyof AuditRecordFields)[];

/**
 * Canonical JSON of the record's fields (the bytes, UTF-8, that the leaf hashes). Identical to
 * canonicalJson(recordFields(record)) wherever that accepts the fields (it refuses a lone surrogate,
 * which this escapes, see quote), written directly because verification runs it once per record.
 * Throws TypeError when malformed.
 */
export function recordCanonicalJson(record: AuditRecordFields): string {
  const seq: unknown = record.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new TypeError(`audit record: seq must be a non-negative safe integer, got ${String(seq)}`);
  }
  let out = '{';
  let first = true;
  for (let i = 0; i < RECORD_KEYS.length; i++) {
    const key = RECORD_KEYS[i]!;
    const v: unknown = record[key];
    if ((v === undefined || v === '') && isOptionalField(key)) continue;
    out += `${first ? '"' : ',"'}${key}":`;
    first = false;
    if (key === 'seq') {
      out += String(seq);
    } else if (key === 'items') {
      if (!Array.isArray(v)) throw new TypeError(`audit record ${seq}: items must be an array of strings`);
      out += '[';
      for (let j = 0; j < v.length; j++) {
        const item: unknown = v[j];
        if (typeof item !== 'string') throw new TypeError(`audit record ${seq}: items must be an array of strings`);
        out += (j > 0 ? ',' : '') + quote(item);
      }
      out += ']';
    } else {
      if (typeof v !== 'string') throw new TypeError(`audit record ${seq}: ${key} must be a string`);
      out += quote(v);
    }
  }
  return `${out}}`;
}

/** Merkle leaf of an audit record: leafHash(UTF-8 canonicalJson(fields)), with the log's tree hash. */
export function recordLeaf(record: AuditRecordFields, th: TreeHasher = SHA256_TREE): Buffer {
  return th.leafHash(Buffer.from(recordCanonicalJson(record), 'utf8'));
}
