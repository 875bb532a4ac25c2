/**
 * Consent artefacts signed, and audit payloads hashed, by the lenient encoder that @yrd/proto had
 * before @yrd/canonical (issue 12) still verify and still hash the same.
 *
 * Why the bytes are identical for every valid message: the lenient encoder sorted keys with the
 * default sort (UTF-16 code units, as RFC 8785), left out fields whose value is undefined (as the new
 * one does, its one allowance), and wrote every string and number with JSON.stringify (as the new one
 * does: JSON.stringify's escaping and Number::toString are RFC 8785's). The two differ only on values
 * that are not JSON data, where the lenient one wrote something (a Date as `{}`, NaN as `null`,
 * `undefined` in an array as `null`, a function as `undefined`, a lone surrogate as `\ud800`) and the
 * strict one refuses. A signed artefact and a hashed payload are protobuf messages or rows of strings,
 * numbers and booleans: protobuf strings arrive as UTF-8 and so never hold a lone surrogate, HTTP
 * input with one is refused by @yrd/http, and there are no Dates, bytes, bigints or non-finite
 * numbers in them. The fixture pins bytes written by the old code; the last test runs both encoders,
 * the old one kept verbatim below, over many generated message-shaped values.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CanonicalJsonError } from '@yrd/canonical';
import { suite } from '@yrd/crypto-suite';
import type { consentV1 } from '@yrd/proto';
import { describe, expect, it } from 'vitest';
import type { defaultRules } from '../domain/rules.js';
import { canonicalJson, signArtefact, signedBytes, verifyArtefact } from './artefact.js';
import { applicationSubmitted, consentCreated, rulesChanged } from './audit.js';
import type { Application, StoredConsent } from './ports.js';

interface Fixture {
  publicKeyJwk: { kty: string; crv: string; x: string };
  artefacts: { artefact: consentV1.ConsentArtefact; signedBytes: string }[];
  auditPayloads: {
    application: { payload: Application; payloadHash: string };
    rules: { payload: typeof defaultRules; version: number; payloadHash: string };
    consentCreated: { payload: StoredConsent; payloadHash: string };
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/signed-by-lenient-encoder.json', import.meta.url), 'utf8'),
) as Fixture;
const issuerKey = createPublicKey({ key: fixture.publicKeyJwk, format: 'jwk' });

/** What ConsentApp.verifyConsent checks, with the issuer's key from the fixture. */
const verifies = (c: consentV1.ConsentArtefact) =>
  verify(null, Buffer.from(signedBytes(c)), issuerKey, Buffer.from(c.signature, 'base64url'));

/** The encoder packages/proto/src/canonical.ts had before @yrd/canonical, verbatim. */
function lenientCanonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(lenientCanonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${lenientCanonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

describe('consent artefacts signed by the lenient encoder', () => {
  it('has artefacts from before fetchType and alg, a once-only one, and one with every kind of string', () => {
    expect(fixture.artefacts.map((a) => [a.artefact.fetchType, a.artefact.alg])).toEqual([
      ['', ''],
      ['once', 'Ed25519'],
      ['periodic', 'Ed25519'],
    ]);
  });

  it.each(fixture.artefacts.map((a) => [a.artefact.id, a] as const))(
    '%s: the same signed bytes, and the signature verifies',
    (_id, { artefact, signedBytes: bytes }) => {
      expect(signedBytes(artefact)).toBe(bytes);
      expect(verifies(artefact)).toBe(true);
    },
  );

  it.each(fixture.artefacts.map((a) => [a.artefact.id, a] as const))(
    '%s: verifyArtefact (the suite-aware check) accepts it too',
    (_id, { artefact }) => {
      expect(verifyArtefact(artefact, issuerKey)).toBe(true);
    },
  );

  it('a changed signed field does not verify (the check is not vacuous)', () => {
    const [, once] = fixture.artefacts;
    if (!once) throw new Error('fixture has no once-only artefact');
    expect(verifies({ ...once.artefact, items: [...once.artefact.items, 'phone'] })).toBe(false);
    expect(verifies({ ...once.artefact, fetchType: 'periodic' })).toBe(false);
    // status and revokedAt are not signed: a revoked artefact keeps its signature
    expect(verifies({ ...once.artefact, status: 'revoked', revokedAt: '2026-12-01T00:00:00.000Z' })).toBe(true);
  });
});

describe('artefacts signed in the issuing province’s suite', () => {
  const [, , periodic] = fixture.artefacts;
  if (!periodic) throw new Error('fixture has no periodic artefact');
  const unsigned = { ...periodic.artefact, alg: '', signature: '' };
  const sm2 = suite('sm2-sm3').generateKeyPair();
  const ed = generateKeyPairSync('ed25519');

  it('an sm2-sm3 province signs as SM2 and an ed25519-sha256 one as Ed25519; any province verifies either', () => {
    const bySm2 = signArtefact(unsigned, sm2.privateKey);
    const byEd = signArtefact(unsigned, ed.privateKey);
    expect([bySm2.alg, byEd.alg]).toEqual(['SM2', 'Ed25519']);
    expect(verifyArtefact(bySm2, sm2.publicKey)).toBe(true);
    expect(verifyArtefact(byEd, ed.publicKey)).toBe(true);
    // the Ed25519 artefact is the same signature the platform always made
    expect(verify(null, Buffer.from(signedBytes(byEd)), ed.publicKey, Buffer.from(byEd.signature, 'base64url'))).toBe(
      true,
    );
  });

  it('refuses a changed field, another province’s key, an alg of the other suite, a malformed signature', () => {
    const c = signArtefact(unsigned, sm2.privateKey);
    expect(verifyArtefact({ ...c, purpose: `${c.purpose}。` }, sm2.publicKey)).toBe(false);
    expect(verifyArtefact(c, suite('sm2-sm3').generateKeyPair().publicKey)).toBe(false);
    expect(verifyArtefact(c, ed.publicKey)).toBe(false);
    expect(verifyArtefact({ ...c, alg: 'Ed25519' }, sm2.publicKey)).toBe(false);
    expect(verifyArtefact({ ...c, alg: 'RSA' }, sm2.publicKey)).toBe(false);
    expect(verifyArtefact({ ...c, signature: '' }, sm2.publicKey)).toBe(false);
    expect(verifyArtefact({ ...c, signature: `${c.signature}=` }, sm2.publicKey)).toBe(false);
    // an Ed25519 artefact relabelled '' (as before alg existed) changes the signed bytes
    const e = signArtefact(unsigned, ed.privateKey);
    expect(verifyArtefact({ ...e, alg: '' }, ed.publicKey)).toBe(false);
  });
});

describe('audit payload hashes written with the lenient encoder', () => {
  const { application, rules, consentCreated: consent } = fixture.auditPayloads;

  it('an application row hashes as it did', () => {
    expect(applicationSubmitted('zj', application.payload).payloadHash).toBe(application.payloadHash);
  });

  it('a rules version hashes as it did', () => {
    const r = { version: rules.version, changedBy: 'zj-admin', changedAt: '2026-11-01T00:00:00.000Z' };
    expect(rulesChanged('zj', r, '11330000MB1234567Y', rules.payload).payloadHash).toBe(rules.payloadHash);
  });

  it('a created consent hashes its signed bytes as it did', () => {
    expect(consentCreated('sh', consent.payload).payloadHash).toBe(consent.payloadHash);
  });
});

describe('the strict encoder and the lenient one on message-shaped values', () => {
  // a small deterministic generator (xorshift32): the same values on every run
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const pieces = [
    'a',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '/',
    '\n',
    '\t',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u2028',
    '上海',
    '張',
    '😀',
    '\ufeff',
    'é',
    'A\u030a',
  ];
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(pieces)).join('');
  const numbers = [0, -0, 1, -1, 0.5, 60, 1e21, 1e-7, 333333333.3333333, Number.MAX_SAFE_INTEGER, 5e-324];
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 2 ? 4 : 6));
    switch (kind) {
      case 0:
        return text();
      case 1:
        return pick(numbers);
      case 2:
        return next() < 0.5;
      case 3:
        return pick([null, undefined, text()]);
      case 4:
        return Array.from({ length: Math.floor(next() * 4) }, () => {
          const v = value(depth + 1);
          return v === undefined ? '' : v; // a message never has undefined in a repeated field
        });
      default: {
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(next() * 5); i > 0; i--)
          o[pick([text(), 'id', 'items', '10', '2', '省'])] = value(depth + 1);
        return o;
      }
    }
  };

  it('write the same bytes for every one', () => {
    for (let i = 0; i < 2000; i++) {
      const v: Record<string, unknown> = { id: text(), nested: value(0), other: value(1) };
      expect(canonicalJson(v)).toBe(lenientCanonicalJson(v));
    }
  });

  it('differ only where the strict one refuses what is not JSON data', () => {
    const notJson: unknown[] = [
      { at: new Date(0) },
      { n: Number.NaN },
      { items: ['a', undefined] },
      { s: 'x\ud800' },
      { b: new Uint8Array([1]) },
    ];
    for (const v of notJson) {
      expect(() => lenientCanonicalJson(v)).not.toThrow();
      expect(() => canonicalJson(v)).toThrow(CanonicalJsonError);
    }
  });
});
