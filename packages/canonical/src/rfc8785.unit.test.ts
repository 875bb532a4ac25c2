// RFC 8785 test vectors, copied from the RFC text (rfc-editor markup kept by its author in
// github.com/cyberphone/ietf-json-canon, rfc8785-rfcmarkup.html) and from the reference test data
// (github.com/cyberphone/json-canonicalization, testdata/input, output and outhex).
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './index.js';

const utf8Hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const hex = (spaced: string) => spaced.replace(/\s+/g, '');
/** The IEEE 754 double with these 64 bits (big-endian hex), as Appendix B lists them. */
const double = (bits: string) => Buffer.from(bits, 'hex').readDoubleBE(0);

describe('RFC 8785 §3.2.2–3.2.4: the sample object', () => {
  // §3.2.2, as parsed
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  // §3.2.3, without the line wrap added for display
  const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
  // §3.2.4
  const bytes = `
    7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
    75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
    5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
    65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
    5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
    30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;

  it('sorts the properties and serialises literals, strings and numbers as §3.2.3 shows', () => {
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it('gives the UTF-8 bytes of §3.2.4', () => {
    expect(utf8Hex(canonicalJson(JSON.parse(input)))).toBe(hex(bytes));
  });
});

describe('RFC 8785 §3.2.3: sorting by UTF-16 code units', () => {
  it('orders the RFC’s test data as the RFC expects, whatever the locale', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    // the values in the order the canonical text has them (not via JSON.parse: "1" is an integer key,
    // which JavaScript would enumerate first whatever the text says)
    const values = [...canonicalJson(JSON.parse(input)).matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('puts the emoji (surrogates D83D DE00) before U+FB33, unlike code point or UTF-8 order', () => {
    expect(canonicalJson({ '\ufb33': 2, '\u{1f600}': 1 })).toBe('{"\u{1f600}":1,"\ufb33":2}');
  });

  it('sorts "" < "a" < "aa" < "ab", and raw names (a newline as U+000A)', () => {
    expect(canonicalJson({ ab: 4, aa: 3, a: 2, '': 1 })).toBe('{"":1,"a":2,"aa":3,"ab":4}');
    expect(canonicalJson({ A: 2, '\n': 1 })).toBe('{"\\n":1,"A":2}');
  });
});

describe('RFC 8785 §3.2.2.2: strings', () => {
  it('writes \\b \\t \\n \\f \\r and lowercase \\u00xx for the other controls, " and \\ escaped', () => {
    const controls = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(canonicalJson(controls)).toBe(
      String.raw`"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f` +
        String.raw`\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"`,
    );
    expect(canonicalJson('"\\')).toBe(String.raw`"\"\\"`);
  });

  it('leaves every other code point as is: DEL, U+0080, U+2028, U+2029, BOM, CJK, an emoji, "/"', () => {
    const asIs = '\u007f\u0080\u2028\u2029\ufeff上海😀/</script>';
    expect(canonicalJson(asIs)).toBe(`"${asIs}"`);
  });

  it('applies to property names too', () => {
    expect(canonicalJson({ 'a\tb': '\u0007' })).toBe(String.raw`{"a\tb":"\u0007"}`);
  });

  it('keeps unnormalised Unicode as it is (§3.1: no normalisation)', () => {
    expect(utf8Hex(canonicalJson({ 'Unnormalized Unicode': 'A\u030a' }))).toBe(
      hex('7b 22 55 6e 6e 6f 72 6d 61 6c 69 7a 65 64 20 55 6e 69 63 6f 64 65 22 3a 22 41 cc 8a 22 7d'),
    );
  });
});

describe('RFC 8785 Appendix B: number serialisation samples', () => {
  const table: [bits: string, json: string][] = [
    ['0000000000000000', '0'], // Zero
    ['8000000000000000', '0'], // Minus zero
    ['0000000000000001', '5e-324'], // Min pos number
    ['8000000000000001', '-5e-324'], // Min neg number
    ['7fefffffffffffff', '1.7976931348623157e+308'], // Max pos number
    ['ffefffffffffffff', '-1.7976931348623157e+308'], // Max neg number
    ['4340000000000000', '9007199254740992'], // Max pos int (1)
    ['c340000000000000', '-9007199254740992'], // Max neg int (1)
    ['4430000000000000', '295147905179352830000'], // ~2**68 (2)
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'], // Round to even (4)
  ];

  it.each(table)('%s is %s', (bits, json) => {
    expect(canonicalJson(double(bits))).toBe(json);
    expect(canonicalJson([double(bits)])).toBe(`[${json}]`);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ])('%s (%s) is refused: out of range for JSON, note (3)', (bits) => {
    expect(() => canonicalJson({ n: double(bits) })).toThrow('non-finite number at $.n');
  });

  it('refuses -Infinity too', () => {
    expect(() => canonicalJson(Number.NEGATIVE_INFINITY)).toThrow('non-finite number at $');
  });
});

describe('reference test data (cyberphone/json-canonicalization testdata)', () => {
  // [name, input as written, expected output as UTF-8 hex (outhex)]
  const vectors: [string, string, string][] = [
    [
      'arrays',
      `[ 56, { "d": true, "10": null, "1": [ ] } ]`,
      '5b 35 36 2c 7b 22 31 22 3a 5b 5d 2c 22 31 30 22 3a 6e 75 6c 6c 2c 22 64 22 3a 74 72 75 65 7d 5d',
    ],
    [
      'french',
      `{ "peach": "This sorting order", "péché": "is wrong according to French",
        "pêche": "but canonicalization MUST", "sin":   "ignore locale" }`,
      `7b 22 70 65 61 63 68 22 3a 22 54 68 69 73 20 73 6f 72 74 69 6e 67 20 6f 72 64 65 72 22 2c 22 70
       c3 a9 63 68 c3 a9 22 3a 22 69 73 20 77 72 6f 6e 67 20 61 63 63 6f 72 64 69 6e 67 20 74 6f 20 46
       72 65 6e 63 68 22 2c 22 70 c3 aa 63 68 65 22 3a 22 62 75 74 20 63 61 6e 6f 6e 69 63 61 6c 69 7a
       61 74 69 6f 6e 20 4d 55 53 54 22 2c 22 73 69 6e 22 3a 22 69 67 6e 6f 72 65 20 6c 6f 63 61 6c 65
       22 7d`,
    ],
    [
      'structures',
      String.raw`{ "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0}, "10": { }, "": "empty", "a": { },
        "111": [ {"e": "yes","E": "no" } ], "A": { } }`,
      `7b 22 22 3a 22 65 6d 70 74 79 22 2c 22 31 22 3a 7b 22 5c 6e 22 3a 35 36 2c 22 66 22 3a 7b 22 46
       22 3a 35 2c 22 66 22 3a 22 68 69 22 7d 7d 2c 22 31 30 22 3a 7b 7d 2c 22 31 31 31 22 3a 5b 7b 22
       45 22 3a 22 6e 6f 22 2c 22 65 22 3a 22 79 65 73 22 7d 5d 2c 22 41 22 3a 7b 7d 2c 22 61 22 3a 7b
       7d 7d`,
    ],
    [
      'weird',
      String.raw`{ "\u20ac": "Euro Sign", "\r": "Carriage Return", "\u000a": "Newline", "1": "One",
        "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley", "\u00f6": "Latin Small Letter O With Diaeresis",
        "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge" }`,
      `7b 22 5c 6e 22 3a 22 4e 65 77 6c 69 6e 65 22 2c 22 5c 72 22 3a 22 43 61 72 72 69 61 67 65 20 52
       65 74 75 72 6e 22 2c 22 31 22 3a 22 4f 6e 65 22 2c 22 3c 2f 73 63 72 69 70 74 3e 22 3a 22 42 72
       6f 77 73 65 72 20 43 68 61 6c 6c 65 6e 67 65 22 2c 22 c2 80 22 3a 22 43 6f 6e 74 72 6f 6c 7f 22
       2c 22 c3 b6 22 3a 22 4c 61 74 69 6e 20 53 6d 61 6c 6c 20 4c 65 74 74 65 72 20 4f 20 57 69 74 68
       20 44 69 61 65 72 65 73 69 73 22 2c 22 e2 82 ac 22 3a 22 45 75 72 6f 20 53 69 67 6e 22 2c 22 f0
       9f 98 82 22 3a 22 53 6d 69 6c 65 79 22 2c 22 ef ac b3 22 3a 22 48 65 62 72 65 77 20 4c 65 74 74
       65 72 20 44 61 6c 65 74 20 57 69 74 68 20 44 61 67 65 73 68 22 7d`,
    ],
  ];

  it.each(vectors)('%s', (_name, input, outhex) => {
    expect(utf8Hex(canonicalJson(JSON.parse(input)))).toBe(hex(outhex));
  });
});
