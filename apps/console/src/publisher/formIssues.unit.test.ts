import { describe, expect, it } from 'vitest';
import { fieldNameOf, placeIssues } from './formIssues';

const fields = new Set(['resourceCode', 'name', 'items', 'keyItems']);
const problem = (issues: { path: string; message: string }[]) => ({
  code: 'REQUEST.INVALID',
  status: 400,
  detail: '请求格式错误 invalid request',
  details: { issues },
});

describe('where a refusal of an entry goes on the form', () => {
  it.each([
    ['/name', ['name']],
    ['resourceCode', ['resourceCode']],
    ['/items/2/name', ['items', 2, 'name']],
    ['items.0.grade', ['items', 0, 'grade']],
    ['/keyItems/1', ['keyItems']],
    ['items', undefined],
    ['/items/0', undefined],
    ['/items/x/name', undefined],
    ['/items/0/colour', undefined],
    ['/', undefined],
    ['summary', undefined],
  ])('%s → %j', (path, name) => {
    expect(fieldNameOf(path, fields)).toEqual(name);
  });

  it('puts each message at its field in the user’s language, and says when one has no field', () => {
    const error = problem([
      { path: 'resourceCode', message: '资源代码须以本省行政区划代码开头 resource code must start with 33' },
      {
        path: 'items.1.grade',
        message: '信息项 phone 定级一般1级，低于最低级别一般3级 item graded below its class floor',
      },
      { path: 'items.1.grade', message: '另一条 another' },
    ]);
    expect(placeIssues(error, fields, 'zh-CN')).toEqual({
      fields: [
        { name: ['resourceCode'], errors: ['资源代码须以本省行政区划代码开头'] },
        { name: ['items', 1, 'grade'], errors: ['信息项 phone 定级一般1级，低于最低级别一般3级', '另一条'] },
      ],
      unplaced: false,
    });
    expect(placeIssues(error, fields, 'en').fields[0]?.errors).toEqual(['resource code must start with 33']);
    expect(placeIssues(problem([{ path: '/', message: '应为对象 expected object' }]), fields, 'zh-CN').unplaced).toBe(
      true,
    );
    expect(placeIssues(new TypeError('fetch failed'), fields, 'zh-CN')).toEqual({ fields: [], unplaced: true });
  });
});
