/**
 * The class-code table (资源分类) of the regional catalogue, after 《政务信息资源目录编制指南》: four
 * levels 类 / 项 / 目 / 细目, written `A01-01-02-01`. The letter groups the 类 into 基础信息资源 (A)
 * and the 主题信息资源 by sector (B–G). A level may carry a grade floor (最低级别): every data item
 * of an entry filed under it is graded at least that high (GB/T 43697-2024 grades by what the data
 * is, so a class that holds personal or enforcement data sets a floor). Kept as data: a new 细目 is a
 * new line here, reviewed like any other change.
 */
import type { Grade } from './grades.js';

export interface GradeLevel {
  grade: Grade;
  /** 1–4 for general; 0 for important and core */
  subLevel: number;
}

interface Node {
  code: string;
  name: string;
  floor?: GradeLevel;
  children?: Node[];
}

const g = (subLevel: number): GradeLevel => ({ grade: 'general', subLevel });
const important: GradeLevel = { grade: 'important', subLevel: 0 };

const leaf = (code: string, name: string, floor?: GradeLevel): Node => ({ code, name, ...(floor ? { floor } : {}) });

const table: Node[] = [
  {
    code: 'A01',
    name: '人口信息',
    floor: g(2),
    children: [
      {
        code: '01',
        name: '户籍与居住',
        children: [
          {
            code: '02',
            name: '户籍登记',
            children: [leaf('01', '户籍人口信息', g(3)), leaf('02', '户籍变动信息', g(3))],
          },
          { code: '04', name: '居住登记', children: [leaf('01', '居住登记信息'), leaf('02', '居住证信息')] },
        ],
      },
      {
        code: '03',
        name: '出入境',
        children: [{ code: '02', name: '出入境证件', children: [leaf('01', '证件签发信息')] }],
      },
    ],
  },
  {
    code: 'A02',
    name: '政务服务基础信息',
    children: [
      {
        code: '03',
        name: '身份认证',
        children: [{ code: '01', name: '实名认证', children: [leaf('01', '实名身份认证信息', g(2))] }],
      },
      {
        code: '05',
        name: '预约服务',
        children: [{ code: '02', name: '公共场馆预约', children: [leaf('01', '场馆预约记录')] }],
      },
    ],
  },
  {
    code: 'B01',
    name: '市场监管',
    children: [
      {
        code: '01',
        name: '市场主体登记',
        children: [
          { code: '01', name: '营业执照', children: [leaf('01', '营业执照信息'), leaf('02', '营业执照变更信息')] },
        ],
      },
      {
        code: '02',
        name: '信用监管',
        children: [
          { code: '03', name: '行政处罚', children: [leaf('01', '行政处罚信息')] },
          { code: '04', name: '经营异常', children: [leaf('01', '经营异常名录')] },
        ],
      },
      {
        code: '03',
        name: '食品安全',
        children: [
          {
            code: '01',
            name: '食品许可',
            children: [leaf('01', '食品生产许可证信息'), leaf('02', '食品经营许可证信息')],
          },
          { code: '04', name: '监督抽检', children: [leaf('01', '抽检结果')] },
        ],
      },
      {
        code: '05',
        name: '特种设备',
        children: [{ code: '02', name: '使用登记', children: [leaf('01', '使用登记信息')] }],
      },
      {
        code: '06',
        name: '计量',
        children: [{ code: '02', name: '强制检定', children: [leaf('01', '检定结果')] }],
      },
    ],
  },
  {
    code: 'B03',
    name: '人力资源和社会保障',
    children: [
      {
        code: '01',
        name: '社会保险',
        floor: g(2),
        children: [
          { code: '01', name: '参保缴费', children: [leaf('01', '社会保险缴费信息'), leaf('02', '参保缴费明细')] },
        ],
      },
      {
        code: '02',
        name: '就业',
        children: [
          { code: '01', name: '就业登记', children: [leaf('01', '就业登记信息')] },
          { code: '05', name: '就业见习', children: [leaf('01', '见习基地名录')] },
        ],
      },
      {
        code: '04',
        name: '职业能力',
        children: [
          { code: '02', name: '职业技能等级', children: [leaf('01', '等级证书信息')] },
          { code: '03', name: '培训机构', children: [leaf('01', '培训机构名录')] },
        ],
      },
      {
        code: '06',
        name: '劳动保障监察',
        children: [{ code: '01', name: '举报投诉', children: [leaf('01', '举报投诉信息')] }],
      },
    ],
  },
  {
    code: 'C02',
    name: '交通运输',
    children: [
      {
        code: '01',
        name: '道路运输',
        children: [{ code: '03', name: '经营许可', children: [leaf('01', '道路运输经营许可信息')] }],
      },
      {
        code: '03',
        name: '危险货物运输',
        children: [{ code: '02', name: '电子运单', children: [leaf('01', '危险货物电子运单')] }],
      },
      {
        code: '04',
        name: '轨道交通',
        children: [{ code: '01', name: '客流', children: [leaf('01', '线网客流统计'), leaf('02', '车站客流统计')] }],
      },
      {
        code: '06',
        name: '交通基础设施',
        children: [{ code: '01', name: '结构监测', children: [leaf('01', '桥梁结构健康监测数据')] }],
      },
    ],
  },
  {
    code: 'C05',
    name: '口岸',
    children: [
      {
        code: '01',
        name: '检验检疫',
        children: [{ code: '02', name: '危险品检验', children: [leaf('01', '危险品检验检疫结果')] }],
      },
      {
        code: '02',
        name: '港口',
        children: [{ code: '03', name: '危险货物作业', children: [leaf('01', '危险货物作业申报')] }],
      },
      {
        code: '03',
        name: '海关信用',
        children: [{ code: '01', name: '认证企业', children: [leaf('01', '高级认证企业名录')] }],
      },
      {
        code: '04',
        name: '缉私',
        floor: important,
        children: [{ code: '01', name: '缉私案件', children: [leaf('01', '缉私案件信息')] }],
      },
    ],
  },
  {
    code: 'D04',
    name: '文化旅游',
    children: [
      {
        code: '01',
        name: '旅游景区',
        children: [{ code: '02', name: 'A级景区', children: [leaf('01', 'A级旅游景区名录')] }],
      },
      {
        code: '02',
        name: '客流监测',
        children: [
          {
            code: '01',
            name: '景区客流',
            children: [leaf('01', '景区实时客流'), leaf('02', '景区日客流'), leaf('03', '景区客流统计')],
          },
        ],
      },
    ],
  },
  {
    code: 'E01',
    name: '生态环境',
    children: [
      {
        code: '02',
        name: '污染源监测',
        children: [{ code: '03', name: '自动监测', children: [leaf('01', '重点排污单位自动监测数据')] }],
      },
      {
        code: '03',
        name: '排污许可',
        children: [{ code: '01', name: '排污许可证', children: [leaf('01', '排污许可证信息')] }],
      },
      {
        code: '04',
        name: '碳排放',
        children: [{ code: '02', name: '碳足迹', children: [leaf('01', '碳足迹核算记录')] }],
      },
    ],
  },
  {
    code: 'F02',
    name: '金融',
    children: [
      {
        code: '03',
        name: '绿色金融',
        children: [{ code: '02', name: '绿色融资', children: [leaf('01', '绿色融资项目信息')] }],
      },
    ],
  },
  {
    code: 'G01',
    name: '医疗卫生',
    children: [
      {
        code: '01',
        name: '医疗机构',
        children: [{ code: '02', name: '执业登记', children: [leaf('01', '医疗机构执业登记信息')] }],
      },
      {
        code: '03',
        name: '健康档案',
        children: [{ code: '01', name: '居民健康档案', children: [leaf('01', '电子健康档案摘要')] }],
      },
      {
        code: '05',
        name: '妇幼健康',
        children: [{ code: '01', name: '出生医学证明', children: [leaf('01', '出生医学证明信息', g(1))] }],
      },
    ],
  },
  {
    code: 'G03',
    name: '教育',
    children: [
      {
        code: '02',
        name: '高等教育',
        children: [{ code: '01', name: '学历', children: [leaf('01', '高等教育学历信息')] }],
      },
    ],
  },
];

export type ClassLevel = '类' | '项' | '目' | '细目';

export interface ClassEntry {
  code: string;
  level: ClassLevel;
  name: string;
  /** names from 类 down to this level */
  path: string[];
  /** the highest floor on the way down, if any */
  floor?: GradeLevel;
}

const levels: ClassLevel[] = ['类', '项', '目', '细目'];
const byCode = new Map<string, ClassEntry>();

function walk(nodes: Node[], prefix: string, path: string[], depth: number, inherited?: GradeLevel) {
  for (const n of nodes) {
    const code = prefix ? `${prefix}-${n.code}` : n.code;
    const floor = higher(inherited, n.floor);
    const names = [...path, n.name];
    const level = levels[depth] as ClassLevel;
    byCode.set(code, { code, level, name: n.name, path: names, ...(floor ? { floor } : {}) });
    if (n.children) walk(n.children, code, names, depth + 1, floor);
  }
}
walk(table, '', [], 0);

/** An entry is filed under a 细目; undefined when the code is not in the table. */
export function classOf(code: string): ClassEntry | undefined {
  const c = byCode.get(code);
  return c?.level === '细目' ? c : undefined;
}

/** Every level of the table, in order (for UIs and import templates). */
export function classTable(): ClassEntry[] {
  return [...byCode.values()];
}

/** Orders grades from the least to the most sensitive: general-1 … general-4 < important < core. */
export function gradeRank(l: GradeLevel): number {
  if (l.grade === 'core') return 6;
  if (l.grade === 'important') return 5;
  return Math.min(Math.max(l.subLevel, 1), 4);
}

export function gradeLabel(l: GradeLevel): string {
  if (l.grade === 'core') return '核心';
  if (l.grade === 'important') return '重要';
  return `一般（${Math.min(Math.max(l.subLevel, 1), 4)}级）`;
}

function higher(a: GradeLevel | undefined, b: GradeLevel | undefined): GradeLevel | undefined {
  if (!a) return b;
  if (!b) return a;
  return gradeRank(b) > gradeRank(a) ? b : a;
}
