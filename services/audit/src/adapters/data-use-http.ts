/**
 * 谁用了我的数据 over HTTP and over the audit lanes.
 *
 * `GET /api/audit/v1/my/data-use` answers a data subject (the `subject` role, signed in at the
 * province that knows them, whose token carries their reference) with the exchanges naming them in
 * every province's log. The other provinces are asked on the audit lane
 * `xchg.<P>.from.<this>.audit.subject.uses` (inside the lane export `xchg.<P>.from.<this>.>`; two
 * tokens after `audit`, so the witness link's `…audit.*` does not take it). The question carries no
 * reference of its own: it carries the person, as a short token this province signs for that
 * province alone, and a province answers only for the person that token names, only when it names
 * a data subject, only when the lane's province signed it. The answer carries no reference, no
 * officer and no payload hash (domain/data-use.ts).
 */
import { type Principal, type ProvinceKey, signToken, type TokenVerifier } from '@yrd/auth';
import { forbidden, invalid } from '@yrd/errors';
import { type HttpApp, principalOf, problemResponse } from '@yrd/http';
import { isoDateTime } from '@yrd/http/dates';
import type { Logger } from '@yrd/logger';
import { laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { isProvince, type Province } from '@yrd/region';
import { z } from 'zod';
import {
  DataUse,
  type DataUsePeers,
  type ProvinceUses,
  type SubjectRecordStore,
  type UseWindow,
} from '../app/data-use.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (v: unknown) => encoder.encode(JSON.stringify(v));

/** the lane operation (two subject tokens: see the head of this file) */
const op = 'subject.uses';
/** the audience of the token that carries the person to province `p` */
const audienceFor = (p: Province) => `yrd:audit:subject-uses:${p}`;

const useLineSchema = z
  .object({
    id: z.string().describe('the requesting province and its request id'),
    requestId: z.string(),
    occurredAt: z.string().describe('when it was asked'),
    mode: z.string().describe('query | verify | subscribe'),
    resourceId: z.string(),
    requesterProvince: z.string(),
    requesterAgency: z.string().describe('统一社会信用代码 of the agency that asked'),
    providerProvince: z.string(),
    items: z.array(z.string()).describe('items released (allowed) or asked for (refused, failed)'),
    outcome: z.enum(['allowed', 'refused', 'failed']),
    code: z.string().describe('the refusal’s code; empty when allowed'),
    grantId: z.string(),
    consentId: z.string(),
    recordedBy: z.array(z.string()).describe('the provinces whose logs hold a record of it'),
  })
  .meta({ id: 'DataUseLine' });

export const dataUseAnswerSchema = z
  .object({
    uses: z.array(useLineSchema).describe('one line per exchange, newest first'),
    next: z.string().optional().describe('a full page: pass as `after`'),
    provinces: z.array(z.string()).describe('the provinces whose logs were read'),
    incomplete: z
      .array(z.string())
      .describe('the provinces that did not answer in time: what only they recorded may be missing'),
    truncated: z.array(z.string()).describe('provinces with more records in the window than are read at once'),
  })
  .meta({ id: 'DataUseAnswer' });

const peerAnswerSchema = z.object({
  records: z.array(
    z.object({
      seq: z.number().int(),
      province: z.string(),
      kind: z.string(),
      requestId: z.string(),
      resourceId: z.string(),
      actorAgency: z.string(),
      requesterProvince: z.string(),
      providerProvince: z.string(),
      outcome: z.string(),
      code: z.string(),
      grantId: z.string(),
      consentId: z.string(),
      occurredAt: z.string(),
      items: z.array(z.string()),
    }),
  ),
  truncated: z.boolean(),
});

const peerQuestionSchema = z.object({
  token: z.string().min(1).max(4000),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
});

/** Asks the other provinces' audit services, each over its own lane. */
export class NatsDataUsePeers implements DataUsePeers {
  constructor(
    private readonly nc: NatsConnection,
    private readonly key: ProvinceKey,
    private readonly timeoutMs: number,
  ) {}

  async uses(province: Province, subject: Principal, window: UseWindow): Promise<ProvinceUses> {
    const token = await signToken(this.key, subject, { audience: audienceFor(province), ttlSeconds: 60 });
    const data = await request(
      this.nc,
      subjects.lane(province, this.key.province, 'audit', op),
      json({ token, ...window }),
      { timeoutMs: this.timeoutMs, unavailableCode: 'AUDIT.PEER_UNAVAILABLE' },
    );
    const parsed = peerAnswerSchema.safeParse(JSON.parse(decoder.decode(data)));
    if (!parsed.success) throw invalid('AUDIT.PEER_ANSWER_INVALID', `unreadable answer from ${province}`);
    // a province answers for its own log only
    return { ...parsed.data, records: parsed.data.records.filter((r) => r.province === province) };
  }
}

export interface DataUseDeps {
  province: Province;
  store: SubjectRecordStore;
  nc: NatsConnection;
  key: ProvinceKey;
  verifier: TokenVerifier;
  logger: Logger;
  /** how long another province is waited for (default 2.5 s) */
  peerTimeoutMs?: number;
}

/**
 * Registers `GET /api/audit/v1/my/data-use` and, while the app is up (from `ready` until `close`), this
 * province's answers on the lane.
 */
export function dataUseRoutes(app: HttpApp, deps: DataUseDeps): DataUse {
  const logger = deps.logger.child({ component: 'data-use' });
  const uses = new DataUse(
    deps.province,
    deps.store,
    new NatsDataUsePeers(deps.nc, deps.key, deps.peerTimeoutMs ?? 2500),
    logger,
  );

  app.get(
    '/api/audit/v1/my/data-use',
    {
      schema: {
        operationId: 'listMyDataUse',
        tags: ['audit'],
        summary: '谁用了我的数据 every exchange naming me, from the audit trail',
        description:
          'For the data subject (role `subject`) only: the exchanges whose audit records name the signed-in person, in every province’s log (each province is asked; one that does not answer in time is listed in `incomplete`), both sides of an exchange merged into one line, newest first. `from` is inclusive and `to` exclusive. A full page carries `next`: pass it as `after`. The person is whoever the token names; no identifier is ever taken from the URL.',
        querystring: z.object({
          from: isoDateTime.optional(),
          to: isoDateTime.optional(),
          after: z.string().max(400).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: {
          200: dataUseAnswerSchema,
          403: problemResponse('仅数据主体本人可查看 only the data subject themself'),
        },
      },
    },
    async (req) => {
      const subject = subjectOf(principalOf(req), deps.province);
      return uses.mine(subject, req.query);
    },
  );

  let lane: { unsubscribe(): void } | undefined;
  app.addHook('onReady', async () => {
    lane = serve(
      deps.nc,
      `xchg.${deps.province}.from.*.audit.${op}`,
      { queue: 'audit-data-use', logger },
      async (m) => {
        const from = laneRequester(m.subject);
        if (!isProvince(from)) throw invalid('AUDIT.BAD_LANE', `not a lane: ${m.subject}`);
        let body: unknown;
        try {
          body = JSON.parse(decoder.decode(m.data));
        } catch {
          throw invalid('AUDIT.BAD_REQUEST', 'the question is not JSON');
        }
        const q = peerQuestionSchema.safeParse(body);
        if (!q.success) throw invalid('AUDIT.BAD_REQUEST', 'the question is { token, from?, to? }');
        // the person, as the asking province signed them in, for this province alone
        const who = await deps.verifier.verify(q.data.token, audienceFor(deps.province), { expectProvince: from });
        const subject = subjectOf(who, from);
        return json(await uses.recordsOf(subject.subjectRef, { from: q.data.from, to: q.data.to }));
      },
    );
  });
  app.addHook('onClose', async () => {
    lane?.unsubscribe();
  });
  return uses;
}

/** The signed-in data subject of `province`, with their reference; anyone else is refused. */
function subjectOf(p: Principal, province: Province): Principal & { subjectRef: string } {
  if (!p.roles.includes('subject'))
    throw forbidden('AUTH.ROLE_REQUIRED', '需要角色 requires one of the roles: subject');
  if (p.province !== province)
    throw forbidden('AUDIT.WRONG_PROVINCE', `只能在本人所在省份查看 asked at the province that knows the person`);
  if (!p.subjectRef)
    throw forbidden(
      'AUDIT.SUBJECT_UNKNOWN',
      '本省未登记您的身份，无法查找 this province holds no reference for you, so nothing can be looked up',
    );
  return { ...p, subjectRef: p.subjectRef };
}
