/**
 * The `flamescope` command line. Its output formats are a contract (scripts and the docs rely on them):
 *   collapse  → folded stacks, byte-identical to FlameGraph's stackcollapse-perf.pl
 *   heatmap   → {"start","columns","rows","counts":[[…rows…]×columns],"max"}
 *   info      → format, header, counts, span and warnings as JSON
 * Errors: exit 1 (bad input) or 2 (bad usage) with one line on stderr, never a stack trace.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import {
  byteStringToBytes,
  computeHeatmap,
  FoldOptions,
  foldStacks,
  HeatmapError,
  HeatmapOptions,
  heatmapToJson,
  MAX_ROWS,
  parseFormatName,
  ParseOptions,
  PROFILE_FORMATS,
  ProfileFormat,
  ProfileStore,
  SampleFilter,
} from '../../src/profile';
import { configHelp, ConfigError, loadConfig, SETTINGS } from '../config';
import { DEFAULT_MAX_PROFILE_MB, DEFAULT_MAX_RATIO, MiB } from '../io/limits';
import { parseStream, ProfileInputError, ReadOptions, readProfileFile } from '../io/read-profile';
import { defaultParseThreads } from '../profiles/parse-threads';
import { startSidecar } from '../serve';
import { profileInfo } from './info';
import { terminalProgress } from './progress';
import { renderView } from './view';

class UsageError extends Error {}

const USAGE = `usage: flamescope <command> [options] FILE|-

commands:
  collapse   folded stacks, as FlameGraph's stackcollapse-perf.pl prints them
             [--pid] [--tid] [--kernel] [--jit] [--all] [--addrs] [--event-filter EV]
             [--from S] [--to S] [--exclude-idle] [filters]
  heatmap    subsecond-offset heat map as JSON
             [--rows N] [--include-idle] [--weight samples|period] [--from S] [--to S] [filters]
  info       format, header fields, counts, time span and warnings as JSON
  view       a profile at a glance: summary, heat map and hottest functions
             [--rows N]
  serve      the sidecar: profiles from a folder or S3 as Grafana data frames
             (flamescope serve --help lists its options)

filters: [--event EV] [--cpu N] [--pid-is N] [--tid-is N] [--comm NAME]
formats, detected from the bytes (never the name); --format NAME reads FILE as NAME instead:
  perf-script    perf script text (perf script --header; -F +tod places it on the wall clock)
  cpuprofile     V8 .cpuprofile (node --cpu-prof, DevTools "Save profile")
  chrome-trace   Chrome trace JSON (DevTools Performance recordings, trace-event files)
  nflxprofile    Netflix nflxprofile (protobuf)
  folded         folded stacks (FlameGraph's "frame;frame;… count"): no timestamps, so no heatmap
limits (collapse, heatmap, info, view):
  --max-mb N      refuse a profile larger than N MiB once decompressed (default ${DEFAULT_MAX_PROFILE_MB})
  --max-ratio N   refuse gzip input that expands more than N times, a likely decompression bomb
                  (default ${DEFAULT_MAX_RATIO}; 0 turns the check off)
  --parse-concurrency N
                  threads parsing a large perf script profile (default: the cores from 4 up, else 1; ${defaultParseThreads()} here)
FILE may be any of those formats, plain or gzip; - reads standard input.
--rows is 1 to ${MAX_ROWS}. --from/--to are seconds relative to floor(first sample), half-open [from, to).`;

const LIMIT_OPTIONS = {
  'max-mb': { type: 'string' },
  'max-ratio': { type: 'string' },
  'parse-concurrency': { type: 'string' },
  format: { type: 'string' },
} as const;

const FILTER_OPTIONS = {
  event: { type: 'string' },
  cpu: { type: 'string' },
  'pid-is': { type: 'string' },
  'tid-is': { type: 'string' },
  comm: { type: 'string' },
} as const;

const COMMANDS: Record<string, ParseArgsConfig['options']> = {
  collapse: {
    pid: { type: 'boolean' },
    tid: { type: 'boolean' },
    kernel: { type: 'boolean' },
    jit: { type: 'boolean' },
    all: { type: 'boolean' },
    addrs: { type: 'boolean' },
    'event-filter': { type: 'string' },
    'all-events': { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    'exclude-idle': { type: 'boolean' },
    ...FILTER_OPTIONS,
    ...LIMIT_OPTIONS,
  },
  heatmap: {
    rows: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'include-idle': { type: 'boolean' },
    weight: { type: 'string' },
    ...FILTER_OPTIONS,
    ...LIMIT_OPTIONS,
  },
  info: { ...LIMIT_OPTIONS },
  view: { rows: { type: 'string' }, ...LIMIT_OPTIONS },
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command === 'serve') {
    return serve(rest);
  }
  try {
    const options = COMMANDS[command];
    if (!options) {
      throw new UsageError(`unknown command "${command}" (try: collapse, heatmap, info, view, serve)`);
    }
    const { values, positionals } = parseCommandArgs(rest, options);
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(`${command} takes exactly one FILE (or - for standard input)`);
    }
    // Every option is checked before the profile is read: a usage error should not wait for a 2 GB parse.
    const limits = limitOptions(values);
    const fold = command === 'collapse' ? collapseOptions(values) : undefined;
    const heat = command === 'heatmap' ? heatmapOptions(values) : undefined;
    const viewRows = command === 'view' ? (rowsOption(values.rows) ?? 10) : 0;
    const store = await load(positionals[0], {
      keepUnknownAddresses: command === 'collapse' && !!values.addrs,
      format: formatOption(values.format),
      ...limits,
    });
    switch (command) {
      case 'collapse':
        await writeFolded(store, fold!);
        break;
      case 'heatmap':
        await writeText(JSON.stringify(heatmapToJson(heatmapForCli(store, heat!))) + '\n');
        break;
      case 'info':
        await writeText(JSON.stringify(profileInfo(store), null, 2) + '\n');
        break;
      case 'view':
        await writeText(
          renderView(store, {
            rows: viewRows,
            color: !!process.stdout.isTTY,
            width: process.stdout.columns ?? 100,
            name: positionals[0],
          })
        );
        break;
    }
    return 0;
  } catch (e) {
    return fail(e);
  }
}

type Values = Record<string, string | boolean | undefined>;

function parseCommandArgs(args: string[], options: ParseArgsConfig['options']) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (e) {
    // Node's messages carry a second sentence on `--` that only confuses here.
    throw new UsageError((e as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, ''));
  }
}

async function load(file: string, options: ParseOptions & ReadOptions): Promise<ProfileStore> {
  const progress = terminalProgress();
  const readOptions: ReadOptions = { ...options, onProgress: progress.update };
  try {
    return file === '-' ? await parseStream(process.stdin, readOptions) : await readProfileFile(file, readOptions);
  } finally {
    progress.done();
  }
}

/** `--max-mb`, `--max-ratio` (parseStream's limits, named by the CLI's flags in its refusals), `--parse-concurrency`. */
function limitOptions(v: Values): ReadOptions {
  const maxMb = integer(v['max-mb'], '--max-mb', 1) ?? DEFAULT_MAX_PROFILE_MB;
  if (!Number.isSafeInteger(maxMb * MiB)) {
    throw new UsageError(`--max-mb is too large, got "${v['max-mb']}"`);
  }
  let maxRatio = DEFAULT_MAX_RATIO;
  if (v['max-ratio'] !== undefined) {
    maxRatio = Number(v['max-ratio']);
    if (!Number.isFinite(maxRatio) || maxRatio < 0 || String(v['max-ratio']).trim() === '') {
      throw new UsageError(`--max-ratio must be a number of at least 0 (0: no limit), got "${v['max-ratio']}"`);
    }
  }
  const threads = integer(v['parse-concurrency'], '--parse-concurrency', 1, 1024) ?? defaultParseThreads();
  return {
    maxBytes: maxMb * MiB,
    maxRatio,
    limitFlags: { maxBytes: '--max-mb', maxRatio: '--max-ratio' },
    parallel: { threads },
  };
}

/** `--format NAME`: read the input as NAME instead of detecting its format. */
function formatOption(value: unknown): ProfileFormat | undefined {
  if (value === undefined) {
    return undefined;
  }
  const format = parseFormatName(String(value));
  if (format === undefined) {
    throw new UsageError(`--format must be one of ${PROFILE_FORMATS.join(', ')}, got "${value}"`);
  }
  return format;
}

function rowsOption(value: unknown): number | undefined {
  return integer(value, '--rows', 1, MAX_ROWS);
}

function filterOptions(v: Values): SampleFilter {
  return {
    event: v.event as string | undefined,
    cpu: integer(v.cpu, '--cpu', 0),
    pid: integer(v['pid-is'], '--pid-is', -1),
    tid: integer(v['tid-is'], '--tid-is', -1),
    comm: v.comm as string | undefined,
  };
}

function collapseOptions(v: Values): FoldOptions {
  const from = seconds(v.from, '--from');
  const to = seconds(v.to, '--to');
  if (from !== undefined && to !== undefined && to < from) {
    throw new UsageError(`--to (${v.to}) is before --from (${v.from})`);
  }
  return {
    pid: !!v.pid,
    tid: !!v.tid,
    kernel: !!v.kernel,
    jit: !!v.jit,
    all: !!v.all,
    addrs: !!v.addrs,
    eventFilter: v['event-filter'] as string | undefined,
    allEvents: !!v['all-events'],
    fromNs: from === undefined ? undefined : Math.round(from * 1e9),
    toNs: to === undefined ? undefined : Math.round(to * 1e9),
    filter: { ...filterOptions(v), includeIdle: !v['exclude-idle'] },
  };
}

function heatmapOptions(v: Values): HeatmapOptions {
  const rows = rowsOption(v.rows) ?? 50;
  const weight = (v.weight as string | undefined) ?? 'samples';
  if (weight !== 'samples' && weight !== 'period') {
    throw new UsageError(`--weight must be samples or period, got "${weight}"`);
  }
  const from = seconds(v.from, '--from');
  const to = seconds(v.to, '--to');
  if (from !== undefined && to !== undefined && to < from) {
    throw new UsageError(`--to (${v.to}) is before --from (${v.from})`);
  }
  return {
    ...filterOptions(v),
    includeIdle: !!v['include-idle'],
    rows,
    weight: weight as 'samples' | 'period',
    fromSec: from,
    toSec: to,
  };
}

/** computeHeatmap, its refusal of too long a span put in the CLI's terms (the engine's API has no --from/--to). */
function heatmapForCli(store: ProfileStore, options: HeatmapOptions) {
  try {
    return computeHeatmap(store, options);
  } catch (e) {
    if (e instanceof HeatmapError && /time range$/.test(e.message)) {
      throw new HeatmapError(`${e.message} with --from/--to`);
    }
    throw e;
  }
}

function integer(value: unknown, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max || !/^-?\d+$/.test(String(value))) {
    const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > -1 ? ` of at least ${min}` : '';
    throw new UsageError(`${flag} must be an integer${range}, got "${value}"`);
  }
  return n;
}

function seconds(value: unknown, flag: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || String(value).trim() === '') {
    throw new UsageError(`${flag} must be a number of seconds, got "${value}"`);
  }
  return n;
}

/** Folded lines written in ~1 MiB batches, as bytes (names may hold any byte, and output may exceed a string). */
async function writeFolded(store: ProfileStore, options: FoldOptions) {
  let batch = '';
  for (const s of foldStacks(store, options)) {
    batch += `${s.stack} ${s.weight}\n`;
    if (batch.length > 1 << 20) {
      await writeBytes(batch);
      batch = '';
    }
  }
  await writeBytes(batch);
}

/** Engine byte strings, written back byte for byte. */
function writeBytes(byteString: string): Promise<void> {
  return writeOut(byteStringToBytes(byteString));
}

/** Text for people and JSON, as UTF-8. */
function writeText(text: string): Promise<void> {
  return writeOut(Buffer.from(text, 'utf8'));
}

function writeOut(bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (e) => (e ? reject(e) : resolve()));
  });
}

function fail(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`flamescope: ${e.message}\n`);
    return 2;
  }
  if (e instanceof ProfileInputError || e instanceof HeatmapError) {
    process.stderr.write(`flamescope: ${e.message}\n`);
    return 1;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EPIPE') {
    return 0;
  }
  process.stderr.write(`flamescope: ${err?.message ?? String(e)}\n`);
  return 1;
}

/** `flamescope serve`: runs until SIGINT/SIGTERM. */
async function serve(args: string[]): Promise<number> {
  const options: ParseArgsConfig['options'] = {};
  for (const s of SETTINGS) {
    options[s.flag] = { type: s.type === 'boolean' ? 'boolean' : 'string' };
  }
  let config;
  try {
    const { values } = parseCommandArgs(args, options);
    if (values.help) {
      process.stdout.write(configHelp() + '\n');
      return 0;
    }
    config = loadConfig(values);
  } catch (e) {
    if (e instanceof ConfigError) {
      return fail(new UsageError(e.message));
    }
    return fail(e);
  }
  let sidecar;
  try {
    sidecar = await startSidecar(config);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(
      `flamescope: cannot serve on ${config.host}:${config.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}\n`
    );
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal while draining: stop now.
  const now = () => {
    sidecar.app.log.warn('second signal: exiting without waiting');
    process.exit(1);
  };
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  const inFlight = await connectionCount(sidecar);
  sidecar.app.log.info(
    `${signal}: shutting down — no new connections; waiting up to ${config.shutdownTimeoutMs} ms for ${inFlight} open connection(s)`
  );
  const started = performance.now();
  const drained = await sidecar.shutdown(config.shutdownTimeoutMs);
  if (drained) {
    sidecar.app.log.info(`shut down cleanly in ${Math.round(performance.now() - started)} ms`);
  } else {
    sidecar.app.log.warn(
      `shutdown deadline of ${config.shutdownTimeoutMs} ms passed with requests still running: exiting anyway`
    );
  }
  // Open sockets or timers must not keep the process alive past the deadline.
  setImmediate(() => process.exit(drained ? 0 : 1));
  return drained ? 0 : 1;
}

function connectionCount(sidecar: {
  app: { server: { getConnections(cb: (e: Error | null, n: number) => void): void } };
}) {
  return new Promise<number>((resolve) => sidecar.app.server.getConnections((e, n) => resolve(e ? 0 : n)));
}

/** Entry point of bin/flamescope.js. */
export function run() {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      process.exit(0);
    }
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
