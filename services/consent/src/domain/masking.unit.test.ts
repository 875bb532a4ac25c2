import type { MaskProfile } from '@yrd/masking';
import { describe, expect, it } from 'vitest';
import { maskProfileFor } from './masking.js';
import type { DataItemPolicyView, RequesterKind } from './types.js';

function item(overrides: Partial<DataItemPolicyView> = {}): DataItemPolicyView {
  return {
    name: 'field',
    grade: 'general',
    subLevel: null,
    personalInfo: false,
    sensitivePersonalInfo: false,
    piiKind: 'none',
    ...overrides,
  };
}

const personal = { personalInfo: true } as const;
const sensitive = { personalInfo: true, sensitivePersonalInfo: true } as const;

describe('maskProfileFor (R-MASK)', () => {
  it.each<{ label: string; item: DataItemPolicyView; kind: RequesterKind; profile: MaskProfile }>([
    {
      label: 'sensitive ID number',
      item: item({ ...sensitive, piiKind: 'id_number' }),
      kind: 'government',
      profile: 'id_number',
    },
    {
      label: 'ID number without flags',
      item: item({ piiKind: 'id_number' }),
      kind: 'government',
      profile: 'id_number',
    },
    { label: "a person's name", item: item({ ...personal, piiKind: 'name' }), kind: 'government', profile: 'name' },
    { label: "a person's phone", item: item({ ...personal, piiKind: 'phone' }), kind: 'enterprise', profile: 'phone' },
    {
      label: "a person's address",
      item: item({ ...personal, piiKind: 'address' }),
      kind: 'research',
      profile: 'address',
    },
    { label: "a company's address", item: item({ piiKind: 'address' }), kind: 'enterprise', profile: 'none' },
    { label: 'sensitive name', item: item({ ...sensitive, piiKind: 'name' }), kind: 'government', profile: 'name' },
    { label: 'credit code, government', item: item({ piiKind: 'credit_code' }), kind: 'government', profile: 'none' },
    {
      label: 'credit code, enterprise',
      item: item({ piiKind: 'credit_code' }),
      kind: 'enterprise',
      profile: 'credit_code',
    },
    {
      label: 'credit code, individual',
      item: item({ piiKind: 'credit_code' }),
      kind: 'individual',
      profile: 'credit_code',
    },
    {
      label: 'sensitive credit code, government',
      item: item({ ...sensitive, piiKind: 'credit_code' }),
      kind: 'government',
      profile: 'credit_code',
    },
    { label: 'important item, no PII', item: item({ grade: 'important' }), kind: 'enterprise', profile: 'none' },
    { label: 'general item, no PII', item: item(), kind: 'individual', profile: 'none' },
    { label: 'sensitive, no known shape', item: item({ ...sensitive }), kind: 'government', profile: 'redact' },
  ])('$label for $kind → $profile', ({ item: it_, kind, profile }) => {
    expect(maskProfileFor(it_, kind)).toBe(profile);
  });
});
