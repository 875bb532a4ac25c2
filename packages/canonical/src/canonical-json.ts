/**
 * Canonical JSON, RFC 8785 (JSON Canonicalization Scheme, JCS): the one encoder whose bytes the
 * platform signs (consent artefacts, tree heads), hashes (audit payloads and records, record keys)
 * and compares (catalogue versions).
 *
 * - object keys sorted by UTF-16 code units (RFC 8785 §3.2.3; what `Array.prototype.sort` does),
 *   at every level, arrays kept in order, no whitespace;
 * - strings and numbers as ECMAScript's JSON.stringify writes them (§3.2.2.2, §3.2.2.3): controls
 *   as `\b \t \n \f \r` or lowercase `\u00xx`, `"` and `\` escaped, everything else as is; numbers
 *   by Number::toString, so `-0` is `0` and `1e21` is `1e+21`;
 * - refused, with a {@link CanonicalJsonError} naming where: non-finite numbers and lone surrogates
 *   (both MUST terminate a JCS implementation), and whatever a JSON round trip would not keep —
 *   bigint, functions, symbols, `undefined` as a value or inside an array, array holes, cycles, and
 *   objects that are not plain (Date, Map, Uint8Array, class instances…).
 *
 * The one deliberate allowance: an object field whose value is `undefined` is left out, as
 * JSON.stringify leaves it out. Messages generated from protobuf have optional fields, and a
 * message with an unset field must encode like the message without it.
 *
 * The result is a string; sign or hash its UTF-8 bytes (RFC 8785 §3.2.4).
 */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

/** Thrown by canonicalJson: `problem` says what was refused, `at` where, JSONPath-like (`.items[2]`). */
export class CanonicalJsonError extends TypeError {
  constructor(
    readonly problem: string,
    readonly at = '',
  ) {
    super(`canonicalJson: ${problem} at $${at}`);
    this.name = 'CanonicalJsonError';
  }
}

// What JSON.stringify escapes: '"', '\\' and controls; and the surrogates, to be checked for pairs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A JSON string, RFC 8785 §3.2.2.2: JSON.stringify's escaping, lone surrogates refused. */
function quote(s: string): string {
  if (!NEEDS_CARE.test(s)) return `"${s}"`;
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError('lone surrogate in a string');
  return JSON.stringify(s);
}

/** Locates an error thrown below `at`. */
function within(at: string, e: unknown): unknown {
  return e instanceof CanonicalJsonError ? new CanonicalJsonError(e.problem, at + e.at) : e;
}

/** `.name` for an identifier-like key, else `["name"]`, so that any key reads back unambiguously. */
function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function write(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError('non-finite number');
      // Number::toString, RFC 8785 §3.2.2.3 (JSON.stringify writes -0 as 0, as JCS wants)
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${typeof value} is not allowed`);
  }
  if (value === null) return 'null';
  if (ancestors.includes(value)) throw new CanonicalJsonError('cycle');
  ancestors.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new CanonicalJsonError('array hole', `[${i}]`);
      try {
        out += (i > 0 ? ',' : '') + write(value[i], ancestors);
      } catch (e) {
        throw within(`[${i}]`, e);
      }
    }
    out += ']';
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError('non-plain object');
    const obj = value as Record<string, unknown>;
    // UTF-16 code unit order, RFC 8785 §3.2.3: the default sort compares strings by code units
    const keys = Object.keys(obj).sort();
    out = '{';
    let first = true;
    for (const key of keys) {
      const field = obj[key];
      if (field === undefined) continue; // the one allowance: an unset optional field
      try {
        // a lone surrogate in the key itself is reported at the property it names
        out += `${first ? '' : ','}${quote(key)}:${write(field, ancestors)}`;
      } catch (e) {
        throw within(member(key), e);
      }
      first = false;
    }
    out += '}';
  }
  ancestors.pop();
  return out;
}
