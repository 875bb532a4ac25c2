/**
 * The console (控制台) at the province's origin: the built single-page app (apps/console's dist) served
 * beside the API, so the browser calls the API on the same origin (no CORS). Its files are public —
 * the app holds no data; it asks the user to sign in and calls the API with the token.
 *
 *  - /assets/*  the hashed build output: cached for a year, never revalidated (a new build has new names),
 *               scripts and styles gzipped for a browser that accepts it
 *  - /<file>    a file at the top of the build (favicon, robots.txt…): revalidated on every use
 *  - any other GET outside the API, /docs and /healthz: index.html (the app routes in the browser),
 *    revalidated on every use so a new build is picked up at once
 */
import { type Stats, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import { notFound } from '@yrd/errors';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** The console's routes, in fastify's syntax: the edge's token check lets them through. */
export const consoleRoutes = ['/', '/*', '/assets/*'] as const;

/**
 * What the page may load: its own scripts only (no inline script, no eval); inline styles because
 * antd writes its theme's CSS variables in <style> elements at run time (its component styles come
 * from a static stylesheet) and components set style attributes; data: images for the components' icons.
 */
export const consoleContentSecurityPolicy = [
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
].join('; ');

/** Paths that belong to the API and its reference, never to the app: unknown ones stay the API's 404 (or 401). */
const notTheConsole = /^\/(?:api(?:\/|$)|docs(?:\/|$)|(?:healthz|livez|readyz)$|openapi\.json$|metrics$)/;
/**
 * A path naming a file (a web file's extension, or a hidden name): missing, it is a 404, not the app —
 * a script asked for and answered with the page would fail in the browser with a confusing MIME error.
 * The app's own paths (entry ids such as zj.330000-DSJ-00001) never end so.
 */
const looksLikeAFile =
  /(?:\/\.[^/]*|\.(?:html?|m?js|css|map|json|txt|xml|webmanifest|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|otf|wasm))$/i;
/** A relative path the edge will look up on disk: plain segments only (no `..`, no empty or hidden segment). */
const plainPath = /^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*$/;

const oneYear = 365 * 24 * 3600 * 1000;
const gzipAsync = promisify(gzip);
/** the build's text files, sent gzipped to a browser that accepts it (the figure the issue limits) */
const compressible: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const acceptsGzip = (header: string | undefined) =>
  header !== undefined && /\bgzip\b/.test(header) && !/\bgzip\s*;\s*q=0(?:\.0*)?\s*(?:,|$)/.test(header);

function securityHeaders(reply: FastifyReply, path: string, _stat: Stats): void {
  reply.header('x-content-type-options', 'nosniff');
  if (path.endsWith('.html')) {
    reply.header('content-security-policy', consoleContentSecurityPolicy);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  }
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const missing = (path: string) => notFound('HTTP.ROUTE_NOT_FOUND', `没有该文件 no console file ${path.slice(0, 200)}`);

/**
 * Serves the built console in `dir` (index.html and assets/). Registered in its own scope: the
 * `sendFile` it adds to replies stays here, beside other plugins that serve files (the API reference).
 */
export const serveConsole: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  if (!isFile(join(dir, 'index.html'))) {
    throw new Error(
      `控制台目录中没有 index.html，请先构建控制台 no index.html in the console folder ${dir}: build it first (npm run build -w @yrd/console)`,
    );
  }
  await app.register(fastifyStatic, { root: dir, serve: false, setHeaders: securityHeaders });

  // the assets' names carry a hash of their content, so a compressed copy is never stale; a rebuild
  // while the edge runs adds new names, and the oldest copies are let go
  const gzipped = new Map<string, Buffer>();
  app.get<{ Params: { '*': string } }>('/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const file = req.params['*'];
    const path = join(dir, 'assets', file);
    if (!plainPath.test(file) || !isFile(path)) throw missing(`/assets/${file}`);
    const type = compressible[extname(file).toLowerCase()];
    if (type === undefined || !acceptsGzip(req.headers['accept-encoding'])) {
      // a cache between must not hand this plain copy to a browser that takes the gzipped one, or back
      if (type !== undefined) reply.header('vary', 'accept-encoding');
      return reply.sendFile(file, join(dir, 'assets'), { maxAge: oneYear, immutable: true });
    }
    let body = gzipped.get(path);
    if (!body) {
      body = await gzipAsync(await readFile(path), { level: 9 });
      if (gzipped.size >= 200) gzipped.delete(gzipped.keys().next().value ?? '');
      gzipped.set(path, body);
    }
    return reply
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding')
      .header('content-encoding', 'gzip')
      .type(type)
      .send(body);
  });

  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (notTheConsole.test(path)) return reply.callNotFound();
    // not hashed, so the browser asks again each time (and gets a 304 while unchanged)
    const name = path.slice(1);
    if (plainPath.test(name) && !name.includes('/') && isFile(join(dir, name))) {
      return reply.header('cache-control', 'no-cache').sendFile(name, { cacheControl: false });
    }
    if (looksLikeAFile.test(path)) throw missing(path);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
};
