/**
 * What the console shows of a failed call: the API's problem+json (RFC 9457: `code`, `status`,
 * `detail` in 中文 and English, `requestId`, and for a request that does not fit its schema the
 * fields at fault), or that the service could not be reached at all.
 */

export interface FieldIssue {
  path: string;
  message: string;
}

export type ShownProblem =
  | {
      kind: 'problem';
      code: string;
      status: number;
      detail: string;
      requestId?: string;
      issues: FieldIssue[];
    }
  | { kind: 'network' }
  | { kind: 'unexpected'; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function issuesOf(v: unknown): FieldIssue[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((i): FieldIssue[] => {
    if (!isRecord(i) || typeof i.message !== 'string') return [];
    const path = Array.isArray(i.path) ? i.path.join('.') : typeof i.path === 'string' ? i.path : '';
    return [{ path, message: i.message }];
  });
}

/**
 * Any thrown value as something to show. A problem is recognised by its shape (a string `code` and a
 * numeric `status`), whether it is @yrd/api-client's ApiProblem or a problem body itself.
 */
export function toShownProblem(error: unknown): ShownProblem {
  if (isRecord(error) && typeof error.code === 'string' && typeof error.status === 'number') {
    const details = isRecord(error.details) ? error.details : undefined;
    const issues = issuesOf(error.fieldErrors ?? details?.issues);
    const detail = [error.detail, error.title, error.code].find((d) => typeof d === 'string' && d !== '');
    return {
      kind: 'problem',
      code: error.code,
      detail: typeof detail === 'string' ? detail : error.code,
      issues,
      status: error.status,
      ...(typeof error.requestId === 'string' ? { requestId: error.requestId } : {}),
    };
  }
  // fetch rejects with a TypeError when the origin cannot be reached (down, offline, refused)
  if (error instanceof TypeError) return { kind: 'network' };
  return { kind: 'unexpected', message: error instanceof Error ? error.message : String(error) };
}

/** Whether a call should be tried again: not for the caller's own errors (4xx), which would repeat. */
export function isWorthRetrying(error: unknown): boolean {
  const p = toShownProblem(error);
  return p.kind === 'network' || (p.kind === 'problem' && p.status >= 500);
}

export function isUnauthenticated(error: unknown): boolean {
  const p = toShownProblem(error);
  return p.kind === 'problem' && p.status === 401;
}
