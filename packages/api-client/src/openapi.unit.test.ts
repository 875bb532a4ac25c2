/**
 * The committed API document (src/gen/openapi.json, the merged document of 上海's origin, kept current
 * by `npm run api:check`) is complete enough to generate a client from: every operation named,
 * tagged and summarised in both languages, every answer but a 204 with content, problems as the
 * shared Problem, and no answer the generated types would leave as `content?: never`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  servers?: { url: string }[];
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { content?: Record<string, unknown> }> };
}

const gen = join(import.meta.dirname, 'gen');
const doc = JSON.parse(readFileSync(join(gen, 'openapi.json'), 'utf8')) as Document;
const types = readFileSync(join(gen, 'schema.d.ts'), 'utf8');
const methods = ['get', 'put', 'post', 'delete', 'patch'];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => methods.includes(method))
    .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })),
);
/** Paths anyone may call (publicApiRoutes in @yrd/http, the edge's dev routes, health, the reference). */
const publicPaths = new Set([
  '/api/audit/v1/trust-list',
  '/api/audit/v1/heads/latest',
  '/api/audit/v1/heads/{size}',
  '/api/audit/v1/checkpoint',
  '/api/audit/v1/consistency',
  '/api/audit/v1/proofs/inclusion',
  '/api/certificate/v1/status-lists/{id}',
  '/api/certificate/v1/issuer-keys',
  '/api/auth/v1/dev-users',
  '/api/auth/v1/dev-token',
  '/healthz',
]);

describe('the merged API document', () => {
  it('has the five services and the edge, at the province origin', () => {
    expect(operations.length).toBeGreaterThanOrEqual(69);
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:7310' })]);
    for (const prefix of ['/api/catalog/', '/api/consent/', '/api/exchange/', '/api/audit/', '/api/auth/']) {
      expect(
        operations.some((o) => o.path.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it('names every operation once, in camelCase, tagged and summarised in 中文 and English', () => {
    const missing = operations.filter(
      ({ op }) =>
        !op.operationId ||
        !/^[a-z][A-Za-z0-9]+$/.test(op.operationId) ||
        !op.tags?.length ||
        !/\p{Script=Han}/u.test(op.summary ?? '') ||
        !/[A-Za-z]{3}/.test(op.summary ?? ''),
    );
    expect(missing.map((o) => o.name)).toEqual([]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every answer but a 204 a content, and a success to every operation', () => {
    const responseOf = (r: { $ref?: string; content?: Record<string, unknown> }) =>
      r.$ref ? doc.components.responses[r.$ref.replace('#/components/responses/', '')] : r;
    const empty = operations.flatMap(({ name, op }) =>
      Object.entries(op.responses ?? {})
        .filter(([status, r]) => status !== '204' && Object.keys(responseOf(r)?.content ?? {}).length === 0)
        .map(([status]) => `${name} ${status}`),
    );
    expect(empty).toEqual([]);
    const noSuccess = operations.filter(({ op }) => !Object.keys(op.responses ?? {}).some((s) => /^2\d\d$/.test(s)));
    expect(noSuccess.map((o) => o.name)).toEqual([]);
  });

  it('answers problems as application/problem+json with the shared Problem schema', () => {
    expect(doc.components.schemas).toHaveProperty('Problem');
    for (const { name, op } of operations) {
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        if (Number(status) < 400) continue;
        const content = r.$ref
          ? doc.components.responses[r.$ref.replace('#/components/responses/', '')]?.content
          : r.content;
        expect(content, `${name} ${status}`).toEqual({
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        });
      }
    }
  });

  it('asks for the bearer token on every operation but the public ones', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    const wrong = operations.filter(({ path, op }) =>
      publicPaths.has(path) ? JSON.stringify(op.security) !== '[]' : op.security !== undefined,
    );
    expect(wrong.map((o) => o.name)).toEqual([]);
    for (const { path, op } of operations) {
      if (!publicPaths.has(path)) expect(Object.keys(op.responses ?? {}), path).toContain('401');
    }
  });

  it('generates no answer without a type', () => {
    expect(types).not.toContain('content?: never');
    expect(types).toContain('export interface paths');
  });
});
