/**
 * Folded stacks as FlameGraph's stackcollapse-perf.pl prints them (`comm;caller;callee weight`, sorted bytewise),
 * with its options, rendered from the store — so any time range folds without re-reading the profile. Where
 * inferno fixes the perl script (a `(` inside template parameters, single-line samples, blank lines) we follow
 * inferno. Frame names are rendered once per unique frame and stack prefixes once per trie node.
 */
import { contextMask, SampleFilter, weightByContext } from './filter';
import { demangleRustLegacy } from './rust-demangle';
import { ProfileStore, sampleRange } from './store';

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

  const renderer = new StackRenderer(store, { kernel: !!kernel, jit: !!jit, addrs: !!options.addrs });
  const folded = new Map<string, number>();
  const c = store.contexts;
  const t = store.threads;
  for (let i = 0; i < c.count; i++) {
    const w = sums[i];
    if (w === 0) {
      continue;
    }
    const thread = c.thread[i];
    const comm = t.comm[thread];
    let root = comm;
    if (options.tid) {
      root = `${comm}-${idText(t.pid[thread])}/${idText(t.tid[thread])}`;
    } else if (options.pid) {
      root = `${comm}-${idText(t.pid[thread])}`;
    }
    root = root.replace(/ /g, '_');
    const key = root + renderer.path(c.stack[i], comm === 'java');
    folded.set(key, (folded.get(key) ?? 0) + w);
  }
  const keys = [...folded.keys()].sort();
  return keys.map((stack) => ({ stack, weight: folded.get(stack)! }));
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

/** Renders trie paths as `;frame;frame…`, memoised per node (separately for comm `java`, whose names lose the `L`). */
export class StackRenderer {
  private readonly frameText: Array<Array<string | undefined>> = [[], []];
  private readonly pathText: Array<Array<string | undefined>> = [[], []];

  constructor(
    private readonly store: ProfileStore,
    private readonly options: RenderOptions
  ) {}

  path(node: number, java: boolean): string {
    const v = java ? 1 : 0;
    const memo = this.pathText[v];
    const cached = memo[node];
    if (cached !== undefined) {
      return cached;
    }
    // Walk up to the nearest rendered ancestor, then render downwards (no recursion: stacks can be deep).
    const s = this.store.stacks;
    const pending: number[] = [];
    let n = node;
    while (n !== 0 && memo[n] === undefined) {
      pending.push(n);
      n = s.parent[n];
    }
    let text = n === 0 ? '' : memo[n]!;
    for (let i = pending.length - 1; i >= 0; i--) {
      const m = pending[i];
      const frame = this.frame(s.frame[m], v);
      text = frame === null ? text : text + ';' + frame;
      memo[m] = text;
    }
    return text;
  }

  private frame(id: number, v: number): string | null {
    const memo = this.frameText[v];
    let text = memo[id];
    if (text === undefined) {
      text = renderFrame(this.store, id, v === 1, this.options) ?? '\0';
      memo[id] = text;
    }
    return text === '\0' ? null : text;
  }
}

const KERNEL_MODULE = /^\[|vmlinux|\.ko$/;
const JIT_MODULE = /\/tmp\/perf-\d+\.map|jitted-\d+-\d+\.so$/;

/** One frame's name as stackcollapse-perf.pl prints it, or null for frames it skips. */
export function renderFrame(store: ProfileStore, id: number, java: boolean, options: RenderOptions): string | null {
  const f = store.frames;
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
