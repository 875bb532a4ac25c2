import { agencyCode } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import {
  agenciesInView,
  agencyCompliance,
  chinaDate,
  type Duty,
  type DutyStatus,
  dutyStatus,
  type EntrySummary,
  isClassPrefix,
  type NegativeEntry,
  negativeMatch,
  violations,
} from './duty.js';

const samr = agencyCode('zj', 1);
const hrss = agencyCode('zj', 2);
const today = '2026-03-15';

const aDuty = (o: Partial<Duty> = {}): Duty => ({
  id: 'duty-1',
  agencyCreditCode: samr,
  classCode: 'B01-01-01-01',
  name: '营业执照信息',
  note: '',
  createdBy: 'zj-admin',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...o,
});

const anEntry = (id: string, o: Partial<EntrySummary> = {}): EntrySummary => ({
  id,
  name: '营业执照信息',
  classCode: 'B01-01-01-01',
  agencyCreditCode: samr,
  status: 'published',
  sharingTier: 'conditional',
  ...o,
});

const aNegative = (id: string, o: Partial<NegativeEntry> = {}): NegativeEntry => ({
  id,
  reason: '涉及个人隐私',
  legalBasis: '《中华人民共和国个人信息保护法》',
  createdBy: 'zj-admin',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...o,
});

describe('how far a duty is', () => {
  const cases: [string, Partial<Duty>, EntrySummary[], DutyStatus, string | undefined][] = [
    ['nothing catalogued', {}, [], 'missing', undefined],
    ['a published entry of the class fulfils it', {}, [anEntry('zj.1')], 'published', 'zj.1'],
    ['a draft is in progress', {}, [anEntry('zj.1', { status: 'draft' })], 'in_progress', 'zj.1'],
    ['a submitted entry is in progress', {}, [anEntry('zj.1', { status: 'submitted' })], 'in_progress', 'zj.1'],
    ['a withdrawn entry does not count', {}, [anEntry('zj.1', { status: 'withdrawn' })], 'missing', undefined],
    ['another agency’s entry does not count', {}, [anEntry('zj.1', { agencyCreditCode: hrss })], 'missing', undefined],
    [
      'an entry of another class does not count',
      {},
      [anEntry('zj.1', { classCode: 'B01-01-01-02' })],
      'missing',
      undefined,
    ],
    ['published beats in progress', {}, [anEntry('zj.1', { status: 'draft' }), anEntry('zj.2')], 'published', 'zj.2'],
    [
      'an entry of the duty’s own name is the one shown',
      {},
      [anEntry('zj.1', { status: 'draft', name: '其他' }), anEntry('zj.2', { status: 'draft' })],
      'in_progress',
      'zj.2',
    ],
    [
      'shared less openly than the duty expects is in progress',
      { sharingTier: 'conditional' },
      [anEntry('zj.1', { sharingTier: 'none' })],
      'in_progress',
      'zj.1',
    ],
    [
      'shared more openly than expected fulfils it',
      { sharingTier: 'conditional' },
      [anEntry('zj.1', { sharingTier: 'unconditional' })],
      'published',
      'zj.1',
    ],
    ['missing past the due date is overdue', { dueDate: '2026-03-14' }, [], 'overdue', undefined],
    [
      'in progress past the due date is overdue',
      { dueDate: '2026-02-28' },
      [anEntry('zj.1', { status: 'submitted' })],
      'overdue',
      'zj.1',
    ],
    ['on the due date itself it is still on time', { dueDate: today }, [], 'missing', undefined],
    ['published is never overdue', { dueDate: '2026-01-31' }, [anEntry('zj.1')], 'published', 'zj.1'],
  ];

  it.each(cases)('%s', (_, duty, entries, status, resourceId) => {
    const c = dutyStatus(aDuty(duty), entries, today);
    expect(c.status).toBe(status);
    expect(c.resourceId).toBe(resourceId);
    expect(c.reason).not.toBe('');
  });

  it('explains an overdue duty with its due date and what is there', () => {
    const c = dutyStatus(aDuty({ dueDate: '2026-02-28' }), [anEntry('zj.1', { status: 'draft' })], today);
    expect(c.reason).toContain('2026-02-28');
    expect(c.reason).toContain('zj.1');
  });
});

describe('what the negative list covers', () => {
  const byClass = aNegative('n-class', { classCode: 'A01' });
  const byItem = aNegative('n-item', { classCode: 'A01-01-02' });
  const byId = aNegative('n-id', { resourceId: 'zj.330000-GAT-00001' });
  const removed = aNegative('n-removed', {
    classCode: 'B01',
    removedAt: '2026-02-01T00:00:00.000Z',
    removedBy: 'zj-admin',
    removedReason: '已解除',
  });
  const list = [byClass, byItem, byId, removed];

  const cases: [string, { id: string; classCode: string }, string | undefined][] = [
    ['a 类 prefix covers its 细目', { id: 'zj.x', classCode: 'A01-03-02-01' }, 'n-class'],
    ['the most specific class wins', { id: 'zj.x', classCode: 'A01-01-02-01' }, 'n-item'],
    ['the entry itself wins over its class', { id: 'zj.330000-GAT-00001', classCode: 'A01-01-02-01' }, 'n-id'],
    ['a prefix is matched at level boundaries only', { id: 'zj.x', classCode: 'A011-01-01-01' }, undefined],
    ['another class is not covered', { id: 'zj.x', classCode: 'B03-01-01-01' }, undefined],
    ['a removed line no longer covers', { id: 'zj.x', classCode: 'B01-01-01-01' }, undefined],
  ];

  it.each(cases)('%s', (_, resource, expected) => {
    expect(negativeMatch(list, resource)?.id).toBe(expected);
  });

  it('a covered entry is a violation only while published and shared', () => {
    const entries = [
      anEntry('zj.a', { classCode: 'A01-01-02-01', name: '户籍人口信息' }),
      anEntry('zj.b', { classCode: 'A01-01-02-02', sharingTier: 'none' }),
      anEntry('zj.c', { classCode: 'A01-01-02-02', status: 'draft' }),
      anEntry('zj.d', { classCode: 'B03-01-01-01' }),
    ];
    expect(violations(list, entries)).toEqual([{ resourceId: 'zj.a', name: '户籍人口信息', negativeEntry: byItem }]);
  });
});

describe('one agency’s compliance', () => {
  const duties = [
    aDuty({ id: 'd1' }),
    aDuty({ id: 'd2', classCode: 'B01-02-03-01', name: '行政处罚信息', dueDate: '2026-01-31' }),
    aDuty({ id: 'd3', agencyCreditCode: hrss, classCode: 'B03-01-01-01', name: '社会保险缴费信息' }),
    aDuty({ id: 'd4', classCode: 'B01-02-04-01', name: '经营异常名录', removedAt: '2026-02-01T00:00:00.000Z' }),
  ];
  const negativeList = [aNegative('n1', { classCode: 'A01-01-02' })];
  const entries = [
    anEntry('zj.1'),
    anEntry('zj.2', { classCode: 'A01-01-02-01', name: '户籍人口信息' }),
    anEntry('zj.3', { agencyCreditCode: hrss, classCode: 'B03-01-01-01', status: 'draft' }),
  ];

  it('lists its current duties, counts what is not yet published, and names its violations', () => {
    const c = agencyCompliance(samr, '浙江省市场监督管理局', { duties, negativeList, entries, today });
    expect(c.duties.map((d) => [d.duty.id, d.status, d.resourceId])).toEqual([
      ['d1', 'published', 'zj.1'],
      ['d2', 'overdue', undefined],
    ]);
    expect(c.missing).toBe(1);
    expect(c.violations.map((v) => [v.resourceId, v.negativeEntry.id])).toEqual([['zj.2', 'n1']]);
  });

  it('the province view shows agencies with a duty or a violation', () => {
    const outsider = agencyCode('zj', 7);
    const withOutsider = [...entries, anEntry('zj.9', { agencyCreditCode: outsider, classCode: 'A01-01-02-02' })];
    expect(agenciesInView({ duties, negativeList, entries: withOutsider })).toEqual([samr, hrss, outsider].sort());
    expect(agenciesInView({ duties: [], negativeList: [], entries: withOutsider })).toEqual([]);
  });
});

describe('small rules', () => {
  it.each([
    ['A01', true],
    ['A01-01', true],
    ['A01-01-02', true],
    ['A01-01-02-01', true],
    ['A01-01-02-09', false],
    ['Z99', false],
    ['A0', false],
  ])('class prefix %s known: %s', (code, known) => {
    expect(isClassPrefix(code)).toBe(known);
  });

  it.each([
    ['2026-03-14T15:59:59.999Z', '2026-03-14'],
    ['2026-03-14T16:00:00.000Z', '2026-03-15'],
    ['2026-12-31T20:00:00.000Z', '2027-01-01'],
  ])('at %s it is %s in China', (at, day) => {
    expect(chinaDate(new Date(at))).toBe(day);
  });
});
