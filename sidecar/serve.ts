/**
 * Wires the sidecar together from its configuration: storage, parse workers, profile cache, catalog, HTTP server,
 * and warm-up (profiles parsed before anyone asks).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyInstance } from 'fastify';
import { SidecarConfig } from './config';
import { parseDuration } from './duration';
import { buildServer } from './http/server';
import { SidecarMetrics } from './http/metrics';
import { Catalog } from './profiles/catalog';
import { ProfileService } from './profiles/profile-service';
import { WarmUp } from './profiles/warm-up';
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
  const pool = new WorkerPool(config.parseWorkers, config, config.maxProfileMb * MiB, config.maxRatio);
  // Warm-up is off unless configured (the CLI's default is 1h): a config built in code opts in.
  const warmWindowMs = parseDuration(config.warmRecent ?? 'off') ?? 0;
  const warmMb = warmWindowMs > 0 ? Math.min(config.warmMaxMb ?? config.cacheMemoryMb / 2, config.cacheMemoryMb) : 0;
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
      warmBytes: Math.floor(warmMb * MiB),
    },
    {
      cacheHit: () => metrics.cacheHits.inc(),
      cacheMiss: () => metrics.cacheMisses.inc(),
      parsed: (seconds, from) => metrics.parseDuration.observe({ from }, seconds),
      storageError: (kind) => metrics.storageErrors.inc({ kind }),
      warmHit: () => metrics.warmHits.inc(),
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
  const warmUp =
    warmWindowMs > 0
      ? new WarmUp(
          {
            storage,
            profiles,
            pool,
            isProfile: (info) => catalog.isProfile(info),
            log: app.log,
            events: metrics.warmUpEvents(),
          },
          { windowMs: warmWindowMs, intervalMs: config.warmIntervalMs ?? 30_000 }
        )
      : undefined;
  metrics.trackWarmUp(
    () => profiles.unqueriedWarm,
    () => warmUp?.pending ?? 0
  );
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info(
    `FlameScope sidecar serving ${storage.description} on ${address}` +
      (hostDir ? ` — open ${address}/ for the viewer` : '')
  );
  if (warmUp) {
    app.log.info(
      `warm-up: parsing profiles modified in the last ${config.warmRecent} as they appear (up to ${warmMb.toFixed(0)} ` +
        `MiB unused, listing every ${((config.warmIntervalMs ?? 30_000) / 1000).toFixed(0)} s)`
    );
    warmUp.start();
  }
  return {
    app,
    url: address,
    async close() {
      warmUp?.stop();
      await app.close();
      await pool.close();
    },
    async shutdown(timeoutMs: number) {
      warmUp?.stop();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const drained = await Promise.race([app.close().then(() => true as const), deadline]);
      clearTimeout(timer);
      await pool.close();
      return drained;
    },
  };
}
