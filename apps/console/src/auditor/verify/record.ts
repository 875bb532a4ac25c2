/**
 * A record's leaf (docs/audit-format.md §3, §10): H(0x00 || canonical JSON of its fields, UTF-8), with H
 * the hash of its log's suite (SHA-256, or SM3 for an sm2-sm3 log); keys sorted, no whitespace, strings
 * as JSON writes them; `subjectRefKeyId` only when set. Any other property beside the fields (the leaf
 * hash and proof a trace adds) is not part of the leaf.
 */
import { type Bytes, sha256, utf8 } from './bytes';
import { leafHash } from './merkle';
import type { Hash } from './suites';

/** The fields the leaf covers. */
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
  subjectRefKeyId?: string;
}

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
] as const;

/** sorted as RFC 8785 sorts them (UTF-16 code units: all ASCII here) */
const KEYS: readonly (keyof AuditRecordFields)[] = [...STRING_FIELDS, 'subjectRefKeyId', 'seq', 'items'].sort() as (
  | (typeof STRING_FIELDS)[number]
  | 'subjectRefKeyId'
  | 'seq'
  | 'items'
)[];

/** The exact text the leaf hashes; a TypeError when a field is missing or of the wrong type. */
export function recordCanonicalJson(record: AuditRecordFields): string {
  const parts: string[] = [];
  for (const key of KEYS) {
    const v: unknown = record[key];
    if (key === 'subjectRefKeyId') {
      if (v === undefined || v === '') continue;
      if (typeof v !== 'string') throw new TypeError('subjectRefKeyId must be a string');
      parts.push(`"${key}":${JSON.stringify(v)}`);
    } else if (key === 'seq') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new TypeError('seq must be an integer');
      parts.push(`"seq":${String(v)}`);
    } else if (key === 'items') {
      if (!Array.isArray(v) || !v.every((i): i is string => typeof i === 'string')) {
        throw new TypeError('items must be strings');
      }
      parts.push(`"items":[${v.map((i) => JSON.stringify(i)).join(',')}]`);
    } else {
      if (typeof v !== 'string') throw new TypeError(`${key} must be a string`);
      parts.push(`"${key}":${JSON.stringify(v)}`);
    }
  }
  return `{${parts.join(',')}}`;
}

export function recordLeafHash(record: AuditRecordFields, hash: Hash = sha256): Promise<Bytes> {
  return leafHash(utf8(recordCanonicalJson(record)), hash);
}
