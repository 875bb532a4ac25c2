/**
 * Demo data loaded at start (seeds/): certificate types of this province's agencies, certificates
 * issued to seeded holders, and 用证清单 entries. Idempotent: a type that exists is kept, a holder who
 * already holds a current certificate of a type gets no second one, a service's list is replaced.
 * Everything goes through the same use cases as HTTP, as the issuing agency's publisher would.
 */
import type { Principal } from '@yrd/auth';
import { parseCertificateType } from '../domain/catalogue.js';
import type { Catalogue } from './catalogue.js';
import type { Certificates, HolderInput } from './certificates.js';
import type { CertificateContext } from './context.js';
import { domainCall } from './errors.js';
import type { Use } from './use.js';

export interface CertificateSeed {
  types: readonly Record<string, unknown>[];
  certificates: readonly {
    typeCode: string;
    holder: HolderInput;
    data: Record<string, unknown>;
    validFrom: string;
    validUntil?: string | undefined;
  }[];
  services: readonly { code: string; name: string; materials: { material: string; certificateTypes: string[] }[] }[];
}

export async function applySeed(
  ctx: CertificateContext,
  uc: { catalogue: Catalogue; certificates: Certificates; use: Use },
  seed: CertificateSeed,
): Promise<{ types: number; certificates: number; services: number }> {
  const counts = { types: 0, certificates: 0, services: 0 };
  const staff = (agency: string): Principal => ({
    sub: 'seed',
    name: '初始数据 seed',
    province: ctx.province,
    agency,
    roles: ['publisher', 'admin'],
    kind: 'government',
  });
  for (const input of seed.types) {
    const type = await domainCall(() => parseCertificateType(input));
    if (await ctx.store.getType(type.typeCode)) continue;
    await uc.catalogue.create(staff(type.issuer.creditCode), type);
    counts.types++;
  }
  for (const c of seed.certificates) {
    const stored = await ctx.store.getType(c.typeCode);
    if (!stored) throw new Error(`seed certificate of unknown type ${c.typeCode}`);
    const holder = uc.certificates.holderRef(stored.type.holderType, c.holder);
    if (await ctx.store.currentOfHolder(holder.ref, c.typeCode)) continue;
    await uc.certificates.issue(staff(stored.type.issuer.creditCode), c);
    counts.certificates++;
  }
  for (const s of seed.services) {
    await uc.use.putService(staff(''), s.code, { name: s.name, materials: s.materials });
    counts.services++;
  }
  return counts;
}
