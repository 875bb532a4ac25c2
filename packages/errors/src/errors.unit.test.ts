import { describe, expect, it } from 'vitest';
import { AppError, errorKinds, fromWire, kindForGrpc, statusFor, toProblem } from './index.js';

describe('one table from error kind to transport status', () => {
  it.each(errorKinds.map((k) => [k]))('%s maps to an HTTP status and back through gRPC', (kind) => {
    const { http, grpc } = statusFor(kind);
    expect(http).toBeGreaterThanOrEqual(400);
    expect(kindForGrpc(grpc)).toBe(kind);
  });

  it('keeps 5xx detail out of problem documents', () => {
    const p = toProblem(new AppError('internal', 'INTERNAL', 'db password wrong'), 'r1');
    expect(p.status).toBe(500);
    expect(p.detail).not.toContain('password');
    expect(p.requestId).toBe('r1');
  });

  it('rebuilds a remote error with its code', () => {
    const e = fromWire('CONSENT.NO_GRANT', 'forbidden', 'no grant');
    expect(e.code).toBe('CONSENT.NO_GRANT');
    expect(statusFor(e.kind).http).toBe(403);
    expect(fromWire('X', 'bogus', 'm').kind).toBe('internal');
  });
});
