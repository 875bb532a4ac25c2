/**
 * Bad input never gives a 5xx, and every refusal has the one error format (issue 10 §1).
 *
 * A seeded region; every operation of every service's OpenAPI document (read through the edge) gets
 * generated malformed requests from a plausible signed-in user: strings with control characters, NUL
 * and unpaired surrogates, bad percent-encodings in path and query, deep nesting, huge values, wrong
 * types, bad content types. An answer fails when it is a 5xx, when a 4xx/5xx is not
 * application/problem+json with a `code`, when it quotes more than a short excerpt of the input, or
 * when it takes more than 2 s. Requests go out through node:http (raw paths, any header) and, for
 * what no HTTP client sends, node:net. Generation is seeded and bounded, so a run takes seconds and
 * a failure repeats.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Region } from '@yrd/node';
import { type Province, provinces } from '@yrd/region';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionClient, startSeededRegion } from './client.js';

const seed = 20_261_204;
/** generated requests per operation (plus the explicit cases below) */
const runsPerOperation = 8;
const slowMs = 2000;
/** a run of this many input characters in an answer is an echo, not an excerpt */
const echoRun = 150;
/** a refusal longer than this quotes too much */
const maxRefusalBytes = 8 * 1024;
const services = ['catalog', 'consent', 'exchange', 'audit', 'certificate'] as const;
const home: Province = 'sh';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: Json[];
  const?: Json;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minItems?: number;
  additionalProperties?: boolean | JsonSchema;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: JsonSchema;
}
interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
}
interface Operation {
  service: string;
  method: string;
  /** the OpenAPI template, e.g. /api/catalog/v1/resources/{id} */
  path: string;
  pathParams: string[];
  queryParams: Parameter[];
  body: JsonSchema | undefined;
}

/** One request as it goes on the wire: the path is sent exactly as given. */
interface Wire {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** what this request tries, for the report */
  what: string;
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
  error?: string;
}

// --- inputs ---------------------------------------------------------------------------------------

/** Strings a user should not be able to turn into a 5xx. */
const nastyStrings = [
  'a\u0000b',
  '\u0000',
  'ZLB-20260317\u0000',
  'x\ud800y',
  '\udfff',
  '\ud83d',
  '\u0001\u0002\u001b[31m\u007f',
  '\u202e\u200b\ufeff',
  '../../etc/passwd',
  "' or 1=1 --",
  '%',
  '%00',
  '𠮷野家',
  '',
  ' ',
  '31/12/2026',
  '2026-02-30',
  '0000-01-01T00:00:00Z',
  '-1',
  '1e309',
  'NaN',
  'true',
  '{}',
  '__proto__',
];

/** Percent-encodings that do not decode to UTF-8 (sent raw in paths and queries). */
const badEncodings = [
  '%',
  '%Z',
  '%ZZ',
  '%ED%A0%80',
  '%C3%28',
  '%FF',
  '%E0%80%AF',
  '%C0%80',
  'abc%00def',
  '%00',
  '%2e%2e%2f',
];

/** Any UTF-16 code unit, so unpaired surrogates come out too. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 3, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 3000, max: 200_000 }).map((n) => 'Z'.repeat(n)) },
);

/** Percent-encodes every byte of the string's UTF-8 that is not unreserved (lone surrogates become U+FFFD). */
function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A raw URL component: well-encoded nasty text, or an encoding that does not decode. */
const rawComponent: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nastyString.map(pct) },
  { weight: 2, arbitrary: fc.constantFrom(...badEncodings) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...badEncodings), fc.string({ maxLength: 8 })).map(([b, s]) => `${pct(s)}${b}`),
  },
);

/** `[[[[…]]]]` or `{"a":{"a":…}}` as text, `depth` levels deep. */
function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON value of the wrong type or shape for whatever field it replaces. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom<Json>(1e308, -1e308, 2 ** 53 + 1, -0, 0.5, Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], { '': null }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 50_000 }).map((n) => Array.from({ length: n }, () => 'Z')) },
);

/** A value that fits the schema well enough to get past the first checks. */
function plausible(s: JsonSchema | undefined, depth = 0): Json {
  if (!s || depth > 6) return 'x';
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0] ?? null;
  const alt = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alt && alt.length > 0) return plausible(alt.find((a) => a.type !== 'null') ?? alt[0], depth + 1);
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'string') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return '2026-12-31T08:00:00+08:00';
      if (s.format === 'date') return '2026-12-31';
      return 'fuzz-value';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => plausible(s.items, depth + 1));
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = plausible(v, depth + 1);
      return out;
    }
    default:
      return 'x';
  }
}

/** Every field path of a plausible body, e.g. ['items', 0, 'name']. */
function fieldPaths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [prefix, ...v.flatMap((c, i) => fieldPaths(c, [...prefix, i]))];
  if (v !== null && typeof v === 'object') {
    return [prefix, ...Object.entries(v).flatMap(([k, c]) => fieldPaths(c, [...prefix, k]))];
  }
  return [prefix];
}

function replaced(v: Json, path: (string | number)[], by: Json): Json {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(v) && typeof head === 'number') return v.map((c, i) => (i === head ? replaced(c, rest, by) : c));
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof head === 'string') {
    return { ...v, [head]: replaced(v[head] ?? null, rest, by) };
  }
  return v;
}

type BodyPlan =
  | { kind: 'mutated'; at: number[]; values: Json[]; extraKey: string | undefined }
  | { kind: 'deep'; depth: number; shape: 'array' | 'object' }
  | { kind: 'raw'; text: string; contentType: string }
  | { kind: 'content-type'; contentType: string }
  | { kind: 'too-large' }
  | { kind: 'none' };

const bodyPlan: fc.Arbitrary<BodyPlan> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      values: fc.array(wrongValue, { minLength: 3, maxLength: 3 }),
      extraKey: fc.option(nastyString, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      depth: fc.oneof(fc.integer({ min: 65, max: 200 }), fc.constant(10_000), fc.integer({ min: 1000, max: 30_000 })),
      shape: fc.constantFrom('array' as const, 'object' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      text: fc.constantFrom(
        '{"a":',
        '{',
        'nul\u0000',
        '"\\ud800"',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{}}}',
        '',
        '[]',
        '"s"',
        '1e999',
        'null',
      ),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('content-type' as const),
      contentType: fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=zz',
        'multipart/form-data',
        'application/octet-stream',
        'a/b/c',
        ';;;',
        'application/json; charset=utf-16',
        'text/csv',
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'too-large' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

interface Plan {
  user: string;
  pathValues: string[];
  /** per declared query parameter: absent, or a raw value */
  query: (string | undefined)[];
  extraQuery: [string, string] | undefined;
  body: BodyPlan;
}

function plansFor(op: Operation, users: string[]): fc.Arbitrary<Plan> {
  return fc.record({
    user: fc.constantFrom(...users),
    pathValues: fc.tuple(...op.pathParams.map(() => fc.oneof(rawComponent, fc.constant('sh.310000-DSJ-00001')))),
    query: fc.tuple(...op.queryParams.map(() => fc.option(rawComponent, { nil: undefined }))),
    extraQuery: fc.option(fc.tuple(rawComponent, rawComponent), { nil: undefined }),
    body: bodyPlan,
  });
}

function wireOf(op: Operation, plan: Plan, token: string): Wire {
  let path = op.path;
  op.pathParams.forEach((name, i) => {
    path = path.replace(`{${name}}`, plan.pathValues[i] ?? 'x');
  });
  const q: string[] = [];
  op.queryParams.forEach((p, i) => {
    const v = plan.query[i];
    if (v !== undefined) q.push(`${encodeURIComponent(p.name)}=${v}`);
  });
  if (plan.extraQuery) q.push(`${plan.extraQuery[0]}=${plan.extraQuery[1]}`);
  if (q.length > 0) path += `?${q.join('&')}`;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  const b = plan.body;
  const base = plausible(op.body);
  let body: Buffer | undefined;
  let what = `${b.kind}`;
  switch (b.kind) {
    case 'mutated': {
      const paths = fieldPaths(base);
      let v = base;
      b.at.forEach((n, i) => {
        v = replaced(v, paths[n % paths.length] ?? [], b.values[i] ?? null);
      });
      if (b.extraKey !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        v = { ...v, [b.extraKey]: 'extra' };
      }
      body = Buffer.from(JSON.stringify(v));
      headers['content-type'] = 'application/json';
      what += ` ${JSON.stringify(v).slice(0, 120)}`;
      break;
    }
    case 'deep':
      body = Buffer.from(deepJson(b.depth, b.shape));
      headers['content-type'] = 'application/json';
      what += ` ${b.shape} ${b.depth}`;
      break;
    case 'raw':
      body = Buffer.from(b.text);
      headers['content-type'] = b.contentType;
      what += ` ${JSON.stringify(b.text)}`;
      break;
    case 'content-type':
      body = Buffer.from(JSON.stringify(base));
      headers['content-type'] = b.contentType;
      what += ` ${b.contentType}`;
      break;
    case 'too-large':
      body = Buffer.from(JSON.stringify({ big: 'Z'.repeat(2 * 1024 * 1024) }));
      headers['content-type'] = 'application/json';
      break;
    case 'none':
      break;
  }
  return { method: op.method, path, headers, ...(body ? { body } : {}), what };
}

// --- the wire -------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends exactly this path and these bytes (node:http sends any path of bytes 0x21–0xff as is). */
function send(origin: string, w: Wire): Promise<Answer> {
  const url = new URL(origin);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: w.method,
        path: w.path,
        headers: { ...w.headers, ...(w.body ? { 'content-length': String(w.body.length) } : {}) },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - t0,
          }),
        );
        res.on('error', (err) => resolve({ status: 0, contentType: '', text: '', ms: 0, error: err.message }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (err) =>
      resolve({ status: 0, contentType: '', text: '', ms: performance.now() - t0, error: err.message }),
    );
    req.end(w.body);
  });
}

/**
 * Sends, and when the answer is slow sends once more and keeps the faster: a request that is slow
 * by its nature is slow twice, one that met a busy machine (a test run shares its cores) is not.
 */
async function timed(origin: string, w: Wire): Promise<Answer> {
  const a = await send(origin, w);
  if (a.ms <= slowMs) return a;
  const again = await send(origin, w);
  return again.ms < a.ms ? again : a;
}

/** Writes raw bytes on a fresh connection and reads the answer until the server closes or it is complete. */
function sendRaw(origin: string, bytes: Buffer): Promise<Answer> {
  const url = new URL(origin);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => socket.end(bytes));
    const done = () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '';
      resolve({ status, contentType, text: rest.join('\r\n\r\n'), ms: performance.now() - t0 });
    };
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

/** What is wrong with an answer; empty when it is fine. */
function faults(a: Answer): string[] {
  const out: string[] = [];
  if (a.status === 0) return [`no answer (${a.error ?? 'connection closed'})`];
  if (a.status >= 500) out.push(`status ${a.status}`);
  if (a.status >= 400) {
    if (!a.contentType.startsWith('application/problem+json')) out.push(`not problem+json: ${a.contentType || 'none'}`);
    else {
      try {
        const p = JSON.parse(a.text) as { code?: unknown; status?: unknown };
        if (typeof p.code !== 'string' || p.code === '') out.push('problem without a code');
        if (p.status !== a.status) out.push(`problem status ${String(p.status)} on a ${a.status}`);
      } catch {
        out.push('problem+json that is not JSON');
      }
    }
    if (Buffer.byteLength(a.text) > maxRefusalBytes) out.push(`refusal of ${Buffer.byteLength(a.text)} bytes`);
  }
  if (a.text.includes('Z'.repeat(echoRun))) out.push('echoes the input');
  if (a.ms > slowMs) out.push(`slow: ${Math.round(a.ms)} ms`);
  return out;
}

function problemCode(a: Answer): string {
  try {
    const p = JSON.parse(a.text) as { code?: unknown };
    return typeof p.code === 'string' ? p.code : '';
  } catch {
    return '';
  }
}

// --- the run --------------------------------------------------------------------------------------

describe('malformed requests on every operation: never a 5xx, always problem+json', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  let region: Region;
  let api: RegionClient;
  let edge: string;
  const operations: Operation[] = [];
  /** a plausible signed-in user per role of the home province */
  const users: string[] = [];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    started = await startSeededRegion('fuzz');
    region = started.region;
    api = new RegionClient(region);
    edge = region.nodes[home].url;
    const seedUsers = await api.call<{ id: string; roles: string[] }[]>(home, 'GET', '/api/auth/v1/dev-users');
    for (const role of ['admin', 'publisher', 'reviewer', 'requester', 'auditor', 'subject']) {
      const u = seedUsers.body.find((x) => x.roles.includes(role));
      if (u) users.push(u.id);
    }
    for (const u of users) tokens.set(u, await api.token(u));
    for (const service of services) {
      const doc = await api.call<OpenApi>(home, 'GET', `/api/${service}/v1/openapi.json`);
      for (const [path, methods] of Object.entries(doc.body.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const params = op.parameters ?? [];
          operations.push({
            service,
            method: method.toUpperCase(),
            path,
            pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
            queryParams: params.filter((p) => p.in === 'query'),
            body: op.requestBody?.content?.['application/json']?.schema,
          });
        }
      }
    }
  });

  afterAll(async () => {
    agent.destroy();
    await started?.stop();
  });

  it('reads every service’s operations from its OpenAPI document through the edge', () => {
    for (const s of services) expect(operations.filter((o) => o.service === s).length).toBeGreaterThan(2);
    expect(operations.length).toBeGreaterThan(40);
  });

  it('walks every operation with generated malformed requests', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [i, op] of operations.entries()) {
      const plans = fc.sample(plansFor(op, users), { numRuns: runsPerOperation, seed: seed + i });
      for (const plan of plans) {
        const w = wireOf(op, plan, tokens.get(plan.user) ?? '');
        const a = await timed(edge, w);
        sent++;
        const f = faults(a);
        if (f.length > 0) {
          failures.push(
            `${op.method} ${op.path} as ${plan.user}: ${f.join(', ')}\n    sent ${w.path.slice(0, 200)} ${w.what.slice(0, 200)}\n    got ${a.status} ${a.text.slice(0, 200)}`,
          );
        }
      }
    }
    expect(sent).toBeGreaterThan(operations.length * (runsPerOperation - 1));
    expect(failures, `${failures.length} bad answers of ${sent}:\n${failures.slice(0, 30).join('\n')}`).toEqual([]);
  });

  // The examples the outside check found, and their neighbours, as fixed cases.
  const fixed: [string, string, string, unknown, number, string][] = [
    [
      'NUL in a path parameter',
      'GET',
      '/api/catalog/v1/resources/abc%00def',
      undefined,
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'NUL in a query value',
      'GET',
      '/api/catalog/v1/resources?q=a%00b',
      undefined,
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'NUL in a query key',
      'GET',
      '/api/catalog/v1/resources?ZLB-20260317%00=1',
      undefined,
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    ['a lone %', 'GET', '/api/catalog/v1/resources?q=%', undefined, 400, 'REQUEST.BAD_ENCODING'],
    ['%ZZ', 'GET', '/api/catalog/v1/resources?q=%ZZ', undefined, 400, 'REQUEST.BAD_ENCODING'],
    [
      'an encoded surrogate',
      'GET',
      '/api/consent/v1/applications?status=%ED%A0%80',
      undefined,
      400,
      'REQUEST.BAD_ENCODING',
    ],
    ['invalid UTF-8 after =', 'GET', '/api/audit/v1/records?requestId=%C3%28', undefined, 400, 'REQUEST.BAD_ENCODING'],
    ['bad encoding in the path', 'GET', '/api/catalog/v1/resources/%ZZ', undefined, 400, 'REQUEST.BAD_ENCODING'],
    ['bad encoding in an unknown route', 'GET', '/%E0%A4%A', undefined, 400, 'REQUEST.BAD_ENCODING'],
    [
      'an unparseable due date',
      'POST',
      '/api/catalog/v1/duties',
      {
        agencyCreditCode: '11310000MB2F3C4D5E',
        classCode: 'A01-01-01-01',
        name: '营业执照信息',
        dueDate: '31/12/2026',
      },
      400,
      'REQUEST.INVALID',
    ],
    [
      'a due date in year 0',
      'POST',
      '/api/catalog/v1/duties',
      {
        agencyCreditCode: '11310000MB2F3C4D5E',
        classCode: 'A01-01-01-01',
        name: '营业执照信息',
        dueDate: '0000-01-01',
      },
      400,
      'REQUEST.INVALID',
    ],
    [
      'a date-time in year 0',
      'GET',
      '/api/audit/v1/records?from=0000-01-01T00:00:00Z',
      undefined,
      400,
      'REQUEST.INVALID',
    ],
    [
      'a NUL in a body string',
      'POST',
      '/api/catalog/v1/duties',
      { agencyCreditCode: '11310000MB2F3C4D5E', classCode: 'A01-01-01-01', name: '营业执\u0000照' },
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'an unpaired surrogate in a body key',
      'POST',
      '/api/exchange/v1/queries',
      { resourceId: 'zj.330000-DSJ-00001', purpose: 'p', key: { '\ud800': '1' } },
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
  ];

  it.each(fixed)('%s', async (_what, method, path, body, status, code) => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(`${home}-admin`) ?? ''}` };
    const w: Wire = { method, path, headers, what: '' };
    if (body !== undefined) {
      w.body = Buffer.from(JSON.stringify(body));
      headers['content-type'] = 'application/json';
    }
    const a = await timed(edge, w);
    expect(faults(a)).toEqual([]);
    expect([a.status, problemCode(a)]).toEqual([status, code]);
  });

  it('refuses JSON nested 10,000 levels deep at the edge and at the service with 400', async () => {
    const token = tokens.get(`${home}-admin`) ?? '';
    const deep = (origin: string) =>
      send(origin, {
        method: 'POST',
        path: '/api/catalog/v1/duties',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: Buffer.from(deepJson(10_000, 'object')),
        what: 'deep',
      });
    for (const origin of [edge, region.nodes[home].services.catalog?.httpUrl ?? '']) {
      const a = await deep(origin);
      expect(faults(a)).toEqual([]);
      expect([a.status, problemCode(a)]).toEqual([400, 'REQUEST.TOO_DEEP']);
    }
  });

  it('answers a request for a resource that does not exist with 404, in consent and in the exchange', async () => {
    const unknown = 'zj.330000-DSJ-99999';
    const application = await api.as('sh-dsj-requester', home, 'POST', '/api/consent/v1/applications', {
      resourceId: unknown,
      purpose: '长三角场馆客流与公共安全保障',
      legalBasis: '《数据安全法》',
      items: ['venue'],
      validUntil: '2027-12-31T00:00:00+08:00',
    });
    expect([application.status, application.body.code]).toEqual([404, 'CONSENT.UNKNOWN_RESOURCE']);
    for (const [route, extra] of [
      ['/api/exchange/v1/queries', {}],
      ['/api/exchange/v1/verifications', { claims: { venue: 'x' } }],
    ] as const) {
      const r = await api.as('sh-dsj-requester', home, 'POST', route, {
        resourceId: unknown,
        purpose: '长三角场馆客流与公共安全保障',
        key: { booking_no: 'ZLB-20260317-0001' },
        ...extra,
      });
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect([r.status, r.body.code]).toEqual([404, 'CONSENT.UNKNOWN_RESOURCE']);
    }
    const subscription = await api.as('sh-dsj-requester', home, 'POST', '/api/exchange/v1/subscriptions', {
      resourceId: unknown,
      purpose: '长三角场馆客流与公共安全保障',
    });
    expect([subscription.status, subscription.body.code]).toEqual([404, 'CONSENT.UNKNOWN_RESOURCE']);
  });

  it('answers framework refusals in problem+json on the edge and on every service origin', async () => {
    const origins = [edge, ...Object.values(region.nodes[home].services).map((s) => s.httpUrl)];
    const signedIn = { authorization: `Bearer ${tokens.get(`${home}-admin`) ?? ''}` };
    for (const origin of origins) {
      const cases: [string, Promise<Answer>, number, string][] = [
        [
          'headers too large',
          sendRaw(origin, Buffer.from(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'Z'.repeat(20_000)}\r\n\r\n`)),
          431,
          'REQUEST.HEADERS_TOO_LARGE',
        ],
        [
          'a URL too long',
          sendRaw(
            origin,
            Buffer.from(`GET /api/catalog/v1/resources?q=${'Z'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
          ),
          431,
          'REQUEST.HEADERS_TOO_LARGE',
        ],
        [
          'a raw NUL in the request line',
          sendRaw(origin, Buffer.from('GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n')),
          400,
          'REQUEST.MALFORMED',
        ],
        [
          'not HTTP at all',
          sendRaw(origin, Buffer.from('\u0016\u0003\u0001garbage\r\n\r\n')),
          400,
          'REQUEST.MALFORMED',
        ],
        [
          'a path parameter too long',
          send(origin, { method: 'GET', path: `/api/catalog/v1/resources/${'Z'.repeat(5000)}`, headers: {}, what: '' }),
          -1,
          '',
        ],
        [
          'a body too large',
          send(origin, {
            method: 'POST',
            path: '/api/catalog/v1/duties',
            // signed in: an anonymous caller is refused (401) by the edge before it reads any body
            headers: { 'content-type': 'application/json', ...signedIn },
            body: Buffer.from(JSON.stringify({ big: 'Z'.repeat(2 * 1024 * 1024) })),
            what: '',
          }),
          413,
          'REQUEST.TOO_LARGE',
        ],
        [
          'an unknown route with a long URL',
          send(origin, { method: 'GET', path: `/nowhere/${'Z'.repeat(8000)}`, headers: signedIn, what: '' }),
          404,
          'HTTP.ROUTE_NOT_FOUND',
        ],
      ];
      for (const [what, pending, status, code] of cases) {
        const a = await pending;
        expect(faults(a), `${origin} ${what}`).toEqual([]);
        if (status > 0) expect([a.status, problemCode(a)], `${origin} ${what}`).toEqual([status, code]);
        else expect(a.status, `${origin} ${what}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('refuses the same way in all four provinces', async () => {
    for (const p of provinces) {
      const a = await send(region.nodes[p].url, {
        method: 'GET',
        path: '/api/catalog/v1/resources/abc%00def?q=%ZZ',
        headers: {},
        what: '',
      });
      expect(faults(a)).toEqual([]);
      expect(a.status).toBe(400);
    }
  });
});
