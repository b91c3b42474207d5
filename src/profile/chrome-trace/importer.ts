/**
 * Chrome traces: DevTools Performance recordings and Trace Event Format files, as a bare array of events or as
 * `{"traceEvents": [...], "metadata": {...}}`. What becomes samples, in order of preference:
 *  1. V8 CPU profiles (`Profile` + `ProfileChunk` events): point samples per profile's thread (cpu-profiles.ts);
 *  2. the format's own `samples` + `stackFrames` (Hermes): point samples (trace-samples.ts);
 *  3. else `B`/`E`/`X` duration events: 10-ms tick samples weighted by µs (durations.ts, ticks.ts).
 * Threads are named from `thread_name` metadata events. `metadata.startTime` anchors the trace clock to the wall
 * clock. The bytes are split into events as they arrive (json-splitter.ts), so a trace is never one string.
 */
import { StoreBuilder } from '../builder';
import { SLICES_EVENT } from '../busy-ticks';
import { ImportError } from '../import-error';
import { eventIdOf } from '../import-kit/names';
import { WarningTally } from '../import-kit/warnings';
import { ParseOptions, ProfileParser } from '../parser';
import { ProfileStore } from '../store';
import { CpuProfiles } from './cpu-profiles';
import { DurationEvents } from './durations';
import { JsonSplitter } from './json-splitter';
import { TraceSamples } from './trace-samples';
import { TraceThreads } from './threads';
import { anchorWallClock, startEpochMs } from './wall-clock';
import { isObject, num } from './values';

/** Members of a trace object whose arrays are read element by element. */
const SPLIT_MEMBERS = new Set(['traceEvents', 'samples']);

export class ChromeTraceParser implements ProfileParser {
  private readonly b = new StoreBuilder();
  private readonly warnings = new WarningTally();
  private readonly threads = new TraceThreads();
  private readonly profiles = new CpuProfiles(this.b, this.threads, this.warnings);
  private readonly samples = new TraceSamples(this.b, this.threads, this.warnings);
  private readonly durations = new DurationEvents(this.b, this.threads, this.warnings);
  private readonly splitter: JsonSplitter;
  private metadata: unknown;
  private firstTs = Infinity;
  private fractionalTs = false;

  constructor() {
    this.b.format = 'chrome-trace';
    this.splitter = new JsonSplitter(SPLIT_MEMBERS, {
      part: (key, value) => this.part(key, value),
      badPart: (key) => this.warnings.note('garbage-line', `${partName(key)} that are not valid JSON (skipped)`),
    });
  }

  get bytesRead(): number {
    return this.b.bytesRead;
  }

  push(chunk: Uint8Array): void {
    this.b.bytesRead += chunk.length;
    this.splitter.push(chunk);
  }

  noteTruncated(message: string): void {
    this.warnings.fact('truncated', message);
  }

  finish(): ProfileStore {
    const end = this.splitter.finish();
    if (!end.recognised) {
      throw new ImportError(
        this.b.bytesRead === 0 ? 'the Chrome trace is empty' : 'the Chrome trace is not a JSON array or object'
      );
    }
    if (end.droppedBytes > 0) {
      this.warnings.fact('truncated', `the trace ends inside an event: its ${end.droppedBytes} bytes were dropped`);
    } else if (!end.complete) {
      this.warnings.fact('truncated', 'the trace ends without its closing bracket: every complete event was read');
    }

    this.b.noteTimePrecision(this.fractionalTs ? 9 : 6);
    if (this.profiles.hasSamples) {
      this.profiles.emit(this.eventId('cpu-profile'));
    } else if (this.samples.count > 0) {
      this.samples.emit(this.eventId('samples'));
    } else if (this.durations.count > 0) {
      this.durations.emit(this.eventId(SLICES_EVENT));
    }
    anchorWallClock(this.b.header, startEpochMs(this.metadata), this.firstTs);
    return this.warnings.applyTo(this.b.finish());
  }

  private part(key: string | null, value: unknown) {
    if (key === null || key === 'traceEvents') {
      this.event(value);
    } else if (key === 'samples') {
      this.samples.readSample(value);
    } else if (key === 'stackFrames') {
      this.samples.readStackFrames(value);
    } else if (key === 'metadata') {
      this.metadata = value;
    }
  }

  private event(ev: unknown) {
    if (!isObject(ev) || typeof ev.ph !== 'string') {
      this.warnings.note('garbage-line', 'events without a phase (skipped)');
      return;
    }
    const ph = ev.ph;
    if (ph === 'M') {
      this.threads.noteMetadata(ev);
      return;
    }
    const ts = num(ev.ts);
    if (Number.isFinite(ts)) {
      this.firstTs = Math.min(this.firstTs, ts);
      if (!Number.isInteger(ts)) {
        this.fractionalTs = true;
      }
    }
    if (this.profiles.read(ev)) {
      return;
    }
    if (ph === 'B' || ph === 'E' || ph === 'X') {
      this.durations.read(ev, ph);
    }
  }

  private eventId(name: string): number {
    return eventIdOf(this.b, name);
  }
}

function partName(key: string | null): string {
  return key === null || key === 'traceEvents' ? 'events' : key === 'samples' ? 'samples' : `"${key}" members`;
}

/** A parser for Chrome traces (see the module comment); `options` are the common ones (none apply yet). */
export function createChromeTraceParser(options: ParseOptions = {}): ProfileParser {
  void options;
  return new ChromeTraceParser();
}
