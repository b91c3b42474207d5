/**
 * Folded stacks as FlameGraph's stackcollapse-perf.pl prints them (`comm;caller;callee weight`, sorted bytewise),
 * with its options, rendered from the store — so any time range folds without re-reading the profile. Where
 * inferno fixes the perl script (a `(` inside template parameters, single-line samples, blank lines) we follow
 * inferno. Frame names are rendered once per unique frame and stack prefixes once per trie node.
 */
import { contextMask, SampleFilter, weightByContext } from './filter';
import { demangleRustLegacy } from './rust-demangle';
import { runToEnd, Sliced, SLICE_STEPS, sortSliced } from './sliced';
import { ProfileStore, sampleRange } from './store';
import { TupleInterner } from './tuple-interner';

export interface FoldOptions {
  /** Which samples (cpu, pid, comm, idle…); idle samples are kept unless filter.includeIdle is false. */
  filter?: SampleFilter;
  /** `comm-pid` as the root frame. */
  pid?: boolean;
  /** `comm-pid/tid` as the root frame. */
  tid?: boolean;
  /** Suffix kernel frames with `_[k]`. */
  kernel?: boolean;
  /** Suffix JIT frames with `_[j]`. */
  jit?: boolean;
  /** Both annotations. */
  all?: boolean;
  /** Show the address of `[unknown]` frames (parse with keepUnknownAddresses). */
  addrs?: boolean;
  /**
   * Only this event. Unset: like stackcollapse-perf.pl, the first event met in the file (`store.foldEvent`), so
   * cycles and instructions are never summed; set `allEvents` to keep every event.
   */
  eventFilter?: string;
  allEvents?: boolean;
  /** [fromNs, toNs) since store.startSec. */
  fromNs?: number;
  toNs?: number;
  /** Weigh by period (what the perl script does when perf printed one). Default true. */
  byPeriod?: boolean;
}

export interface FoldedStack {
  stack: string;
  weight: number;
}

/** Folded stacks, sorted bytewise like the perl script's output. */
export function foldStacks(store: ProfileStore, options: FoldOptions = {}): FoldedStack[] {
  return runToEnd(foldStacksSliced(store, options));
}

/** foldStacks as a sliced computation (see sliced.ts). */
export function* foldStacksSliced(store: ProfileStore, options: FoldOptions = {}): Sliced<FoldedStack[]> {
  const kernel = options.kernel || options.all;
  const jit = options.jit || options.all;
  const filter: SampleFilter = {
    ...options.filter,
    includeIdle: options.filter?.includeIdle ?? true,
    event: options.filter?.event ?? (options.allEvents ? undefined : (options.eventFilter ?? store.foldEvent)),
  };
  const mask = contextMask(store, filter);
  const [first, last] = sampleRange(store, options.fromNs ?? -Infinity, options.toNs ?? Infinity);
  const sums = weightByContext(store, first, last, mask, options.byPeriod === false ? 'samples' : 'period');

  const renderer = new FrameRenderer(store, { kernel: !!kernel, jit: !!jit, addrs: !!options.addrs });
  // Sum by (root frame, stack node) as integers first: many contexts (cpu, event) share one folded line, and building
  // a long string per context is what would cost.
  const roots = new Map<string, number>();
  const rootNames: string[] = [];
  const rootJava: boolean[] = [];
  const threadRoot = new Int32Array(store.threads.count).fill(-1);
  const pairs = new TupleInterner(2, 1024);
  const pairWeight: number[] = [];
  const c = store.contexts;
  for (let i = 0; i < c.count; i++) {
    const w = sums[i];
    if (w === 0) {
      continue;
    }
    const thread = c.thread[i];
    let root = threadRoot[thread];
    if (root < 0) {
      const name = rootName(store, thread, options);
      root = roots.get(name) ?? -1;
      if (root < 0) {
        root = rootNames.length;
        roots.set(name, root);
        rootNames.push(name);
        rootJava.push(store.threads.comm[thread] === 'java');
      }
      threadRoot[thread] = root;
    }
    const pair = pairs.intern2(root, c.stack[i]);
    pairWeight[pair] = (pairWeight[pair] ?? 0) + w;
    if ((i & (SLICE_STEPS - 1)) === 0) {
      yield;
    }
  }
  // Each line is built flat (one join), so the sort compares flat strings; byte strings compare as bytes. Lines that
  // render alike (one name in two DSOs) are then merged.
  const lines: FoldedStack[] = [];
  const parts: string[] = [];
  const s = store.stacks;
  let steps = 0;
  for (let p = 0; p < pairs.size; p++) {
    const root = pairs.get(p, 0);
    parts.length = 0;
    steps += s.depth[pairs.get(p, 1)] + 1;
    if (steps >= SLICE_STEPS) {
      steps = 0;
      yield;
    }
    for (let n = pairs.get(p, 1); n !== 0; n = s.parent[n]) {
      const text = renderer.frame(s.frame[n], rootJava[root]);
      if (text !== null) {
        parts.push(text);
      }
    }
    parts.push(rootNames[root]);
    lines.push({ stack: parts.reverse().join(';'), weight: pairWeight[p] });
  }
  return yield* sortAndMergeFolded(lines);
}

/** Folded lines sorted bytewise, equal stacks merged (their weights summed). */
export function* sortAndMergeFolded(lines: FoldedStack[]): Sliced<FoldedStack[]> {
  // One ordering compare a call: lines share long prefixes (their roots' callers), so `<` and `>` each walk hundreds
  // of bytes, while `===` between strings of other lengths answers at once.
  const sorted = yield* sortSliced(lines, (a, b) => (a.stack < b.stack ? -1 : a.stack === b.stack ? 0 : 1));
  const merged: FoldedStack[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const line = sorted[i];
    const last = merged[merged.length - 1];
    if (last !== undefined && last.stack === line.stack) {
      last.weight += line.weight;
    } else {
      merged.push(line);
    }
    if ((i & (SLICE_STEPS - 1)) === SLICE_STEPS - 1) {
      yield;
    }
  }
  return merged;
}

/** The root frame: comm, comm-pid or comm-pid/tid, spaces as underscores. */
function rootName(store: ProfileStore, thread: number, options: FoldOptions): string {
  const t = store.threads;
  const comm = t.comm[thread];
  let root = comm;
  if (options.tid) {
    root = `${comm}-${idText(t.pid[thread])}/${idText(t.tid[thread])}`;
  } else if (options.pid) {
    root = `${comm}-${idText(t.pid[thread])}`;
  }
  return root.replace(/ /g, '_');
}

/** The folded text, one `stack weight\n` line per stack. */
export function foldedText(stacks: FoldedStack[]): string {
  let out = '';
  for (const s of stacks) {
    out += `${s.stack} ${s.weight}\n`;
  }
  return out;
}

function idText(id: number): string {
  return id < 0 ? '?' : String(id);
}

interface RenderOptions {
  kernel: boolean;
  jit: boolean;
  addrs: boolean;
}

/** Frame names as the perl script prints them, rendered once per frame (twice: comm `java` strips Java's `L`). */
class FrameRenderer {
  private readonly text: Array<Array<string | null | undefined>> = [[], []];

  constructor(
    private readonly store: ProfileStore,
    private readonly options: RenderOptions
  ) {}

  /** One frame's rendered name (null: the perl script skips it). */
  frame(id: number, java: boolean): string | null {
    const memo = this.text[java ? 1 : 0];
    let text = memo[id];
    if (text === undefined) {
      text = renderFrame(this.store, id, java, this.options);
      memo[id] = text;
    }
    return text;
  }
}

const KERNEL_MODULE = /^\[|vmlinux|\.ko$/;
const JIT_MODULE = /\/tmp\/perf-\d+\.map|jitted-\d+-\d+\.so$/;

/**
 * One frame's name as stackcollapse-perf.pl prints it, or null for frames it skips. Its clean-ups are for perf's
 * symbols: names other formats give (`(anonymous) app.js:7`, a folded file's own lines) are kept as written, only
 * made safe for a folded line.
 */
export function renderFrame(store: ProfileStore, id: number, java: boolean, options: RenderOptions): string | null {
  const f = store.frames;
  if (store.format !== 'perf-script') {
    return foldSafe(f.name[id]);
  }
  let func = f.name[id];
  const mod = f.dso[id];
  if (func.startsWith('(')) {
    return null;
  }
  if (func === '') {
    // `7f1e2215d058  (/lib/libc.so)`: the perl script keeps the space between address and DSO as the name.
    func = ' ';
  }
  if (func === '[unknown]') {
    const name = mod === '[unknown]' ? 'unknown' : mod.replace(/.*\//, '');
    const address = f.address[id];
    func = options.addrs && address !== undefined ? `[${name} <${address}>]` : `[${name}]`;
  }
  // Quotes go before demangling: the perl script strips them from raw names, inferno keeps Rust's `'a`.
  func = tidyGeneric(demangleRustLegacy(func.replace(/["']/g, '')));
  if (java && func.startsWith('L') && func.includes('/')) {
    func = func.slice(1);
  }
  if (f.chainPart[id]) {
    if (!func.includes('_[i]')) {
      func += '_[i]';
    }
  } else if (options.kernel && KERNEL_MODULE.test(mod) && !mod.includes('unknown')) {
    func += '_[k]';
  } else if (options.jit && JIT_MODULE.test(mod) && !func.includes('_[j]')) {
    func += '_[j]';
  }
  return func;
}

/** A name as one frame of a folded line: `;` separates frames and a line break ends the line. */
function foldSafe(name: string): string {
  return /[;\r\n]/.test(name) ? name.replace(/;/g, ':').replace(/[\r\n]/g, ' ') : name;
}

/**
 * FlameGraph's name clean-up: `;` would split the frame, so it becomes `:`; an argument list is noise and is cut at
 * its `(` — but not a `(` inside template parameters (`std::function<int (int)>::operator()`), not a Go method
 * receiver (`net/http.(*Client).Do`) and not `(anonymous namespace)`.
 */
export function tidyGeneric(name: string): string {
  let func = name.replace(/;/g, ':');
  if (!/\.\(.*\)\./.test(func)) {
    const cut = argumentListStart(func);
    if (cut >= 0) {
      func = func.slice(0, cut);
    }
  }
  return func;
}

function argumentListStart(func: string): number {
  let angle = 0;
  for (let i = 0; i < func.length; i++) {
    const c = func.charCodeAt(i);
    if ((c === 60 || c === 62) && func.startsWith('operator', i - 8)) {
      // operator<, operator<<, operator>=, …: not template brackets.
      while (i + 1 < func.length && '<>='.includes(func[i + 1])) {
        i++;
      }
    } else if (c === 60 /* < */) {
      angle++;
    } else if (c === 62 /* > */) {
      if (angle > 0 && func.charCodeAt(i - 1) !== 45 /* -> */) {
        angle--;
      }
    } else if (c === 40 /* ( */ && angle === 0 && !func.startsWith('anonymous namespace)', i + 1)) {
      return i;
    }
  }
  return -1;
}
