import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { LandbridgeError } from '../domain/index.ts';

/** Where `npm run build:web` writes the console: `web/dist` at the repository root. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the console never answers: the API, its documentation and the health check keep their 404s. */
const API_PREFIXES = ['/v1/', '/docs', '/health'];

export interface WebRoutesOptions {
  /** The built console (Vite output with `index.html`); {@link WEB_DIST_DIR} when absent. */
  readonly root?: string;
}

/**
 * Serves the web console: the built single-page app's files, and its `index.html` for any other GET
 * path (client routes such as `/map` or `/parcels/p-1`), so a reload or a shared link opens the page.
 * Hashed assets under `/assets/` are cached for a year; `index.html` is revalidated every time. Both
 * are sent brotli- or gzip-compressed from the copies the build wrote, when the browser accepts it.
 * `/v1/…`, `/docs…` and `/health…` are left to the API (an unknown one stays a problem+json 404), as
 * are asset-like paths that name no file. When the console is not built, every page answers 503 with
 * how to build it.
 */
export function webRoutes(options: WebRoutesOptions = {}): FastifyPluginAsync {
  const root = resolve(options.root ?? WEB_DIST_DIR);
  return async (app) => {
    // preCompressed: the .br / .gz copies `npm run build:web` writes beside each asset are sent to
    // browsers that accept them (Vary: Accept-Encoding), with no compression work per request.
    await app.register(fastifyStatic, { root, serve: false, wildcard: false, preCompressed: true });

    const sendIndex = (reply: FastifyReply) => {
      if (!existsSync(join(root, 'index.html'))) {
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .send(
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Landbridge console</title>' +
              '<p>The console is not built yet. Run <code>npm run build:web</code>, then reload.</p></html>',
          );
      }
      return reply
        .header('cache-control', 'no-cache')
        .header('vary', 'accept-encoding')
        .sendFile('index.html', root, { cacheControl: false });
    };

    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      let path: string;
      try {
        path = decodeURIComponent(request.url.split('?')[0] ?? '/');
      } catch {
        throw new LandbridgeError('not-found', 'no such page');
      }
      // The API's own not-found handler answers where there is one (the whole server: 401 first under
      // /v1, 405 for another method's path); on its own, the console answers a 404 problem.
      if (API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) {
        if (request.server.hasDecorator('landbridgeRoutes')) return reply.callNotFound();
        throw new LandbridgeError('not-found', `no route GET ${path}`);
      }
      const file = resolve(root, `.${path}`);
      if (file !== root && file.startsWith(root + sep) && isFile(file)) {
        const hashed = path.startsWith('/assets/');
        reply.header('vary', 'accept-encoding');
        return reply.sendFile(file.slice(root.length + 1), root, {
          maxAge: hashed ? 31_536_000_000 : 0,
          immutable: hashed,
        });
      }
      if (extname(path) !== '') throw new LandbridgeError('not-found', `no file ${path}`);
      return sendIndex(reply);
    });
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
