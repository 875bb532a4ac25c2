// A minimal JWS compact serialisation (RFC 7515 §7.1) with the suites' signatures: a JSON header
// { alg, kid[, typ] } and a JSON object payload, base64url, signed over "header.payload" (ASCII).
//
//   alg 'EdDSA'   Ed25519 (RFC 8037), byte-compatible with `jose` (tested both ways).
//   alg 'SM2SM3'  SM2 with SM3 and the GM/T 0009 default identifier, signature r ‖ s (64 bytes, as
//                 ES256 in RFC 7518 §3.4). No JOSE alg for the SM2 signature is registered: IANA has
//                 none, the expired draft-dang-webauthn-sm2-00 only defines ECDSA on the SM2 curve,
//                 and libraries differ (go-jwt-gm "GmSM2", Java "SM3WithSM2"), so the name is ours.
//
// Verification takes the key from the caller by kid, refuses `none`, unknown algs, `crit`, an alg
// that does not match the key's suite and anything malformed, each with a typed error, never a crash.
// Claims (exp, iss, aud…) are the caller's business: this layer says only who signed what.
import type { KeyObject } from 'node:crypto';
import { cryptoErrors } from './errors.js';
import { assertKey, type SuiteId, suiteOfKey } from './keys.js';
import { type JwsAlg, jwsAlgs, suite } from './suite.js';

export interface JwsHeader {
  alg: JwsAlg;
  kid: string;
  typ?: string;
  [member: string]: unknown;
}

export interface SignJwsOptions {
  kid: string;
  suite: SuiteId;
  typ?: string;
}

export interface VerifiedJws {
  header: JwsHeader;
  payload: Record<string, unknown>;
  suite: SuiteId;
}

/** Finds the public key for a token's kid (and suite); undefined when there is none. */
export type JwsKeyResolver = (want: { kid: string; alg: JwsAlg; suite: SuiteId }) => KeyObject | undefined;

/** Longest token accepted, far above any province token; bounds the work a stranger can cause. */
export const MAX_JWS_LENGTH = 64 * 1024;
const MAX_KID_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const suiteOfAlg = new Map<string, SuiteId>(
  (Object.entries(jwsAlgs) as [SuiteId, JwsAlg][]).map(([id, alg]) => [alg, id]),
);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function encode(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function validKid(kid: unknown): kid is string {
  return typeof kid === 'string' && kid.length > 0 && kid.length <= MAX_KID_LENGTH;
}

export function signJws(payload: Record<string, unknown>, privateKey: KeyObject, opts: SignJwsOptions): string {
  const s = suite(opts.suite);
  assertKey(privateKey, s.id, 'private');
  if (!validKid(opts.kid)) throw cryptoErrors.kidInvalid();
  if (!isObject(payload)) throw cryptoErrors.jwsMalformed('payload must be a JSON object');
  const header: JwsHeader = { alg: s.jwsAlg, kid: opts.kid, ...(opts.typ ? { typ: opts.typ } : {}) };
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${s.sign(Buffer.from(input, 'ascii'), privateKey).toString('base64url')}`;
}

/** Canonical base64url only: the same bytes always have the same text. */
function decodePart(part: string, what: string): Buffer {
  if (!BASE64URL.test(part)) throw cryptoErrors.jwsMalformed(`${what} is not base64url`);
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw cryptoErrors.jwsMalformed(`${what} is not canonical base64url`);
  return bytes;
}

function parseJsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodePart(part, what).toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw cryptoErrors.jwsMalformed(`${what} is not JSON`);
    throw err;
  }
  if (!isObject(value)) throw cryptoErrors.jwsMalformed(`${what} is not a JSON object`);
  return value;
}

export function verifyJws(token: unknown, resolveKey: JwsKeyResolver): VerifiedJws {
  if (typeof token !== 'string') throw cryptoErrors.jwsMalformed('not a string');
  if (token.length > MAX_JWS_LENGTH) throw cryptoErrors.jwsMalformed('too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw cryptoErrors.jwsMalformed('expected header.payload.signature');
  const [h, p, sig] = parts as [string, string, string];

  const header = parseJsonObject(h, 'header');
  const suiteId = typeof header.alg === 'string' ? suiteOfAlg.get(header.alg) : undefined;
  if (!suiteId) throw cryptoErrors.jwsAlgRefused(header.alg);
  if ('crit' in header) throw cryptoErrors.jwsMalformed('crit is not supported');
  if (!validKid(header.kid)) throw cryptoErrors.jwsMalformed('kid missing or invalid');
  if ('typ' in header && typeof header.typ !== 'string') throw cryptoErrors.jwsMalformed('typ must be a string');
  const s = suite(suiteId);

  const key = resolveKey({ kid: header.kid, alg: s.jwsAlg, suite: suiteId });
  if (!key) throw cryptoErrors.jwsKeyUnknown();
  let keySuite: SuiteId;
  try {
    keySuite = suiteOfKey(key);
  } catch {
    throw cryptoErrors.jwsKeyMismatch();
  }
  if (keySuite !== suiteId || key.type !== 'public') throw cryptoErrors.jwsKeyMismatch();

  const signature = decodePart(sig, 'signature');
  if (!s.verify(Buffer.from(`${h}.${p}`, 'ascii'), key, signature)) throw cryptoErrors.jwsSignatureInvalid();
  return { header: header as JwsHeader, payload: parseJsonObject(p, 'payload'), suite: suiteId };
}
