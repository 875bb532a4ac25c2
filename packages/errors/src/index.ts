/**
 * One error base for the whole platform. A `code` is a stable string that survives process
 * boundaries (HTTP problem+json, gRPC status details, NATS service headers); a `kind` decides the
 * status on each transport, in exactly one table below.
 */
export const errorKinds = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export interface ReasonDetail {
  ruleId: string;
  code: string;
  message: string;
}

export interface AppErrorOptions {
  cause?: unknown;
  /** Safe, structured detail for the caller (never personal data). */
  details?: Record<string, unknown>;
  reasons?: ReasonDetail[];
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly details: Record<string, unknown> | undefined;
  readonly reasons: ReasonDetail[];

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details;
    this.reasons = options.reasons ?? [];
  }

  /** 5xx errors keep their message out of responses; the log has it. */
  get exposesMessage(): boolean {
    return this.kind !== 'internal';
  }
}

export const invalid = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('invalid', code, message, o);
export const unauthenticated = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('unauthenticated', code, message, o);
export const forbidden = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('forbidden', code, message, o);
export const notFound = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('not_found', code, message, o);
export const conflict = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('conflict', code, message, o);
export const rateLimited = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('rate_limited', code, message, o);
export const unavailable = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('unavailable', code, message, o);
export const internal = (code: string, message: string, o?: AppErrorOptions) =>
  new AppError('internal', code, message, o);

/** gRPC status codes (numeric, so this package needs no grpc dependency). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
  INTERNAL: 13,
  UNAUTHENTICATED: 16,
} as const;

/** The single mapping from kind to transport status. */
export function statusFor(kind: ErrorKind): { http: number; grpc: number } {
  switch (kind) {
    case 'invalid':
      return { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT };
    case 'unauthenticated':
      return { http: 401, grpc: GrpcStatus.UNAUTHENTICATED };
    case 'forbidden':
      return { http: 403, grpc: GrpcStatus.PERMISSION_DENIED };
    case 'not_found':
      return { http: 404, grpc: GrpcStatus.NOT_FOUND };
    case 'conflict':
      return { http: 409, grpc: GrpcStatus.ALREADY_EXISTS };
    case 'rate_limited':
      return { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED };
    case 'unavailable':
      return { http: 503, grpc: GrpcStatus.UNAVAILABLE };
    case 'internal':
      return { http: 500, grpc: GrpcStatus.INTERNAL };
    default: {
      const never: never = kind;
      throw new Error(`unknown error kind ${String(never)}`);
    }
  }
}

export function kindForGrpc(code: number): ErrorKind {
  switch (code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
      return 'invalid';
    case GrpcStatus.UNAUTHENTICATED:
      return 'unauthenticated';
    case GrpcStatus.PERMISSION_DENIED:
      return 'forbidden';
    case GrpcStatus.NOT_FOUND:
      return 'not_found';
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
      return 'conflict';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'rate_limited';
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED:
      return 'unavailable';
    default:
      return 'internal';
  }
}

export function isErrorKind(v: string): v is ErrorKind {
  return (errorKinds as readonly string[]).includes(v);
}

/** The wire form of an error (problem+json body, NATS reply, gRPC details). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  reasons?: ReasonDetail[];
  requestId?: string;
  [k: string]: unknown;
}

export function toProblem(err: AppError, requestId?: string): Problem {
  const status = statusFor(err.kind).http;
  return {
    type: `https://yrd.example/problems/${err.code.toLowerCase().replace(/[._]/g, '-')}`,
    title: err.code,
    status,
    code: err.code,
    detail: err.exposesMessage ? err.message : '服务内部错误 internal error',
    ...(err.reasons.length > 0 ? { reasons: err.reasons } : {}),
    ...(err.exposesMessage && err.details ? { details: err.details } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/** Rebuilds an AppError from its wire form (e.g. a provider's reply). */
export function fromWire(
  code: string,
  kind: string,
  message: string,
  reasons: ReasonDetail[] = [],
  details?: Record<string, unknown>,
) {
  return new AppError(isErrorKind(kind) ? kind : 'internal', code, message, {
    reasons,
    ...(details ? { details } : {}),
  });
}

export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('internal', 'INTERNAL', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}
