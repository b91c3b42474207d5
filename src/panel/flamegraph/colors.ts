/**
 * Frame colours. By kind, as FlameGraph colours perf profiles: user code in warm "hot" hues picked by a hash of the
 * name (so a function keeps its colour across graphs), kernel orange, JIT green, inlined aqua, threads and the root
 * grey, the kernel's idle loop (swapper waiting for work) pale blue. Differential graphs: red where the selection has more than the baseline, blue where it has less.
 *
 * Every fill is opaque and light enough for FRAME_TEXT_COLOR at WCAG AA contrast (4.5:1, checked in colors.test.ts),
 * so labels read the same on the light and the dark theme: the fill, not the theme, is the label's background.
 */
import { FrameKind as ProfileFrameKind, FRAME_IDLE, frameFlags } from '../../profile/frames';
import { FrameKind } from '../model';

/** Label colour on every frame fill (see above: fills are theme-independent). */
export const FRAME_TEXT_COLOR = 'rgb(0,0,0)';
/** Search matches (FlameGraph's magenta, lightened for contrast with the label). */
export const HIGHLIGHT_COLOR = 'rgb(238,90,238)';
/** Differential graphs: the same share in selection and baseline. */
export const DIFF_NEUTRAL = [214, 214, 214] as const;
const DIFF_MORE = [255, 80, 70] as const;
const DIFF_LESS = [90, 140, 255] as const;

type Rgb = readonly [number, number, number];

/**
 * FlameGraph's name hash: a number in [0, 1] from the first few characters, early ones weighted most, after dropping
 * a module prefix (`lib.so\`fn`) and arguments (`fn(int)`), so overloads and modules share a colour.
 */
export function nameHash(name: string): number {
  const tick = name.lastIndexOf('`');
  let base = tick >= 0 ? name.slice(tick + 1) : name;
  const paren = base.indexOf('(');
  if (paren > 0) {
    base = base.slice(0, paren);
  }
  let hash = 0;
  let max = 0;
  let weight = 1;
  for (let i = 0; i < Math.min(base.length, 8); i++) {
    hash += weight * (base.charCodeAt(i) % 10);
    max += weight * 9;
    weight *= 0.7;
  }
  return max > 0 ? hash / max : 0;
}

/** A kernel frame of an idle loop (cpuidle, do_idle, intel_idle…: the same test the profile's idle filter uses). */
export function isIdleFrame(name: string, kind: FrameKind): boolean {
  return kind === 'kernel' && (frameFlags(name, ProfileFrameKind.Kernel) & FRAME_IDLE) !== 0;
}

const SHADES = 31;

/** A frame's fill by kind; v varies the shade within the kind's band. */
export function frameColor(name: string, kind: FrameKind): string {
  // 32 shades per kind: as varied to the eye as a continuous hash, and few enough colours to paint by colour.
  const v = Math.round(nameHash(name) * SHADES) / SHADES;
  switch (kind) {
    case 'kernel':
      if (isIdleFrame(name, kind)) {
        return rgb([160 + 30 * v, 190 + 25 * v, 230 + 20 * v]);
      }
      return rgb([200 + 55 * v, 110 + 60 * v, 0]);
    case 'jit':
      return rgb([50 + 60 * v, 200 + 55 * v, 50 + 60 * v]);
    case 'inlined':
      return rgb([50 + 60 * v, 170 + 55 * v, 170 + 55 * v]);
    case 'runtime':
      // FlameGraph's "yellow": a runtime's own code (Node internals, V8 builtins).
      return rgb([175 + 55 * v, 175 + 55 * v, 50 + 60 * v]);
    case 'library':
      // Lavender: third-party packages, apart from the user's own code (hot) and the runtime (yellow).
      return rgb([185 + 40 * v, 160 + 40 * v, 230 + 25 * v]);
    case 'gc':
      return rgb([235 + 20 * v, 120 + 40 * v, 150 + 40 * v]);
    case 'program':
      return rgb([195 + 30 * v, 185 + 30 * v, 165 + 30 * v]);
    case 'thread':
      return rgb([175 + 35 * v, 175 + 35 * v, 180 + 35 * v]);
    case 'root':
      return rgb([225, 225, 230]); // lighter than any thread
    default:
      // FlameGraph's "hot" (r 205–255, g 0–230, b 0–55), with green starting at 80 so dark reds keep label contrast.
      return rgb([205 + 50 * v, 80 + 150 * v, 55 * v]);
  }
}

/** What the legend shows: a representative fill per kind (the middle of its band). */
export const LEGEND_KINDS: ReadonlyArray<{ label: string; color: string; description: string }> = [
  { label: 'user', color: rgb([230, 155, 27]), description: 'User code (native)' },
  { label: 'kernel', color: rgb([228, 140, 0]), description: 'Kernel code' },
  { label: 'JIT', color: rgb([80, 228, 80]), description: 'JIT-compiled code (e.g. Java, Node.js)' },
  { label: 'inlined', color: rgb([80, 198, 198]), description: 'Inlined functions' },
  { label: 'runtime', color: rgb([203, 203, 80]), description: "The language runtime's own code (Node internals, V8)" },
  { label: 'library', color: rgb([205, 180, 243]), description: 'Third-party packages (node_modules)' },
  { label: 'GC', color: rgb([245, 140, 170]), description: 'The garbage collector' },
  { label: 'program', color: rgb([210, 200, 180]), description: 'Native time V8 could not attribute ("(program)")' },
  { label: 'idle', color: rgb([175, 203, 240]), description: "The kernel's idle loop" },
  { label: 'thread / all', color: rgb([192, 192, 197]), description: 'Process or thread names, and the root' },
];

/** The legend's differential fills: more in the selection, the same share, less. */
export const LEGEND_DIFF = {
  more: rgb(DIFF_MORE),
  same: rgb(DIFF_NEUTRAL),
  less: rgb(DIFF_LESS),
};

/**
 * A differential frame's fill. value is baseline + selection and valueRight the selection (Grafana's convention);
 * total and totalRight are the root's. The frame's selection share valueRight/value is compared with the whole
 * graph's, totalRight/total: above it the frame is redder (all selection = full red), below it bluer (all baseline =
 * full blue), equal is grey. Shares rather than counts, so a selection twice the baseline's length is not all red.
 */
export function diffColor(value: number, valueRight: number, total: number, totalRight: number): string {
  if (!(value > 0) || !(total > 0)) {
    return rgb(DIFF_NEUTRAL);
  }
  const share = clamp01(valueRight / value);
  const expected = clamp01(totalRight / total);
  if (share > expected) {
    return mix(DIFF_NEUTRAL, DIFF_MORE, (share - expected) / (1 - expected));
  }
  if (share < expected) {
    return mix(DIFF_NEUTRAL, DIFF_LESS, (expected - share) / expected);
  }
  return rgb(DIFF_NEUTRAL);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function mix(from: Rgb, to: Rgb, t: number): string {
  const k = clamp01(t);
  return rgb([from[0] + (to[0] - from[0]) * k, from[1] + (to[1] - from[1]) * k, from[2] + (to[2] - from[2]) * k]);
}

function rgb(c: Rgb): string {
  return `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;
}

/** WCAG contrast ratio of two `rgb(r,g,b)` colours (1–21). Used by the tests to keep every fill readable. */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(parseRgb(a));
  const lb = luminance(parseRgb(b));
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function parseRgb(color: string): Rgb {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color);
  if (!m) {
    throw new Error(`not an rgb() colour: ${color}`);
  }
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function luminance(c: Rgb): number {
  const [r, g, b] = c.map((x) => {
    const s = x / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
