import { describe, expect, it } from 'vitest';
import { businessLicenceInput, licenceData } from '../testing/world.js';
import { checkCertificateData, parseCertificateType, typeGrade } from './catalogue.js';
import { CertificateDomainError } from './errors.js';

const refusalOf = (f: () => unknown): CertificateDomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CertificateDomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('发证目录 certificate types', () => {
  it('parses a business licence type with defaults filled in', () => {
    const t = parseCertificateType(businessLicenceInput());
    expect(t.fields).toHaveLength(10);
    expect(t.fields[0]).toMatchObject({ type: 'string', required: true, sensitivePersonalInfo: false });
    expect(t.standardLevel).toBe('national');
    expect(typeGrade(t)).toEqual({ grade: 'general', subLevel: 2 });
  });

  it.each([
    ['a malformed type code', { typeCode: '123' }, 'CERT.INVALID_INPUT', 'typeCode'],
    ['a type code with a bad credit code', { typeCode: '91330106MA2H8QK01X032' }, 'CERT.INVALID_INPUT', 'typeCode'],
    [
      'an issuer with an invalid credit code',
      { issuer: { province: 'zj', creditCode: '113300000024829001', name: '某局' } },
      'CERT.INVALID_INPUT',
      'issuer.creditCode',
    ],
    [
      'an unknown province',
      { issuer: { province: 'gd', creditCode: '113300000024829001', name: '某局' } },
      'CERT.INVALID_INPUT',
      'issuer.province',
    ],
    ['no fields', { fields: [] }, 'CERT.INVALID_INPUT', 'fields'],
    ['a bad collection start date', { collectionStart: '2019-13-01' }, 'CERT.INVALID_INPUT', 'collectionStart'],
    ['a zero-month validity', { validity: { kind: 'period', months: 0 } }, 'CERT.INVALID_INPUT', 'validity.months'],
  ])('refuses %s', (_name, override, code, path) => {
    const e = refusalOf(() => parseCertificateType({ ...businessLicenceInput(), ...override }));
    expect(e.code).toBe(code);
    expect(e.details.map((d) => d.path)).toContain(path);
    expect(e.reason.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(e.reason.en).toMatch(/[a-z]/);
  });

  it('refuses duplicate fields, sensitive data not marked personal and sub-levels outside general', () => {
    const base = businessLicenceInput();
    const fields = [
      ...(base.fields ?? []),
      { name: 'entity_name', label: { zh: '名称', en: 'Name' }, grade: 'general' as const },
      {
        name: 'health',
        label: { zh: '健康状况', en: 'Health' },
        grade: 'important' as const,
        sensitivePersonalInfo: true,
      },
      { name: 'secret', label: { zh: '核心项', en: 'Core item' }, grade: 'core' as const, subLevel: 2 },
    ];
    const e = refusalOf(() => parseCertificateType({ ...base, fields }));
    expect(e.code).toBe('CERT.INVALID_TYPE');
    expect(e.details.map((d) => d.path)).toEqual(['fields.10.name', 'fields.11.personalInfo', 'fields.12.subLevel']);
  });

  it('refuses a natural person’s certificate that marks no personal information', () => {
    const e = refusalOf(() =>
      parseCertificateType({
        ...businessLicenceInput(),
        holderType: 'natural_person',
        fields: [{ name: 'title', label: { zh: '职称', en: 'Title' }, grade: 'general' }],
      }),
    );
    expect(e.code).toBe('CERT.INVALID_TYPE');
    expect(e.details[0]?.message).toContain('personal information');
  });
});

describe('照面信息 certificate data against its type', () => {
  const t = parseCertificateType(businessLicenceInput());

  it('accepts the data and drops empty optional fields', () => {
    const { term_until: _omit, ...rest } = licenceData;
    expect(checkCertificateData(t, rest)).not.toHaveProperty('term_until');
    expect(Object.keys(checkCertificateData(t, licenceData))).toHaveLength(10);
  });

  it('refuses a missing required field, an unknown field and a wrongly typed value, all at once', () => {
    const { entity_name: _missing, ...rest } = licenceData;
    const e = refusalOf(() => checkCertificateData(t, { ...rest, shoe_size: '42', established_on: '15/03/2021' }));
    expect(e.code).toBe('CERT.INVALID_DATA');
    expect(e.details.map((d) => d.path).sort()).toEqual(['entity_name', 'established_on', 'shoe_size']);
  });

  it('refuses data that is not an object', () => {
    expect(refusalOf(() => checkCertificateData(t, ['a'])).code).toBe('CERT.INVALID_DATA');
    expect(refusalOf(() => checkCertificateData(t, null)).code).toBe('CERT.INVALID_DATA');
  });
});
