/**
 * References to people (数据主体引用): what the platform stores, logs and compares instead of an ID
 * number, a phone number, a booking number or any other key that leads to a person.
 *
 * A reference is HMAC-SHA256 under the regional subject key (区域主体密钥), which the four provinces
 * share, so one person has one reference in every province and an auditor can follow them across
 * provinces; without the key, enumerating candidates (an area code and a birth year are only 366,000
 * ID numbers) recovers nothing. Each reference is stored with the id of the key that made it.
 * Rotation: several key ids are known, one is current; new references use the current one, and a
 * trace computes the references under every known key (and the legacy unkeyed hash of old logs).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { canonicalJson } from '@yrd/canonical';
import { isValidIdNumber } from './id-number.js';

/** The key id of references written before keyed references existed: plain SHA-256, no key. */
export const legacySubjectKeyId = 'legacy-sha256';

/** A regional subject keyring as configuration holds it (secrets.json, a mounted secret file). */
export interface SubjectKeyring {
  /** the key id new references use; must be one of `keys` */
  current: string;
  /** key id → secret, base64url, at least 32 bytes */
  keys: Record<string, string>;
}

/** A reference and the key id it was made under, stored side by side. */
export interface SubjectRef {
  keyId: string;
  ref: string;
}

export class SubjectKeyringError extends Error {
  override readonly name = 'SubjectKeyringError';
}

const keyIdPattern = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** A new keyring with one random key: for a fresh demo data folder and for tests. */
export function generateSubjectKeyring(keyId = 'rk-1'): SubjectKeyring {
  return { current: keyId, keys: { [keyId]: randomBytes(32).toString('base64url') } };
}

/** The keyring with a new current key, the old ones kept known (so old references stay traceable). */
export function rotateSubjectKeyring(ring: SubjectKeyring, keyId: string): SubjectKeyring {
  if (ring.keys[keyId] !== undefined) throw new SubjectKeyringError(`subject key id ${keyId} is already used`);
  return { current: keyId, keys: { ...ring.keys, [keyId]: randomBytes(32).toString('base64url') } };
}

/**
 * One key value as the same person always gives it: Unicode compatibility forms folded (full-width
 * digits and letters), surrounding blanks trimmed, an ID number's check letter upper-cased, a mainland
 * mobile number without its +86 prefix, spaces or dashes.
 */
export function canonicalKeyValue(value: string): string {
  const v = value.normalize('NFKC').trim();
  if (/^\d{17}[\dXx]$/.test(v)) return v.toUpperCase();
  const phone = /^(?:\+?86[\s-]*)?(1\d{2})[\s-]*(\d{4})[\s-]*(\d{4})$/.exec(v);
  if (phone) return `${phone[1]}${phone[2]}${phone[3]}`;
  return v;
}

/** A query key with every value canonical (see canonicalKeyValue). */
export function canonicalKey(key: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(key)) out[name.normalize('NFKC').trim()] = canonicalKeyValue(value);
  return out;
}

/**
 * Canonical JSON (RFC 8785) of a string map, the bytes a key's reference covers. For a map of strings
 * it writes what the hand-written encoder used here before wrote (keys sorted by UTF-16 code units,
 * names and values as JSON.stringify quotes them), so references in old logs still match; a lone
 * surrogate, which that one escaped, is now refused (@yrd/http refuses it in any request first).
 */
const canonicalMapJson = (map: Readonly<Record<string, string>>): string => canonicalJson(map);

/** What a key refers to: a person when it holds a valid ID number, else the key itself. */
type Subject = { kind: 'person'; idNumber: string } | { kind: 'key'; json: string };

function subjectOf(key: Readonly<Record<string, string>>): Subject {
  const canonical = canonicalKey(key);
  const idNumber = Object.values(canonical).find(isValidIdNumber);
  return idNumber ? { kind: 'person', idNumber } : { kind: 'key', json: canonicalMapJson(canonical) };
}

// Domain separation: a person's reference can never equal a key's, nor one made for another purpose.
const message = (s: Subject) =>
  s.kind === 'person' ? `yrd-subject-v2\0person\0${s.idNumber}` : `yrd-subject-v2\0key\0${s.json}`;

/** The reference old logs carry for an ID number (before keyed references). */
export function legacySubjectRefOfIdNumber(id: string): string {
  return createHash('sha256').update(`yrd-subject-v1:${id}`).digest('hex');
}

/** Makes references to people and personal keys under the regional subject key. */
export class SubjectRefs {
  private readonly secrets: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  constructor(ring: SubjectKeyring) {
    if (typeof ring?.keys !== 'object' || ring.keys === null || typeof ring.current !== 'string')
      throw new SubjectKeyringError(
        'a subject keyring is {"current": "<key id>", "keys": {"<key id>": "<base64url>"}}',
      );
    const secrets = new Map<string, Buffer>();
    for (const [id, encoded] of Object.entries(ring.keys)) {
      if (!keyIdPattern.test(id) || id === legacySubjectKeyId)
        throw new SubjectKeyringError(`subject key id ${JSON.stringify(id)} is not a usable key id`);
      const secret = typeof encoded === 'string' ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
      if (secret.length < 32) throw new SubjectKeyringError(`subject key ${id} is shorter than 32 bytes`);
      secrets.set(id, secret);
    }
    if (!secrets.has(ring.current))
      throw new SubjectKeyringError(`the current subject key id ${ring.current} is not among the keys`);
    this.secrets = secrets;
    this.currentKeyId = ring.current;
  }

  /** Every key id a reference may carry, current first, the legacy unkeyed one last. */
  get knownKeyIds(): string[] {
    return [this.currentKeyId, ...[...this.secrets.keys()].filter((k) => k !== this.currentKeyId), legacySubjectKeyId];
  }

  /** The current reference to the person with this ID number. */
  ofIdNumber(idNumber: string): SubjectRef {
    return this.ofKey({ id_number: idNumber });
  }

  /**
   * The current reference to the subject of a query key: the person when any value is an ID number
   * (whatever the item is called), else the whole key (a booking number, a phone number…).
   */
  ofKey(key: Readonly<Record<string, string>>): SubjectRef {
    return this.under(this.currentKeyId, subjectOf(key));
  }

  /** A reference to an account that has no real-name identity behind it (never an ID number). */
  ofAccount(province: string, account: string): SubjectRef {
    return this.ofKey({ account: `${province}:${account}` });
  }

  /**
   * Every reference the subject of `key` may carry in stored records: one per known key id, and
   * the legacy unkeyed hashes (as written then, from the canonical and from the given value).
   */
  allOfKey(key: Readonly<Record<string, string>>): SubjectRef[] {
    const subject = subjectOf(key);
    const refs = [...this.secrets.keys()].map((id) => this.under(id, subject));
    const legacy = new Set<string>();
    if (subject.kind === 'person') {
      legacy.add(legacySubjectRefOfIdNumber(subject.idNumber));
      for (const v of Object.values(key)) if (isValidIdNumber(v)) legacy.add(legacySubjectRefOfIdNumber(v));
    } else {
      legacy.add(createHash('sha256').update(subject.json).digest('hex'));
      legacy.add(createHash('sha256').update(canonicalMapJson(key)).digest('hex'));
    }
    return [...refs, ...[...legacy].map((ref) => ({ keyId: legacySubjectKeyId, ref }))];
  }

  allOfIdNumber(idNumber: string): SubjectRef[] {
    return this.allOfKey({ id_number: idNumber });
  }

  private under(keyId: string, subject: Subject): SubjectRef {
    const secret = this.secrets.get(keyId);
    if (!secret) throw new SubjectKeyringError(`unknown subject key id ${keyId}`);
    return { keyId, ref: createHmac('sha256', secret).update(message(subject), 'utf8').digest('hex') };
  }
}
