/**
 * Synthetic records behind the demo scenarios. Companies and people are invented; credit codes and
 * ID numbers carry valid check characters but belong to no one. All values are strings.
 */
import { makeCreditCode, makeIdNumber } from '@yrd/region';
import type { SeedDataset } from './types.js';
import { subjects } from './users.js';

const company = (area: string, org: string) => makeCreditCode('91', area, org);

function requireSubject(index: number) {
  const s = subjects[index];
  if (!s?.idNumber) throw new Error(`seed subject #${index} needs an ID number`);
  return { id: s.id, name: s.name, province: s.province, idNumber: s.idNumber };
}

/** The data subject of the demo (scenario 2 consent, scenario 4 identity, scenario 7 household). */
export const demoSubject = requireSubject(0);
const wangXiaofan = requireSubject(1);
const zhaoLiuhe = requireSubject(2);
const chenQixian = requireSubject(3);
const sunBafang = requireSubject(4);

// ── Scenario 1: 浙江 营业执照 ──────────────────────────────────────────────
interface Company {
  credit_code: string;
  company_name: string;
  legal_representative: string;
  registered_capital: string;
  license_status: string;
  established_date: string;
  address: string;
}

const zjCompanies: Company[] = [
  {
    credit_code: company('330106', 'MA2H7K3L1'),
    company_name: '杭州云栖智造科技有限公司',
    legal_representative: '周明远',
    registered_capital: '5000万元人民币',
    license_status: '存续',
    established_date: '2016-04-18',
    address: '浙江省杭州市西湖区云栖路88号',
  },
  {
    credit_code: company('330206', 'MA2CJ4R05'),
    company_name: '宁波港湾新材料股份有限公司',
    legal_representative: '陈海澄',
    registered_capital: '12000万元人民币',
    license_status: '存续',
    established_date: '2012-09-03',
    address: '浙江省宁波市北仑区港湾路16号',
  },
  {
    credit_code: company('330302', 'MA29T8N6X'),
    company_name: '温州瓯越电气有限公司',
    legal_representative: '林志诚',
    registered_capital: '3000万元人民币',
    license_status: '存续',
    established_date: '2015-11-26',
    address: '浙江省温州市鹿城区瓯越大道200号',
  },
  {
    credit_code: company('330402', 'MA2BD6W19'),
    company_name: '嘉兴禾源纺织有限公司',
    legal_representative: '沈若溪',
    registered_capital: '2000万元人民币',
    license_status: '存续',
    established_date: '2011-03-14',
    address: '浙江省嘉兴市南湖区禾源路9号',
  },
  {
    credit_code: company('330503', 'MA2D0P4K7'),
    company_name: '湖州南浔绿能光伏科技有限公司',
    legal_representative: '钱立峰',
    registered_capital: '8000万元人民币',
    license_status: '存续',
    established_date: '2018-06-21',
    address: '浙江省湖州市南浔区绿能大道66号',
  },
  {
    credit_code: company('330602', 'MA2JQ3E84'),
    company_name: '绍兴鉴湖酿造有限公司',
    legal_representative: '孙文博',
    registered_capital: '1500万元人民币',
    license_status: '注销',
    established_date: '2009-12-08',
    address: '浙江省绍兴市越城区鉴湖路128号',
  },
  {
    credit_code: company('330702', 'MA2E5N7H2'),
    company_name: '金华婺城五金制品有限公司',
    legal_representative: '吴建国',
    registered_capital: '500万元人民币',
    license_status: '吊销',
    established_date: '2013-07-30',
    address: '浙江省金华市婺城区五金路52号',
  },
  {
    credit_code: company('331002', 'MA2G8R1M3'),
    company_name: '台州椒江医药化工有限公司',
    legal_representative: '郑海涛',
    registered_capital: '6000万元人民币',
    license_status: '存续',
    established_date: '2010-05-19',
    address: '浙江省台州市椒江区东海大道8号',
  },
];

function zj(index: number): Company {
  const c = zjCompanies[index];
  if (!c) throw new Error(`no seed company #${index}`);
  return c;
}

/** The company whose licence and legal representative 沪 verifies in scenario 1 (licence 存续). */
export const demoCompany = {
  creditCode: zj(0).credit_code,
  companyName: zj(0).company_name,
  legalRepresentative: zj(0).legal_representative,
} as const;

// ── Scenario 2: 江苏 社保缴费 ──────────────────────────────────────────────
const extraPeople = {
  wuHaiyan: { name: '吴海燕', idNumber: makeIdNumber('320102', '19850314', '228') },
  xuZhiqiang: { name: '徐志强', idNumber: makeIdNumber('320211', '19770620', '115') },
  huangJiayi: { name: '黄佳怡', idNumber: makeIdNumber('321002', '19980109', '062') },
};

function insurance(
  p: { name: string; idNumber: string },
  type: string,
  months: number,
  last: string,
  city: string,
): Record<string, string> {
  return {
    id_number: p.idNumber,
    person_name: p.name,
    insurance_type: type,
    contribution_months: String(months),
    last_contribution: last,
    insured_city: city,
  };
}

const PENSION = '职工基本养老保险';
const MEDICAL = '职工基本医疗保险';
const UNEMPLOYMENT = '失业保险';

// ── Scenario 3: 合肥海关 危险品检验检疫 ↔ 上海港 ─────────────────────────────
const ahConsignors = {
  shushanEv: { credit: company('340104', 'MA2U4KD71'), name: '合肥蜀山新能源汽车有限公司' },
  wuhuGlass: { credit: company('340207', 'MA2W9EL35'), name: '芜湖鸠江光伏玻璃有限公司' },
  daguanChem: { credit: company('340803', 'MA2X3PR86'), name: '安庆大观精细化工有限公司' },
  yushanSteel: { credit: company('340504', 'MA2Y7BH52'), name: '马鞍山雨山特钢有限公司' },
  nanqiaoParts: { credit: company('341103', 'MA2N0QT48'), name: '滁州南谯家电配件有限公司' },
  tongguanChem: { credit: company('340705', 'MA2R5KC19'), name: '铜陵铜官化工有限公司' },
};

/** A 合肥海关 declaration whose dangerous goods passed inspection (scenario 3). */
export const demoDeclarationNo = '330120251000086421';

const inspections: [string, string, string, string, string, string][] = [
  // declaration_no, goods_name, un_number, inspection_result, inspection_date, consignor
  [demoDeclarationNo, '锂离子电池组', 'UN3480', '合格', '2025-06-12', ahConsignors.shushanEv.credit],
  ['330120251000086537', '丙烯酸甲酯（稳定的）', 'UN1919', '合格', '2025-06-13', ahConsignors.daguanChem.credit],
  ['330120251000087102', '硫酸', 'UN1830', '合格', '2025-06-15', ahConsignors.tongguanChem.credit],
  [
    '330120251000087356',
    '涂料',
    'UN1263',
    '不合格（包装件跌落试验不合格）',
    '2025-06-16',
    ahConsignors.daguanChem.credit,
  ],
  ['330120251000088014', '乙醇溶液', 'UN1170', '合格', '2025-06-18', ahConsignors.tongguanChem.credit],
  ['330120251000088290', '锂离子电池组', 'UN3480', '合格', '2025-06-20', ahConsignors.shushanEv.credit],
];

const shPortOperator = company('310115', 'MA1G4KX27');
const portOperations: [string, string, string, string][] = [
  // declaration_no, ship_name, berth, operation_time
  [demoDeclarationNo, '江海联运 皖集3 / 2506E', '洋山港区 D2 泊位', '2025-06-14T09:30:00+08:00'],
  ['330120251000086537', '江海联运 皖集7 / 2507E', '外高桥港区 F5 泊位', '2025-06-15T14:00:00+08:00'],
  ['330120251000087102', '长江驳 皖化12 / 2503E', '罗泾港区 B1 泊位', '2025-06-17T08:00:00+08:00'],
  ['330120251000088014', '江海联运 皖集3 / 2508E', '洋山港区 D2 泊位', '2025-06-20T10:15:00+08:00'],
  ['330120251000088290', '江海联运 皖集9 / 2509E', '外高桥港区 F5 泊位', '2025-06-22T16:45:00+08:00'],
];

// ── Scenario 5: 江苏 景区客流 ─────────────────────────────────────────────
function alertLevel(visitors: number, capacity: number): string {
  const ratio = visitors / capacity;
  if (ratio >= 1) return '饱和';
  if (ratio >= 0.8) return '预警';
  return '正常';
}

const visitorFlow: [string, string, number, number][] = [
  ['钟山风景名胜区', '南京市', 42180, 60000],
  ['夫子庙—秦淮风光带', '南京市', 68500, 80000],
  ['拙政园', '苏州市', 9100, 10000],
  ['周庄古镇', '苏州市', 52300, 50000],
  ['鼋头渚风景区', '无锡市', 31000, 60000],
  ['瘦西湖风景区', '扬州市', 38200, 45000],
  ['中华恐龙园', '常州市', 26400, 40000],
  ['金山景区', '镇江市', 12100, 30000],
];
const holidayStatTime = '2025-10-02T14:00:00+08:00';

// ── Scenario 6: 企业碳足迹 (浙 苏 皖 suppliers) ───────────────────────────
function carbon(
  creditCode: string,
  companyName: string,
  product: string,
  kg: string,
  period: string,
  verifier: string,
): Record<string, string> {
  return {
    credit_code: creditCode,
    company_name: companyName,
    product_name: product,
    carbon_footprint_kg: kg,
    accounting_period: period,
    verifier,
  };
}

const ZJ_VERIFIER = '浙江绿证碳核查技术有限公司';
const JS_VERIFIER = '江苏苏碳环境技术服务有限公司';
const AH_VERIFIER = '安徽皖碳核查评估有限公司';
const YRD_VERIFIER = '长三角碳核查中心有限公司';

const jsSuppliers = {
  wuzhongChip: { credit: company('320506', 'MA1MTL5E2'), name: '苏州吴中晶芯半导体有限公司' },
  xishanBattery: { credit: company('320205', 'MA1NK2X48'), name: '无锡锡山动力电池有限公司' },
  wujinDrive: { credit: company('320412', 'MA1P3CQ67'), name: '常州武进新能源汽车零部件有限公司' },
  tongzhouSteel: { credit: company('320612', 'MA1R8DW03'), name: '南通通州钢结构有限公司' },
  tinghuWind: { credit: company('320902', 'MA1T6HN90'), name: '盐城亭湖风电装备有限公司' },
};

// ── Scenario 4 (the 浙里办 side): venue bookings by people who verified with 随申办 ─────────
/** A booking the demo journey queries from 上海 (person_name and phone come back masked). */
export const demoBookingNo = 'ZLB-20251002-000317';
const bookings: [string, string, { name: string }, string, string, string][] = [
  [demoBookingNo, '杭州奥体中心游泳馆', demoSubject, '13816620317', '2025-10-02', 'true'],
  ['ZLB-20251002-000318', '杭州奥体中心游泳馆', wangXiaofan, '13901880542', '2025-10-02', 'true'],
  ['ZLB-20251003-001024', '浙江美术馆', zhaoLiuhe, '13705712286', '2025-10-03', 'true'],
  ['ZLB-20251004-000466', '宁波博物院', chenQixian, '13566031975', '2025-10-04', 'false'],
  ['ZLB-20251005-000089', '浙江省图书馆', sunBafang, '15857190243', '2025-10-05', 'true'],
];

export const datasets: SeedDataset[] = [
  {
    resourceId: 'zj.330000-DSJ-00001',
    records: bookings.map(([booking_no, venue, p, phone, visit_date, verified]) => ({
      booking_no,
      venue,
      person_name: p.name,
      phone,
      visit_date,
      verified,
    })),
  },
  {
    resourceId: 'zj.330000-SCJG-00001',
    records: zjCompanies.map((c) => ({ ...c })),
  },
  {
    resourceId: 'js.320000-RSJ-00001',
    records: [
      insurance(demoSubject, PENSION, 86, '2024-12', '南京市'),
      insurance(demoSubject, MEDICAL, 86, '2024-12', '南京市'),
      insurance(demoSubject, UNEMPLOYMENT, 86, '2024-12', '南京市'),
      insurance(wangXiaofan, PENSION, 36, '2021-06', '苏州市'),
      insurance(zhaoLiuhe, PENSION, 252, '2025-05', '苏州市'),
      insurance(zhaoLiuhe, MEDICAL, 252, '2025-05', '苏州市'),
      insurance(sunBafang, PENSION, 60, '2019-08', '无锡市'),
      insurance(extraPeople.wuHaiyan, PENSION, 168, '2025-05', '南京市'),
      insurance(extraPeople.xuZhiqiang, PENSION, 305, '2025-05', '无锡市'),
      insurance(extraPeople.huangJiayi, PENSION, 18, '2025-05', '扬州市'),
    ],
  },
  {
    resourceId: 'ah.340000-HFHG-00001',
    records: inspections.map(([declaration_no, goods_name, un_number, inspection_result, inspection_date, c]) => ({
      declaration_no,
      goods_name,
      un_number,
      inspection_result,
      inspection_date,
      consignor_credit_code: c,
    })),
  },
  {
    resourceId: 'sh.310000-JTW-00001',
    records: portOperations.map(([declaration_no, ship_name, berth, operation_time]) => {
      const inspection = inspections.find((i) => i[0] === declaration_no);
      if (!inspection) throw new Error(`port operation ${declaration_no} has no inspection record`);
      return {
        declaration_no,
        ship_name,
        berth,
        goods_name: inspection[1],
        un_number: inspection[2],
        operation_time,
        operator_credit_code: shPortOperator,
      };
    }),
  },
  {
    resourceId: 'sh.310000-DSJ-00001',
    records: [
      { id_number: demoSubject.idNumber, person_name: demoSubject.name, phone: '13900000101', auth_level: 'L3' },
      { id_number: wangXiaofan.idNumber, person_name: wangXiaofan.name, phone: '13900000102', auth_level: 'L3' },
      { id_number: zhaoLiuhe.idNumber, person_name: zhaoLiuhe.name, phone: '13900000103', auth_level: 'L2' },
      { id_number: chenQixian.idNumber, person_name: chenQixian.name, phone: '13900000104', auth_level: 'L2' },
      { id_number: sunBafang.idNumber, person_name: sunBafang.name, phone: '13900000105', auth_level: 'L1' },
      {
        id_number: extraPeople.wuHaiyan.idNumber,
        person_name: extraPeople.wuHaiyan.name,
        phone: '13900000106',
        auth_level: 'L3',
      },
    ],
  },
  {
    resourceId: 'js.320000-WL-00001',
    records: visitorFlow.map(([scenic_area, city, visitors, capacity]) => ({
      scenic_area,
      city,
      visitor_count: String(visitors),
      capacity: String(capacity),
      alert_level: alertLevel(visitors, capacity),
      stat_time: holidayStatTime,
    })),
  },
  {
    resourceId: 'zj.330000-STHJ-00001',
    records: [
      carbon(zj(0).credit_code, zj(0).company_name, '工业机器人控制器（台）', '186.4', '2024', ZJ_VERIFIER),
      carbon(zj(1).credit_code, zj(1).company_name, '改性聚丙烯粒料（kg）', '1.92', '2024', YRD_VERIFIER),
      carbon(zj(2).credit_code, zj(2).company_name, '低压断路器（台）', '12.7', '2024Q4', ZJ_VERIFIER),
      carbon(zj(3).credit_code, zj(3).company_name, '涤纶印染面料（m）', '3.45', '2024Q2', ZJ_VERIFIER),
      carbon(zj(4).credit_code, zj(4).company_name, '单晶硅光伏组件（块，550W）', '238.5', '2024', YRD_VERIFIER),
      carbon(zj(7).credit_code, zj(7).company_name, '原料药（kg）', '86.3', '2024', ZJ_VERIFIER),
    ],
  },
  {
    resourceId: 'js.320000-STHJ-00001',
    records: [
      carbon(
        jsSuppliers.wuzhongChip.credit,
        jsSuppliers.wuzhongChip.name,
        '12英寸硅片（片）',
        '41.8',
        '2024',
        JS_VERIFIER,
      ),
      carbon(
        jsSuppliers.xishanBattery.credit,
        jsSuppliers.xishanBattery.name,
        '动力电池包（kWh）',
        '78.6',
        '2024',
        YRD_VERIFIER,
      ),
      carbon(
        jsSuppliers.wujinDrive.credit,
        jsSuppliers.wujinDrive.name,
        '电驱动总成（套）',
        '512.0',
        '2024',
        JS_VERIFIER,
      ),
      carbon(
        jsSuppliers.tongzhouSteel.credit,
        jsSuppliers.tongzhouSteel.name,
        '钢结构构件（t）',
        '2105.0',
        '2024Q3',
        JS_VERIFIER,
      ),
      carbon(
        jsSuppliers.tinghuWind.credit,
        jsSuppliers.tinghuWind.name,
        '风电塔筒（套）',
        '318000',
        '2024',
        YRD_VERIFIER,
      ),
    ],
  },
  {
    resourceId: 'ah.340000-STHJ-00001',
    records: [
      carbon(
        ahConsignors.shushanEv.credit,
        ahConsignors.shushanEv.name,
        '纯电动乘用车（辆）',
        '9850',
        '2024',
        AH_VERIFIER,
      ),
      carbon(ahConsignors.wuhuGlass.credit, ahConsignors.wuhuGlass.name, '光伏玻璃（m²）', '11.2', '2024', AH_VERIFIER),
      carbon(
        ahConsignors.daguanChem.credit,
        ahConsignors.daguanChem.name,
        '丙烯酸酯（kg）',
        '2.36',
        '2024Q4',
        YRD_VERIFIER,
      ),
      carbon(
        ahConsignors.yushanSteel.credit,
        ahConsignors.yushanSteel.name,
        '特种钢材（t）',
        '1980.0',
        '2024',
        AH_VERIFIER,
      ),
      carbon(
        ahConsignors.nanqiaoParts.credit,
        ahConsignors.nanqiaoParts.name,
        '冰箱压缩机（台）',
        '64.5',
        '2024',
        AH_VERIFIER,
      ),
    ],
  },
  {
    // Scenario 7 is never exchangeable by policy; the records exist so the refusal is the policy's.
    resourceId: 'sh.310000-GA-00001',
    records: [
      {
        id_number: makeIdNumber('310104', '19640211', '013'),
        person_name: '王建华',
        household_no: '310104012345',
        household_address: '上海市徐汇区天钥桥路168弄12号301室',
        household_type: '家庭户',
        relationship: '户主',
      },
      {
        id_number: makeIdNumber('310104', '19660925', '024'),
        person_name: '刘美玲',
        household_no: '310104012345',
        household_address: '上海市徐汇区天钥桥路168弄12号301室',
        household_type: '家庭户',
        relationship: '配偶',
      },
      {
        id_number: wangXiaofan.idNumber,
        person_name: wangXiaofan.name,
        household_no: '310104012345',
        household_address: '上海市徐汇区天钥桥路168弄12号301室',
        household_type: '家庭户',
        relationship: '女',
      },
      {
        id_number: demoSubject.idNumber,
        person_name: demoSubject.name,
        household_no: '310115098765',
        household_address: '上海市浦东新区人才服务中心集体户',
        household_type: '集体户',
        relationship: '集体户成员',
      },
      {
        id_number: makeIdNumber('310115', '19900404', '086'),
        person_name: '赵雅婷',
        household_no: '310115054321',
        household_address: '上海市浦东新区张杨路1500弄8号602室',
        household_type: '家庭户',
        relationship: '户主',
      },
    ],
  },
];

/** The dataset behind `resourceId`, or undefined for a background entry without records. */
export function datasetFor(resourceId: string): SeedDataset | undefined {
  return datasets.find((d) => d.resourceId === resourceId);
}
