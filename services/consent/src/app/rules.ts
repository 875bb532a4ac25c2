/**
 * The province's rules (管理规则): the version in force, every past version, and the admin's change.
 *
 * The version in force is read by every Authorize and every workflow step, so it is kept for 5 s;
 * a change made here replaces the kept copy at once, a change made by another replica is seen within
 * those 5 s.
 */
import type { Principal } from '@yrd/auth';
import { conflict, forbidden, invalid, notFound } from '@yrd/errors';
import type { Province } from '@yrd/region';
import { changedRules, defaultRules, type PolicyRules } from '../domain/rules.js';
import { rulesChanged } from './audit.js';
import { TtlCache } from './cache.js';
import type { ConsentStore, RulesVersion } from './ports.js';
import type { AuditTrail } from './trail.js';

const inForceTtlMs = 5000;

export class ProvinceRules {
  /** one entry: the version in force */
  private readonly kept = new TtlCache<'current', RulesVersion>({ ttlMs: inForceTtlMs, maxEntries: 1 });

  constructor(
    private readonly province: Province,
    private readonly repo: ConsentStore,
    private readonly trail: AuditTrail,
    private readonly clock: () => Date,
  ) {}

  /** The rules in force (the defaults, as version 0, until the admin first changes them). */
  inForce(): Promise<RulesVersion> {
    return this.kept.get('current', async () => (await this.repo.currentRules()) ?? defaults());
  }

  history(): Promise<RulesVersion[]> {
    return this.repo.rulesHistory();
  }

  async at(version: number): Promise<RulesVersion> {
    const r =
      version === 0
        ? { ...(await this.inForce()), version: 0, rules: defaultRules }
        : await this.repo.rulesVersion(version);
    if (!r) throw notFound('CONSENT.RULES_NOT_FOUND', `没有第 ${version} 版规则 no rules version ${version}`);
    return r;
  }

  /** The province admin changes the rules: a new version, kept and audited; a reason is required. */
  async update(by: Principal, input: PolicyRules, reason: string): Promise<RulesVersion> {
    if (by.province !== this.province || !by.roles.includes('admin'))
      throw forbidden('CONSENT.ADMIN_REQUIRED', '规则由本省管理员维护 the province admin edits the rules');
    if (reason.trim() === '')
      throw invalid('CONSENT.REASON_REQUIRED', '修改规则须说明理由 a rule change needs a reason');
    // compared with what is stored now, not with a copy up to 5 s old
    this.kept.forget('current');
    const current = await this.inForce();
    const changed = changedRules(current.rules, input);
    if (changed.length === 0) return current;
    const next: RulesVersion = {
      version: current.version + 1,
      rules: input,
      changedBy: by.sub,
      changedAt: this.clock().toISOString(),
      reason: reason.trim(),
      changedFields: changed,
    };
    if (!(await this.repo.insertRules(next)))
      throw conflict(
        'CONSENT.RULES_CHANGED',
        '规则已被他人修改，请刷新后重试 the rules changed meanwhile; reload and retry',
      );
    this.kept.set('current', next);
    await this.trail.record(rulesChanged(this.province, next, by.agency, next.rules));
    return next;
  }
}

function defaults(): RulesVersion {
  return {
    version: 0,
    rules: defaultRules,
    changedBy: '',
    changedAt: '',
    reason: '默认规则 the defaults',
    changedFields: [],
  };
}
