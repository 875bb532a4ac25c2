/**
 * What every request must be before a handler sees it: a URL whose percent-encoding decodes as
 * UTF-8, JSON nested no deeper than a sane document, and no string PostgreSQL cannot store (NUL, or
 * a UTF-16 surrogate without its pair). Pure functions; the app wires them as hooks and a parser.
 */

/** Deepest JSON nesting a request body may have; real bodies here nest 4 or 5 levels. */
export const maxJsonDepth = 64;

/** A UTF-16 surrogate without its pair (no `u` flag: the regex sees code units). */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const loneSurrogates = new RegExp(loneSurrogate.source, 'g');

/** The longest piece of a request a problem document may quote back. */
export const maxExcerpt = 80;

/**
 * A short, printable excerpt of caller input for a message: control characters and unpaired
 * surrogates shown as U+FFFD, cut at `max` characters with an ellipsis.
 */
export function excerpt(s: string, max = maxExcerpt): string {
  const head = s.length > max ? s.slice(0, max) : s;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const clean = head.replace(/[\u0000-\u001f\u007f]/g, '\ufffd').replace(loneSurrogates, '\ufffd');
  return s.length > max ? `${clean}…` : clean;
}

/**
 * What is wrong with a URL (path and query) before anything reads it, decoding it once: percent
 * encoding that is not UTF-8, or a NUL in what it decodes to.
 */
export function urlProblem(url: string): 'bad_encoding' | 'nul' | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.replaceAll('+', ' '));
  } catch {
    return 'bad_encoding';
  }
  return decoded.includes('\u0000') ? 'nul' : undefined;
}

/** Where a string PostgreSQL cannot hold was found, and what it was. */
export interface BadString {
  /** JSON-pointer-like path of the field (the key itself when the key is the bad string) */
  path: string;
  reason: 'nul' | 'lone_surrogate';
}

function badChars(s: string): BadString['reason'] | undefined {
  if (s.includes('\u0000')) return 'nul';
  if (loneSurrogate.test(s)) return 'lone_surrogate';
  return undefined;
}

/**
 * The first string (value or key) in `value` that PostgreSQL text cannot store. Walks iteratively,
 * so a deep value cannot exhaust the stack; buffers and other non-plain values are not looked into.
 */
export function findUnstorableString(value: unknown, root = ''): BadString | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next) break;
    const [v, path] = next;
    if (typeof v === 'string') {
      const reason = badChars(v);
      if (reason) return { path: path || '/', reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
    } else if (v !== null && typeof v === 'object' && isPlain(v)) {
      for (const [k, child] of Object.entries(v)) {
        const reason = badChars(k);
        if (reason) return { path: `${path}/${excerpt(k, 40)}`, reason };
        stack.push([child, `${path}/${k}`]);
      }
    }
  }
  return undefined;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `\u0000`, or the escape of a UTF-16 surrogate (U+D800–U+DFFF), in either case */
const unstorableEscape = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Whether the values JSON.parse makes of `text` could hold a string PostgreSQL cannot store: only
 * through an escape (`\u0000`, or a surrogate's), since a raw control character is not JSON and text
 * decoded from UTF-8 holds no unpaired surrogate. False: nothing in it needs `findUnstorableString`'s
 * walk. True is cautious (a paired surrogate, or `\\u0000` that is a backslash and text, say true too).
 */
export function jsonMayHoldUnstorable(text: string): boolean {
  return unstorableEscape.test(text);
}

/**
 * How deep `text` nests, scanning its characters once (strings and escapes skipped), stopping as
 * soon as `limit` is passed; never recursive. The text need not be valid JSON: JSON.parse judges that.
 */
export function jsonDepthExceeds(text: string, limit = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
