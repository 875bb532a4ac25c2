import { createHash } from 'node:crypto';
import { CanonicalJsonError } from '@yrd/canonical';
import { describe, expect, it } from 'vitest';
import { makeIdNumber } from './id-number.js';
import {
  canonicalKeyValue,
  generateSubjectKeyring,
  legacySubjectKeyId,
  legacySubjectRefOfIdNumber,
  rotateSubjectKeyring,
  SubjectKeyringError,
  SubjectRefs,
} from './subject-ref.js';

const idX = makeIdNumber('110105', '19491231', '002'); // check character X
const id = makeIdNumber('320106', '19880512', '031');

describe('references to people under the regional subject key', () => {
  it('is a keyed HMAC: the same person gives the same reference under one key, another under another key', () => {
    const ring = generateSubjectKeyring();
    const a = new SubjectRefs(ring);
    const b = new SubjectRefs(JSON.parse(JSON.stringify(ring)));
    const other = new SubjectRefs(generateSubjectKeyring());
    expect(a.ofIdNumber(id)).toEqual(b.ofIdNumber(id));
    expect(a.ofIdNumber(id).ref).toMatch(/^[0-9a-f]{64}$/);
    expect(a.ofIdNumber(id).keyId).toBe('rk-1');
    expect(other.ofIdNumber(id).ref).not.toBe(a.ofIdNumber(id).ref);
    // neither the old unkeyed hash nor a plain hash of the number
    expect(a.ofIdNumber(id).ref).not.toBe(legacySubjectRefOfIdNumber(id));
    expect(a.ofIdNumber(id).ref).not.toBe(createHash('sha256').update(id).digest('hex'));
  });

  it('cannot be undone by enumerating candidates without the key', () => {
    const refs = new SubjectRefs(generateSubjectKeyring());
    const target = refs.ofIdNumber(id).ref;
    // an attacker with the log and without the key tries the old scheme over one area and birth year
    const attacker = new SubjectRefs(generateSubjectKeyring());
    let found = false;
    for (let seq = 0; seq < 1000 && !found; seq++) {
      const candidate = makeIdNumber('320106', '19880512', String(seq).padStart(3, '0'));
      found =
        legacySubjectRefOfIdNumber(candidate) === target ||
        attacker.ofIdNumber(candidate).ref === target ||
        createHash('sha256').update(`yrd-subject-v2\0person\0${candidate}`).digest('hex') === target;
    }
    expect(found).toBe(false);
  });

  it('canonicalises the value first: blanks, full-width digits, a lower-case check letter, phone formats', () => {
    const refs = new SubjectRefs(generateSubjectKeyring());
    const want = refs.ofIdNumber(idX).ref;
    expect(idX.endsWith('X')).toBe(true);
    for (const v of [
      ` ${idX} `,
      idX.toLowerCase(),
      idX.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
    ]) {
      expect(refs.ofIdNumber(v).ref).toBe(want);
    }
    expect(canonicalKeyValue('+86 138-0013-8000')).toBe('13800138000');
    expect(refs.ofKey({ phone: '138 0013 8000' })).toEqual(refs.ofKey({ phone: '13800138000' }));
    expect(refs.ofKey({ booking_no: ' ZLB-20251002-000317 ' })).toEqual(
      refs.ofKey({ booking_no: 'ZLB-20251002-000317' }),
    );
  });

  it('names the person whatever the key item is called; any other key refers to the key itself', () => {
    const refs = new SubjectRefs(generateSubjectKeyring());
    const person = refs.ofIdNumber(id).ref;
    expect(refs.ofKey({ id_number: id }).ref).toBe(person);
    expect(refs.ofKey({ holder_id: id, name: '李四海' }).ref).toBe(person);
    const booking = refs.ofKey({ booking_no: 'ZLB-20251002-000317' }).ref;
    expect(booking).toMatch(/^[0-9a-f]{64}$/);
    expect(booking).not.toBe(person);
    expect(refs.ofKey({ declaration_no: 'ZLB-20251002-000317' }).ref).not.toBe(booking);
    // an account reference can never collide with a key's
    expect(refs.ofAccount('sh', 'sh-subject-01').ref).not.toBe(refs.ofKey({ account: 'sh-subject-01' }).ref);
  });

  it('rotates: new references use the current key; every known key id and the legacy hash stay traceable', () => {
    const ring1 = generateSubjectKeyring('rk-1');
    const before = new SubjectRefs(ring1).ofIdNumber(id);
    const ring2 = rotateSubjectKeyring(ring1, 'rk-2');
    const after = new SubjectRefs(ring2);
    expect(after.ofIdNumber(id).keyId).toBe('rk-2');
    expect(after.ofIdNumber(id).ref).not.toBe(before.ref);
    expect(after.knownKeyIds).toEqual(['rk-2', 'rk-1', legacySubjectKeyId]);
    const all = after.allOfIdNumber(id);
    expect(all).toContainEqual(before);
    expect(all).toContainEqual(after.ofIdNumber(id));
    expect(all).toContainEqual({ keyId: legacySubjectKeyId, ref: legacySubjectRefOfIdNumber(id) });
    // the legacy hash of a non-ID key was sha256 of its canonical JSON
    const legacyKey = createHash('sha256').update('{"booking_no":"B-1"}').digest('hex');
    expect(after.allOfKey({ booking_no: 'B-1' })).toContainEqual({ keyId: legacySubjectKeyId, ref: legacyKey });
    expect(() => rotateSubjectKeyring(ring2, 'rk-1')).toThrow(SubjectKeyringError);
  });

  it('keeps the references of a non-ID key that the hand-written encoder made before @yrd/canonical', () => {
    // pinned from the encoder this file had before (issue 12): the RFC 8785 encoder writes the same
    // bytes for every map of well-formed strings, so stored references and legacy hashes still match
    const refs = new SubjectRefs({
      current: 'rk-1',
      keys: { 'rk-1': 'eXJkLXJlZ2lvbi10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE' },
    });
    const key = { 预订号: 'B-2026-0001', booking_no: ' Ｂ-1 ', 'a"b': 'c\\d\n', z: '😀' };
    expect(refs.ofKey(key)).toEqual({
      keyId: 'rk-1',
      ref: 'ca76184d55b888c8b0314d4635bcc46607a1492a26c4adedd47fca9127379ee4',
    });
    expect(refs.allOfKey(key).map((r) => r.ref)).toEqual([
      'ca76184d55b888c8b0314d4635bcc46607a1492a26c4adedd47fca9127379ee4',
      '34b5c856f2804b283a089cb15036fffda84951c53eba00562012ebdbae66bfdd',
      'f090026ff15e0d97de7e2374905e1f7e251a50228b17f0bfa848e08c706edfea',
    ]);
    // a lone surrogate has no UTF-8 form: refused rather than given a reference nobody can reproduce
    expect(() => refs.ofKey({ booking_no: 'B\ud800' })).toThrow(CanonicalJsonError);
  });

  it.each([
    ['no keys', { current: 'rk-1', keys: {} }],
    ['a short key', { current: 'rk-1', keys: { 'rk-1': 'c2hvcnQ' } }],
    ['the legacy id as a key id', { current: legacySubjectKeyId, keys: { [legacySubjectKeyId]: 'a'.repeat(43) } }],
    ['a current id that is not a key', { current: 'rk-9', keys: { 'rk-1': 'a'.repeat(43) } }],
    ['not a keyring', JSON.parse('{"keys": null}')],
  ])('refuses a keyring with %s', (_label, ring) => {
    expect(() => new SubjectRefs(ring)).toThrow(SubjectKeyringError);
  });
});
