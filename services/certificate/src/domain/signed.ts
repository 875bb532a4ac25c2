/**
 * Compact signed artefacts, JWS-shaped: `header.payload.signature`, each part base64url, header and
 * payload RFC 8785 canonical JSON, the signature over the ASCII of `header.payload`. The header names
 * the suite (`alg`), the key (`kid`) and what the artefact is (`typ`): a signature made for one kind
 * of artefact (a certificate) can never be taken for another (a status list, a key certificate),
 * because `typ` is inside what is signed and every reader demands its own `typ`.
 *
 * Why not plain JWS/JOSE: JOSE has no registered `alg` for SM2-with-SM3, and a JOSE library would
 * accept algorithms this platform does not. The layout stays JWS-like so tooling can still split it.
 */

import { canonicalBase64url, fromBase64url, jsonFromBase64url, toBase64url, utf8 } from './encoding.js';
import type { Bilingual } from './errors.js';
import { isSuite, type Suite, type SuiteSigner, type SuiteVerifier } from './suite.js';

export const artefactTypes = {
  certificate: 'yrd-cert+sd',
  keyCertificate: 'yrd-key-cert',
  statusList: 'yrd-status-list',
  binding: 'yrd-kb',
} as const;
export type ArtefactType = (typeof artefactTypes)[keyof typeof artefactTypes];

export interface SignedHeader {
  alg: Suite;
  kid: string;
  typ: ArtefactType;
}

/** A compact artefact taken apart, not yet verified. */
export interface OpenedArtefact {
  header: SignedHeader;
  payload: unknown;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

export function signArtefact(signer: SuiteSigner, typ: ArtefactType, payload: unknown): string {
  const header: SignedHeader = { alg: signer.suite, kid: signer.kid, typ };
  const input = `${canonicalBase64url(header)}.${canonicalBase64url(payload)}`;
  return `${input}.${toBase64url(signer.sign(utf8(input)))}`;
}

/** Splits and decodes a compact artefact of the expected type; a bilingual reason when it cannot. */
export function openArtefact(
  compact: string,
  typ: ArtefactType,
): { ok: true; artefact: OpenedArtefact } | { ok: false; reason: Bilingual } {
  const bad = (zh: string, en: string) => ({ ok: false as const, reason: { zh, en } });
  if (typeof compact !== 'string') return bad('签名件不是字符串', 'the signed artefact is not a string');
  const parts = compact.split('.');
  if (parts.length !== 3) return bad('签名件格式错误', 'a signed artefact has three dot-separated parts');
  const [h, p, s] = parts as [string, string, string];
  const header = jsonFromBase64url(h);
  if (!isHeader(header)) return bad('签名件头部无效', 'the signed artefact header is invalid');
  if (header.typ !== typ)
    return bad(`签名件类型应为 ${typ}，实为 ${header.typ}`, `expected an artefact of type ${typ}, got ${header.typ}`);
  const payload = jsonFromBase64url(p);
  if (payload === undefined) return bad('签名件内容无法解码', 'the signed artefact payload cannot be decoded');
  const signature = fromBase64url(s);
  if (!signature || signature.length === 0) return bad('签名无法解码', 'the signature cannot be decoded');
  return { ok: true, artefact: { header, payload, signingInput: utf8(`${h}.${p}`), signature } };
}

export function verifyArtefact(artefact: OpenedArtefact, verifier: SuiteVerifier, publicKey: string): boolean {
  try {
    return verifier.verify(artefact.header.alg, artefact.signingInput, artefact.signature, publicKey);
  } catch {
    // a malformed key or signature is a failed check, never an exception in a verifier's hands
    return false;
  }
}

function isHeader(v: unknown): v is SignedHeader {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return (
    isSuite(h.alg) &&
    typeof h.kid === 'string' &&
    h.kid.length > 0 &&
    h.kid.length <= 128 &&
    typeof h.typ === 'string' &&
    (Object.values(artefactTypes) as string[]).includes(h.typ)
  );
}
