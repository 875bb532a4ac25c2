import { describe, expect, it } from 'vitest';
import { samrCode, zjAmrCode } from '../testing/world.js';
import { formatIdentifier, mod3736Check, nextVersionIdentifier, parseIdentifier, seriesOf } from './identifier.js';

const parts = { typeCode: `${samrCode}032`, issuerCode: zjAmrCode, year: 2026, serial: 42, version: 1 };

describe('电子证照标识 identifiers', () => {
  it('formats and parses the documented layout', () => {
    const id = formatIdentifier(parts);
    expect(id).toMatch(/^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.202600000042\.001\.[0-9A-Z]$/);
    expect(parseIdentifier(id)).toEqual(parts);
    expect(id.startsWith(`${seriesOf(parts)}.`)).toBe(true);
  });

  it('computes ISO/IEC 7064 MOD 37,36 check characters', () => {
    // with its check character appended, a string checks to 1 under the hybrid system
    const checksToOne = (full: string) => {
      let p = 36;
      let s = 0;
      for (const ch of full) {
        s = (p + '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.indexOf(ch)) % 36;
        if (s === 0) s = 36;
        p = (s * 2) % 37;
      }
      return s === 1;
    };
    for (const body of ['0', 'A', 'ZZZZ', '12315620260000004200', 'K7Q2']) {
      expect(checksToOne(body + mod3736Check(body))).toBe(true);
      const wrong = mod3736Check(body) === '0' ? '1' : '0';
      expect(checksToOne(body + wrong)).toBe(false);
    }
  });

  it('catches every single-character substitution and adjacent transposition of the serial part', () => {
    const id = formatIdentifier(parts);
    const at = id.indexOf('.202600000042') + 1;
    for (let i = at; i < at + 12; i++) {
      for (const d of '0123456789') {
        if (d === id[i]) continue;
        expect(parseIdentifier(id.slice(0, i) + d + id.slice(i + 1))).toBeUndefined();
      }
      const a = id[i] as string;
      const b = id[i + 1] as string;
      if (i + 1 < at + 12 && a !== b) expect(parseIdentifier(id.slice(0, i) + b + a + id.slice(i + 2))).toBeUndefined();
    }
  });

  it('gives the next version the same series', () => {
    const id = formatIdentifier(parts);
    const next = nextVersionIdentifier(id) as string;
    expect(parseIdentifier(next)).toEqual({ ...parts, version: 2 });
    expect(next.startsWith(seriesOf(parts))).toBe(true);
  });

  it.each([
    ['a wrong root', (id: string) => id.replace('1.2.156.3005.2', '1.2.156.3005.9')],
    ['a lower-case letter', (id: string) => id.toLowerCase()],
    ['a missing check character', (id: string) => id.slice(0, -2)],
    ['serial zero', () => `${seriesOf({ ...parts, serial: 0 })}.001.0`],
    ['not a string', () => 42 as unknown as string],
  ])('refuses %s', (_name, mutate) => {
    expect(parseIdentifier(mutate(formatIdentifier(parts)))).toBeUndefined();
  });

  it('refuses to format impossible parts', () => {
    expect(() => formatIdentifier({ ...parts, version: 1000 })).toThrow(RangeError);
    expect(() => formatIdentifier({ ...parts, issuerCode: '91330106MA2H8QK01X' })).toThrow(RangeError);
    expect(() => formatIdentifier({ ...parts, serial: 100_000_000 })).toThrow(RangeError);
  });
});
