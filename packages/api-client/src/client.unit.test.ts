/** createApiClient against a stub fetch: the token on every request, typed data, problems thrown. */
import { describe, expect, it } from 'vitest';
import { ApiProblem, createApiClient, isProblem, unwrap } from './index.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | null;
  body: string;
}

/** A fetch that records the request and answers with `answer`. */
function stub(answer: (req: Request) => Response) {
  const seen: Seen[] = [];
  const fetch = async (req: Request) => {
    seen.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.get('authorization'),
      body: req.body ? await req.text() : '',
    });
    return answer(req);
  };
  return { seen, fetch };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('createApiClient', () => {
  it('sends the token current at each request, and none when signed out', async () => {
    const { seen, fetch } = stub(() => json(200, { status: 'ok', province: 'sh', services: {} }));
    let token: string | undefined = 't-1';
    const api = createApiClient({ baseUrl: 'http://sh.example', token: () => token, fetch });
    await api.GET('/healthz');
    token = 't-2';
    await api.GET('/healthz');
    token = undefined;
    await api.GET('/healthz');
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer t-1', 'Bearer t-2', null]);
    expect(seen[0]?.url).toBe('http://sh.example/healthz');
  });

  it('fills path and query parameters and sends the body as JSON', async () => {
    const { seen, fetch } = stub(() => json(200, { token: 'jwt', user: {}, expiresIn: 60 }));
    const api = createApiClient({ baseUrl: 'http://sh.example', token: async () => 'tok', fetch });
    const issued = await unwrap(api.POST('/api/auth/v1/dev-token', { body: { user: 'sh-1' } }));
    expect(issued.token).toBe('jwt');
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'http://sh.example/api/auth/v1/dev-token' });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ user: 'sh-1' });
    await api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id: 'zj.330000-SCJG-00001' } } });
    await api.GET('/api/catalog/v1/resources', { params: { query: { q: '营业执照', page: 2 } } });
    expect(seen[1]?.url).toBe('http://sh.example/api/catalog/v1/resources/zj.330000-SCJG-00001');
    expect(seen[2]?.url).toBe(`http://sh.example/api/catalog/v1/resources?q=${encodeURIComponent('营业执照')}&page=2`);
  });

  it('throws a problem answer as ApiProblem with its code, status, detail, request id and fields', async () => {
    const problem = {
      type: 'https://yrd.example/problems/request-invalid',
      title: 'REQUEST.INVALID',
      status: 400,
      code: 'REQUEST.INVALID',
      detail: '请求格式错误 invalid request: /name too short',
      requestId: 'req-1',
      details: { issues: [{ path: '/name', message: 'too short' }] },
    };
    const { fetch } = stub(() => json(400, problem, 'application/problem+json'));
    const api = createApiClient({ baseUrl: 'http://sh.example', token: () => 'tok', fetch });
    const err = await unwrap(api.GET('/api/catalog/v1/resources')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiProblem);
    expect(err).toMatchObject({
      name: 'ApiProblem',
      code: 'REQUEST.INVALID',
      status: 400,
      detail: problem.detail,
      requestId: 'req-1',
      fieldErrors: [{ path: '/name', message: 'too short' }],
      message: problem.detail,
    });
  });

  it('turns an answer that is not a problem document into an ApiProblem named by its status', async () => {
    const { fetch } = stub(
      () => new Response('<html>bad gateway</html>', { status: 502, headers: { 'x-request-id': 'r-9' } }),
    );
    const api = createApiClient({ baseUrl: 'http://sh.example', token: () => undefined, fetch });
    const err = (await unwrap(api.GET('/healthz')).catch((e: unknown) => e)) as ApiProblem;
    expect(err).toBeInstanceOf(ApiProblem);
    expect(err).toMatchObject({ code: 'HTTP.STATUS_502', status: 502, requestId: 'r-9', fieldErrors: [] });
    expect(isProblem(err.problem)).toBe(true);
  });
});
