/**
 * The sidecar's HTTP server (fastify): routes, bearer-token auth, admission and deadlines for heavy queries, JSON
 * errors, metrics.
 *
 * Auth is decided on the route the router matched, never on the raw URL (which may be percent-encoded, absolute-form
 * or `*`): a route is public only when it says so (`config.public`), everything else — unknown paths included — needs
 * the token when one is set.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Catalog } from '../profiles/catalog';
import { ProfileService } from '../profiles/profile-service';
import { WorkerPool } from '../profiles/worker-pool';
import { checkPrefix, ObjectStorage, StorageError } from '../storage/types';
import { QueryGate } from './admission';
import { Api, QueryContext } from './api';
import { ApiError, toApiError } from './errors';
import { IdleCollector } from './idle-gc';
import { encodePieces, frameJsonBody } from './json-body';
import { SidecarMetrics } from './metrics';
import { parsingError, watchParses } from './parse-wait';
import { filterParams, Query, rangeParams, single } from './query';
import { runSliced, untilAborted } from './sliced-runner';
import { DataFrameJSON } from '../../src/dataframes/frames';

export interface ServerDeps {
  storage: ObjectStorage;
  profiles: ProfileService;
  catalog: Catalog;
  pool: WorkerPool;
  metrics: SidecarMetrics;
  token?: string;
  requestTimeoutMs: number;
  /** How long a query may wait for a profile still being parsed before a 503 "parsing" (0: as soon as one is seen). */
  parseWaitMs: number;
  logLevel: string;
  /** Heavy queries computed at once, and waiting. */
  maxConcurrentQueries: number;
  maxQueuedQueries: number;
  /** Largest response body; 2× this may be held unsent for slow clients before new heavy queries get 503. */
  maxResponseBytes: number;
  /** /metrics without the token. */
  publicMetrics: boolean;
  /** The built viewer page (lib/host), served at / for use without Grafana; absent when not built. */
  hostDir?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answers without the token. */
    public?: boolean;
  }
}

/** Every route's path and methods, for 405s (fastify answers a wrong method with 404). */
const ROUTES: Array<[RegExp, string]> = [
  [/^\/(healthz|metrics|api\/v1\/(profiles|heatmap|flamegraph|folded))$/, 'GET, HEAD'],
  [/^\/(host\/[^/]+)?$/, 'GET, HEAD'],
];

/** How long a /healthz storage check is reused: a probe per scrape would load the store for nothing. */
const PROBE_REUSE_MS = 2000;

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.logLevel },
    // Long query strings are refused by Node itself (431); this bounds path parameters.
    routerOptions: { maxParamLength: 2048 },
    bodyLimit: 1024,
    requestTimeout: deps.requestTimeoutMs + 5000,
    // A client that stops reading its response is cut off after this long without progress, freeing what it held.
    connectionTimeout: deps.requestTimeoutMs + 30_000,
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
  const gate = new QueryGate(deps.maxConcurrentQueries, deps.maxQueuedQueries, deps.maxResponseBytes * 2);
  deps.metrics.trackQueries(gate);
  deps.metrics.trackState(() => deps.profiles.trackedEntries);
  const collector = new IdleCollector(
    () => gate.activeQueries === 0 && gate.queuedQueries === 0 && gate.heldResponseBytes === 0
  );

  app.addHook('onRequest', async (request) => {
    (request as FastifyRequest & { started?: number }).started = performance.now();
    if (deps.token && !request.routeOptions.config?.public && !authorized(request.headers.authorization, deps.token)) {
      throw new ApiError(401, 'unauthorized', 'a valid "Authorization: Bearer <token>" header is required');
    }
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
    if (apiError.status >= 500 && apiError.error === 'internal') {
      request.log.error({ err: error }, apiError.message);
    }
    if (apiError.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(apiError.retryAfterSeconds));
    }
    void reply
      .status(apiError.status)
      .type('application/json')
      .send({ error: apiError.error, message: apiError.message, ...apiError.details });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const allowed = ROUTES.find(([pattern]) => pattern.test(path))?.[1];
    if (allowed) {
      void reply
        .status(405)
        .header('allow', allowed)
        .send({ error: 'method_not_allowed', message: `${request.method} is not allowed on ${path} (use ${allowed})` });
      return;
    }
    void reply.status(404).send({ error: 'not_found', message: `no such endpoint: ${request.method} ${path}` });
  });

  let lastProbe: { at: number; problem: string | undefined } | undefined;
  const probeStorage = async (): Promise<string | undefined> => {
    if (lastProbe && performance.now() - lastProbe.at < PROBE_REUSE_MS) {
      return lastProbe.problem;
    }
    let problem: string | undefined;
    try {
      await deps.storage.probe(AbortSignal.timeout(Math.min(deps.requestTimeoutMs, 5000)));
    } catch (e) {
      problem = e instanceof StorageError ? e.message : 'the storage could not be reached';
    }
    lastProbe = { at: performance.now(), problem };
    return problem;
  };

  app.get('/healthz', { config: { public: true } }, async (request, reply) => {
    const problem = await probeStorage();
    void reply.status(problem ? 503 : 200);
    return {
      status: problem ? 'unavailable' : 'ok',
      // Where the profiles are (a server path or a bucket) only for those who hold the token.
      ...(!deps.token || authorized(request.headers.authorization, deps.token)
        ? { storage: deps.storage.description }
        : {}),
      ...(problem ? { storageError: problem } : {}),
      cachedProfiles: deps.profiles.cachedProfiles,
      cachedBytes: deps.profiles.cachedBytes,
      parsing: deps.pool.busy,
      queued: deps.pool.queued,
      queries: { running: gate.activeQueries, waiting: gate.queuedQueries },
    };
  });

  app.get('/metrics', { config: { public: deps.publicMetrics } }, async (_request, reply) => {
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
    const entries = await untilAborted(
      deps.catalog.list(prefix, range, range === undefined),
      AbortSignal.timeout(deps.requestTimeoutMs)
    ).catch((e) => {
      throw e instanceof DOMException && e.name === 'TimeoutError'
        ? new ApiError(504, 'timeout', `listing the profiles took longer than ${deps.requestTimeoutMs} ms`)
        : e;
    });
    return { storage: deps.storage.description, profiles: entries };
  });

  if (deps.hostDir) {
    registerHostPage(app, deps.hostDir);
  }

  /**
   * A heavy query: waits for admission, runs under the deadline and the client's presence, and sends at most
   * maxResponseBytes; the bytes stay counted until the response is sent or the client is gone. Past parseWaitMs, a
   * query still waiting on a profile being parsed gets a 503 "parsing" with the progress (the parse goes on).
   */
  const heavy =
    (
      compute: (
        q: Query,
        ctx: QueryContext
      ) => Promise<{ body: Buffer; type: string; headers?: Record<string, string> }>
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const controller = new AbortController();
      const ctx: QueryContext = { signal: controller.signal, stage: 'waiting' };
      const timer = setTimeout(() => controller.abort(timeoutError(ctx, deps.requestTimeoutMs)), deps.requestTimeoutMs);
      const loads = new Set<string>();
      const stopWatching = watchParses({
        waitMs: deps.parseWaitMs,
        keys: loads,
        loading: () => ctx.stage === 'loading',
        progressOf: (key) => deps.profiles.parsing(key),
        answer: (progress) => controller.abort(parsingError(progress)),
      });
      const onClose = () => {
        if (!reply.raw.writableFinished) {
          controller.abort(new ApiError(499, 'client_closed', 'the client closed the connection'));
        }
      };
      reply.raw.once('close', onClose);
      if (request.raw.socket.destroyed) {
        onClose(); // gone before we got here: 'close' has already fired
      }
      let release: (() => void) | undefined;
      try {
        release = await gate.enter(controller.signal);
        ctx.stage = 'loading';
        const { body, type, headers } = await deps.profiles.recordLoads(loads, () =>
          compute(request.query as Query, ctx)
        );
        if (body.length > deps.maxResponseBytes) {
          throw new ApiError(
            413,
            'response_too_large',
            `the answer is ${mib(body.length)} MiB, over the ${mib(deps.maxResponseBytes)} MiB limit (--max-response-mb): narrow the range or lower maxNodes`
          );
        }
        gate.holdUntilClosed(body.length, reply.raw);
        reply.raw.once('close', () => collector.workDone());
        void reply.type(type).headers(headers ?? {});
        return body;
      } catch (e) {
        if (controller.signal.aborted) {
          const reason = controller.signal.reason as ApiError;
          if (reason.error === 'parsing') {
            deps.metrics.queriesAnsweredParsing.inc();
          } else {
            deps.metrics.queriesCancelled.inc({ reason: reason.status === 504 ? 'timeout' : 'client_closed' });
          }
          throw reason;
        }
        throw e;
      } finally {
        clearTimeout(timer);
        stopWatching();
        reply.raw.off('close', onClose);
        release?.();
        collector.workDone();
      }
    };

  const jsonBody = async (frame: DataFrameJSON, ctx: QueryContext) => ({
    body: await runSliced(frameJsonBody(frame), ctx.signal),
    type: 'application/json; charset=utf-8',
  });

  app.get(
    '/api/v1/heatmap',
    heavy(async (q, ctx) => jsonBody(await api.heatmap(q, ctx), ctx))
  );
  app.get(
    '/api/v1/flamegraph',
    heavy(async (q, ctx) => jsonBody(await api.flamegraph(q, ctx), ctx))
  );
  app.get(
    '/api/v1/folded',
    heavy(async (q, ctx) => {
      filterParams(q);
      const { lines, anchors, leftOut } = await api.folded(q, ctx);
      const headers: Record<string, string> = {
        'content-disposition': 'attachment; filename="flamescope.folded"',
        // Keys may hold any character: percent-encoded, as a header value must be ASCII.
        'x-flamescope-anchor': encodeURI(anchors),
      };
      if (leftOut.length > 0) {
        headers['x-flamescope-notice'] = encodeURI(leftOut.map((n) => n.text).join(' | ')).slice(0, 4000);
      }
      // Folded lines are byte strings (one char per byte): written back byte for byte.
      const body = await runSliced(encodePieces(lines, 'latin1'), ctx.signal);
      return { body, type: 'text/plain; charset=ISO-8859-1', headers };
    })
  );

  return app;
}

function timeoutError(ctx: QueryContext, ms: number): ApiError {
  return new ApiError(
    504,
    'timeout',
    ctx.stage === 'loading'
      ? `the query took longer than ${ms} ms; a large profile may still be parsing — retry shortly`
      : ctx.stage === 'waiting'
        ? `the query waited longer than ${ms} ms for its turn: the sidecar is busy — retry shortly`
        : `the query took longer than ${ms} ms to compute: narrow the range, lower maxNodes or add filters`,
    ctx.stage === 'computing' ? undefined : 5
  );
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** The path of a request target, absolute-form included, without the query. */
function pathOf(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('?')[0];
  return path === '' ? '/' : path;
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
  app.get('/', { config: { public: true } }, async (_request, reply) => send(reply, 'index.html'));
  app.get('/host/:file', { config: { public: true } }, async (request, reply) =>
    send(reply, (request.params as { file: string }).file)
  );
}
