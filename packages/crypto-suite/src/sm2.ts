// The SM2 digital signature (GB/T 32918.2-2016, GM/T 0003.2-2012) with SM3 (GB/T 32905-2016,
// GM/T 0004-2012) and the default distinguishing identifier "1234567812345678" of GM/T 0009-2012.
//
// Why this is not simply crypto.sign('sm3', data, key) — measured on Node 20.20 (OpenSSL 3.0.19) and
// Node 22.23 (OpenSSL 3.5.9), and kept as tests in sm2.unit.test.ts:
//  - an `ec` KeyObject on the SM2 curve (what generateKeyPairSync('ec', { namedCurve: 'SM2' }) makes)
//    signs ECDSA over the SM2 curve, not SM2: sm-crypto refuses it, with any identifier;
//  - an SM2 key read from DER or PEM (OpenSSL's SM2 key type) does sign SM2, but with an EMPTY
//    identifier (ENTL = 0), and Node cannot pass OpenSSL another one (nodejs/node PR #37066, "crypto:
//    add support for SM2", never landed): no signature with the default identifier comes out of it.
// So we compute Z_A ourselves and the few scalar steps of GB/T 32918.2 §6–7, leaving everything
// heavy or secret-sensitive to OpenSSL: SM3, the nonce k and k·G (ECDH.generateKeys: OpenSSL's
// RNG and constant-time ladder), and the verifier's scalar multiplications (ECDH). What runs in
// BigInt is arithmetic mod n (and one point addition in verification, on public values only).
// Caveat: BigInt is not constant-time; signing does two multiplications and a subtraction on
// secret-derived values per signature. Should Node ever accept an SM2 identifier, replace sign()
// with the platform call; the interop tests say whether the result still matches.
import { createECDH, createHash } from 'node:crypto';

/** GB/T 32918.5-2017 recommended curve parameters. */
const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;
const N = SM2_N;

/** GM/T 0009-2012 §10: the identifier to use when the parties agreed on none. */
export const SM2_DEFAULT_ID: Buffer = Buffer.from('1234567812345678', 'ascii');

/** An SM2 signature on the wire: r ‖ s, each 32 bytes big-endian (as JOSE's ES256 and sm-crypto). */
export const SM2_SIGNATURE_SIZE = 64;

export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

export function toBytes32(x: bigint): Buffer {
  return Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** Inverse modulo a prime (p and n both are), by Fermat: the same steps whatever a is; for secrets. */
function inverse(a: bigint, m: bigint): bigint {
  return modPow(a, m - 2n, m);
}

/** Inverse by the extended Euclidean algorithm: several times faster, steps depend on a; public values only. */
function inversePublic(a: bigint, m: bigint): bigint {
  let [r0, r1] = [m, mod(a, m)];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0, m);
}

export function sm3(...parts: Uint8Array[]): Buffer {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** An uncompressed point 04 ‖ x ‖ y, 65 bytes. */
function pointXY(point: Uint8Array): { x: bigint; y: bigint } {
  return { x: toBigInt(point.subarray(1, 33)), y: toBigInt(point.subarray(33, 65)) };
}

function encodePoint(x: bigint, y: bigint): Buffer {
  return Buffer.concat([Buffer.from([0x04]), toBytes32(x), toBytes32(y)]);
}

/** k·G as an uncompressed point (OpenSSL). */
function baseMultiply(k: bigint): Buffer {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(toBytes32(k));
  return ecdh.getPublicKey();
}

/** The x coordinate of k·Q (OpenSSL ECDH, which also checks that Q is on the curve). */
function multiplyX(k: bigint, point: Uint8Array): bigint {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(toBytes32(k));
  return toBigInt(ecdh.computeSecret(point));
}

/** The public point d·G of a private scalar, 04 ‖ x ‖ y. */
export function sm2PublicPoint(d: bigint): Buffer {
  return baseMultiply(d);
}

/** d is a usable SM2 private key: 1 ≤ d ≤ n−2 (GB/T 32918.1 §6.1; 1+d must be invertible). */
export function isSm2PrivateScalar(d: bigint): boolean {
  return d >= 1n && d <= N - 2n;
}

const ID_MAX_BYTES = 0x1fff; // ENTL is two bytes of *bits*

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 §5.5). */
export function sm2Za(publicPoint: Uint8Array, id: Uint8Array = SM2_DEFAULT_ID): Buffer {
  if (id.length > ID_MAX_BYTES) throw new RangeError('SM2 identifier too long');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3(
    entl,
    id,
    toBytes32(A),
    toBytes32(B),
    toBytes32(GX),
    toBytes32(GY),
    publicPoint.subarray(1, 33),
    publicPoint.subarray(33, 65),
  );
}

/** e = SM3(Z_A ‖ M) as an integer. */
function digest(za: Uint8Array, message: Uint8Array): bigint {
  return toBigInt(sm3(za, message));
}

/** A private key prepared for signing: d, (1+d)⁻¹ mod n and Z_A (computed once per key). */
export interface Sm2Signer {
  readonly d: bigint;
  readonly dPlusOneInverse: bigint;
  readonly za: Buffer;
}

export function sm2Signer(d: bigint, publicPoint: Uint8Array, id: Uint8Array = SM2_DEFAULT_ID): Sm2Signer {
  if (!isSm2PrivateScalar(d)) throw new RangeError('SM2 private key out of range');
  return { d, dPlusOneInverse: inverse(1n + d, N), za: sm2Za(publicPoint, id) };
}

/** GB/T 32918.2 §6.1, steps A1–A7. Returns r ‖ s (64 bytes). */
export function sm2Sign(signer: Sm2Signer, message: Uint8Array): Buffer {
  const e = digest(signer.za, message);
  for (;;) {
    const ecdh = createECDH('SM2');
    const kG = ecdh.generateKeys(); // k uniform in [1, n−1] and k·G, both by OpenSSL
    const k = toBigInt(ecdh.getPrivateKey());
    const r = mod(e + pointXY(kG).x, N);
    if (r === 0n || r + k === N) continue;
    const s = mod(signer.dPlusOneInverse * (k - r * signer.d), N);
    if (s === 0n) continue;
    return Buffer.concat([toBytes32(r), toBytes32(s)]);
  }
}

/**
 * GB/T 32918.2 §7.1, steps B1–B7, for a 65-byte uncompressed public point already checked to be on
 * the curve, and its Z_A (default identifier unless given). The sum s·G + t·Q is rewritten
 * t·(Q + u·G) with u = s·t⁻¹: OpenSSL does both scalar multiplications (ECDH has no two-scalar
 * form), and only the one addition Q + u·G, on public values, is done here.
 */
export function sm2Verify(
  publicPoint: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  za: Uint8Array = sm2Za(publicPoint),
): boolean {
  if (signature.length !== SM2_SIGNATURE_SIZE || publicPoint.length !== 65) return false;
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32, 64));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const e = digest(za, message);

  const q = pointXY(publicPoint);
  const u = mod(s * inversePublic(t, N), N);
  const uG = pointXY(baseMultiply(u));
  let x1: bigint;
  try {
    if (uG.x === q.x) {
      if (uG.y !== q.y) return false; // Q + u·G is the point at infinity
      x1 = multiplyX(mod(2n * t, N), publicPoint); // Q = u·G, so t·(Q + u·G) = 2t·Q
    } else {
      const lambda = mod((uG.y - q.y) * inversePublic(uG.x - q.x, P), P);
      const x = mod(lambda * lambda - q.x - uG.x, P);
      const y = mod(lambda * (q.x - x) - q.y, P);
      x1 = multiplyX(t, encodePoint(x, y));
    }
  } catch {
    return false; // OpenSSL refused the point (not on the curve, or the result at infinity)
  }
  return mod(e + x1, N) === r;
}
