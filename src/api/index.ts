/** The HTTP API (Fastify): routes, API-key authentication, idempotency, RFC 9457 problems, OpenAPI at /docs. */

export { problemFor } from './problem.ts';
export { buildServer, type ServerOptions } from './server.ts';
