/**
 * 发证目录: an issuing agency's publishers create and update its certificate types; anyone signed
 * in lists them, but a type whose 类目公开属性 is not_public is listed only to its issuer's staff and
 * the province's admins.
 */
import type { Principal } from '@yrd/auth';
import { type CertificateType, parseCertificateType } from '../domain/catalogue.js';
import { certificateErrorCodes } from '../domain/errors.js';
import type { CertificateContext } from './context.js';
import { domainCall, refuse, serviceCodes } from './errors.js';
import type { StoredType } from './ports.js';

export class Catalogue {
  constructor(private readonly ctx: CertificateContext) {}

  async create(by: Principal, input: unknown): Promise<CertificateType> {
    const type = await domainCall(() => parseCertificateType(input));
    this.assertIssuerStaff(by, type);
    const stored: StoredType = { type, createdBy: by.sub, updatedAt: this.ctx.clock().toISOString() };
    if (!(await this.ctx.store.putType(stored, true)))
      throw refuse(
        'conflict',
        serviceCodes.typeExists,
        `证照类型 ${type.typeCode} 已存在`,
        `type ${type.typeCode} exists`,
      );
    return type;
  }

  async update(by: Principal, typeCode: string, input: unknown): Promise<CertificateType> {
    const old = await this.get(by, typeCode);
    this.assertIssuerStaff(by, old);
    const type = await domainCall(() => parseCertificateType(input));
    if (type.typeCode !== typeCode || type.issuer.creditCode !== old.issuer.creditCode)
      throw refuse(
        'invalid',
        certificateErrorCodes.invalidType,
        '更新不能改变证照类型代码或发证单位',
        'an update keeps the type code and the issuer',
      );
    await this.ctx.store.putType({ type, createdBy: by.sub, updatedAt: this.ctx.clock().toISOString() }, false);
    return type;
  }

  async list(by: Principal): Promise<CertificateType[]> {
    return (await this.ctx.store.listTypes()).map((t) => t.type).filter((t) => this.mayList(by, t));
  }

  /** One type; a not-public one answers 404 to whoever may not list it. */
  async get(by: Principal, typeCode: string): Promise<CertificateType> {
    const t = (await this.ctx.store.getType(typeCode))?.type;
    if (!t || !this.mayList(by, t))
      throw refuse(
        'not_found',
        serviceCodes.typeNotFound,
        `没有证照类型 ${typeCode}`,
        `no certificate type ${typeCode}`,
      );
    return t;
  }

  private mayList(by: Principal, t: CertificateType): boolean {
    if (t.publicAttribute === 'public') return true;
    if (by.province !== t.issuer.province) return false;
    return by.agency === t.issuer.creditCode || by.roles.includes('admin');
  }

  /** Only a publisher of the issuing agency, in this province, acts for it. */
  assertIssuerStaff(by: Principal, t: CertificateType): void {
    if (
      !by.roles.includes('publisher') ||
      by.agency !== t.issuer.creditCode ||
      by.province !== t.issuer.province ||
      t.issuer.province !== this.ctx.province
    )
      throw refuse(
        'forbidden',
        serviceCodes.notIssuerStaff,
        '只有本省发证单位的发布人员可以办理',
        'only a publisher of the issuing agency in this province may do this',
      );
  }
}
