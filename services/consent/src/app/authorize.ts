/**
 * Authorize: the provider's exchange asks, before it serves anything, whether this requester may
 * have these items of this resource now. The use case gathers what the decision needs — the entry,
 * the grant, the consent, the revocation register's word on both, the province's rules — and the
 * pure `decide()` answers; every refusal, with its rule and reason, comes from there. A denial is an
 * answer (allow=false), never an error; a request that cannot be asked at all (no such mode, no
 * requester province, an entry of another province) or an issuer out of reach is an error.
 */
import { invalid } from '@yrd/errors';
import type { consentV1 } from '@yrd/proto';
import { isProvince, type Province } from '@yrd/region';
import { noteCodes } from '../domain/codes.js';
import {
  type ConsentView,
  type Decision,
  type DecisionInput,
  decide,
  type GrantView,
  isUnresolved,
  type Mode,
  modes,
  type Requester,
  requesterKinds,
  type UnresolvedConsent,
} from '../domain/index.js';
import { lookupResource, toPolicyView } from './catalogue.js';
import type { Consents } from './consents.js';
import type { Grants } from './grants.js';
import type { Grant, ResourceLookup, RevocationCheck } from './ports.js';
import type { ProvinceRules } from './rules.js';

export interface AuthorizationDeps {
  province: Province;
  catalog: ResourceLookup;
  grants: Grants;
  consents: Consents;
  rules: ProvinceRules;
  /** without one, only the issuer's own word (its table, or the live fetch) says what is revoked */
  revocations?: RevocationCheck | undefined;
  clock: () => Date;
}

export class Authorization {
  private readonly province: Province;
  private readonly catalog: ResourceLookup;
  private readonly grants: Grants;
  private readonly consents: Consents;
  private readonly rules: ProvinceRules;
  private readonly revocations: RevocationCheck | undefined;
  private readonly clock: () => Date;

  constructor(deps: AuthorizationDeps) {
    this.province = deps.province;
    this.catalog = deps.catalog;
    this.grants = deps.grants;
    this.consents = deps.consents;
    this.rules = deps.rules;
    this.revocations = deps.revocations;
    this.clock = deps.clock;
  }

  /** At the provider. */
  async authorize(req: consentV1.AuthorizeRequest): Promise<consentV1.AuthorizeResponse> {
    const requester = toRequester(req.requester);
    const mode = toMode(req.mode);
    const at = req.at || this.clock().toISOString();
    const asked = {
      requester,
      requestedItems: req.items,
      mode,
      purpose: req.purpose,
      ...(req.subjectRef ? { subjectRef: req.subjectRef } : {}),
      at,
    };
    const found = await lookupResource(this.catalog, req.resourceId);
    const resource = found?.resource;
    if (!resource) {
      // refused on the entry alone: no grant, consent or rules are read for it
      const decision = decide({ ...asked, resource: { id: req.resourceId, unknown: true } });
      return response(decision, {
        grantId: req.grantId,
        consentId: req.consentId,
        resourceVersion: 0,
        rulesVersion: 0,
      });
    }
    if (resource.province !== this.province) {
      throw invalid('CONSENT.WRONG_PROVIDER', `资源 ${resource.id} 不由本省提供 not provided by ${this.province}`);
    }
    const grant = req.grantId ? await this.grants.forDecision(req.grantId) : undefined;
    const consent = req.consentId ? await this.consentForDecision(req.consentId) : undefined;
    const { version: rulesVersion, rules } = await this.rules.inForce();
    const input: DecisionInput = {
      ...asked,
      resource: toPolicyView(resource),
      ...(grant ? { grant: this.grantForDecision(grant) } : {}),
      ...(consent ? { consent } : {}),
      maskOverrides: rules.masking,
      ...(found.negativeListing ? { negativeList: [resource.id] } : {}),
    };
    const decision = decide(input);
    const ids = { grantId: grant?.id ?? '', consentId: consent?.id ?? '' };
    const versions = { resourceVersion: resource.version, rulesVersion };
    const reliedOn = decision.allow && decision.reasons.some((r) => r.code === noteCodes.consented);
    if (reliedOn && consent && !isUnresolved(consent) && consent.fetchType === 'once') {
      const claimed = await this.consents.claimOnce(consent.id, at, `${requester.province}:${requester.agency}`);
      // another fetch spent it between the read and this claim: decided again on the consent as it now is
      if (!claimed) {
        const spent = decide({ ...input, consent: { ...consent, used: true } });
        return response(spent, { grantId: req.grantId, consentId: req.consentId, ...versions });
      }
    }
    return response(decision, { ...ids, ...versions, ratePerMinute: grant?.ratePerMinute ?? 0 });
  }

  private revoked(id: string): boolean {
    return this.revocations?.isRevoked(id) === true;
  }

  /**
   * A named consent is always looked up and judged, never dropped: one that cannot be found or does
   * not verify is refused for that (an issuer out of reach is a 503, not a refusal). The revocation
   * register holds what was revoked anywhere: a consent it holds is refused without asking its
   * issuer, which may be out of reach.
   */
  private consentForDecision(id: string): Promise<ConsentView | UnresolvedConsent> {
    if (this.revoked(id)) return Promise.resolve({ id, unresolved: 'revoked' });
    return this.consents.forDecision(id);
  }

  /** The grant as the decision sees it: revoked when the register says so, whatever the copy read says. */
  private grantForDecision(g: Grant): GrantView {
    const { applicationId: _a, resourceVersion: _v, revokedAt: _r, ratePerMinute: _rate, ...view } = g;
    return this.revoked(g.id) ? { ...view, status: 'revoked' } : view;
  }
}

/** The answer on the wire: a refusal grants no items, masks and rate whatever it was asked with. */
function response(
  decision: Decision,
  about: {
    grantId: string;
    consentId: string;
    resourceVersion: number;
    rulesVersion: number;
    ratePerMinute?: number;
  },
): consentV1.AuthorizeResponse {
  return {
    allow: decision.allow,
    allowedItems: decision.allowedItems,
    masking: Object.entries(decision.masking).map(([item, profile]) => ({ item, profile })),
    reasons: decision.reasons.map((r) => ({ ruleId: r.ruleId, code: r.code, message: r.message })),
    denialCode: decision.denialCode ?? '',
    grantId: about.grantId,
    consentId: about.consentId,
    resourceVersion: about.resourceVersion,
    rulesVersion: about.rulesVersion,
    ratePerMinute: decision.allow ? (about.ratePerMinute ?? 0) : 0,
  };
}

function toMode(m: string): Mode {
  const mode = m === '' ? 'query' : m;
  const known = modes.find((x) => x === mode);
  if (!known) throw invalid('CONSENT.BAD_MODE', `unknown mode ${m}`);
  return known;
}

function toRequester(a: consentV1.AuthorizeRequest['requester']): Requester {
  if (!a || !isProvince(a.province))
    throw invalid('CONSENT.BAD_REQUESTER', '请求方省份无效 requester province is missing or unknown');
  const kind = a.requesterKind === '' ? 'government' : a.requesterKind;
  const known = requesterKinds.find((k) => k === kind);
  if (!known) throw invalid('CONSENT.BAD_REQUESTER', `unknown requester kind ${kind}`);
  return { province: a.province, agency: a.agencyCode, userId: a.userId, kind: known };
}
