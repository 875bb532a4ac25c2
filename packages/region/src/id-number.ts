/** 居民身份证号码 (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check character. */
const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idChecks = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (idWeights[i] ?? 0);
  return idChecks[sum % 11] as string;
}

export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  return idNumberCheckChar(id.slice(0, 17)) === id[17];
}

/** Synthetic ID numbers for seeds and tests: valid checksum, invented person. */
export function makeIdNumber(area: string, birth: string, seq: string): string {
  const first17 = `${area}${birth}${seq}`;
  if (!/^\d{17}$/.test(first17)) throw new RangeError('id number body must be 17 digits');
  return first17 + idNumberCheckChar(first17);
}
