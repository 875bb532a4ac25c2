/**
 * The error a policy denial becomes where the exchange answers (a query, a verification, a
 * subscription): a resource that does not exist is not found (404) whatever else was decided; every
 * other denial is forbidden (403). One place, so the modes cannot answer the same denial differently.
 */
import { type AppErrorOptions, forbidden, notFound } from '@yrd/errors';

const notFoundDenials = new Set(['CONSENT.UNKNOWN_RESOURCE']);

export const denialError = (code: string, message: string, options?: AppErrorOptions) =>
  (notFoundDenials.has(code) ? notFound : forbidden)(code, message, options);
