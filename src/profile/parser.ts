/**
 * The seam for input formats: every parser takes bytes in chunks and returns the same ProfileStore, so heat maps,
 * flame graphs and folding work whatever was read. `createParser` detects the format from the first bytes (see
 * detect.ts) unless `format` says it, and hands every byte to that format's importer.
 */
import { detectCompression } from './bytes';
import { CpuProfileParser } from './cpuprofile/importer';
import { DETECT_WINDOWS, detectFormat } from './detect';
import { FoldedParser } from './folded/importer';
import { createChromeTraceParser } from './chrome-trace/importer';
import { createNflxprofileParser } from './nflxprofile/importer';
import { ImportError } from './import-error';
import { PerfScriptOptions, PerfScriptParser } from './perf-script/parser';
import { ProfileFormat, ProfileStore } from './store';

export interface ProfileParser {
  push(chunk: Uint8Array): void;
  finish(): ProfileStore;
  /** Records that the input ended early, so the store carries a warning. */
  noteTruncated(message: string): void;
  readonly bytesRead: number;
  /**
   * Memory the caller may read the next `bytes` of input into and then push (undefined: use a buffer of its own):
   * a parser that is done with a chunk when push returns offers the same memory every time, sparing fresh buffers
   * (first touches of new memory cost page faults).
   */
  readTarget?(bytes: number): Uint8Array | undefined;
}

export type { ProfileFormat } from './store';

export interface ParseOptions extends PerfScriptOptions {
  /** Read the input as this format instead of detecting it (FlameScope's "Open as …"). */
  format?: ProfileFormat;
}

/** Every format name, in the order help texts list them. */
export const PROFILE_FORMATS: readonly ProfileFormat[] = [
  'perf-script',
  'cpuprofile',
  'chrome-trace',
  'nflxprofile',
  'folded',
];

/** Each format in words, for messages. */
export const FORMAT_LABELS: Record<ProfileFormat, string> = {
  'perf-script': 'perf script text',
  cpuprofile: 'a V8 .cpuprofile',
  'chrome-trace': 'a Chrome trace',
  nflxprofile: 'an nflxprofile',
  folded: 'folded stacks',
};

export type ImporterFactory = (options: ParseOptions) => ProfileParser;

/** The importer of each format; a format without one is refused with a sentence naming it. */
export const IMPORTERS: Partial<Record<ProfileFormat, ImporterFactory>> = {
  'perf-script': (options) => new PerfScriptParser(options),
  cpuprofile: () => new CpuProfileParser(),
  folded: () => new FoldedParser(),
  'chrome-trace': createChromeTraceParser,
  nflxprofile: createNflxprofileParser,
};

/** A format name as users type it (`--format`, `format=`), or undefined when it is not one. */
export function parseFormatName(text: string): ProfileFormat | undefined {
  return (PROFILE_FORMATS as readonly string[]).includes(text) ? (text as ProfileFormat) : undefined;
}

export function createParser(options: ParseOptions = {}): ProfileParser {
  return options.format === undefined ? new DetectingParser(options) : importerFor(options.format, options);
}

function importerFor(format: ProfileFormat, options: ParseOptions): ProfileParser {
  const factory = IMPORTERS[format];
  if (!factory) {
    throw new ImportError(`${format} input (${FORMAT_LABELS[format]}) is not supported yet`, 'unsupported');
  }
  return factory(options);
}

/**
 * Holds the first chunks until detect.ts can tell the format (4 KiB almost always; at most 1 MiB), then hands them and
 * every later chunk to that format's importer. Only the bytes detection looks at are copied; the chunks themselves
 * are passed on as they came.
 */
class DetectingParser implements ProfileParser {
  /** Copies of the first bytes, up to the largest window (grown as needed: most inputs decide within 4 KiB). */
  private head = new Uint8Array(DETECT_WINDOWS[0]);
  private headLength = 0;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** The next detection window to try. */
  private window = 0;
  private inner: ProfileParser | undefined;
  private readonly truncations: string[] = [];

  constructor(private readonly options: ParseOptions) {}

  get bytesRead(): number {
    return this.inner ? this.inner.bytesRead : this.heldBytes;
  }

  readTarget(bytes: number): Uint8Array | undefined {
    // Held chunks are kept until the format is known: no shared memory before.
    return this.inner?.readTarget?.(bytes);
  }

  push(chunk: Uint8Array): void {
    if (this.inner) {
      this.inner.push(chunk);
      return;
    }
    const wanted = Math.min(DETECT_WINDOWS[DETECT_WINDOWS.length - 1], this.headLength + chunk.length);
    if (wanted > this.head.length) {
      const bigger = new Uint8Array(
        Math.min(DETECT_WINDOWS[DETECT_WINDOWS.length - 1], Math.max(wanted, this.head.length * 2))
      );
      bigger.set(this.head.subarray(0, this.headLength));
      this.head = bigger;
    }
    if (wanted > this.headLength) {
      this.head.set(chunk.subarray(0, wanted - this.headLength), this.headLength);
      this.headLength = wanted;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    this.decide(false);
  }

  finish(): ProfileStore {
    if (!this.inner) {
      this.decide(true);
    }
    return this.inner!.finish();
  }

  noteTruncated(message: string): void {
    if (this.inner) {
      this.inner.noteTruncated(message);
    } else {
      this.truncations.push(message);
    }
  }

  /** Tries each window the bytes so far cover (fixed sizes, so chunking never changes the answer). */
  private decide(ended: boolean) {
    while (this.window < DETECT_WINDOWS.length) {
      const size = DETECT_WINDOWS[this.window];
      if (this.heldBytes < size && !ended) {
        return;
      }
      const n = Math.min(size, this.headLength);
      const format = detectFormat(this.head.subarray(0, n), ended && n === this.heldBytes);
      if (format !== undefined) {
        this.start(format);
        return;
      }
      this.window++;
    }
    // Nothing told within the largest window: perf script's parser says what it cannot read.
    this.start('perf-script');
  }

  private start(format: ProfileFormat) {
    const inner = importerFor(format, this.options);
    this.inner = inner;
    for (const message of this.truncations) {
      inner.noteTruncated(message);
    }
    const held = this.held;
    this.held = [];
    this.head = new Uint8Array(0);
    for (const chunk of held) {
      inner.push(chunk);
    }
  }
}

/** Parses a whole in-memory profile (tests, small inputs, a dropped file in the browser). Plain text only. */
export function parseProfile(bytes: Uint8Array, options: ParseOptions = {}): ProfileStore {
  if (detectCompression(bytes) !== 'none') {
    throw new Error(`input is ${detectCompression(bytes)}-compressed: decompress it before parseProfile`);
  }
  const parser = createParser(options);
  parser.push(bytes);
  return parser.finish();
}
