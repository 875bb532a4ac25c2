/**
 * 电子证照 seeds (issue 16): certificate types in the issuing agencies' 发证目录, certificates issued
 * to seed holders, and 用证清单 for a few 跨省通办 services. Every holder, number and name is synthetic.
 * Type codes are a defining authority's credit code (synthetic national authorities here) + 3 digits.
 */
import { makeCreditCode, type Province } from '@yrd/region';
import { agencyBySlug } from './agencies.js';
import { demoCompany } from './datasets.js';
import { userById } from './users.js';

/** 国家市场监督管理总局 and 人力资源社会保障部, 国家卫生健康委员会 (synthetic codes): they define the types */
const samr = makeCreditCode('11', '100000', '000013338');
const mohrss = makeCreditCode('11', '100000', '000014301');
const nhc = makeCreditCode('11', '100000', '000019482');

export const certificateTypeCodes = {
  businessLicence: `${samr}032`,
  foodBusinessPermit: `${samr}041`,
  qualification: `${mohrss}007`,
  birthCertificate: `${nhc}003`,
} as const;

type Grade = 'core' | 'important' | 'general';
const field = (
  name: string,
  zh: string,
  en: string,
  extra: {
    grade?: Grade;
    subLevel?: number;
    personalInfo?: boolean;
    piiKind?: string;
    type?: string;
    required?: boolean;
  } = {},
) => ({ name, label: { zh, en }, grade: extra.grade ?? 'general', subLevel: extra.subLevel ?? 1, ...extra });

function issuer(province: Province, slug: string) {
  const a = agencyBySlug(province, slug);
  return { province, creditCode: a.creditCode, name: a.name };
}

function businessLicence(province: Province) {
  return {
    typeCode: certificateTypeCodes.businessLicence,
    name: { zh: '营业执照', en: 'Business licence' },
    issuer: issuer(province, 'scjgj'),
    holderType: 'legal_person',
    standardLevel: 'national',
    collectionStart: '2019-01-01',
    publicAttribute: 'public',
    validity: { kind: 'long_term' },
    fields: [
      field('credit_code', '统一社会信用代码', 'Unified social credit code', { piiKind: 'credit_code' }),
      field('entity_name', '名称', 'Name'),
      field('entity_type', '类型', 'Type'),
      field('legal_representative', '法定代表人', 'Legal representative', {
        subLevel: 2,
        personalInfo: true,
        piiKind: 'name',
      }),
      field('business_scope', '经营范围', 'Business scope'),
      field('registered_capital', '注册资本', 'Registered capital'),
      field('established_on', '成立日期', 'Date of establishment', { type: 'date' }),
      field('address', '住所', 'Domicile', { subLevel: 2, piiKind: 'address' }),
      field('registration_authority', '登记机关', 'Registration authority'),
    ],
  };
}

function foodBusinessPermit(province: Province) {
  return {
    typeCode: certificateTypeCodes.foodBusinessPermit,
    name: { zh: '食品经营许可证', en: 'Food business permit' },
    issuer: issuer(province, 'scjgj'),
    holderType: 'legal_person',
    standardLevel: 'national',
    collectionStart: '2020-01-01',
    publicAttribute: 'public',
    validity: { kind: 'period', months: 60 },
    fields: [
      field('permit_no', '许可证编号', 'Permit number'),
      field('operator_name', '经营者名称', 'Operator'),
      field('credit_code', '统一社会信用代码', 'Unified social credit code', { piiKind: 'credit_code' }),
      field('business_items', '经营项目', 'Business items'),
      field('premises', '经营场所', 'Premises', { subLevel: 2, piiKind: 'address' }),
    ],
  };
}

const qualification = {
  typeCode: certificateTypeCodes.qualification,
  name: { zh: '专业技术人员职业资格证书', en: 'Professional qualification certificate' },
  issuer: issuer('js', 'rst'),
  holderType: 'natural_person',
  standardLevel: 'national',
  collectionStart: '2018-01-01',
  publicAttribute: 'public',
  validity: { kind: 'long_term' },
  fields: [
    field('holder_name', '姓名', 'Name', { subLevel: 2, personalInfo: true, piiKind: 'name' }),
    field('id_number', '公民身份号码', 'ID number', {
      grade: 'important',
      subLevel: 0,
      personalInfo: true,
      piiKind: 'id_number',
    }),
    field('qualification', '资格名称', 'Qualification'),
    field('level', '级别', 'Level'),
    field('certificate_no', '管理号', 'Certificate number'),
    field('approved_on', '批准日期', 'Approved on', { type: 'date' }),
  ],
};

const birthCertificate = {
  typeCode: certificateTypeCodes.birthCertificate,
  name: { zh: '出生医学证明', en: 'Birth medical certificate' },
  issuer: issuer('sh', 'wsjkw'),
  holderType: 'natural_person',
  standardLevel: 'national',
  collectionStart: '2019-01-01',
  publicAttribute: 'not_public',
  validity: { kind: 'long_term' },
  fields: [
    field('name', '姓名', 'Name', { subLevel: 2, personalInfo: true, piiKind: 'name' }),
    field('born_on', '出生日期', 'Date of birth', { type: 'date', subLevel: 2, personalInfo: true }),
    field('birthplace', '出生地点', 'Place of birth', { subLevel: 2, personalInfo: true }),
    field('certificate_no', '出生医学证明编号', 'Certificate number'),
  ],
};

const zjCompanyHolder = { creditCode: demoCompany.creditCode };

/** What a province's certificate service loads at first start (the service's `seed` option). */
export function certificateSeedFor(province: Province) {
  switch (province) {
    case 'zj':
      return {
        types: [businessLicence('zj'), foodBusinessPermit('zj')],
        certificates: [
          {
            typeCode: certificateTypeCodes.businessLicence,
            holder: zjCompanyHolder,
            validFrom: '2021-03-15',
            data: {
              credit_code: demoCompany.creditCode,
              entity_name: demoCompany.companyName,
              entity_type: '有限责任公司（自然人投资或控股）',
              legal_representative: demoCompany.legalRepresentative,
              business_scope: '技术服务、技术开发、技术咨询；数据处理服务；软件开发；食品销售（仅销售预包装食品）',
              registered_capital: '500万元人民币',
              established_on: '2021-03-15',
              address: '浙江省杭州市西湖区示例路1号',
              registration_authority: '杭州市西湖区市场监督管理局',
            },
          },
          {
            typeCode: certificateTypeCodes.foodBusinessPermit,
            holder: zjCompanyHolder,
            validFrom: '2024-06-01',
            data: {
              permit_no: 'JY13301060000017',
              operator_name: demoCompany.companyName,
              credit_code: demoCompany.creditCode,
              business_items: '预包装食品（不含冷藏冷冻食品）销售',
              premises: '浙江省杭州市西湖区示例路1号',
            },
          },
        ],
        services: [
          {
            code: 'zj-kstb-0001',
            name: '跨省通办：食品经营许可（新办）',
            materials: [{ material: '营业执照', certificateTypes: [certificateTypeCodes.businessLicence] }],
          },
        ],
      };
    case 'js':
      return {
        types: [qualification],
        certificates: [
          {
            typeCode: certificateTypeCodes.qualification,
            holder: { idNumber: userById('js-subject-01').idNumber ?? '' },
            validFrom: '2022-06-30',
            data: {
              holder_name: userById('js-subject-01').name,
              id_number: userById('js-subject-01').idNumber ?? '',
              qualification: '经济专业技术资格',
              level: '中级',
              certificate_no: '2022-JS-0003117',
              approved_on: '2022-06-30',
            },
          },
        ],
        services: [
          {
            code: 'js-kstb-0001',
            name: '跨省通办：专业技术人员职称评审申报',
            materials: [{ material: '职业资格证书', certificateTypes: [certificateTypeCodes.qualification] }],
          },
        ],
      };
    case 'sh':
      return {
        types: [birthCertificate],
        certificates: [
          {
            typeCode: certificateTypeCodes.birthCertificate,
            holder: { idNumber: userById('sh-subject-02').idNumber ?? '' },
            validFrom: '1992-08-23',
            data: {
              name: userById('sh-subject-02').name,
              born_on: '1992-08-23',
              birthplace: '上海市黄浦区',
              certificate_no: 'K310000117',
            },
          },
        ],
        services: [
          {
            code: 'sh-kstb-0001',
            name: '跨省通办：户口登记（新生儿入户）',
            materials: [{ material: '出生医学证明', certificateTypes: [certificateTypeCodes.birthCertificate] }],
          },
        ],
      };
    default:
      return { types: [], certificates: [], services: [] };
  }
}
