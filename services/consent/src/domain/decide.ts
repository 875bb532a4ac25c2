// The consent service's policy decision: may this requester get these items of this resource, in
// this mode, for this purpose, now? Pure: everything, including the time, comes in as input.
//
// Every rule is evaluated, not just the first that fails, so a refusal lists all that is wrong
// with a request (the requester can fix everything in one go, the auditor sees the whole picture).
import type { MaskProfile } from '@yrd/masking';
import { type DenialCode, denialCodes, type NoteCode, noteCodes, type RuleId, ruleIds } from './codes.js';
import { maskProfileFor } from './masking.js';
import {
  type ConsentView,
  type DataItemPolicyView,
  type Decision,
  type DecisionInput,
  type GrantView,
  isUnknownResource,
  isUnresolved,
  type Mode,
  type Reason,
  type RequesterKind,
  type ResourcePolicyView,
  type SharingMode,
  type UnknownResource,
  type UnresolvedConsent,
} from './types.js';

/** Recorded with every decision so an audit can tell which rule set produced it. */
export const decisionRulesVersion = '1.1.0';

/**
 * How a request can be lawful at all, given who asks and the resource's tiers:
 * - `grant`: conditional sharing (government) or conditional opening (others) — an explicit grant;
 * - `implicit`: unconditional sharing to government — an implicit per-request grant;
 * - `open`: unconditional opening to others — only general, non-personal items;
 * - `closed`: the tier that governs this requester shuts it out.
 */
export type AccessPath = 'grant' | 'implicit' | 'open' | 'closed';

export function isGovernment(kind: RequesterKind): boolean {
  switch (kind) {
    case 'government':
      return true;
    case 'enterprise':
    case 'research':
    case 'individual':
      return false;
    default:
      return assertNever(kind);
  }
}

export function accessPath(kind: RequesterKind, resource: ResourcePolicyView): AccessPath {
  // 共享属性 governs government bodies; 开放属性 governs everybody else.
  if (isGovernment(kind)) {
    switch (resource.sharingTier) {
      case 'unconditional':
        return 'implicit';
      case 'conditional':
        return 'grant';
      case 'none':
        return 'closed';
      default:
        return assertNever(resource.sharingTier);
    }
  }
  switch (resource.openTier) {
    case 'unconditional':
      return 'open';
    case 'conditional':
      return 'grant';
    case 'none':
      return 'closed';
    default:
      return assertNever(resource.openTier);
  }
}

/** The 共享方式 that can carry a mode. */
export function sharingModesFor(mode: Mode): readonly SharingMode[] {
  switch (mode) {
    case 'query':
      return ['interface', 'file'];
    case 'verify':
      return ['verify', 'interface'];
    case 'subscribe':
      return ['subscribe'];
    default:
      return assertNever(mode);
  }
}

/** The input of a request whose catalogue entry was found: what every rule but R-RESOURCE reads. */
type JudgedInput = Omit<DecisionInput, 'resource'> & { resource: ResourcePolicyView };

/** Everything the rules need, worked out once. */
interface Context {
  input: JudgedInput;
  path: AccessPath;
  crossProvince: boolean;
  itemsByName: ReadonlyMap<string, DataItemPolicyView>;
  /** Requested names, de-duplicated, in request order. */
  requested: string[];
  /** Requested names the resource does not have. */
  unknown: string[];
  /** Names the grant lists that the resource (this version) does not have; only when defaulting to the grant. */
  staleGrantItems: string[];
  droppedCore: string[];
  droppedNotOpen: string[];
  allowed: DataItemPolicyView[];
}

/** A reason that refuses the request. */
type Denial = Reason & { code: DenialCode };

type Rule = (ctx: Context) => Denial[];

export function decide(given: DecisionInput): Decision {
  const { resource } = given;
  // without the entry there is nothing to judge the rest against
  if (isUnknownResource(resource)) return refusal([unknownResourceProblem(resource)]);
  const input: JudgedInput = { ...given, resource };
  const ctx = buildContext(input);
  const denialRules: readonly Rule[] = [
    ruleCoreLocal,
    ruleSharingNone,
    ruleNegativeList,
    ruleOpenTier,
    ruleMode,
    rulePurpose,
    ruleGrant,
    ruleItems,
    ruleConsent,
  ];
  const denials = denialRules.flatMap((rule) => rule(ctx));
  if (denials.length > 0) return refusal(denials);

  const masking: Record<string, MaskProfile> = {};
  for (const item of ctx.allowed) {
    const profile = maskProfileFor(item, input.requester.kind);
    // a province may choose another mask for what is masked anyway; it cannot unmask
    const chosen = profile === 'none' ? undefined : input.maskOverrides?.[item.piiKind];
    masking[item.name] = chosen && chosen !== 'none' ? chosen : profile;
  }
  return {
    allow: true,
    allowedItems: ctx.allowed.map((i) => i.name),
    masking,
    reasons: [...basisNotes(ctx), ...dropNotes(ctx)],
  };
}

/** A refusal lists every denial; its code is the first one's. */
function refusal(denials: Denial[]): Decision {
  return {
    allow: false,
    allowedItems: [],
    masking: {},
    reasons: denials,
    ...(denials[0] ? { denialCode: denials[0].code } : {}),
  };
}

function buildContext(input: JudgedInput): Context {
  const { resource, requester, grant } = input;
  const path = accessPath(requester.kind, resource);
  const crossProvince = requester.province !== resource.province;
  const itemsByName = new Map(resource.items.map((i) => [i.name, i] as const));

  const requested = unique(input.requestedItems);
  const unknown = requested.filter((n) => !itemsByName.has(n));

  let scope: readonly string[];
  let staleGrantItems: string[] = [];
  if (requested.length > 0) {
    scope = requested;
  } else if (path === 'grant' && grant !== undefined) {
    // A grant may predate the current version of the entry; items it names that no longer exist
    // were not asked for by name, so they are dropped rather than refused.
    scope = unique(grant.items);
    staleGrantItems = scope.filter((n) => !itemsByName.has(n));
  } else {
    scope = resource.items.map((i) => i.name);
  }
  const candidates = scope.flatMap((n) => {
    const item = itemsByName.get(n);
    return item === undefined ? [] : [item];
  });

  const droppedCore: string[] = [];
  const droppedNotOpen: string[] = [];
  const allowed: DataItemPolicyView[] = [];
  for (const item of candidates) {
    if (crossProvince && item.grade === 'core') droppedCore.push(item.name);
    else if (path === 'open' && !isOpenable(item)) droppedNotOpen.push(item.name);
    else allowed.push(item);
  }

  return {
    input,
    path,
    crossProvince,
    itemsByName,
    requested,
    unknown,
    staleGrantItems,
    droppedCore,
    droppedNotOpen,
    allowed,
  };
}

/** Unconditionally open data is general-grade and carries no personal information. */
function isOpenable(item: DataItemPolicyView): boolean {
  return item.grade === 'general' && !item.personalInfo && !item.sensitivePersonalInfo;
}

function unknownResourceProblem(resource: UnknownResource): Denial {
  return deny(
    ruleIds.resource,
    denialCodes.unknownResource,
    `目录中无资源 ${resource.id}`,
    `no catalogue entry ${resource.id}`,
  );
}

const ruleCoreLocal: Rule = ({ input: { resource, requester }, crossProvince }) =>
  resource.grade === 'core' && crossProvince
    ? [
        deny(
          ruleIds.coreLocal,
          denialCodes.coreDataLocal,
          `核心数据不出省：资源 ${resource.id} 为核心数据，仅限 ${resource.province} 省内使用，请求方属 ${requester.province}`,
          `Core data stays in its province: resource ${resource.id} is core-grade and may only be used within ${resource.province}; the requester is from ${requester.province}`,
        ),
      ]
    : [];

const ruleSharingNone: Rule = ({ input: { resource } }) => {
  if (resource.sharingTier !== 'none') return [];
  const basis = resource.legalBasis.trim() === '' ? '（未登记依据 / no basis recorded）' : resource.legalBasis;
  return [
    deny(
      ruleIds.sharingNone,
      denialCodes.notShared,
      `资源 ${resource.id} 不予共享，依据：${basis}`,
      `Resource ${resource.id} is not shared; legal basis: ${basis}`,
    ),
  ];
};

const ruleNegativeList: Rule = ({ input: { resource, negativeList } }) =>
  negativeList?.includes(resource.id)
    ? [
        deny(
          ruleIds.negativeList,
          denialCodes.negativeList,
          `资源 ${resource.id} 已列入提供方负面清单`,
          `Resource ${resource.id} is on the provider's negative list`,
        ),
      ]
    : [];

const ruleOpenTier: Rule = ({ input: { resource, requester } }) =>
  !isGovernment(requester.kind) && resource.openTier === 'none'
    ? [
        deny(
          ruleIds.openTier,
          denialCodes.notOpen,
          `资源 ${resource.id} 非开放，不向 ${requesterKindZh(requester.kind)} 提供`,
          `Resource ${resource.id} is not open data and is not available to ${requester.kind} requesters`,
        ),
      ]
    : [];

const ruleMode: Rule = ({ input: { resource, mode } }) => {
  const carriers = sharingModesFor(mode);
  if (carriers.some((m) => resource.sharingModes.includes(m))) return [];
  return [
    deny(
      ruleIds.mode,
      denialCodes.modeNotAllowed,
      `资源 ${resource.id} 的共享方式（${list(resource.sharingModes)}）不支持 ${mode} 方式，需要 ${carriers.join(' 或 ')}`,
      `Resource ${resource.id} is shared by ${list(resource.sharingModes)}, which cannot carry mode ${mode} (needs ${carriers.join(' or ')})`,
    ),
  ];
};

const rulePurpose: Rule = ({ input: { purpose } }) =>
  purpose.trim() === ''
    ? [
        deny(
          ruleIds.purpose,
          denialCodes.purposeRequired,
          '必须说明用途：每次使用都须限定于明确的用途',
          'A purpose is required: every use of the data is bound to a stated purpose',
        ),
      ]
    : [];

const ruleGrant: Rule = (ctx) => {
  const { path, input } = ctx;
  const { grant } = input;
  switch (path) {
    case 'grant':
      if (grant === undefined) {
        return [
          deny(
            ruleIds.grant,
            denialCodes.noGrant,
            `资源 ${input.resource.id} 为有条件共享/开放，须先申请并获得授权`,
            `Resource ${input.resource.id} is conditional: a grant is required (apply for one first)`,
          ),
        ];
      }
      return explicitGrantProblems(ctx, grant);
    case 'implicit':
    case 'open':
      // An unconditional resource needs no grant; one offered anyway must still be the requester's
      // own and alive, or a caller could smuggle a stolen or revoked grant into the audit trail.
      return grant === undefined ? [] : [...ownershipProblems(input, grant), ...revocationProblems(grant)];
    case 'closed':
      // Refused by tier already; grant details would only add noise.
      return [];
    default:
      return assertNever(path);
  }
};

function explicitGrantProblems(ctx: Context, grant: GrantView): Denial[] {
  const { input } = ctx;
  const reasons: Denial[] = [];
  if (grant.resourceId !== input.resource.id) {
    reasons.push(
      deny(
        ruleIds.grant,
        denialCodes.grantMismatch,
        `授权 ${grant.id} 针对资源 ${grant.resourceId}，而非 ${input.resource.id}`,
        `Grant ${grant.id} is for resource ${grant.resourceId}, not ${input.resource.id}`,
      ),
    );
  }
  reasons.push(...ownershipProblems(input, grant), ...revocationProblems(grant));
  if (grant.status === 'expired' || !withinWindow(input.at, grant.validFrom, grant.validUntil)) {
    reasons.push(
      deny(
        ruleIds.grant,
        denialCodes.grantExpired,
        `授权 ${grant.id} 不在有效期内（${grant.validFrom} 至 ${grant.validUntil}）`,
        `Grant ${grant.id} is not in force at ${input.at} (valid ${grant.validFrom} to ${grant.validUntil})`,
      ),
    );
  }
  if (!grant.modes.includes(input.mode)) {
    reasons.push(
      deny(
        ruleIds.grant,
        denialCodes.modeNotGranted,
        `授权 ${grant.id} 未包含 ${input.mode} 方式（已授权：${list(grant.modes)}）`,
        `Grant ${grant.id} does not cover mode ${input.mode} (granted: ${list(grant.modes)})`,
      ),
    );
  }
  // An empty purpose is already refused by R-PURPOSE; comparing it as well would say the same twice.
  if (input.purpose.trim() !== '' && input.purpose.trim() !== grant.purpose.trim()) {
    reasons.push(
      deny(
        ruleIds.grant,
        denialCodes.purposeMismatch,
        `用途与授权 ${grant.id} 的用途不一致`,
        `The stated purpose differs from the purpose of grant ${grant.id}`,
      ),
    );
  }
  // Unknown names are R-ITEMS's to report; here only items the resource has but the grant lacks.
  const granted = new Set(grant.items);
  const extra = ctx.requested.filter((n) => ctx.itemsByName.has(n) && !granted.has(n));
  if (extra.length > 0) {
    reasons.push(
      deny(
        ruleIds.grant,
        denialCodes.itemsNotGranted,
        `以下信息项不在授权 ${grant.id} 范围内：${list(extra)}`,
        `Items not covered by grant ${grant.id}: ${list(extra)}`,
      ),
    );
  }
  return reasons;
}

function ownershipProblems(input: JudgedInput, grant: GrantView): Denial[] {
  const { requester } = input;
  if (grant.requesterAgency === requester.agency && grant.requesterProvince === requester.province) return [];
  return [
    deny(
      ruleIds.grant,
      denialCodes.grantNotYours,
      `授权 ${grant.id} 授予的是 ${grant.requesterProvince} 的 ${grant.requesterAgency}，不是请求方 ${requester.province} 的 ${requester.agency}`,
      `Grant ${grant.id} was issued to ${grant.requesterAgency} (${grant.requesterProvince}), not to the requester ${requester.agency} (${requester.province})`,
    ),
  ];
}

function revocationProblems(grant: GrantView): Denial[] {
  return grant.status === 'revoked'
    ? [deny(ruleIds.grant, denialCodes.grantRevoked, `授权 ${grant.id} 已撤销`, `Grant ${grant.id} has been revoked`)]
    : [];
}

const ruleItems: Rule = ({ input: { resource }, unknown, allowed, droppedCore, droppedNotOpen }) => {
  const reasons: Denial[] = [];
  if (unknown.length > 0) {
    reasons.push(
      deny(
        ruleIds.items,
        denialCodes.unknownItem,
        `资源 ${resource.id}（第 ${resource.version} 版）没有以下信息项：${list(unknown)}`,
        `Resource ${resource.id} (version ${resource.version}) has no items named: ${list(unknown)}`,
      ),
    );
  }
  if (allowed.length === 0) {
    const dropped = [...droppedCore, ...droppedNotOpen];
    reasons.push(
      deny(
        ruleIds.items,
        denialCodes.noItems,
        dropped.length > 0 ? `没有可提供的信息项（已剔除：${list(dropped)}）` : `没有可提供的信息项`,
        dropped.length > 0
          ? `No items are left to provide (dropped: ${list(dropped)})`
          : 'No items are left to provide',
      ),
    );
  }
  return reasons;
};

/** A legal-duty grant stands in for consent only if it is otherwise a sound grant for this request. */
function legalDutyGrant(ctx: Context): GrantView | undefined {
  const { grant } = ctx.input;
  if (grant?.legalDuty !== true) return undefined;
  const sound =
    grant.resourceId === ctx.input.resource.id &&
    grant.status === 'active' &&
    withinWindow(ctx.input.at, grant.validFrom, grant.validUntil) &&
    ownershipProblems(ctx.input, grant).length === 0;
  return sound ? grant : undefined;
}

function sensitiveItems(ctx: Context): DataItemPolicyView[] {
  return ctx.allowed.filter((i) => i.sensitivePersonalInfo);
}

/**
 * Why this request needs the data subject's consent. Two sources, both independent of the mode — a
 * verification (核验) processes the subject's data as much as a query does, it only answers less:
 * - `entry`: the entry's own sharing conditions ask for it (须取得本人授权); a provider's condition of
 *   sharing, which a legal duty does not lift;
 * - `sensitive`: sensitive personal information (PIPL art. 28–29) among the items, unless a sound
 *   legal-duty grant stands in (art. 13(3)).
 */
interface ConsentNeed {
  entry: boolean;
  sensitive: string[];
  /** the rule that relies on the consent: the statutory one first, then the entry's condition */
  ruleId: RuleId;
}

function consentNeed(ctx: Context): ConsentNeed | undefined {
  const entry = ctx.input.resource.subjectConsent;
  const sensitive = legalDutyGrant(ctx) === undefined ? sensitiveItems(ctx).map((i) => i.name) : [];
  if (sensitive.length > 0) return { entry, sensitive, ruleId: ruleIds.sensitiveConsent };
  if (entry) return { entry, sensitive, ruleId: ruleIds.subjectConsent };
  return undefined;
}

const ruleConsent: Rule = (ctx) => {
  const { input } = ctx;
  const need = consentNeed(ctx);
  const reasons: Denial[] = [];
  if (need !== undefined) {
    switch (input.mode) {
      case 'subscribe':
        reasons.push(...feedProblems(ctx, need));
        break;
      case 'query':
      case 'verify':
        if (input.consent === undefined) reasons.push(consentRequired(ctx, need));
        break;
      default:
        assertNever(input.mode);
    }
  }
  // A consent the request names is checked even where none is needed: a stale, foreign or made-up
  // consent id would otherwise sit unchallenged in the audit trail as if it had been relied on.
  if (input.consent !== undefined) {
    reasons.push(...consentProblems(ctx, input.consent, need?.ruleId ?? ruleIds.consentOffered, need !== undefined));
  }
  return reasons;
};

function consentRequired(ctx: Context, need: ConsentNeed): Denial {
  const { resource, mode } = ctx.input;
  const zh: string[] = [];
  const en: string[] = [];
  if (need.sensitive.length > 0) {
    zh.push(`含敏感个人信息（${list(need.sensitive)}），须取得本人单独同意或依据履行法定职责的授权`);
    en.push(
      `it covers sensitive personal information (${list(need.sensitive)}), which needs the data subject's separate consent or a grant with a legal-duty basis`,
    );
  }
  if (need.entry) {
    zh.push(`资源 ${resource.id} 的共享条件要求取得本人授权`);
    en.push(`the sharing conditions of resource ${resource.id} require the data subject's own consent`);
  }
  return deny(
    need.ruleId,
    denialCodes.consentRequired,
    `${modeZh(mode)}须提供本人授权书（consentId）：${zh.join('；')}`,
    `This ${modeEn(mode)} needs the data subject's consent (consentId): ${en.join('; ')}`,
  );
}

/** A feed carries every subject's records; no one subject's consent can authorise it. */
function feedProblems(ctx: Context, need: ConsentNeed): Denial[] {
  const { resource } = ctx.input;
  const reasons: Denial[] = [];
  if (need.entry) {
    reasons.push(
      deny(
        ruleIds.subjectConsent,
        denialCodes.consentNotSubscribable,
        `资源 ${resource.id} 的共享条件要求逐人取得本人授权，不能订阅，请按人查询或核验`,
        `Resource ${resource.id} may only be used with each data subject's own consent, which a feed cannot carry: query or verify per person instead`,
      ),
    );
  }
  if (need.sensitive.length > 0) {
    const names = list(need.sensitive);
    reasons.push(
      deny(
        ruleIds.sensitiveConsent,
        denialCodes.legalDutyRequired,
        `订阅含敏感个人信息（${names}）的数据须依据履行法定职责的授权，个人单独同意不足以覆盖订阅`,
        `Subscribing to sensitive personal information (${names}) needs a grant with a legal-duty basis; a data subject's consent cannot cover a feed`,
      ),
    );
  }
  return reasons;
}

function consentProblems(
  ctx: Context,
  consent: ConsentView | UnresolvedConsent,
  ruleId: RuleId,
  reliedOn: boolean,
): Denial[] {
  const { input } = ctx;
  if (isUnresolved(consent)) return [unresolvedProblem(consent, ruleId)];

  const reasons: Denial[] = [];
  if (consent.status === 'revoked') reasons.push(revokedProblem(consent.id, ruleId));
  if (consent.fetchType === 'once' && consent.used === true) {
    reasons.push(
      deny(
        ruleId,
        denialCodes.consentUsed,
        `授权书 ${consent.id} 为单次授权，已使用`,
        `Consent ${consent.id} was for one fetch and has been used`,
      ),
    );
  }
  if (consent.status === 'expired' || !notAfter(input.at, consent.validUntil)) {
    reasons.push(
      deny(
        ruleId,
        denialCodes.consentExpired,
        `授权书 ${consent.id} 已过期（有效至 ${consent.validUntil}）`,
        `Consent ${consent.id} has expired (valid until ${consent.validUntil})`,
      ),
    );
  }
  if (consent.requesterAgency !== input.requester.agency || consent.requesterProvince !== input.requester.province) {
    reasons.push(
      deny(
        ruleId,
        denialCodes.consentNotYours,
        `授权书 ${consent.id} 授权的是 ${consent.requesterProvince} 的 ${consent.requesterAgency}，不是请求方 ${input.requester.province} 的 ${input.requester.agency}`,
        `Consent ${consent.id} was given to ${consent.requesterAgency} (${consent.requesterProvince}), not to the requester ${input.requester.agency} (${input.requester.province})`,
      ),
    );
  }
  if (consent.resourceId !== input.resource.id) {
    reasons.push(
      deny(
        ruleId,
        denialCodes.consentResourceMismatch,
        `授权书 ${consent.id} 针对资源 ${consent.resourceId}，而非 ${input.resource.id}`,
        `Consent ${consent.id} is for resource ${consent.resourceId}, not ${input.resource.id}`,
      ),
    );
  }
  // Consent is given for one purpose (PIPL art. 14); another purpose needs another consent. An empty
  // purpose is R-PURPOSE's to refuse.
  if (input.purpose.trim() !== '' && consent.purpose.trim() !== input.purpose.trim()) {
    reasons.push(
      deny(
        ruleId,
        denialCodes.consentPurposeMismatch,
        `用途与授权书 ${consent.id} 的用途不一致`,
        `The stated purpose differs from the purpose of consent ${consent.id}`,
      ),
    );
  }
  // A consent is one person's: a request that does not say whose data it is about cannot be matched.
  if (input.subjectRef === undefined || input.subjectRef === '') {
    reasons.push(
      deny(
        ruleId,
        denialCodes.subjectRequired,
        `请求未指明数据主体（如以身份证号为查询键），无法核对授权书 ${consent.id}`,
        `The request does not identify its data subject (e.g. an ID number as key), so consent ${consent.id} cannot be matched to it`,
      ),
    );
  } else if (consent.subjectRef !== input.subjectRef) {
    reasons.push(
      deny(
        ruleId,
        denialCodes.consentSubjectMismatch,
        `授权书 ${consent.id} 不是本次请求对象本人出具的`,
        `Consent ${consent.id} was not given by the subject of this request`,
      ),
    );
  }
  if (reliedOn) {
    const consented = new Set(consent.items);
    const extra = ctx.allowed.map((i) => i.name).filter((n) => !consented.has(n));
    if (extra.length > 0) {
      reasons.push(
        deny(
          ruleId,
          denialCodes.itemsNotConsented,
          `以下信息项不在授权书 ${consent.id} 范围内：${list(extra)}`,
          `Items not covered by consent ${consent.id}: ${list(extra)}`,
        ),
      );
    }
  }
  return reasons;
}

function unresolvedProblem(consent: UnresolvedConsent, ruleId: RuleId): Denial {
  // the id is the caller's own input when nobody issued it: quote a short excerpt only
  const id = excerpt(consent.id);
  switch (consent.unresolved) {
    case 'unknown':
      return deny(
        ruleId,
        denialCodes.unknownConsent,
        `授权书 ${id} 不存在（或不属于本资源的提供方可查看的范围）`,
        `There is no consent ${id} (none that the provider of this resource may read)`,
      );
    case 'forged':
      return deny(
        ruleId,
        denialCodes.consentSignatureInvalid,
        `授权书 ${id} 的签名无法通过签发省公钥验证`,
        `Consent ${id} does not verify against its issuing province's key`,
      );
    case 'revoked':
      return revokedProblem(id, ruleId);
    default:
      return assertNever(consent.unresolved);
  }
}

function revokedProblem(id: string, ruleId: RuleId): Denial {
  return deny(
    ruleId,
    denialCodes.consentRevoked,
    `授权书 ${id} 已被本人撤销`,
    `Consent ${id} has been revoked by the data subject`,
  );
}

/**
 * Whether an entry's sharing conditions (共享条件, free text the provider writes) make the data
 * subject's own consent a condition: 须取得本人授权, 须经本人单独同意, 未经本人同意不得提供, "with
 * the data subject's consent"… A clause that says it is not needed (无需本人授权) does not count.
 * Traditional characters and full-width forms are read as well.
 */
export function conditionsRequireSubjectConsent(conditions: string): boolean {
  return conditions
    .normalize('NFKC')
    .split(/[；;。，,\n]|\.\s/)
    .some(
      (clause) =>
        (subjectConsentZh.test(clause) && !notNeededZh.test(clause)) ||
        (subjectConsentEn.test(clause) && !notNeededEn.test(clause)),
    );
}

const subjectConsentZh =
  /(?:本人|当事人|權利人|权利人|数据主体|數據主體|信息主体|信息主體|持证人|持證人|个人|個人)(?:的)?(?:单独|單獨|书面|書面|明示|明确|明確|事先)*(?:授权|授權|同意)|(?:单独|單獨)同意/;
const notNeededZh = /无需|无须|無需|無須|不需|不须|不須|毋需|毋须|免于|免於|不必/;
const subjectConsentEn =
  /\b(?:data\s+)?subject(?:['’]s|s['’]|s)?\s+(?:own\s+|separate\s+|explicit\s+|prior\s+|written\s+)*(?:consent|authori[sz]ation)\b|\bconsent\s+of\s+the\s+(?:data\s+)?subject\b/i;
const notNeededEn =
  /\b(?:not|no\s+longer)\s+(?:be\s+)?(?:required|needed|necessary)\b|\bneed\s+not\b|\bno\s+(?:need|requirement)\b|\bno\s+(?:data\s+)?subject(?:'s)?\s+consent\b/i;

function basisNotes(ctx: Context): Reason[] {
  const { input, path } = ctx;
  const notes: Reason[] = [];
  switch (path) {
    case 'grant': {
      const id = input.grant?.id ?? '';
      notes.push(note(ruleIds.grant, noteCodes.granted, `依据授权 ${id} 提供`, `Allowed under grant ${id}`));
      break;
    }
    case 'implicit':
      notes.push(
        note(
          ruleIds.grant,
          noteCodes.implicitGrant,
          '无条件共享资源：按本次请求隐式授权，仍限于所述用途',
          'Unconditionally shared resource: implicit grant for this request, bound to the stated purpose',
        ),
      );
      break;
    case 'open':
      notes.push(
        note(
          ruleIds.openTier,
          noteCodes.openData,
          '无条件开放资源：仅提供一般级且不含个人信息的信息项',
          'Unconditionally open resource: only general-grade items without personal information are provided',
        ),
      );
      break;
    case 'closed':
      // Unreachable on allow: a closed path always carries a denial.
      break;
    default:
      assertNever(path);
  }

  const duty = sensitiveItems(ctx).length > 0 ? legalDutyGrant(ctx) : undefined;
  if (duty !== undefined) {
    notes.push(
      note(
        ruleIds.sensitiveConsent,
        noteCodes.legalDuty,
        `敏感个人信息依据授权 ${duty.id} 所载法定职责提供`,
        `Sensitive personal information provided on the legal-duty basis of grant ${duty.id}`,
      ),
    );
  }
  // On allow, a consent the request needed was found sound: it is the basis, and a once-only
  // consent is spent by it (Authorize looks for this note).
  const need = consentNeed(ctx);
  const { consent } = input;
  if (need !== undefined && consent !== undefined && !isUnresolved(consent)) {
    notes.push(
      need.ruleId === ruleIds.sensitiveConsent
        ? note(
            need.ruleId,
            noteCodes.consented,
            `敏感个人信息依据本人授权书 ${consent.id} 提供`,
            `Sensitive personal information provided under the data subject's consent ${consent.id}`,
          )
        : note(
            need.ruleId,
            noteCodes.consented,
            `依据本人授权书 ${consent.id} 提供（资源共享条件要求本人授权）`,
            `Provided under the data subject's consent ${consent.id}, as the resource's sharing conditions require`,
          ),
    );
  }
  return notes;
}

function dropNotes({ droppedCore, droppedNotOpen, staleGrantItems, input }: Context): Reason[] {
  const notes: Reason[] = [];
  if (droppedCore.length > 0) {
    notes.push(
      note(
        ruleIds.coreItem,
        noteCodes.itemCoreLocal,
        `核心数据项不出省，已剔除：${list(droppedCore)}`,
        `Core-grade items stay in ${input.resource.province} and were dropped: ${list(droppedCore)}`,
      ),
    );
  }
  if (droppedNotOpen.length > 0) {
    notes.push(
      note(
        ruleIds.openTier,
        noteCodes.itemNotOpen,
        `非一般级或含个人信息的信息项不开放，已剔除：${list(droppedNotOpen)}`,
        `Items that are not general-grade or carry personal information are not open and were dropped: ${list(droppedNotOpen)}`,
      ),
    );
  }
  if (staleGrantItems.length > 0) {
    notes.push(
      note(
        ruleIds.items,
        noteCodes.itemNotInResource,
        `授权所列的以下信息项在资源第 ${input.resource.version} 版中已不存在，已剔除：${list(staleGrantItems)}`,
        `Granted items no longer in version ${input.resource.version} of the resource were dropped: ${list(staleGrantItems)}`,
      ),
    );
  }
  return notes;
}

function deny(ruleId: RuleId, code: DenialCode, zh: string, en: string): Denial {
  return { ruleId, code, message: `${zh} / ${en}` };
}

function note(ruleId: RuleId, code: NoteCode, zh: string, en: string): Reason {
  return { ruleId, code, message: `${zh} / ${en}` };
}

function modeEn(mode: Mode): string {
  switch (mode) {
    case 'query':
      return 'query';
    case 'verify':
      return 'verification';
    case 'subscribe':
      return 'subscription';
    default:
      return assertNever(mode);
  }
}

function modeZh(mode: Mode): string {
  switch (mode) {
    case 'query':
      return '本次查询';
    case 'verify':
      return '本次核验';
    case 'subscribe':
      return '本次订阅';
    default:
      return assertNever(mode);
  }
}

/** At most 80 characters of a caller's string, for a message (an issued consent id has 47). */
function excerpt(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

function requesterKindZh(kind: RequesterKind): string {
  switch (kind) {
    case 'government':
      return '政务部门';
    case 'enterprise':
      return '企业';
    case 'research':
      return '科研机构';
    case 'individual':
      return '个人';
    default:
      return assertNever(kind);
  }
}

// Timestamps that do not parse make every window check fail: an unreadable validity is no validity.
function instant(iso: string): number {
  return Date.parse(iso);
}

function withinWindow(at: string, from: string, until: string): boolean {
  const t = instant(at);
  const lo = instant(from);
  const hi = instant(until);
  return Number.isFinite(t) && Number.isFinite(lo) && Number.isFinite(hi) && lo <= t && t <= hi;
}

function notAfter(at: string, until: string): boolean {
  const t = instant(at);
  const hi = instant(until);
  return Number.isFinite(t) && Number.isFinite(hi) && t <= hi;
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '—' : names.join(', ');
}

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
