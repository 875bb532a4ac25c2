/**
 * The API routes anyone may call without a token, in fastify's route syntax: the audit log's trust
 * anchors and proofs (only keys, sizes, hashes and signatures — see services/audit adapters/public-http.ts),
 * and the certificates' signed status lists and issuer keys.
 * Listed once here because two places must agree on them: the service that answers them and the edge
 * that forwards them without asking for a sign-in.
 */
export const publicApiRoutes = [
  '/api/audit/v1/trust-list',
  '/api/audit/v1/heads/latest',
  '/api/audit/v1/heads/:size',
  '/api/audit/v1/checkpoint',
  '/api/audit/v1/consistency',
  '/api/audit/v1/proofs/inclusion',
  // 电子证照: the signed status lists and the issuer keys a verifier needs, online or to cache (offline)
  '/api/certificate/v1/status-lists/:id',
  '/api/certificate/v1/issuer-keys',
] as const;
