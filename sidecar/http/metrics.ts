/**
 * Prometheus metrics: request and parse durations, cache hits/misses/bytes, storage errors, query admission, warm-up.
 */
import { Counter, Gauge, Histogram, collectDefaultMetrics, Registry } from 'prom-client';
import type { WarmUpEvents } from '../profiles/warm-up';

export class SidecarMetrics {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'flamescope_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly parseDuration = new Histogram({
    name: 'flamescope_profile_load_duration_seconds',
    help: 'Time to load a profile (download + parse, or read its index)',
    labelNames: ['from'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly cacheHits = new Counter({
    name: 'flamescope_cache_hits_total',
    help: 'Parsed-profile cache hits',
    registers: [this.registry],
  });
  readonly cacheMisses = new Counter({
    name: 'flamescope_cache_misses_total',
    help: 'Parsed-profile cache misses',
    registers: [this.registry],
  });
  readonly cacheBytes = new Gauge({
    name: 'flamescope_cache_bytes',
    help: 'Bytes of parsed profiles held',
    registers: [this.registry],
  });
  readonly cacheProfiles = new Gauge({
    name: 'flamescope_cache_profiles',
    help: 'Parsed profiles held',
    registers: [this.registry],
  });
  readonly storageErrors = new Counter({
    name: 'flamescope_storage_errors_total',
    help: 'Storage errors by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly queriesCancelled = new Counter({
    name: 'flamescope_queries_cancelled_total',
    help: 'Heavy queries stopped before they finished, by reason (timeout, client_closed)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  readonly queriesAnsweredParsing = new Counter({
    name: 'flamescope_queries_answered_parsing_total',
    help: 'Heavy queries answered 503 "parsing" (a profile they need was still being parsed after --parse-wait-ms)',
    registers: [this.registry],
  });

  readonly warmedProfiles = new Counter({
    name: 'flamescope_warm_profiles_total',
    help: 'Profiles loaded by warm-up before any query asked for them',
    registers: [this.registry],
  });

  readonly warmedBytes = new Counter({
    name: 'flamescope_warm_bytes_total',
    help: 'Parsed bytes of the profiles warm-up loaded',
    registers: [this.registry],
  });

  readonly warmFailures = new Counter({
    name: 'flamescope_warm_failures_total',
    help: 'Warm-up loads that failed, by kind (corrupt, too-large, not-found, timeout…)',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly warmDropped = new Counter({
    name: 'flamescope_warm_dropped_total',
    help:
      'Warm-up loads not kept, by reason: no_room (no free cache room or warm budget left) or replaced ' +
      '(the object was replaced or removed before any query used it)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  readonly warmHits = new Counter({
    name: 'flamescope_warm_hits_total',
    help: 'Queries that found their profile loaded or being loaded by warm-up',
    registers: [this.registry],
  });

  readonly warmListings = new Counter({
    name: 'flamescope_warm_listings_total',
    help: 'Listings of the store by warm-up, by result (ok, error)',
    labelNames: ['result'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'flamescope_' });
  }

  /** Entries in the profile service's bookkeeping (bounded: a flood of distinct ids must not grow it). */
  trackState(count: () => number) {
    this.gauge(
      'flamescope_state_entries',
      'Known versions, missing ids, remembered failures and loads in flight',
      count
    );
  }

  /** Heavy queries running and waiting, and response bytes held for slow clients. */
  trackQueries(gate: { activeQueries: number; queuedQueries: number; heldResponseBytes: number }) {
    this.gauge(
      'flamescope_queries_running',
      'Heavy queries (heat map, flame graph, folded) being computed',
      () => gate.activeQueries
    );
    this.gauge('flamescope_queries_waiting', 'Heavy queries waiting for a turn', () => gate.queuedQueries);
    this.gauge(
      'flamescope_response_bytes_held',
      'Response bytes not yet taken by slow clients',
      () => gate.heldResponseBytes
    );
  }

  /** What warm-up reports, counted. */
  warmUpEvents(): WarmUpEvents {
    return {
      warmed: (_key, bytes) => {
        this.warmedProfiles.inc();
        this.warmedBytes.inc(bytes);
      },
      noRoom: () => this.warmDropped.inc({ reason: 'no_room' }),
      discarded: () => this.warmDropped.inc({ reason: 'replaced' }),
      failed: (_key, kind) => this.warmFailures.inc({ kind }),
      listed: (ok) => this.warmListings.inc({ result: ok ? 'ok' : 'error' }),
    };
  }

  /** Warmed profiles no query has used yet, and those waiting to be warmed. */
  trackWarmUp(unqueried: () => { profiles: number; bytes: number }, pending: () => number) {
    this.gauge(
      'flamescope_warm_unqueried_profiles',
      'Profiles warm-up loaded that no query has used yet',
      () => unqueried().profiles
    );
    this.gauge(
      'flamescope_warm_unqueried_bytes',
      'Parsed bytes of the profiles warm-up loaded that no query has used yet',
      () => unqueried().bytes
    );
    this.gauge('flamescope_warm_pending_profiles', 'Recent profiles waiting to be warmed', pending);
  }

  /** A gauge read when scraped. */
  private gauge(name: string, help: string, read: () => number) {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
