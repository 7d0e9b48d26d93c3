import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { LandbridgeError, unstorableValues } from '../domain/index.ts';
import { type ProblemDetails, problemFor, whereFromPointer } from './problem.ts';

/** Refuses a request whose body, query or path holds what `unstorableValues` finds, before anything reads it. */
export async function guardInput(request: FastifyRequest): Promise<void> {
  const problems = [
    ...unstorableValues(request.params, (pointer) => whereFromPointer(pointer, 'params')),
    ...unstorableValues(request.query, (pointer) => whereFromPointer(pointer, 'querystring')),
    ...unstorableValues(request.body, (pointer) => whereFromPointer(pointer, 'body')),
  ];
  if (problems.length > 0)
    throw new LandbridgeError(
      'invalid-input',
      `${problems.length} value${problems.length === 1 ? '' : 's'} in the request cannot be taken; nothing was written`,
      problems,
    );
}

/**
 * The headers every answer carries: no MIME sniffing, no framing by other sites, no referrer beyond the
 * origin, and a Content-Security-Policy under which the console (scripts and styles from its own origin,
 * inline styles that ECharts and the map set, images from data/blob URLs, WebGL workers) and the API docs
 * work, and nothing else loads.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
};

/** A matcher for a route's URL pattern (`/v1/plans/:id/parcels.csv`). */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) =>
      segment
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/:[A-Za-z0-9_]+/g, '[^/]+')
        .replace(/\*/g, '.*'),
    )
    .join('/');
  return new RegExp(`^${escaped}$`);
}

/** The registered routes of a server: method and URL pattern, for 405 answers and the access table test. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

/**
 * The edge of the API: input guard, security headers, problem+json for what the framework answers itself
 * (unknown paths, wrong methods, bad URLs, bad or oversized headers), and 401 before 404 under `/v1/`.
 * Call before any route is registered. Returns the live list of registered routes.
 */
export function edgeHooks(
  app: FastifyInstance,
  authenticates: (request: FastifyRequest) => Promise<boolean>,
) {
  const routes: (RouteEntry & { pattern: RegExp })[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || route.url.includes('*')) continue;
      routes.push({ method, url: route.url, pattern: patternOf(route.url) });
    }
  });
  app.addHook('preValidation', guardInput);
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Under /v1 the key comes first: an unknown path tells a caller without a key nothing.
    if (path.startsWith('/v1/') || path === '/v1') {
      if (!(await authenticates(request)))
        throw new LandbridgeError('unauthorized', 'an API key is required: Authorization: Bearer <key>');
    }
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    // A path of a route whose method matches did not match for another reason (a parameter longer than
    // the router takes): not found, not a wrong method.
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (allowed.length > 0 && !allowed.includes(method)) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, {
        type: 'about:blank',
        title: 'Method not allowed',
        status: 405,
        detail: `${path} answers ${allowed.join(', ')}, not ${request.method}`,
        code: 'method-not-allowed',
        instance: path,
      });
    }
    return sendProblem(reply, {
      type: 'about:blank',
      title: 'Not found',
      status: 404,
      detail: `no route ${request.method} ${path}`,
      code: 'not-found',
      instance: path,
    });
  });
  return routes as readonly RouteEntry[];
}

function sendProblem(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** Fastify's `frameworkErrors` option: a URL that does not decode (`/%c0%ae`) answers a 400 problem. */
export function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const body = problemFor(error);
  const status = body.status >= 500 ? 400 : body.status;
  reply
    .code(status)
    .type('application/problem+json')
    .send({
      ...body,
      status,
      title: 'Bad request',
      detail:
        (error as { code?: string }).code === 'FST_ERR_BAD_URL' ? 'the URL does not decode' : body.detail,
      code: 'bad-url',
      instance: request.url.slice(0, 200),
    });
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request (headers
 * over 16 KB: 431; a malformed request: 400) answers a problem+json, and the connection closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const title = tooLarge ? 'Request header fields too large' : 'Bad request';
  const body = JSON.stringify({
    type: 'about:blank',
    title,
    status,
    detail: tooLarge ? 'the request headers are larger than 16 KB' : 'the request is not valid HTTP',
    code: tooLarge ? 'headers-too-large' : 'bad-request',
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}
