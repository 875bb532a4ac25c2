import { createHash } from 'node:crypto';
import { auditV1 } from '@yrd/proto';
import { describe, expect, it } from 'vitest';
import { auditEvent, sha256Hex } from './event.js';

describe('auditEvent', () => {
  it('defaults every string to empty and items to none, stamped with the given time', () => {
    const ev = auditEvent({
      eventId: 'e-1',
      province: 'zj',
      kind: 'consent.grant.revoked',
      occurredAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    });
    expect(ev).toEqual({
      ...auditV1.AuditEvent.fromPartial({}),
      eventId: 'e-1',
      province: 'zj',
      kind: 'consent.grant.revoked',
      occurredAt: '2025-01-02T03:04:05.000Z',
      items: [],
    });
    // a complete message: encodes and decodes to itself
    expect(auditV1.AuditEvent.decode(auditV1.AuditEvent.encode(ev).finish())).toEqual(ev);
  });

  it('keeps what is given, an ISO time as it is, and does not share the items array', () => {
    const items = ['a', 'b'];
    const ev = auditEvent({
      eventId: 'e-2',
      province: 'sh',
      kind: 'k',
      grantId: 'g',
      items,
      occurredAt: '2025-01-01T00:00:00.000Z',
    });
    items.push('c');
    expect(ev).toMatchObject({ grantId: 'g', items: ['a', 'b'], occurredAt: '2025-01-01T00:00:00.000Z', code: '' });
  });
});

describe('sha256Hex', () => {
  it('hashes strings and bytes alike', () => {
    const expected = createHash('sha256').update('上海').digest('hex');
    expect(sha256Hex('上海')).toBe(expected);
    expect(sha256Hex(new TextEncoder().encode('上海'))).toBe(expected);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
