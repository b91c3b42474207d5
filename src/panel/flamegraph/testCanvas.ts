/**
 * Test helper: jsdom has no canvas, so getContext('2d') is replaced by a recorder of what was drawn — rects (filled
 * alone or as paths of rects) with their fill, texts, outlines (each paint, which starts with setTransform, replaces the last) — with every character 7 px wide at any font size (× the font's size / 12).
 */
export interface Drawn {
  rects: Array<{ x: number; y: number; w: number; h: number; color: string; alpha: number }>;
  texts: Array<{ text: string; x: number; y: number; font: string }>;
  strokes: Array<{ x: number; y: number; w: number; h: number; color: string }>;
  measured: number;
}

export function recordingContext(): { ctx: CanvasRenderingContext2D; drawn: Drawn } {
  const drawn: Drawn = { rects: [], texts: [], strokes: [], measured: 0 };
  // A path of rects (beginPath, rect…, fill) is recorded as those rects, in the fill style at fill().
  let path: Array<[number, number, number, number]> = [];
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    globalAlpha: 1,
    font: '12px sans-serif',
    fontKerning: 'auto',
    textBaseline: 'alphabetic',
    textAlign: 'start',
    // Every paint starts with setTransform: a new picture.
    setTransform() {
      drawn.rects = [];
      drawn.texts = [];
      drawn.strokes = [];
    },
    clearRect() {},
    beginPath() {
      path = [];
    },
    rect(x: number, y: number, w: number, h: number) {
      path.push([x, y, w, h]);
    },
    fill() {
      for (const [x, y, w, h] of path) {
        drawn.rects.push({ x, y, w, h, color: String(ctx.fillStyle), alpha: ctx.globalAlpha });
      }
    },
    fillRect(x: number, y: number, w: number, h: number) {
      drawn.rects.push({ x, y, w, h, color: String(ctx.fillStyle), alpha: ctx.globalAlpha });
    },
    strokeRect(x: number, y: number, w: number, h: number) {
      drawn.strokes.push({ x, y, w, h, color: String(ctx.strokeStyle) });
    },
    fillText(text: string, x: number, y: number) {
      drawn.texts.push({ text, x, y, font: ctx.font });
    },
    measureText(s: string) {
      drawn.measured++;
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(ctx.font)?.[1] ?? 12);
      return { width: s.length * 7 * (size / 12) } as TextMetrics;
    },
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, drawn };
}

/** Installs recording contexts on every canvas; returns the drawing of a canvas (created on its first getContext). */
export function installRecordingCanvas(): (canvas: HTMLCanvasElement) => Drawn {
  const contexts = new Map<HTMLCanvasElement, { ctx: CanvasRenderingContext2D; drawn: Drawn }>();
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    if (!contexts.has(this)) {
      contexts.set(this, recordingContext());
    }
    return contexts.get(this)!.ctx;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext);
  return (canvas) => {
    if (!contexts.has(canvas)) {
      contexts.set(canvas, recordingContext());
    }
    return contexts.get(canvas)!.drawn;
  };
}
