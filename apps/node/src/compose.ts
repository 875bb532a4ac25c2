/**
 * What a province's services are given, the same whether they run in one process (node.ts, the
 * demo) or each in its own (standalone.ts): the province's identity (its key, the trust list, the
 * token verifier), and in dev mode the seed users and the demo seeds each service loads.
 */

import type { JsonWebKey } from 'node:crypto';
import {
  anchorsFrom,
  currentKeys,
  loadProvinceKey,
  type ProvinceKey,
  TokenVerifier,
  type TrustAnchors,
  type TrustList,
} from '@yrd/auth';
import type { CertificateOptions } from '@yrd/certificate';
import type { catalogV1 } from '@yrd/proto';
import type { Province, SubjectRefs } from '@yrd/region';
import { certificateSeedFor, seedsFor, users as seedUsers } from '@yrd/seeds';
import { seedToResource } from './seed-mapping.js';

export interface ProvinceIdentity {
  key: ProvinceKey;
  /** the regional trust list, every province's current and past keys */
  anchors: TrustAnchors;
  /** each province's current key: tokens are signed with it */
  trust: TrustList;
  verifier: TokenVerifier;
}

/**
 * The province's signing key and the region's trust list as the services use them. A bare map of
 * one key per province is read as keys valid since always.
 */
export function provinceIdentity(
  province: Province,
  trust: TrustList | TrustAnchors,
  privateJwk: JsonWebKey,
  now: Date,
): ProvinceIdentity {
  return { key: loadProvinceKey(province, privateJwk), ...provinceVerifier(province, trust, now) };
}

/** What a process that signs nothing (the edge outside dev mode) needs: the trust list and a token verifier. */
export function provinceVerifier(
  province: Province,
  trust: TrustList | TrustAnchors,
  now: Date,
): Omit<ProvinceIdentity, 'key'> {
  const anchors: TrustAnchors =
    'format' in trust ? (trust as TrustAnchors) : anchorsFrom(trust as TrustList, '1970-01-01T00:00:00.000Z');
  const current = currentKeys(anchors, now);
  return { anchors, trust: current, verifier: new TokenVerifier(current, province) };
}

/** The province's agencies by credit code: the catalogue shows their names. */
export function agencyNames(province: Province): Map<string, string> {
  return new Map(seedsFor(province).agencies.map((a) => [a.creditCode, a.name]));
}

/** The catalogue's demo entries, as first published at `now` (ISO 8601). */
export function catalogSeed(province: Province, now: string): catalogV1.Resource[] {
  const names = agencyNames(province);
  return seedsFor(province).resources.map((r) => seedToResource(r, names.get(r.providerCreditCode) ?? '', now));
}

/** The demo consents this province issued, each naming its subject as the subject's token will. */
export function consentSeed(province: Province, subjectRefs: SubjectRefs) {
  const seeds = seedsFor(province);
  // the seed's id is a label; the issuing province assigns its own
  return seeds.consents.map(({ id: _label, subject, ...input }) => {
    const user = seeds.users.find((u) => u.id === subject);
    return {
      // the same reference the subject's token carries and a provider computes from the query key
      subject: {
        sub: subject,
        name: user?.name ?? '',
        ...(user?.idNumber ? { subjectRef: subjectRefs.ofIdNumber(user.idNumber).ref } : {}),
      },
      ...input,
    };
  });
}

/** The exchange's embedded demo datasets of this province. */
export function exchangeDatasets(province: Province) {
  const seeds = seedsFor(province);
  const keyItemsOf = new Map(seeds.resources.map((r) => [r.id, r.keyItems]));
  return seeds.datasets.map((d) => ({
    resourceId: d.resourceId,
    keyItems: keyItemsOf.get(d.resourceId) ?? [],
    records: d.records,
  }));
}

/** The edge's dev users: every seed user is listed; a token is issued only by the user's own province. */
/** The 电子证照 seeds: the province's certificate types, certificates and 用证清单 (seeds/src/certificates.ts). */
export function certificateSeed(province: Province): NonNullable<CertificateOptions['seed']> {
  return certificateSeedFor(province);
}

/**
 * The certificate service of a node: its root is the province's own key (the one in the regional
 * trust list), the other provinces' roots come from that list; its issuer and wallet keys are kept in
 * `keyDir` when the node keeps data on disk.
 */
export async function certificateOptions(
  province: Province,
  key: ProvinceKey,
  anchors: TrustAnchors,
  opts: { keyDir?: string | undefined; seed: boolean },
): Promise<CertificateOptions> {
  // loaded when asked: a process running another service does not load the certificate service
  const { trustFromAnchors } = await import('@yrd/certificate');
  return {
    provinceRoot: { kid: key.kid, privateKey: key.privateKey },
    trust: trustFromAnchors(anchors, province),
    ...(opts.keyDir ? { keyDir: opts.keyDir } : {}),
    ...(opts.seed ? { seed: certificateSeed(province) } : {}),
  };
}

export function devUsers(subjectRefs: SubjectRefs) {
  return seedUsers.map((u) => ({
    id: u.id,
    name: u.name,
    agency: u.agency,
    province: u.province,
    roles: u.roles,
    kind: u.kind ?? 'government',
    // the province knows who its residents are (real-name login); tokens carry the hash
    ...(u.idNumber ? { subjectRef: subjectRefs.ofIdNumber(u.idNumber).ref } : {}),
    // a company holding certificates: the reference the certificate service keys its wallet by
    ...(u.creditCode ? { subjectRef: subjectRefs.ofKey({ credit_code: u.creditCode }).ref } : {}),
  }));
}
