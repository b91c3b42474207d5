/**
 * Wires the sidecar together from its configuration: storage, parse workers, profile cache, catalog, HTTP server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyInstance } from 'fastify';
import { SidecarConfig } from './config';
import { buildServer } from './http/server';
import { SidecarMetrics } from './http/metrics';
import { Catalog } from './profiles/catalog';
import { ProfileService } from './profiles/profile-service';
import { WorkerPool } from './profiles/worker-pool';
import { openStorage } from './storage/open-storage';

const MiB = 1024 * 1024;

/** lib/host (built by `npm run build:host`), next to the bundle or from sources; undefined when not built. */
function hostPageDir(): string | undefined {
  return [join(__dirname, 'host'), join(__dirname, '..', 'lib', 'host')].find((dir) =>
    existsSync(join(dir, 'index.html'))
  );
}

export interface Sidecar {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
  /**
   * Stops accepting connections, lets requests in flight finish for up to `timeoutMs`, then closes the parse workers.
   * Resolves with whether everything finished in time (false: the caller should exit anyway).
   */
  shutdown(timeoutMs: number): Promise<boolean>;
}

export async function startSidecar(config: SidecarConfig): Promise<Sidecar> {
  const storage = openStorage(config);
  const metrics = new SidecarMetrics();
  const pool = new WorkerPool(config.parseConcurrency, config, config.maxProfileMb * MiB, config.maxRatio);
  const anchor = { keyTimePattern: new RegExp(config.keyTimePattern), capturedOnTimeZone: config.capturedOnTimeZone };
  const profiles = new ProfileService(
    storage,
    pool,
    {
      cacheBytes: Math.max(1, Math.floor(config.cacheMemoryMb * MiB)),
      maxBytes: Math.floor(config.maxProfileMb * MiB),
      revalidateMs: config.revalidateMs,
      writeIndex: config.writeIndex,
      anchor,
    },
    {
      cacheHit: () => metrics.cacheHits.inc(),
      cacheMiss: () => metrics.cacheMisses.inc(),
      parsed: (seconds, from) => metrics.parseDuration.observe({ from }, seconds),
      storageError: (kind) => metrics.storageErrors.inc({ kind }),
    }
  );
  const catalog = new Catalog(storage, profiles, anchor);
  const hostDir = hostPageDir();
  const app = buildServer({
    storage,
    profiles,
    catalog,
    pool,
    metrics,
    token: config.token,
    requestTimeoutMs: config.requestTimeoutMs,
    parseWaitMs: config.parseWaitMs,
    logLevel: config.logLevel,
    maxConcurrentQueries: config.maxConcurrentQueries,
    maxQueuedQueries: config.maxQueuedQueries,
    maxResponseBytes: config.maxResponseMb * MiB,
    publicMetrics: config.publicMetrics,
    hostDir,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info(
    `FlameScope sidecar serving ${storage.description} on ${address}` +
      (hostDir ? ` — open ${address}/ for the viewer` : '')
  );
  return {
    app,
    url: address,
    async close() {
      await app.close();
      await pool.close();
    },
    async shutdown(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const drained = await Promise.race([app.close().then(() => true as const), deadline]);
      clearTimeout(timer);
      await pool.close();
      return drained;
    },
  };
}
