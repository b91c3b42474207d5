import { FlameNode } from '../model';
import { diffColor, FRAME_TEXT_COLOR, frameColor, HIGHLIGHT_COLOR } from './colors';
import { totalsOf } from './labels';
import { buildLayout, rowsFor, searchLayout } from './layout';
import { drawFrames, drawOverlay, FlameCanvas, frameRect, makeFills, ROW_HEIGHT, Scene, TextFitter } from './render';
import { recordingContext } from './testCanvas';

function node(name: string, value: number, children: FlameNode[] = [], kind: FlameNode['kind'] = 'user'): FlameNode {
  return { name, value, kind, children };
}

const ROOT = node(
  'all',
  1000,
  [
    node('java', 700, [
      node('main', 600, [node('a_rather_long_function_name', 300), node('tiny', 1)]),
      node('GC', 100),
    ]),
    node('kworker', 300, [node('schedule', 300, [], 'kernel')], 'thread'),
  ],
  'root'
);
const layout = buildLayout(ROOT);
const idx = (name: string) => layout.nodes.findIndex((n) => n.name === name);
const palette = { background: 'rgb(255,255,255)', hover: 'rgb(0,0,0)', cursor: 'rgb(0,0,255)', fontFamily: 'Inter' };

function scene(over: Partial<Scene> = {}): Scene {
  const inverted = over.rows?.inverted ?? true;
  return {
    layout,
    focus: 0,
    rows: rowsFor(4, ROW_HEIGHT, inverted, 200),
    width: 1000,
    height: 200,
    scrollTop: 0,
    dpr: 1,
    fill: makeFills(layout, totalsOf(ROOT, false)),
    mask: null,
    palette,
    ...over,
  };
}

describe('TextFitter', () => {
  it('keeps labels that fit and cuts the rest with an ellipsis, measuring each character once', () => {
    const { ctx, drawn } = recordingContext();
    const fitter = new TextFitter();
    fitter.use(ctx, '12px Inter');
    // 7 px a character.
    expect(fitter.fit(ctx, 'abcdef', 42)).toBe('abcdef');
    expect(fitter.fit(ctx, 'abcdef', 41)).toBe('abcd…');
    expect(fitter.fit(ctx, 'abcdef', 14)).toBe('a…');
    expect(fitter.fit(ctx, 'abcdef', 10)).toBeNull();
    // a–f and the ellipsis, once each.
    expect(drawn.measured).toBe(7);
    fitter.fit(ctx, 'fedcba', 100);
    expect(drawn.measured).toBe(7);
    // A new font: measured again.
    fitter.use(ctx, '24px Inter');
    expect(fitter.fit(ctx, 'abcdef', 41)).toBe('a…');
    expect(drawn.measured).toBe(7 + 1 + 3);
  });
});

describe('drawFrames', () => {
  it('draws one rect per visible frame with its kind colour, and labels that fit', () => {
    const { ctx, drawn } = recordingContext();
    const n = drawFrames(ctx, scene(), new TextFitter());
    // All but nothing: tiny is 1 px at 1000 px.
    expect(n).toBe(8);
    // The background, then the frames.
    expect(drawn.rects[0]).toMatchObject({ x: 0, y: 0, w: 1000, h: 200, color: palette.background });
    const rects = drawn.rects.slice(1);
    expect(rects).toHaveLength(8);
    // Drawn in depth-first order, as laid out.
    const rectOf = (name: string) => rects[idx(name)];
    // Icicle: level 0 at the top; a 1-px gap right and below.
    expect(rectOf('all')).toMatchObject({ x: 0, y: 0, w: 999, h: 17 });
    expect(rectOf('kworker')).toMatchObject({ x: 700, y: 18, w: 299, h: 17 });
    expect(rectOf('schedule').color).toBe(frameColor('schedule', 'kernel'));
    expect(rectOf('GC').color).toBe(frameColor('GC', 'user'));
    expect(rectOf('tiny').w).toBe(1);
    // Labels: black, truncated to their frame (GC's 99 px hold "GC"; tiny none).
    const texts = drawn.texts.map((t) => t.text);
    expect(texts).toContain('GC');
    expect(texts).toContain('a_rather_long_function_name');
    expect(texts.some((t) => t.startsWith('tiny'))).toBe(false);
    expect(drawn.texts[0].font).toBe('12px Inter');
    expect(ctx.fillStyle).toBe(FRAME_TEXT_COLOR);
  });

  it('truncates labels with an ellipsis', () => {
    const { ctx, drawn } = recordingContext();
    drawFrames(ctx, scene({ width: 300 }), new TextFitter());
    // a_rather_long… has 90 px less a 1-px gap and 8 px of padding: 81 px, 10 characters and the ellipsis.
    expect(drawn.texts.map((t) => t.text)).toContain('a_rather_l…');
  });

  it('draws in device pixels on HiDPI screens', () => {
    const { ctx, drawn } = recordingContext();
    drawFrames(ctx, scene({ dpr: 2 }), new TextFitter());
    expect(drawn.rects[0]).toMatchObject({ w: 2000, h: 400 });
    expect(drawn.rects[1]).toMatchObject({ x: 0, y: 0, w: 1998, h: 34 });
    expect(drawn.texts[0].font).toBe('24px Inter');
  });

  it('puts the root at the bottom of a flame, and draws only the rows in view', () => {
    const { ctx, drawn } = recordingContext();
    drawFrames(ctx, scene({ rows: rowsFor(4, ROW_HEIGHT, false, 200) }), new TextFitter());
    expect(drawn.rects[1]).toMatchObject({ y: 200 - ROW_HEIGHT, color: frameColor('all', 'root') });
    // An icicle scrolled by a row and a half, 20 px tall: levels 1 and 2.
    const n = drawFrames(ctx, scene({ scrollTop: 27, height: 20 }), new TextFitter());
    expect(n).toBe(layout.nodes.filter((_, i) => layout.level[i] === 1 || layout.level[i] === 2).length);
    expect(drawn.rects[1].y).toBe(18 - 27);
  });

  it('highlights search matches, fades the breadcrumb bar, and colours diffs', () => {
    const { ctx, drawn } = recordingContext();
    const mask = searchLayout(layout, 'gc').mask;
    drawFrames(ctx, scene({ mask }), new TextFitter());
    const colors = drawn.rects.slice(1).map((r) => r.color);
    expect(colors.filter((c) => c === HIGHLIGHT_COLOR)).toHaveLength(1);

    // Zoomed into main: java and all are faded and full width; GC and kworker are not drawn.
    drawFrames(ctx, scene({ focus: idx('main') }), new TextFitter());
    const rects = drawn.rects.slice(1);
    expect(rects).toHaveLength(5);
    expect(rects.filter((r) => r.alpha < 1)).toHaveLength(2);
    expect(rects.filter((r) => r.w === 999)).toHaveLength(3);

    const diffRoot: FlameNode = { ...node('all', 100, [], 'root'), valueRight: 50 };
    diffRoot.children = [{ ...node('more', 50), valueRight: 50 }];
    const diffLayout = buildLayout(diffRoot);
    drawFrames(
      ctx,
      scene({
        layout: diffLayout,
        fill: makeFills(diffLayout, totalsOf(diffRoot, true)),
        rows: rowsFor(2, 18, true, 200),
      }),
      new TextFitter()
    );
    expect(drawn.rects[2].color).toBe(diffColor(50, 50, 100, 50));
  });
});

describe('overlay', () => {
  it('outlines the hovered and the keyboard frame', () => {
    const { ctx, drawn } = recordingContext();
    drawOverlay(ctx, scene(), idx('GC'), idx('java'));
    expect(drawn.strokes.map((s) => s.color)).toEqual([palette.cursor, palette.hover]);
    expect(frameRect(scene(), idx('GC'))).toEqual({ x: 600, y: 36, w: 100, h: 18 });
    // Out of the zoom: no outline.
    expect(frameRect(scene({ focus: idx('kworker') }), idx('GC'))).toBeNull();
  });
});

describe('FlameCanvas', () => {
  it('paints once per animation frame, whatever changed in between, and says how many frames it drew', () => {
    const frames: FrameRequestCallback[] = [];
    const raf = jest.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    const main = document.createElement('canvas');
    const overlay = document.createElement('canvas');
    const contexts = new Map([
      [main, recordingContext()],
      [overlay, recordingContext()],
    ]);
    for (const [canvas, { ctx }] of contexts) {
      canvas.getContext = (() => ctx) as unknown as typeof canvas.getContext;
    }
    const fc = new FlameCanvas(main, overlay);
    fc.setScene(scene({ dpr: 2 }));
    fc.setHover(idx('GC'));
    fc.setScrollTop(0);
    fc.setScene(scene({ dpr: 2, width: 400 }));
    expect(frames).toHaveLength(1);
    expect(main.dataset.framesDrawn).toBeUndefined();
    frames.shift()!(0);
    // tiny is 0.4 px at 400 px: not drawn.
    expect(main.dataset.framesDrawn).toBe('7');
    // Backing store = CSS size × dpr.
    expect([main.width, main.height, main.style.width, main.style.height]).toEqual([800, 400, '400px', '200px']);
    expect([overlay.width, overlay.height]).toEqual([800, 400]);
    expect(contexts.get(overlay)!.drawn.strokes).toHaveLength(1);

    // Hover alone repaints the overlay, not the frames.
    const before = contexts.get(main)!.drawn.rects;
    fc.setHover(idx('java'));
    expect(frames).toHaveLength(1);
    frames.shift()!(0);
    expect(contexts.get(main)!.drawn.rects).toBe(before);
    fc.destroy();
    raf.mockRestore();
  });
});
