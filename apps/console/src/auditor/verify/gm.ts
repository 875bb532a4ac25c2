/**
 * SM3 and SM2 verification (国密) by sm-crypto, which browsers lack in WebCrypto. A module of its own so
 * that the bundler puts the library in a chunk of its own: suites.ts imports it only when a log or a key
 * of the sm2-sm3 suite is checked.
 */
import * as smCrypto from 'sm-crypto';

type SmCrypto = typeof smCrypto;

/**
 * sm-crypto is CommonJS: a bundler's namespace carries its exports as named ones, Node's (the tests)
 * only as `default`; take whichever holds them.
 */
const lib: SmCrypto = (() => {
  const ns = smCrypto as SmCrypto & { default?: SmCrypto };
  const found = typeof ns.sm3 === 'function' ? ns : ns.default;
  if (typeof found?.sm3 !== 'function' || typeof found.sm2?.doVerifySignature !== 'function')
    throw new Error('sm-crypto did not load');
  return found;
})();

/** SM3 (GB/T 32905) of the bytes, hex. */
export const sm3Hex = (data: Uint8Array): string => lib.sm3(data);

/**
 * SM2 verification with SM3 (GB/T 32918.2): `signatureHex` is r ‖ s (128 hex), `publicKeyHex` the
 * uncompressed point 04 ‖ x ‖ y, `userId` the signer's distinguishing identifier. sm-crypto refuses a
 * point off the curve and r or s outside [1, n−1].
 */
export function sm2VerifyHex(message: Uint8Array, signatureHex: string, publicKeyHex: string, userId: string): boolean {
  return lib.sm2.doVerifySignature(Array.from(message), signatureHex, publicKeyHex, { der: false, hash: true, userId });
}
