/**
 * nflxprofile stack frames → store frames, with the processing Netflix's NodeJsStackProcessor applies (nflxprofile's
 * flamegraph.py), so our flame graph of a Node.js profile is the one Netflix's tools draw:
 *  - V8 JIT names `LazyCompile:*render /srv/app.js:12` and `InterpretedFunction:render /srv/app.js:12` become
 *    `render`, the rest (`/srv/app.js:12`) the frame's file — interpreted and optimised code of one function merge;
 *    an empty name becomes `(anonymous)`;
 *  - `ArgumentsAdaptorTrampoline` frames (V8 inserts them on calls with the wrong arity) are dropped;
 *  - names are trimmed.
 * The rules only touch V8's names, so perf-derived frames of other runtimes pass unchanged. The file (`file:line`) is
 * the frame's DSO: two functions with one name in different files stay two frames in the store. The kind is the
 * frame's `libtype` (kernel, user, jit, inlined; none: user).
 */
import { StoreBuilder } from '../builder';
import { utf8ByteString } from '../bytes';
import { FrameKind } from '../frames';
import { NflxFile, NflxStackFrame, present } from './decode';

const V8_PREFIXES = ['LazyCompile:', 'InterpretedFunction:'];

export interface ProcessedFrame {
  name: string;
  file: string;
  kind: FrameKind;
}

/** The frame as NodeJsStackProcessor shows it, or null when it drops it. */
export function processFrame(frame: NflxStackFrame): ProcessedFrame | null {
  let name = frame.function_name ?? '';
  if (name.includes('ArgumentsAdaptorTrampoline')) {
    return null;
  }
  let file = fileText(frame.file);
  const prefix = V8_PREFIXES.find((p) => name.startsWith(p));
  if (prefix !== undefined) {
    name = name.slice(prefix.length);
    if (name.startsWith('*')) {
      name = name.slice(1);
    }
    const space = name.indexOf(' ');
    if (space >= 0 && space < name.length - 1) {
      file = name.slice(space + 1);
      name = name.slice(0, space);
    }
    name = name || '(anonymous)';
  }
  return { name: name.trim(), file, kind: libtypeKind(frame.libtype) };
}

function fileText(file: NflxFile | undefined): string {
  if (!file?.file_name) {
    return '';
  }
  const line = present(file, 'line');
  return line !== undefined ? `${file.file_name}:${line}` : file.file_name;
}

export function libtypeKind(libtype: string | undefined): FrameKind {
  switch (libtype) {
    case 'kernel':
      return FrameKind.Kernel;
    case 'jit':
      return FrameKind.Jit;
    case 'inlined':
      return FrameKind.Inlined;
    default:
      return FrameKind.User;
  }
}

/** Frame ids of nflxprofile stack frames, made once per distinct frame. */
export class NflxFrames {
  private readonly ids = new Map<string, number>();

  constructor(private readonly b: StoreBuilder) {}

  /** The frame's id, or -1 when the processing drops it. */
  id(frame: NflxStackFrame): number {
    const key = `${frame.function_name ?? ''}\u0000${frame.libtype ?? ''}\u0000${fileText(frame.file)}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      const p = processFrame(frame);
      id = p === null ? -1 : this.b.frameOf(utf8ByteString(p.name), utf8ByteString(p.file), p.kind);
      this.ids.set(key, id);
    }
    return id;
  }
}
