/**
 * The sidecar's HTTP server (fastify): routes, bearer-token auth, request timeouts, JSON errors, metrics.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Catalog } from '../profiles/catalog';
import { ProfileService } from '../profiles/profile-service';
import { WorkerPool } from '../profiles/worker-pool';
import { checkPrefix, ObjectStorage } from '../storage/types';
import { Api } from './api';
import { ApiError, toApiError } from './errors';
import { SidecarMetrics } from './metrics';
import { filterParams, Query, rangeParams, single } from './query';

export interface ServerDeps {
  storage: ObjectStorage;
  profiles: ProfileService;
  catalog: Catalog;
  pool: WorkerPool;
  metrics: SidecarMetrics;
  token?: string;
  requestTimeoutMs: number;
  logLevel: string;
  /** The built viewer page (lib/host), served at / for use without Grafana; absent when not built. */
  hostDir?: string;
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.logLevel },
    // Long query strings are refused by Node itself (431); this bounds path parameters.
    routerOptions: { maxParamLength: 2048 },
    bodyLimit: 1024,
    requestTimeout: deps.requestTimeoutMs + 5000,
    // Per-request log lines only when debugging: a dashboard refresh is many requests.
    logController: new LogController({ disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace' }),
    // Requests Node refuses before routing (huge query strings, bad framing) still get a JSON error.
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code;
      const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        error: status === 431 ? 'request_too_large' : 'bad_request',
        message: status === 431 ? 'the request line or headers are too large' : 'the request could not be parsed',
      });
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
        );
      } else {
        socket.destroy();
      }
    },
  });
  const api = new Api(deps.profiles, deps.catalog);

  app.addHook('onRequest', async (request, reply) => {
    (request as FastifyRequest & { started?: number }).started = performance.now();
    if (deps.token && request.url.startsWith('/api/') && !authorized(request.headers.authorization, deps.token)) {
      throw new ApiError(401, 'unauthorized', 'a valid "Authorization: Bearer <token>" header is required');
    }
    void reply;
  });

  app.addHook('onResponse', async (request, reply) => {
    const started = (request as FastifyRequest & { started?: number }).started ?? performance.now();
    const route = request.routeOptions.url ?? 'unknown';
    deps.metrics.requestDuration.observe(
      { route, status: String(reply.statusCode) },
      (performance.now() - started) / 1000
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if (status && status >= 400 && status < 500) {
      apiError = new ApiError(status, 'bad_request', (error as Error).message);
    } else {
      apiError = toApiError(error);
    }
    if (apiError.status >= 500) {
      request.log.error({ err: error }, apiError.message);
    }
    void reply
      .status(apiError.status)
      .type('application/json')
      .send({ error: apiError.error, message: apiError.message });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: 'not_found', message: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` });
  });

  const timed = <T>(work: () => Promise<T>): Promise<T> => withTimeout(work(), deps.requestTimeoutMs);

  app.get('/healthz', async () => ({
    status: 'ok',
    storage: deps.storage.description,
    cachedProfiles: deps.profiles.cachedProfiles,
    cachedBytes: deps.profiles.cachedBytes,
    parsing: deps.pool.busy,
    queued: deps.pool.queued,
  }));

  app.get('/metrics', async (_request, reply) => {
    deps.metrics.cacheBytes.set(deps.profiles.cachedBytes);
    deps.metrics.cacheProfiles.set(deps.profiles.cachedProfiles);
    void reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get('/api/v1/profiles', async (request) => {
    const q = request.query as Query;
    const prefix = single(q, 'prefix') ?? '';
    checkPrefix(prefix);
    const { from, to } = rangeParams(q, false);
    const range = from !== undefined && to !== undefined ? { from, to } : undefined;
    const entries = await timed(() => deps.catalog.list(prefix, range, range === undefined));
    return { storage: deps.storage.description, profiles: entries };
  });

  if (deps.hostDir) {
    registerHostPage(app, deps.hostDir);
  }

  app.get('/api/v1/heatmap', async (request) => timed(() => api.heatmap(request.query as Query)));
  app.get('/api/v1/flamegraph', async (request) => timed(() => api.flamegraph(request.query as Query)));
  app.get('/api/v1/folded', async (request, reply: FastifyReply) => {
    const q = request.query as Query;
    filterParams(q);
    const { text, anchors } = await timed(() => api.folded(q));
    void reply
      .type('text/plain; charset=ISO-8859-1')
      .header('content-disposition', 'attachment; filename="flamescope.folded"')
      .header('x-flamescope-anchor', anchors);
    return Buffer.from(text, 'latin1');
  });

  return app;
}

function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) {
    return false;
  }
  const given = Buffer.from(m[1].trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError(
            504,
            'timeout',
            `the query took longer than ${ms} ms; a large profile may still be parsing — retry shortly`
          )
        ),
      ms
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** The viewer page and its bundle: `/` and `/host/<file>` (flat names only: nothing else is reachable). */
function registerHostPage(app: FastifyInstance, dir: string) {
  const send = async (reply: FastifyReply, name: string) => {
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) {
      throw new ApiError(404, 'not_found', `no such file: ${name}`);
    }
    let body: Buffer;
    try {
      body = await readFile(join(dir, name));
    } catch {
      throw new ApiError(404, 'not_found', `no such file: ${name}`);
    }
    void reply.type(CONTENT_TYPES[extname(name)] ?? 'application/octet-stream');
    if (name !== 'index.html') {
      void reply.header('cache-control', 'public, max-age=300');
    }
    return body;
  };
  app.get('/', async (_request, reply) => send(reply, 'index.html'));
  app.get('/host/:file', async (request, reply) => send(reply, (request.params as { file: string }).file));
}
