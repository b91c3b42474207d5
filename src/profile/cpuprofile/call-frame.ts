/**
 * A V8 call frame (`{functionName, url, scriptId, lineNumber}`) as a store frame: its name for people and search,
 * what keeps two functions apart, and its kind — V8's own pseudo-frames, the runtime, packages, the user's code.
 */
import { utf8ByteString } from '../bytes';
import { FRAME_IDLE_STATE, FrameKind } from '../frames';

export interface CallFrame {
  functionName?: unknown;
  url?: unknown;
  scriptId?: unknown;
  lineNumber?: unknown;
}

export interface FrameSpec {
  /** `render app.js:120`, `(anonymous) app.js:7`, `filter`, `(garbage collector)` — a byte string. */
  name: string;
  /** The script's full URL (a byte string): two `app.js` in different folders stay apart. */
  dso: string;
  kind: FrameKind;
  flags: number;
}

/** V8's pseudo-frames: not functions, but what the thread was doing. `(root)` is the tree's root, never a frame. */
const PSEUDO: Record<string, { kind: FrameKind; flags: number }> = {
  '(program)': { kind: FrameKind.Program, flags: 0 },
  '(garbage collector)': { kind: FrameKind.Gc, flags: 0 },
  '(idle)': { kind: FrameKind.Runtime, flags: FRAME_IDLE_STATE },
};

export const ROOT_NAME = '(root)';

/**
 * `lineBase`: 0 for the DevTools protocol's 0-based `lineNumber` (today's `.cpuprofile`), 1 for the old tree format
 * (V8's C++ API counts from 1).
 */
export function frameSpec(cf: CallFrame, lineBase: 0 | 1): FrameSpec {
  const fn = typeof cf.functionName === 'string' ? cf.functionName : '';
  const url = typeof cf.url === 'string' ? cf.url : '';
  const scriptId = cf.scriptId === undefined || cf.scriptId === null ? '0' : String(cf.scriptId);
  const pseudo = url === '' ? PSEUDO[fn] : undefined;
  if (pseudo) {
    return { name: fn, dso: '', ...pseudo };
  }
  // A script without a URL (eval, an inline or console script) is named as DevTools names it: VM<scriptId>.
  const native = url === '' && (scriptId === '0' || scriptId === '');
  const file = url !== '' ? fileName(url) : native ? '' : `VM${scriptId}`;
  const line = typeof cf.lineNumber === 'number' && cf.lineNumber >= 0 ? cf.lineNumber + 1 - lineBase : 0;
  const name = fn === '' ? '(anonymous)' : fn;
  const display = file === '' ? name : line > 0 ? `${name} ${file}:${line}` : `${name} ${file}`;
  return {
    name: utf8ByteString(display),
    dso: utf8ByteString(url !== '' ? url : file),
    kind: kindOf(url, native),
    flags: 0,
  };
}

/** `file:///srv/app/render.js?v=2` → `render.js`; Node's `node:internal/timers` is kept whole (it has no file). */
export function fileName(url: string): string {
  if (url.startsWith('node:')) {
    return url;
  }
  const path = url.replace(/[?#].*$/, '');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const last = path.slice(slash + 1);
  return last === '' ? url : last;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const WINDOWS_PATH = /^[a-z]:[\\/]/i;
const NODE_MODULES = /(?:^|[\\/])node_modules[\\/]/;

/**
 * The runtime: natives and builtins (no script), Node's `node:` modules, and the bare relative names older Node and
 * V8 gave their own scripts (`internal/…`, `module.js`, `native array.js`). Packages: anything under node_modules.
 * The user's code: every other script, and scripts without a URL that are not natives.
 */
function kindOf(url: string, native: boolean): FrameKind {
  if (native || url.startsWith('node:')) {
    return FrameKind.Runtime;
  }
  if (url === '') {
    return FrameKind.User;
  }
  if (NODE_MODULES.test(url)) {
    return FrameKind.Library;
  }
  const located = SCHEME.test(url) || url.startsWith('/') || WINDOWS_PATH.test(url);
  return located ? FrameKind.User : FrameKind.Runtime;
}
