/**
 * The exchange bench's dataset: synthetic records added to 浙江's embedded datasets, for the bench
 * only, so keys are drawn from ten thousand records per resource rather than the demo's handful.
 * Everything is made up from a seeded generator: names from common characters, phone numbers in
 * unassigned-looking ranges, credit codes with a valid check character that belong to no one.
 * The same seed gives the same records, so the PGlite and PostgreSQL runs read the same data.
 */
import { type DatabaseHandle, sql } from '@yrd/db';
import { canonicalJson } from '@yrd/proto/messages';
import { makeCreditCode } from '@yrd/region';

/** 浙江's venue bookings (conditional: a grant per requester) and business licences (unconditional). */
export const bookingResource = 'zj.330000-DSJ-00001';
export const licenceResource = 'zj.330000-SCJG-00001';

export interface BenchDataset {
  resourceId: string;
  keyItem: string;
  records: Record<string, string>[];
}

/** mulberry32: small, seeded, good enough to spread keys */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const surnames = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢',
];
const given = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志远思齐若溪一诺文轩海澄立峰雨晨子涵浩然',
];
const venues = [
  '杭州奥体中心游泳馆',
  '杭州奥体中心体育馆',
  '浙江美术馆',
  '浙江省博物馆孤山馆区',
  '浙江省图书馆',
  '宁波博物院',
  '温州博物馆',
  '绍兴鲁迅纪念馆',
  '嘉兴南湖革命纪念馆',
  '湖州太湖龙之梦体育中心',
];
const areas = ['330102', '330106', '330108', '330110', '330203', '330212', '330302', '330402', '330502', '330602'];
const cities = ['杭州市上城区', '杭州市西湖区', '杭州市滨江区', '杭州市余杭区', '宁波市海曙区', '宁波市鄞州区'];
const trades = ['智能科技', '新材料', '电子商务', '精密机械', '生物医药', '文化传媒', '物流', '食品', '纺织', '光电'];
const statuses = ['存续', '存续', '存续', '存续', '在业', '注销', '吊销'];
const orgAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const name = (rnd: () => number) => `${pick(rnd, surnames)}${pick(rnd, given)}${rnd() < 0.6 ? pick(rnd, given) : ''}`;
const date = (rnd: () => number, from: number, days: number) =>
  new Date(from + Math.floor(rnd() * days) * 86_400_000).toISOString().slice(0, 10);

/** `n` bookings; numbers ZLB-2025MMDD-9NNNNN so none meets a demo booking (those are 0NNNNN). */
export function bookings(n: number, seed = 14): BenchDataset {
  const rnd = prng(seed);
  const from = Date.UTC(2025, 10, 1);
  const records = Array.from({ length: n }, (_, i) => {
    const visit = date(rnd, from, 60);
    return {
      booking_no: `ZLB-${visit.replaceAll('-', '')}-9${String(i).padStart(5, '0')}`,
      venue: pick(rnd, venues),
      person_name: name(rnd),
      // 199 and 198 numbers, synthetic
      phone: `19${8 + Math.floor(rnd() * 2)}${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
      visit_date: visit,
      verified: rnd() < 0.9 ? 'true' : 'false',
    };
  });
  return { resourceId: bookingResource, keyItem: 'booking_no', records };
}

/** `n` business licences with valid, made-up credit codes (organisation codes starting with B9). */
export function licences(n: number, seed = 41): BenchDataset {
  const rnd = prng(seed);
  const from = Date.UTC(2000, 0, 1);
  const records = Array.from({ length: n }, (_, i) => {
    let org = 'B9';
    for (let k = 0, v = i; k < 7; k++, v = Math.floor(v / 31)) org += orgAlphabet[v % 31];
    const trade = pick(rnd, trades);
    const city = pick(rnd, cities);
    return {
      credit_code: makeCreditCode('91', pick(rnd, areas), org),
      company_name: `${city.slice(0, 2)}${name(rnd)}${trade}有限公司`,
      legal_representative: name(rnd),
      registered_capital: `${100 * (1 + Math.floor(rnd() * 200))}万元人民币`,
      license_status: pick(rnd, statuses),
      established_date: date(rnd, from, 9000),
      address: `浙江省${city}${pick(rnd, trades)}路${1 + Math.floor(rnd() * 300)}号`,
    };
  });
  return { resourceId: licenceResource, keyItem: 'credit_code', records };
}

/**
 * Adds records to a province's `exchange.dataset_records`, as the exchange's own seeding stores
 * them (record_key = canonical JSON of the key item), 1,000 to a statement; then vacuums the table.
 */
export async function loadRecords(h: DatabaseHandle, sets: BenchDataset[]): Promise<number> {
  let n = 0;
  for (const set of sets) {
    for (let at = 0; at < set.records.length; at += 1000) {
      const chunk = set.records.slice(at, at + 1000).map((r) => ({
        k: canonicalJson({ [set.keyItem]: r[set.keyItem] ?? '' }),
        f: r,
      }));
      await h.db.execute(sql`
        insert into exchange.dataset_records (resource_id, record_key, fields)
        select ${set.resourceId}, x->>'k', x->'f' from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) as x
        on conflict (resource_id, record_key) do update set fields = excluded.fields`);
      n += chunk.length;
    }
  }
  // a bulk load leaves the rows in the GIN index's pending list, which every lookup then scans
  // (4 ms instead of 0.05 ms for 20,000 records on PostgreSQL; PGlite has no autovacuum to clear
  // it): vacuum as an operator would after a load
  await h.db.execute(sql`vacuum analyze exchange.dataset_records`);
  return n;
}
