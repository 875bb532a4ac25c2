import { describe, expect, it } from 'vitest';
import { cursorOf, type DataUseRecord, dataUseLines, pageOf, readCursor } from './data-use.js';

const record = (o: Partial<DataUseRecord> & Pick<DataUseRecord, 'province' | 'seq'>): DataUseRecord => ({
  kind: o.province === 'sh' ? 'exchange.query.requested' : 'exchange.query.served',
  requestId: 'r-1',
  resourceId: 'js.320000-RSJ-00001',
  actorAgency: '11310000MB2F00000X',
  requesterProvince: 'sh',
  providerProvince: 'js',
  outcome: 'allow',
  code: '',
  grantId: 'js-grant-1',
  consentId: '',
  occurredAt: '2026-03-01T02:00:00.000Z',
  items: ['contribution_months'],
  ...o,
});

describe('who used my data: the records of every province, one line per exchange', () => {
  it('merges both sides of an exchange, and counts a record given twice once', () => {
    const sh = record({ province: 'sh', seq: 4 });
    const js = record({ province: 'js', seq: 9, occurredAt: '2026-03-01T02:00:00.200Z' });
    const lines = dataUseLines([sh, js, sh]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      id: 'sh:r-1',
      occurredAt: sh.occurredAt,
      outcome: 'allowed',
      mode: 'query',
      items: ['contribution_months'],
      recordedBy: ['js', 'sh'],
    });
  });

  it('says refused with the provider’s code, and failed when no side allowed or denied', () => {
    const refused = dataUseLines([
      record({ province: 'sh', seq: 1, outcome: 'deny', code: 'EXCHANGE.SAID_NO' }),
      record({ province: 'js', seq: 2, outcome: 'deny', code: 'CONSENT.CONSENT_REQUIRED' }),
    ]);
    expect(refused[0]).toMatchObject({ outcome: 'refused', code: 'CONSENT.CONSENT_REQUIRED' });
    const failed = dataUseLines([
      record({ province: 'sh', seq: 1, outcome: 'error', code: 'EXCHANGE.BROKER_UNAVAILABLE' }),
    ]);
    expect(failed[0]).toMatchObject({ outcome: 'failed', code: 'EXCHANGE.BROKER_UNAVAILABLE' });
  });

  it('keeps apart the same request id from two requesting provinces, and leaves out what is not an exchange', () => {
    const lines = dataUseLines([
      record({ province: 'sh', seq: 1 }),
      record({ province: 'zj', seq: 1, requesterProvince: 'zj', kind: 'exchange.query.requested' }),
      record({ province: 'sh', seq: 2, kind: 'consent.consent.given' }),
    ]);
    expect(lines.map((l) => l.id).sort()).toEqual(['sh:r-1', 'zj:r-1']);
  });

  it('pages newest first with a cursor it can read back, and refuses one it never gave', () => {
    const lines = dataUseLines(
      [1, 2, 3].map((i) =>
        record({ province: 'sh', seq: i, requestId: `r-${i}`, occurredAt: `2026-03-0${i}T00:00:00.000Z` }),
      ),
    );
    const first = pageOf(lines, 2);
    expect(first.uses.map((l) => l.requestId)).toEqual(['r-3', 'r-2']);
    const next = readCursor(first.next ?? '');
    expect(next).toEqual({ occurredAt: '2026-03-02T00:00:00.000Z', id: 'sh:r-2' });
    const second = pageOf(lines, 2, next);
    expect(second.uses.map((l) => l.requestId)).toEqual(['r-1']);
    expect(second.next).toBeUndefined();
    expect(readCursor(cursorOf(lines[0]!))).toEqual({ occurredAt: lines[0]?.occurredAt, id: 'sh:r-3' });
    expect(readCursor('not-a-cursor')).toBeUndefined();
  });
});
