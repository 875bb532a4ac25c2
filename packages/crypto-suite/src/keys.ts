// Keys of both suites as node:crypto KeyObjects, and their JWK form.
//
// Ed25519 keys are the standard OKP JWK (RFC 8037), exported and imported by Node itself.
// SM2 keys are KeyObjects on the SM2 curve (OID 1.2.156.10197.1.301; two faces in Node, see isSm2).
// Node refuses them as JWK ("Unsupported JWK EC curve: SM2"; on import `crv` must be a NIST curve or
// secp256k1), so their JWK is built here in the form SM2 JOSE libraries use — { kty: 'EC', crv: 'SM2', x, y[, d] },
// base64url 32-byte values as RFC 7518 §6.2 — and converted to and from KeyObjects through SPKI /
// PKCS#8 DER (RFC 5480 / GB/T 35276 layout) around the raw point and scalar, so OpenSSL still parses
// and checks every key (an x, y off the curve is refused by OpenSSL, not by code here).
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  ECDH,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { AppError } from '@yrd/errors';
import { cryptoErrors } from './errors.js';
import { isSm2PrivateScalar, toBigInt } from './sm2.js';

export const suiteIds = ['ed25519-sha256', 'sm2-sm3'] as const;
export type SuiteId = (typeof suiteIds)[number];

export function isSuiteId(v: unknown): v is SuiteId {
  return typeof v === 'string' && (suiteIds as readonly string[]).includes(v);
}

export type Ed25519PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
};
export type Sm2PublicJwk = {
  kty: 'EC';
  crv: 'SM2';
  x: string;
  y: string;
};
/** A public JWK of either suite: never has `d`. */
export type PublicJwk = Ed25519PublicJwk | Sm2PublicJwk;
/** A private JWK of either suite: the public members and `d`. */
export type PrivateJwk = (Ed25519PublicJwk | Sm2PublicJwk) & { d: string };

// DER around the raw SM2 key: AlgorithmIdentifier { id-ecPublicKey, curve sm2 }, then point or scalar.
const SM2_ALGORITHM = '301306072a8648ce3d020106082a811ccf5501822d';
const SM2_SPKI_PREFIX = Buffer.from(`3059${SM2_ALGORITHM}034200`, 'hex'); // + 04 ‖ x ‖ y
const SM2_SPKI_COMPRESSED_PREFIX = Buffer.from(`3039${SM2_ALGORITHM}032200`, 'hex'); // + 02|03 ‖ x
// PKCS#8 { version 0, algorithm, OCTET STRING { ECPrivateKey { version 1, d, [1] publicKey } } }
const SM2_PKCS8_PREFIX = Buffer.from(`308187020100${SM2_ALGORITHM}046d306b0201010420`, 'hex');
const SM2_PKCS8_MIDDLE = Buffer.from('a144034200', 'hex');

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? key.type}${curve ? `/${curve}` : ''}`;
}

function spkiOf(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
}

const SM2_ALGORITHM_BYTES = Buffer.from(SM2_ALGORITHM, 'hex');

/**
 * Node gives SM2 keys two faces: generateKeyPairSync('ec', { namedCurve: 'SM2' }) makes an `ec` key,
 * but any SM2 key read from DER or PEM is OpenSSL's own SM2 type, which Node reports with
 * asymmetricKeyType undefined (and such keys crash Node when exported as 'sec1'; never do that).
 * Both are recognised here by their SPKI algorithm identifier; sm2KeyPair() makes only the second.
 */
function isSm2(key: KeyObject): boolean {
  if (key.asymmetricKeyType === 'ec') return key.asymmetricKeyDetails?.namedCurve === 'SM2';
  if (key.asymmetricKeyType !== undefined || key.type === 'secret') return false;
  const spki = spkiOf(key);
  return spki.subarray(2, 2 + SM2_ALGORITHM_BYTES.length).equals(SM2_ALGORITHM_BYTES);
}

const suiteByKey = new WeakMap<KeyObject, SuiteId | null>();

/** The suite a KeyObject belongs to; refuses keys of any other kind (RSA, P-256, X25519, secret…). */
export function suiteOfKey(key: KeyObject): SuiteId {
  let id = suiteByKey.get(key);
  if (id === undefined) {
    id = key.asymmetricKeyType === 'ed25519' ? 'ed25519-sha256' : isSm2(key) ? 'sm2-sm3' : null;
    suiteByKey.set(key, id);
  }
  if (id === null) throw cryptoErrors.keySuiteMismatch('ed25519-sha256 | sm2-sm3', describe(key));
  return id;
}

/** Refuses a key of another suite, or a public key where a private one is needed (and vice versa). */
export function assertKey(key: KeyObject, suite: SuiteId, kind: 'public' | 'private'): void {
  const got = suiteOfKey(key);
  if (got !== suite) throw cryptoErrors.keySuiteMismatch(suite, got);
  if (key.type !== kind) throw cryptoErrors.keyKindMismatch(kind);
}

/** The uncompressed point 04 ‖ x ‖ y (65 bytes) of an SM2 public or private KeyObject. */
export function sm2PointOf(key: KeyObject): Buffer {
  const spki = spkiOf(key);
  if (spki.length === 91 && spki.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX)) {
    return Buffer.from(spki.subarray(SM2_SPKI_PREFIX.length));
  }
  if (spki.length === 59 && spki.subarray(0, SM2_SPKI_COMPRESSED_PREFIX.length).equals(SM2_SPKI_COMPRESSED_PREFIX)) {
    const compressed = spki.subarray(SM2_SPKI_COMPRESSED_PREFIX.length);
    return ECDH.convertKey(compressed, 'SM2', undefined, undefined, 'uncompressed') as Buffer;
  }
  throw cryptoErrors.keyInvalid('unexpected SM2 public key encoding');
}

/** One DER element at `at`: its tag and where its contents start and end (short or 1–2 byte long lengths). */
function derElement(der: Buffer, at: number, tag: number): { start: number; end: number } {
  if (der[at] !== tag) throw cryptoErrors.keyInvalid('unexpected SM2 private key encoding');
  const first = der[at + 1] ?? 0;
  const lengthBytes = first & 0x80 ? first & 0x7f : 0;
  if (lengthBytes > 2) throw cryptoErrors.keyInvalid('unexpected SM2 private key encoding');
  let length = lengthBytes === 0 ? first : 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + (der[at + 2 + i] ?? 0);
  const start = at + 2 + lengthBytes;
  if (start + length > der.length) throw cryptoErrors.keyInvalid('unexpected SM2 private key encoding');
  return { start, end: start + length };
}

/**
 * The private scalar d (32 bytes) of an SM2 private KeyObject, read from its PKCS#8 DER:
 * SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { SEQUENCE { INTEGER 1, OCTET STRING d, … } } }.
 */
export function sm2ScalarOf(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const outer = derElement(der, 0, 0x30);
  const version = derElement(der, outer.start, 0x02);
  const algorithm = der.subarray(version.end, version.end + SM2_ALGORITHM_BYTES.length);
  if (!algorithm.equals(SM2_ALGORITHM_BYTES)) throw cryptoErrors.keyInvalid('not an SM2 private key');
  const wrapped = derElement(der, version.end + SM2_ALGORITHM_BYTES.length, 0x04);
  const ecPrivateKey = derElement(der, wrapped.start, 0x30);
  const ecVersion = derElement(der, ecPrivateKey.start, 0x02);
  const d = derElement(der, ecVersion.end, 0x04);
  if (d.end - d.start !== 32) throw cryptoErrors.keyInvalid('unexpected SM2 private key length');
  return Buffer.from(der.subarray(d.start, d.end));
}

/** A new SM2 key pair, both as OpenSSL SM2 keys (the face every SM2 key read from storage has). */
export function sm2KeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  const generated = generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey;
  const privateKey = createPrivateKey({
    key: generated.export({ format: 'der', type: 'pkcs8' }),
    format: 'der',
    type: 'pkcs8',
  });
  return { publicKey: createPublicKey(privateKey), privateKey };
}

function sm2PublicKeyFromPoint(point: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SM2_SPKI_PREFIX, point]), format: 'der', type: 'spki' });
}

function sm2PrivateKeyFromScalar(d: Buffer, point: Buffer): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([SM2_PKCS8_PREFIX, d, SM2_PKCS8_MIDDLE, point]),
    format: 'der',
    type: 'pkcs8',
  });
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url of exactly `size` bytes (canonical: no padding, no stray bits). */
function bytes(jwk: JsonWebKey, member: 'x' | 'y' | 'd', size: number): Buffer {
  const v = jwk[member];
  if (typeof v !== 'string' || !BASE64URL.test(v)) throw cryptoErrors.jwkInvalid(`${member} must be base64url`);
  const b = Buffer.from(v, 'base64url');
  if (b.length !== size || b.toString('base64url') !== v) {
    throw cryptoErrors.jwkInvalid(`${member} must be ${size} bytes`);
  }
  return b;
}

/** Which suite a JWK is for, from kty and crv; refuses anything else. */
export function suiteOfJwk(jwk: JsonWebKey): SuiteId {
  if (jwk === null || typeof jwk !== 'object') throw cryptoErrors.jwkInvalid('not an object');
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'ed25519-sha256';
  if (jwk.kty === 'EC' && jwk.crv === 'SM2') return 'sm2-sm3';
  throw cryptoErrors.jwkInvalid(`unsupported kty/crv ${String(jwk.kty).slice(0, 20)}/${String(jwk.crv).slice(0, 20)}`);
}

export function exportPublicJwk(key: KeyObject): PublicJwk {
  const suite = suiteOfKey(key);
  assertKey(key, suite, 'public');
  if (suite === 'ed25519-sha256') {
    return { kty: 'OKP', crv: 'Ed25519', x: String(key.export({ format: 'jwk' }).x) };
  }
  const point = sm2PointOf(key);
  return {
    kty: 'EC',
    crv: 'SM2',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
  };
}

export function exportPrivateJwk(key: KeyObject): PrivateJwk {
  const suite = suiteOfKey(key);
  assertKey(key, suite, 'private');
  const pub = exportPublicJwk(createPublicKey(key));
  if (suite === 'ed25519-sha256') return { ...pub, d: String(key.export({ format: 'jwk' }).d) };
  return { ...pub, d: sm2ScalarOf(key).toString('base64url') };
}

/** A public key from its JWK. A JWK carrying `d` is refused: a private key never goes where a public one is expected. */
export function importPublicJwk(jwk: JsonWebKey): KeyObject {
  const suite = suiteOfJwk(jwk);
  if ('d' in jwk) throw cryptoErrors.jwkPrivateWherePublic();
  try {
    if (suite === 'ed25519-sha256') {
      return createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: bytes(jwk, 'x', 32).toString('base64url') },
        format: 'jwk',
      });
    }
    return sm2PublicKeyFromPoint(Buffer.concat([Buffer.from([0x04]), bytes(jwk, 'x', 32), bytes(jwk, 'y', 32)]));
  } catch (err) {
    throw rethrow(err, 'not a valid public key');
  }
}

/** A private key from its JWK; the public members must be those of `d`. */
export function importPrivateJwk(jwk: JsonWebKey): KeyObject {
  const suite = suiteOfJwk(jwk);
  try {
    const d = bytes(jwk, 'd', 32);
    if (suite === 'ed25519-sha256') {
      const x = bytes(jwk, 'x', 32).toString('base64url');
      const key = createPrivateKey({
        key: { kty: 'OKP', crv: 'Ed25519', x, d: d.toString('base64url') },
        format: 'jwk',
      });
      if (exportPublicJwk(createPublicKey(key)).x !== x) throw cryptoErrors.jwkInvalid('x is not the public key of d');
      return key;
    }
    if (!isSm2PrivateScalar(toBigInt(d))) throw cryptoErrors.jwkInvalid('d out of range');
    const ecdh = createECDH('SM2');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const claimed = Buffer.concat([Buffer.from([0x04]), bytes(jwk, 'x', 32), bytes(jwk, 'y', 32)]);
    if (!point.equals(claimed)) throw cryptoErrors.jwkInvalid('x, y are not the public key of d');
    return sm2PrivateKeyFromScalar(d, point);
  } catch (err) {
    throw rethrow(err, 'not a valid private key');
  }
}

function rethrow(err: unknown, why: string): AppError {
  return err instanceof AppError ? err : cryptoErrors.jwkInvalid(why);
}
