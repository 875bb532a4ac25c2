import { describe, expect, it } from 'vitest';
import { mask, maskRecord } from './masking.js';

describe('masking profiles', () => {
  it.each([
    ['id_number', '310101199001011234', '310***********1234'],
    ['id_number', '11010519491231002X', '110***********002X'],
    ['name', '张三', '张*'],
    ['name', '欧阳娜娜', '欧***'],
    ['name', '', ''],
    ['phone', '13812345678', '138****5678'],
    ['address', '浙江省杭州市西湖区文三路100号', '浙江省杭州市****'],
    ['address', '上海', '上海****'],
    ['credit_code', '91330106MA2H7K3L1X', '91************3L1X'],
    ['redact', '任何内容', '***'],
    ['none', '原样', '原样'],
    ['unknown-profile', 'secret', '***'],
    ['id_number', '123', '***'],
  ])('%s: %s → %s', (profile, value, expected) => {
    expect(mask(value, profile)).toBe(expected);
  });

  it('keeps the length of id numbers, phones and credit codes', () => {
    for (const [v, p] of [
      ['310101199001011234', 'id_number'],
      ['13812345678', 'phone'],
      ['91330106MA2H7K3L1X', 'credit_code'],
    ] as const) {
      expect(mask(v, p)).toHaveLength(v.length);
    }
  });

  it('masks a record item by item, items without a profile unchanged', () => {
    expect(
      maskRecord({ name: '李四', phone: '13900001111', status: '存续' }, { name: 'name', phone: 'phone' }),
    ).toEqual({
      name: '李*',
      phone: '139****1111',
      status: '存续',
    });
  });
});
