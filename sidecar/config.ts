/**
 * Sidecar configuration: every setting is a flag and a FLAMESCOPE_* environment variable (the flag wins), listed by
 * `flamescope serve --help`. The AWS SDK's own environment (AWS_ENDPOINT_URL_S3, AWS_REGION, keys, AWS_PROFILE,
 * AWS_REQUEST_CHECKSUM_CALCULATION…) keeps working whenever no flag overrides it.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDuration } from './duration';
import { DEFAULT_MAX_PROFILE_MB, DEFAULT_MAX_RATIO } from './io/limits';
import { defaultServerParseThreads } from './profiles/parse-threads';

export interface SidecarConfig {
  storage: string;
  host: string;
  port: number;
  token?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3PathStyle?: boolean;
  s3ListPageSize?: number;
  cacheMemoryMb: number;
  maxProfileMb: number;
  maxRatio: number;
  /** Threads one large profile is parsed on. */
  parseConcurrency: number;
  /** Profiles parsed at once. */
  parseWorkers: number;
  maxConcurrentQueries: number;
  maxQueuedQueries: number;
  maxResponseMb: number;
  publicMetrics: boolean;
  shutdownTimeoutMs: number;
  requestTimeoutMs: number;
  parseWaitMs: number;
  storageTimeoutMs: number;
  revalidateMs: number;
  writeIndex: boolean;
  /**
   * Warm-up (sidecar/profiles/warm-up.ts): profiles modified within this duration are parsed before anyone asks
   * (`1h`, `30m`; `0`/`off`: none). Absent (a config built in code) means off; the CLI's default is 1h.
   */
  warmRecent?: string;
  /** MiB of warmed profiles no query has used yet (default: half of cacheMemoryMb; at most cacheMemoryMb). */
  warmMaxMb?: number;
  /** How often the store is listed for new profiles to warm, ms. */
  warmIntervalMs?: number;
  keyTimePattern: string;
  capturedOnTimeZone: string;
  logLevel: string;
}

interface Setting {
  key: keyof SidecarConfig;
  flag: string;
  type: 'string' | 'number' | 'boolean';
  help: string;
  defaultValue?: string | number | boolean;
}

/** The bundled example profiles: the embedded default storage. */
export const DEFAULT_PROFILE_DIR = resolve(__dirname, '..', 'profiles');

// An ISO-8601 instant anywhere in the key: 2026-11-17T09:30:00Z, 2026-11-17T09:30:00.250+01:00, 20261117T093000Z.
export const DEFAULT_KEY_TIME_PATTERN =
  '(\\d{4}-\\d{2}-\\d{2}T\\d{2}[:_-]?\\d{2}[:_-]?\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2}))|(\\d{8}T\\d{6}(?:\\.\\d+)?Z)';

export const SETTINGS: Setting[] = [
  {
    key: 'storage',
    flag: 'storage',
    type: 'string',
    help: 'where profiles are: file:///path or s3://bucket/prefix',
    defaultValue: pathToFileURL(DEFAULT_PROFILE_DIR).href,
  },
  { key: 'host', flag: 'host', type: 'string', help: 'listen address', defaultValue: '127.0.0.1' },
  { key: 'port', flag: 'port', type: 'number', help: 'listen port', defaultValue: 8686 },
  { key: 'token', flag: 'token', type: 'string', help: 'bearer token clients must send (required off loopback)' },
  { key: 's3Endpoint', flag: 's3-endpoint', type: 'string', help: 'S3 endpoint URL (MinIO, Ceph RGW, R2, GCS…)' },
  { key: 's3Region', flag: 's3-region', type: 'string', help: 'S3 region (default: the AWS chain, else us-east-1)' },
  {
    key: 's3PathStyle',
    flag: 's3-path-style',
    type: 'boolean',
    help: 'path-style addressing (default: on for custom endpoints)',
  },
  {
    key: 'cacheMemoryMb',
    flag: 'cache-memory-mb',
    type: 'number',
    help: 'memory for parsed profiles, MiB',
    defaultValue: 1024,
  },
  {
    key: 'maxProfileMb',
    flag: 'max-profile-mb',
    type: 'number',
    help: 'largest profile accepted (decompressed), MiB',
    defaultValue: DEFAULT_MAX_PROFILE_MB,
  },
  {
    key: 'maxRatio',
    flag: 'max-ratio',
    type: 'number',
    help: 'largest decompressed ÷ compressed size of a gzip profile (0: no limit)',
    defaultValue: DEFAULT_MAX_RATIO,
  },
  {
    key: 'parseConcurrency',
    flag: 'parse-concurrency',
    type: 'number',
    help: "threads one large perf script profile (64 MiB or more) is split across; default: this machine's cores",
    defaultValue: defaultServerParseThreads(),
  },
  {
    key: 'parseWorkers',
    flag: 'parse-workers',
    type: 'number',
    help: 'profiles downloaded and parsed at once (worker threads)',
    defaultValue: 2,
  },
  {
    key: 'maxConcurrentQueries',
    flag: 'max-concurrent-queries',
    type: 'number',
    help: 'heat-map, flame-graph and folded queries computed at once (the rest wait)',
    defaultValue: 4,
  },
  {
    key: 'maxQueuedQueries',
    flag: 'max-queued-queries',
    type: 'number',
    help: 'queries waiting for a turn; beyond that a 503 with Retry-After',
    defaultValue: 64,
  },
  {
    key: 'maxResponseMb',
    flag: 'max-response-mb',
    type: 'number',
    help: 'largest response body, MiB; 2× this is the cap on unsent response bytes held for slow clients',
    defaultValue: 64,
  },
  {
    key: 'publicMetrics',
    flag: 'public-metrics',
    type: 'boolean',
    help: '/metrics answers without the token (Prometheus scrapes it)',
    defaultValue: true,
  },
  {
    key: 'shutdownTimeoutMs',
    flag: 'shutdown-timeout-ms',
    type: 'number',
    help: 'on SIGTERM/SIGINT, how long requests in flight may finish before the process exits, ms',
    defaultValue: 10000,
  },
  // Under the 30 s of Grafana's data proxy (GF_DATAPROXY_TIMEOUT), so the panel gets the sidecar's own answer and
  // not the proxy's bare 504.
  {
    key: 'requestTimeoutMs',
    flag: 'request-timeout-ms',
    type: 'number',
    help: "longest a query may take, ms; keep it under Grafana's data proxy timeout (30 s by default)",
    defaultValue: 25000,
  },
  {
    key: 'parseWaitMs',
    flag: 'parse-wait-ms',
    type: 'number',
    help:
      'how long a query waits for a profile still being parsed before it gets a 503 "parsing" with the progress ' +
      '(the parse goes on; the retry finds it ready), ms; 0: answer as soon as a parse is seen',
    defaultValue: 5000,
  },
  {
    key: 'storageTimeoutMs',
    flag: 'storage-timeout-ms',
    type: 'number',
    help: 'storage request timeout, ms',
    defaultValue: 10000,
  },
  {
    key: 'revalidateMs',
    flag: 'revalidate-ms',
    type: 'number',
    help: 'how long an object version is trusted before re-checking, ms',
    defaultValue: 5000,
  },
  {
    key: 'writeIndex',
    flag: 'write-index',
    type: 'boolean',
    help: 'write <key>.idx next to each profile for other replicas',
    defaultValue: false,
  },
  {
    key: 'warmRecent',
    flag: 'warm-recent',
    type: 'string',
    help:
      'pre-parse profiles modified within this long (newest first, in the background, queries first), so a ' +
      'dashboard opened after a spike finds them ready: 30m, 1h, 2h30m; 0 or off: no warm-up',
    defaultValue: '1h',
  },
  {
    key: 'warmMaxMb',
    flag: 'warm-max-mb',
    type: 'number',
    help:
      'parsed profiles warm-up may hold that no query has used yet, MiB; at most --cache-memory-mb, and warm-up ' +
      'only fills free cache room (default half of --cache-memory-mb)',
  },
  {
    key: 'warmIntervalMs',
    flag: 'warm-interval-ms',
    type: 'number',
    help: 'how often warm-up lists the store for new profiles, ms',
    defaultValue: 30000,
  },
  {
    key: 'keyTimePattern',
    flag: 'key-time-pattern',
    type: 'string',
    help: 'regex finding a profile start instant in its key',
    defaultValue: DEFAULT_KEY_TIME_PATTERN,
  },
  {
    key: 'capturedOnTimeZone',
    flag: 'captured-on-time-zone',
    type: 'string',
    help: "time zone of perf's 'captured on' header (IANA name)",
    defaultValue: 'UTC',
  },
  { key: 'logLevel', flag: 'log-level', type: 'string', help: 'pino log level', defaultValue: 'info' },
];

export class ConfigError extends Error {}

function envName(flag: string): string {
  return 'FLAMESCOPE_' + flag.toUpperCase().replace(/-/g, '_');
}

export function configHelp(): string {
  const lines = ['usage: flamescope serve [options]', '', 'options (each also an environment variable):'];
  for (const s of SETTINGS) {
    const def =
      s.defaultValue === undefined
        ? ''
        : ` (default ${s.key === 'keyTimePattern' ? 'an ISO-8601 instant' : s.defaultValue})`;
    lines.push(`  --${s.flag}${s.type === 'boolean' ? '' : ' VALUE'}`.padEnd(32) + `${envName(s.flag)}`);
    lines.push(`      ${s.help}${def}`);
  }
  lines.push(
    '',
    'S3 credentials and settings come from the standard AWS chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,'
  );
  lines.push(
    'AWS_PROFILE and shared config, instance/IRSA roles; AWS_ENDPOINT_URL_S3 and AWS_REGION apply unless a flag is given.'
  );
  return lines.join('\n');
}

/** Reads flags (already split as name → value) over the environment over defaults, and checks the result. */
export function loadConfig(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env
): SidecarConfig {
  const config: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = flags[s.flag] ?? env[envName(s.flag)];
    if (raw === undefined || raw === '') {
      config[s.key] = s.defaultValue;
      continue;
    }
    config[s.key] = convert(s, raw);
  }
  const c = config as unknown as SidecarConfig;
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) {
    throw new ConfigError(`--port must be 0–65535, got ${c.port}`);
  }
  for (const key of [
    'cacheMemoryMb',
    'maxProfileMb',
    'parseConcurrency',
    'parseWorkers',
    'maxConcurrentQueries',
    'maxResponseMb',
    'requestTimeoutMs',
    'storageTimeoutMs',
    'shutdownTimeoutMs',
  ] as const) {
    if (!(c[key] > 0)) {
      throw new ConfigError(`--${SETTINGS.find((s) => s.key === key)!.flag} must be positive, got ${c[key]}`);
    }
  }
  for (const key of ['maxRatio', 'maxQueuedQueries', 'revalidateMs', 'parseWaitMs'] as const) {
    if (!(c[key] >= 0)) {
      throw new ConfigError(`--${SETTINGS.find((s) => s.key === key)!.flag} must be 0 or more, got ${c[key]}`);
    }
  }
  if (c.token !== undefined && c.token.trim() === '') {
    throw new ConfigError('--token must not be blank');
  }
  if (c.token !== undefined && c.token !== c.token.trim()) {
    throw new ConfigError('--token must not start or end with whitespace (clients cannot send that in a header)');
  }
  if (!isLoopback(c.host) && !c.token) {
    throw new ConfigError(`listening on ${c.host} (off loopback) needs --token or FLAMESCOPE_TOKEN`);
  }
  try {
    new RegExp(c.keyTimePattern);
  } catch {
    throw new ConfigError(`--key-time-pattern is not a valid regular expression`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: c.capturedOnTimeZone });
  } catch {
    throw new ConfigError(`--captured-on-time-zone "${c.capturedOnTimeZone}" is not a known time zone`);
  }
  if (!/^(file|s3):\/\//.test(c.storage)) {
    throw new ConfigError(`--storage must be file:///path or s3://bucket/prefix, got "${c.storage}"`);
  }
  checkWarmUp(c);
  return c;
}

function checkWarmUp(c: SidecarConfig) {
  if (c.warmRecent !== undefined && parseDuration(c.warmRecent) === undefined) {
    throw new ConfigError(`--warm-recent must be a duration such as 30m, 1h or off, got "${c.warmRecent}"`);
  }
  if (c.warmMaxMb !== undefined && !(c.warmMaxMb > 0 && c.warmMaxMb <= c.cacheMemoryMb)) {
    throw new ConfigError(`--warm-max-mb must be positive and at most --cache-memory-mb (${c.cacheMemoryMb})`);
  }
  if (c.warmIntervalMs !== undefined && !(c.warmIntervalMs >= 100)) {
    throw new ConfigError(`--warm-interval-ms must be 100 or more, got ${c.warmIntervalMs}`);
  }
}

function convert(s: Setting, raw: string | boolean): string | number | boolean {
  if (s.type === 'boolean') {
    if (typeof raw === 'boolean') {
      return raw;
    }
    if (/^(1|true|yes|on)$/i.test(raw)) {
      return true;
    }
    if (/^(0|false|no|off)$/i.test(raw)) {
      return false;
    }
    throw new ConfigError(`--${s.flag} must be true or false, got "${raw}"`);
  }
  if (s.type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) {
      throw new ConfigError(`--${s.flag} must be a number, got "${raw}"`);
    }
    return n;
  }
  return String(raw);
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') {
    return true;
  }
  if (isIP(host) === 4) {
    return host.startsWith('127.');
  }
  return host === '::1';
}
