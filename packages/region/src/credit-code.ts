/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet (no I, O, Z, S, V);
 * the 18th is a check character over the first 17 with weights 3^i mod 31.
 */
const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = alphabet.indexOf(first17[i] ?? '');
    if (v < 0) throw new RangeError(`invalid credit code character at ${i}`);
    sum += v * (weights[i] ?? 0);
  }
  return alphabet[(31 - (sum % 31)) % 31] as string;
}

export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** Builds a valid code: registration authority + type (e.g. "11" = 机关), area code, 9-char org code. */
export function makeCreditCode(prefix: string, area: string, org: string): string {
  const first17 = `${prefix}${area}${org}`;
  if (first17.length !== 17) throw new RangeError('credit code body must be 17 characters');
  return first17 + creditCodeCheckChar(first17);
}
