import { describe, expect, it } from 'vitest';
import { detailFor, splitDetail } from './detail';

describe('splitDetail', () => {
  it.each([
    [
      '目录条目不存在 no catalogue entry zj.330000-DSJ-00001',
      '目录条目不存在',
      'no catalogue entry zj.330000-DSJ-00001',
    ],
    [
      "该用户属于 zj，请向其所在省份申请令牌 ask the user's own province",
      '该用户属于 zj，请向其所在省份申请令牌',
      "ask the user's own province",
    ],
    [
      '分类代码 X99-01-01-01 不在资源分类表中 unknown class code',
      '分类代码 X99-01-01-01 不在资源分类表中',
      'unknown class code',
    ],
    [
      '只有草稿可以提交审核 only a draft can be submitted (this one is published)',
      '只有草稿可以提交审核',
      'only a draft can be submitted (this one is published)',
    ],
    ['撤销须说明理由（必填） a withdrawal needs a reason', '撤销须说明理由（必填）', 'a withdrawal needs a reason'],
  ])('%s', (detail, zh, en) => {
    expect(splitDetail(detail)).toEqual({ zh, en });
  });

  it('shows a detail without Chinese, or without English, whole in both languages', () => {
    expect(splitDetail('internal error')).toEqual({ zh: 'internal error', en: 'internal error' });
    expect(splitDetail('服务暂不可用')).toEqual({ zh: '服务暂不可用', en: '服务暂不可用' });
  });

  it('picks the part of the language', () => {
    expect(detailFor('需要审计员角色 auditor role required', 'zh-CN')).toBe('需要审计员角色');
    expect(detailFor('需要审计员角色 auditor role required', 'en')).toBe('auditor role required');
  });
});
