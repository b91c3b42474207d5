/**
 * Duration events (`B`/`E` pairs and complete `X` events) per thread, turned into the stacks of open slices over
 * time. Events are kept compactly while reading (a few numbers each) and ordered at the end, per thread, the way
 * speedscope does — its catalogue of unbalanced and out-of-order files is what this must load:
 *  - begins in time order, ties in file order, `B` before `X`, a longer `X` before a shorter one at the same time;
 *  - ends in time order; at one time, first the end matching the open slice on top (same name and args), then one
 *    with the same name; a begin and an end at the same time: the begin first when they have the same name and args
 *    (a zero-length slice), else the end;
 *  - an end that does not name the slice on top is ignored (with a warning), as is an end with nothing open;
 *  - slices still open at the end close at the thread's last event.
 * The frame of a slice is its name (`(unnamed)` without one) with its category — or, for Hermes, its script URL — as
 * the DSO; args only tell apart ends at the same time, they do not split frames.
 */
import { StoreBuilder } from '../builder';
import { utf8ByteString } from '../bytes';
import { FrameKind } from '../frames';
import { FloatList, IntList } from '../import-kit/growable';
import { WarningTally } from '../import-kit/warnings';
import { TraceThreads } from './threads';
import { TickSampler } from './ticks';
import { isObject, num } from './values';

/** A complete slice longer than this is a corrupt `dur`: kept to this length (it becomes 8.64 M tick samples). */
const MAX_SLICE_US = 86_400e6;

const BEGIN = 0;
const END = 1;
const COMPLETE = 2;

export class DurationEvents {
  private readonly thread = new IntList();
  private readonly phase: number[] = [];
  private readonly ts = new FloatList();
  private readonly dur = new FloatList();
  /** Interned event name (ends match begins by name). */
  private readonly name = new IntList();
  /** Hash of name and args (ends at one time prefer the begin with the same args). */
  private readonly key = new IntList();
  private readonly frame = new IntList();
  private readonly names = new Map<string, number>();
  private readonly frames = new Map<string, number>();

  constructor(
    private readonly b: StoreBuilder,
    private readonly threads: TraceThreads,
    private readonly warnings: WarningTally
  ) {}

  get count(): number {
    return this.ts.length;
  }

  /** Reads a `B`, `E` or `X` event. */
  read(ev: Record<string, unknown>, ph: string) {
    const ts = num(ev.ts);
    if (!Number.isFinite(ts) || ts < 0) {
      this.warnings.note('bad-timestamp', 'duration events without a readable time (skipped)');
      return;
    }
    let dur = 0;
    if (ph === 'X') {
      const d = num(ev.dur ?? ev.tdur);
      dur = Number.isFinite(d) && d > 0 ? d : 0;
      if (dur > MAX_SLICE_US) {
        this.warnings.note('bad-timestamp', 'slices longer than a day (cut to a day)');
        dur = MAX_SLICE_US;
      }
    }
    const rawName = typeof ev.name === 'string' ? ev.name : undefined;
    this.thread.push(this.threads.ref(ev.pid, ev.tid));
    this.phase.push(ph === 'B' ? BEGIN : ph === 'E' ? END : COMPLETE);
    this.ts.push(ts);
    this.dur.push(dur);
    this.name.push(this.intern(this.names, rawName ?? '\u0000'));
    this.key.push(hash((rawName || '(unnamed)') + argsText(ev.args)));
    this.frame.push(ph === 'E' ? -1 : this.frameOf(rawName, ev));
  }

  /** Emits every thread's slices as tick samples (see ticks.ts). */
  emit(event: number): number {
    const sampler = new TickSampler(this.b, event);
    for (const events of this.byThread()) {
      const thread = this.threads.builderId(this.b, this.thread.data[events[0]]);
      this.replay(events, (stack, t0, t1) => sampler.add(thread, stack, t0, t1));
      sampler.endThread(thread);
    }
    if (sampler.cutThreads > 0) {
      this.warnings.note('bad-timestamp', 'threads with over 28 hours of slices (cut there)', sampler.cutThreads);
    }
    return sampler.samples;
  }

  /** Event indices grouped by thread, each group in file order. */
  private byThread(): number[][] {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < this.ts.length; i++) {
      const t = this.thread.data[i];
      let g = groups.get(t);
      if (!g) {
        g = [];
        groups.set(t, g);
      }
      g.push(i);
    }
    return [...groups.values()];
  }

  /** Replays one thread's events; `open(stack, t0, t1)` is called for each stretch a non-empty stack was open. */
  private replay(events: number[], open: (stack: number, t0: number, t1: number) => void) {
    const ts = this.ts.data;
    const dur = this.dur.data;
    const isX = (i: number) => this.phase[i] === COMPLETE;
    const end = (i: number) => ts[i] + dur[i];
    const begins = events.filter((i) => this.phase[i] !== END);
    const ends = events.filter((i) => this.phase[i] !== BEGIN);
    // Array.prototype.sort is stable: ties keep file order.
    begins.sort((a, c) => ts[a] - ts[c] || Number(isX(a)) - Number(isX(c)) || (isX(a) ? dur[c] - dur[a] : 0));
    ends.sort(
      (a, c) => end(a) - end(c) || Number(isX(a)) - Number(isX(c)) || (isX(a) ? ts[a] - ts[c] || dur[c] - dur[a] : 0)
    );

    const openSlices: number[] = [];
    const stackIds: number[] = [0];
    const leafFirst = new Int32Array(Math.max(16, begins.length + 1));
    let now = NaN;
    const advance = (t: number) => {
      const stack = stackIds[stackIds.length - 1];
      if (stack !== 0 && t > now) {
        open(stack, now, t);
      }
      now = t;
    };

    let bi = 0;
    let ei = 0;
    while (bi < begins.length || ei < ends.length) {
      const takeBegin =
        ei >= ends.length ||
        (bi < begins.length &&
          (ts[begins[bi]] < end(ends[ei]) ||
            (ts[begins[bi]] === end(ends[ei]) && this.key.data[begins[bi]] === this.key.data[ends[ei]])));
      if (takeBegin) {
        const i = begins[bi++];
        advance(ts[i]);
        openSlices.push(i);
        // The new stack, leaf first: this frame, then the open slices below it.
        const depth = openSlices.length;
        for (let d = 0; d < depth; d++) {
          leafFirst[d] = this.frame.data[openSlices[depth - 1 - d]];
        }
        stackIds.push(this.b.stackId(leafFirst, depth));
        continue;
      }
      this.preferMatchingEnd(ends, ei, openSlices);
      const e = ends[ei++];
      const t = end(e);
      const top = openSlices[openSlices.length - 1];
      if (top === undefined) {
        this.warnings.note('bad-frame-line', 'slice ends with no slice open (ignored)');
        continue;
      }
      if (this.name.data[e] !== this.name.data[top]) {
        this.warnings.note('bad-frame-line', 'slice ends naming another slice than the innermost open one (ignored)');
        continue;
      }
      advance(t);
      openSlices.pop();
      stackIds.pop();
    }
    if (openSlices.length > 0) {
      this.warnings.note(
        'bad-frame-line',
        'slices still open at the end (closed at the last event of their thread)',
        openSlices.length
      );
    }
  }

  /** Among the ends at the front's time, moves to the front one matching the open slice by key, else by name. */
  private preferMatchingEnd(ends: number[], ei: number, openSlices: number[]) {
    const top = openSlices[openSlices.length - 1];
    if (top === undefined) {
      return;
    }
    const t = this.ts.data[ends[ei]] + this.dur.data[ends[ei]];
    for (const same of [
      (j: number) => this.key.data[j] === this.key.data[top],
      (j: number) => this.name.data[j] === this.name.data[top],
    ]) {
      for (let k = ei; k < ends.length && this.ts.data[ends[k]] + this.dur.data[ends[k]] === t; k++) {
        if (same(ends[k])) {
          if (k !== ei) {
            const swap = ends[ei];
            ends[ei] = ends[k];
            ends[k] = swap;
          }
          return;
        }
      }
    }
  }

  private frameOf(name: string | undefined, ev: Record<string, unknown>): number {
    const args = isObject(ev.args) ? ev.args : undefined;
    const url = typeof args?.url === 'string' ? args.url : undefined;
    const dso = url ?? (typeof ev.cat === 'string' ? ev.cat : '');
    const text = name === undefined || name === '' ? '(unnamed)' : name;
    const key = text + '\u0000' + dso;
    let id = this.frames.get(key);
    if (id === undefined) {
      const library = url !== undefined && /(?:^|[/\\])node_modules[/\\]/.test(url);
      id = this.b.frameOf(utf8ByteString(text), utf8ByteString(dso), library ? FrameKind.Library : FrameKind.User);
      this.frames.set(key, id);
    }
    return id;
  }

  private intern(map: Map<string, number>, s: string): number {
    let id = map.get(s);
    if (id === undefined) {
      id = map.size;
      map.set(s, id);
    }
    return id;
  }
}

/** speedscope's key suffix: ` ${JSON.stringify(args)}` (most events have none, or `{}`: skip the stringify). */
function argsText(args: unknown): string {
  if (args === undefined || args === null || args === false || args === 0 || args === '') {
    return '';
  }
  if (isObject(args) && isEmpty(args)) {
    return ' {}';
  }
  return ' ' + JSON.stringify(args);
}

function isEmpty(o: Record<string, unknown>): boolean {
  for (const key in o) {
    if (Object.prototype.hasOwnProperty.call(o, key)) {
      return false;
    }
  }
  return true;
}

/** FNV-1a over UTF-16 code units: a 32-bit tag, compared only to break ties. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h | 0;
}
