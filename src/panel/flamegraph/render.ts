/**
 * The flame graph on canvas. Two stacked canvases of the viewport's size (backing store = CSS size × devicePixelRatio,
 * drawn in device pixels with edges rounded to whole pixels, so frames are crisp on HiDPI screens): the frames on the
 * bottom one, hover and keyboard outlines on the top one, so moving the pointer never redraws the frames.
 *
 * Only the rows in view and the frames at least MIN_FRAME_PX wide are drawn (see forEachDrawn); labels are truncated
 * with an ellipsis using per-character widths measured once per font. All redraws go through FlameCanvas, which
 * coalesces them into one per animation frame.
 */
import { FlameNode } from '../model';
import { diffColor, FRAME_TEXT_COLOR, frameColor, HIGHLIGHT_COLOR } from './colors';
import { Totals } from './labels';
import { FlameLayout, forEachDrawn, isAncestorOrSelf, levelsIn, levelTop, Rows } from './layout';

/** Row height and label font (CSS pixels). */
export const ROW_HEIGHT = 18;
export const FONT_SIZE = 12;
const LABEL_PAD = 4;
const ELLIPSIS = '…';

export interface Palette {
  background: string;
  /** Outline of the hovered frame. */
  hover: string;
  /** Outline of the keyboard's frame. */
  cursor: string;
  fontFamily: string;
}

/** Everything a paint needs. */
export interface Scene {
  layout: FlameLayout;
  focus: number;
  rows: Rows;
  /** The viewport, CSS pixels. */
  width: number;
  height: number;
  /** The content's y at the viewport's top. */
  scrollTop: number;
  dpr: number;
  fill: (i: number) => string;
  /** Search matches (1 = highlighted), or null. */
  mask: Uint8Array | null;
  palette: Palette;
}

/** Fills per frame, computed on first use (a frame never drawn never pays for its colour). */
export function makeFills(layout: FlameLayout, totals: Totals): (i: number) => string {
  const cache = new Array<string | undefined>(layout.count);
  return (i) => {
    let c = cache[i];
    if (c === undefined) {
      c = cache[i] = nodeFill(layout.nodes[i], totals);
    }
    return c;
  };
}

export function nodeFill(node: FlameNode, totals: Totals): string {
  return totals.diff && node.valueRight !== undefined
    ? diffColor(node.value, node.valueRight, totals.total, totals.totalRight)
    : frameColor(node.name, node.kind);
}

/**
 * Label truncation by summed character advances, each measured once per font (kerning off, so the sum is the drawn
 * width): no measureText per label.
 */
export class TextFitter {
  private font = '';
  private ascii = new Float64Array(128);
  private other = new Map<number, number>();
  private ellipsis = 0;

  /** Sets the context's font (and forgets the widths when it is a new one). */
  use(ctx: CanvasRenderingContext2D, font: string) {
    ctx.font = font;
    if ('fontKerning' in ctx) {
      ctx.fontKerning = 'none';
    }
    if (font !== this.font) {
      this.font = font;
      this.ascii.fill(-1);
      this.other.clear();
      this.ellipsis = measure(ctx, ELLIPSIS);
    }
  }

  private charWidth(ctx: CanvasRenderingContext2D, code: number): number {
    if (code < 128) {
      let w = this.ascii[code];
      if (w < 0) {
        w = this.ascii[code] = measure(ctx, String.fromCharCode(code));
      }
      return w;
    }
    let w = this.other.get(code);
    if (w === undefined) {
      w = measure(ctx, String.fromCharCode(code));
      this.other.set(code, w);
    }
    return w;
  }

  /** The text, or its longest prefix + "…", that fits in maxWidth; null when not even one character does. */
  fit(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string | null {
    let sum = 0;
    // The longest prefix that still leaves room for the ellipsis.
    let cut = -1;
    const room = maxWidth - this.ellipsis;
    for (let i = 0; i < text.length; i++) {
      sum += this.charWidth(ctx, text.charCodeAt(i));
      if (cut < 0 && sum > room) {
        cut = i;
      }
      if (sum > maxWidth) {
        return cut > 0 ? text.slice(0, cut) + ELLIPSIS : null;
      }
    }
    return text;
  }
}

function measure(ctx: CanvasRenderingContext2D, s: string): number {
  const m = ctx.measureText?.(s);
  return m && Number.isFinite(m.width) ? m.width : FONT_SIZE * 0.6;
}

/** Paints the frames in view; returns how many were drawn. */
export function drawFrames(ctx: CanvasRenderingContext2D, scene: Scene, fitter: TextFitter): number {
  const { layout, focus, rows, width, height, scrollTop, dpr, fill, mask, palette } = scene;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, Math.round(width * dpr), Math.round(height * dpr));
  if (layout.count === 0 || !(layout.total > 0)) {
    return 0;
  }
  const [first, last] = levelsIn(rows, scrollTop, scrollTop + height);
  const gap = Math.max(1, Math.round(dpr));
  const labelPad = LABEL_PAD * dpr;
  // Labels are drawn after all the rects: one fill style for all of them.
  const labels: number[] = [];
  // Rects are drawn by colour, one path each: a fill style is parsed per colour, not per frame, and the canvas
  // records a few hundred fills instead of thousands (most of a dense graph's paint time otherwise).
  const byColor = new Map<string, number[]>();
  let drawn = 0;
  forEachDrawn(layout, focus, width, first, last, (i, x0, x1) => {
    const top = levelTop(rows, layout.level[i]) - scrollTop;
    const X0 = Math.round(x0 * dpr);
    let w = Math.round(x1 * dpr) - X0;
    if (w >= 3 * gap) {
      w -= gap;
    }
    w = Math.max(1, w);
    const Y0 = Math.round(top * dpr);
    const h = Math.round((top + rows.rowHeight) * dpr) - Y0 - gap;
    const color = mask !== null && mask[i] === 1 ? HIGHLIGHT_COLOR : fill(i);
    if (i !== focus && isAncestorOrSelf(layout, i, focus)) {
      // The focus's ancestors (the breadcrumb bar, a few frames) are faded.
      ctx.globalAlpha = 0.55;
      ctx.fillStyle = color;
      ctx.fillRect(X0, Y0, w, h);
      ctx.globalAlpha = 1;
    } else {
      let rects = byColor.get(color);
      if (!rects) {
        rects = [];
        byColor.set(color, rects);
      }
      rects.push(X0, Y0, w, h);
    }
    drawn++;
    if (w > 2 * labelPad + FONT_SIZE * dpr) {
      labels.push(i, X0, Y0, w, h);
    }
  });
  for (const [color, rects] of byColor) {
    ctx.fillStyle = color;
    ctx.beginPath();
    for (let k = 0; k < rects.length; k += 4) {
      ctx.rect(rects[k], rects[k + 1], rects[k + 2], rects[k + 3]);
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (labels.length > 0) {
    fitter.use(ctx, `${Math.round(FONT_SIZE * dpr)}px ${palette.fontFamily}`);
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillStyle = FRAME_TEXT_COLOR;
    for (let k = 0; k < labels.length; k += 5) {
      const text = fitter.fit(ctx, layout.nodes[labels[k]].name, labels[k + 3] - 2 * labelPad);
      if (text !== null) {
        ctx.fillText(text, labels[k + 1] + labelPad, labels[k + 2] + labels[k + 4] / 2 + dpr / 2);
      }
    }
  }
  return drawn;
}

/** The rectangle frame i occupies in the viewport (CSS pixels), or null when it is out of the zoom or view. */
export function frameRect(
  scene: Pick<Scene, 'layout' | 'focus' | 'rows' | 'width' | 'height' | 'scrollTop'>,
  i: number
): { x: number; y: number; w: number; h: number } | null {
  const { layout, focus, rows, width, height, scrollTop } = scene;
  if (i < 0 || i >= layout.count || !(isAncestorOrSelf(layout, i, focus) || isAncestorOrSelf(layout, focus, i))) {
    return null;
  }
  const vw = layout.width[focus];
  const onPath = isAncestorOrSelf(layout, i, focus);
  const x = onPath || !(vw > 0) ? 0 : ((layout.start[i] - layout.start[focus]) / vw) * width;
  const w = onPath ? width : vw > 0 ? (layout.width[i] / vw) * width : 0;
  const y = levelTop(rows, layout.level[i]) - scrollTop;
  if (y + rows.rowHeight <= 0 || y >= height) {
    return null;
  }
  return { x, y, w, h: rows.rowHeight };
}

/** Outlines the hovered frame and the keyboard's frame. */
export function drawOverlay(ctx: CanvasRenderingContext2D, scene: Scene, hovered: number, cursor: number) {
  const { dpr, palette } = scene;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, Math.round(scene.width * dpr), Math.round(scene.height * dpr));
  const outline = (i: number, color: string, line: number) => {
    const r = frameRect(scene, i);
    if (!r) {
      return;
    }
    const lw = Math.max(1, Math.round(line * dpr));
    const x0 = Math.round(r.x * dpr) + lw / 2;
    const y0 = Math.round(r.y * dpr) + lw / 2;
    const x1 = Math.max(x0 + 1, Math.round((r.x + r.w) * dpr) - lw / 2 - 1);
    const y1 = Math.round((r.y + r.h) * dpr) - lw / 2 - 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = lw;
    ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
  };
  if (cursor >= 0) {
    outline(cursor, palette.cursor, 2);
  }
  if (hovered >= 0 && hovered !== cursor) {
    outline(hovered, palette.hover, 1);
  }
}

/**
 * The two canvases and their redraws: scene changes and hover changes mark what is stale, and one animation frame
 * repaints it (any number of changes in between cost one paint). After each paint of the frames the main canvas
 * carries `data-frames-drawn="<n>"` and `data-paints` (how many paints so far).
 */
export class FlameCanvas {
  private scene: Scene | null = null;
  private hovered = -1;
  private cursor = -1;
  private staleFrames = false;
  private staleOverlay = false;
  private raf = 0;
  private paints = 0;
  private readonly fitter = new TextFitter();
  /** Called after each paint of the frames (tests and the benchmark read the attribute; this is for callers). */
  onPaint?: (drawn: number) => void;

  constructor(
    private readonly main: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement
  ) {}

  setScene(scene: Scene) {
    this.scene = scene;
    this.staleFrames = true;
    this.staleOverlay = true;
    this.schedule();
  }

  /** The scene, for hit-testing against exactly what is on screen. */
  current(): Scene | null {
    return this.scene;
  }

  setScrollTop(scrollTop: number) {
    if (this.scene && this.scene.scrollTop !== scrollTop) {
      this.setScene({ ...this.scene, scrollTop });
    }
  }

  setHover(i: number) {
    if (i !== this.hovered) {
      this.hovered = i;
      this.staleOverlay = true;
      this.schedule();
    }
  }

  setCursor(i: number) {
    if (i !== this.cursor) {
      this.cursor = i;
      this.staleOverlay = true;
      this.schedule();
    }
  }

  destroy() {
    if (this.raf) {
      cancelAnimationFrame(this.raf);
      this.raf = 0;
    }
    this.scene = null;
  }

  private schedule() {
    if (this.raf === 0) {
      this.raf = requestAnimationFrame(() => {
        this.raf = 0;
        this.paint();
      });
    }
  }

  /** Paints what is stale now (also called directly by tests). */
  paint() {
    const scene = this.scene;
    if (!scene) {
      return;
    }
    if (this.staleFrames) {
      this.staleFrames = false;
      const ctx = sized(this.main, scene);
      const drawn = ctx ? drawFrames(ctx, scene, this.fitter) : 0;
      this.main.dataset.framesDrawn = String(drawn);
      // A counter the benchmark watches to time a repaint (a search's highlight) to the frame it lands in.
      this.main.dataset.paints = String(++this.paints);
      this.onPaint?.(drawn);
    }
    if (this.staleOverlay) {
      this.staleOverlay = false;
      const ctx = sized(this.overlay, scene);
      if (ctx) {
        drawOverlay(ctx, scene, this.hovered, this.cursor);
      }
    }
  }
}

/** The canvas's 2D context with its backing store at the scene's size × dpr (resized only when that changed). */
function sized(canvas: HTMLCanvasElement, scene: Scene): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(scene.width * scene.dpr));
  const h = Math.max(1, Math.round(scene.height * scene.dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const cssW = `${scene.width}px`;
  const cssH = `${scene.height}px`;
  if (canvas.style.width !== cssW || canvas.style.height !== cssH) {
    canvas.style.width = cssW;
    canvas.style.height = cssH;
  }
  return (canvas.getContext('2d') as CanvasRenderingContext2D | null) ?? null;
}
