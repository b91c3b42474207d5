import React, { createRef } from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FlameNode } from '../model';
import { frameColor, HIGHLIGHT_COLOR, LEGEND_DIFF } from './colors';
import { FlameGraphHandle, FlameGraphView } from './FlameGraphView';
import { downloadText, profileName, rangeText, svgFileName, svgLabel } from './svg-export';
import { Drawn, installRecordingCanvas } from './testCanvas';

function node(name: string, value: number, kind: FlameNode['kind'], children: FlameNode[] = [], valueRight?: number) {
  return { name, value, kind, children, ...(valueRight !== undefined ? { valueRight } : {}) };
}

// 1000 samples; "tiny" is 1/1000 of them: 0.8 px at 800 px (drawn), 0.4 px at 400 px (not drawn).
const ROOT: FlameNode = node('all', 1000, 'root', [
  node('java', 700, 'thread', [
    node('main', 600, 'jit', [node('operator((int)', 300, 'inlined'), node('tiny', 1, 'user')]),
    node('GC', 100, 'user'),
  ]),
  node('kworker', 300, 'thread', [node('schedule', 300, 'kernel')]),
]);
const ORDER = ['all', 'java', 'main', 'operator((int)', 'tiny', 'GC', 'kworker', 'schedule'];
// 400 px tall: the toolbar (40) and the status line (24) leave 336 px of graph; rows are 18 px.
const GRAPH_HEIGHT = 336;

let drawing: (canvas: HTMLCanvasElement) => Drawn;

beforeEach(() => {
  drawing = installRecordingCanvas();
});

afterEach(() => {
  jest.restoreAllMocks();
});

function canvas(): HTMLCanvasElement {
  return screen.getByRole('application');
}

function framesDrawn(): number {
  return Number(canvas().dataset.framesDrawn ?? -1);
}

/** The frames' rects of the last paint (the background left out), in depth-first order of the drawn frames. */
function rects() {
  return drawing(canvas()).rects.slice(1);
}

async function painted(n: number) {
  await waitFor(() => expect(framesDrawn()).toBe(n));
}

/** The rect a frame was drawn as, found by its label's position (labels are drawn inside their rect). */
function rectLabelled(text: string) {
  const d = drawing(canvas());
  const label = d.texts.find((t) => t.text === text);
  if (!label) {
    throw new Error(`no label ${text} in ${d.texts.map((t) => t.text).join(', ')}`);
  }
  return d.rects.slice(1).find((r) => label.x >= r.x && label.x < r.x + r.w && label.y >= r.y && label.y < r.y + r.h)!;
}

/** The middle of level `level`'s row, in a flame (root at the bottom) of GRAPH_HEIGHT px. */
function flameY(level: number) {
  return GRAPH_HEIGHT - level * 18 - 9;
}

describe('FlameGraphView', () => {
  it('paints a rect and a label per visible frame on a canvas, root at the bottom', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    expect(screen.getByTestId('flamescope-flamegraph')).toContainElement(canvas());
    await painted(8);
    expect(canvas().tabIndex).toBe(0);
    expect(canvas().getAttribute('aria-label')).toMatch(/^Flame graph, 8 frames\. Arrow keys/);
    // The background, then the frames in depth-first order: java (700) and kworker (300) side by side.
    const r = rects();
    expect(r.map((x) => x.color)[ORDER.indexOf('schedule')]).toBe(frameColor('schedule', 'kernel'));
    expect(r[ORDER.indexOf('java')]).toMatchObject({ x: 0, w: 559 });
    expect(r[ORDER.indexOf('kworker')]).toMatchObject({ x: 560, w: 239 });
    expect(r[0].y).toBe(GRAPH_HEIGHT - 18);
    const labels = drawing(canvas()).texts.map((t) => t.text);
    expect(labels).toEqual(expect.arrayContaining(['all', 'java', 'main', 'operator((int)', 'GC', 'kworker']));
    // Narrow frames: no room for a label.
    expect(labels).not.toContain('tiny');
  });

  it('leaves out frames under half a pixel', async () => {
    render(<FlameGraphView root={ROOT} width={400} height={400} />);
    await painted(7);
  });

  it('searches as plain text after a pause: highlights matches and counts their samples', async () => {
    const onSearchChange = jest.fn();
    render(<FlameGraphView root={ROOT} width={800} height={400} onSearchChange={onSearchChange} />);
    await painted(8);
    const before = rectLabelled('operator((int)').color;
    fireEvent.change(screen.getByLabelText('Search frames'), { target: { value: 'operator((' } });
    expect(onSearchChange).toHaveBeenLastCalledWith('operator((');
    await waitFor(() =>
      expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('1 match, 30.00% of samples')
    );
    await waitFor(() => expect(rectLabelled('operator((int)').color).toBe(HIGHLIGHT_COLOR));
    expect(rectLabelled('main').color).not.toBe(HIGHLIGHT_COLOR);

    // Nested matches count their samples once: "a" is in all, java, main, operator((int).
    fireEvent.change(screen.getByLabelText('Search frames'), { target: { value: 'A' } });
    await waitFor(() =>
      expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('4 matches, 100.00% of samples')
    );

    // Clearing is immediate.
    fireEvent.click(screen.getByLabelText('Clear search'));
    expect(screen.queryByTestId('flamescope-flamegraph-matches')).not.toBeInTheDocument();
    await waitFor(() => expect(rectLabelled('operator((int)').color).toBe(before));
  });

  it('debounces typing: one search for a burst of keystrokes', async () => {
    jest.useFakeTimers();
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    for (const value of ['s', 'sc', 'sch']) {
      fireEvent.change(screen.getByLabelText('Search frames'), { target: { value } });
      act(() => jest.advanceTimersByTime(50));
    }
    expect(screen.queryByTestId('flamescope-flamegraph-matches')).not.toBeInTheDocument();
    act(() => jest.advanceTimersByTime(150));
    expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('1 match, 30.00% of samples');
    jest.useRealTimers();
  });

  it('follows the search prop', async () => {
    const { rerender } = render(<FlameGraphView root={ROOT} width={800} height={400} search="GC" />);
    expect(screen.getByLabelText('Search frames')).toHaveValue('GC');
    await waitFor(() => expect(rectLabelled('GC').color).toBe(HIGHLIGHT_COLOR));
    rerender(<FlameGraphView root={ROOT} width={800} height={400} search="kworker" />);
    expect(screen.getByLabelText('Search frames')).toHaveValue('kworker');
    await waitFor(() =>
      expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('1 match, 30.00% of samples')
    );
    await waitFor(() => expect(rectLabelled('GC').color).not.toBe(HIGHLIGHT_COLOR));
  });

  it('zooms into a clicked frame (ancestors stay as a faded bar) and resets', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    const reset = screen.getByRole('button', { name: /reset zoom/i });
    // Grafana's Button keeps its tooltip when disabled by using aria-disabled.
    const disabled = () => reset.getAttribute('aria-disabled') === 'true';
    expect(disabled()).toBe(true);
    // main: level 2, x 0–480.
    fireEvent.click(canvas(), { clientX: 100, clientY: flameY(2) });
    expect(disabled()).toBe(false);
    // all, java (faded, full width), main (full width), operator((int), tiny.
    await painted(5);
    expect(rectLabelled('main')).toMatchObject({ x: 0, w: 799, alpha: 1 });
    expect(rectLabelled('java')).toMatchObject({ x: 0, w: 799 });
    expect(rectLabelled('java').alpha).toBeLessThan(1);
    expect(rectLabelled('operator((int)')).toMatchObject({ x: 0, w: 399 });
    expect(canvas().getAttribute('aria-label')).toMatch(/zoomed into main/);

    // Clicking the bar zooms out to that frame; Reset zoom shows everything.
    fireEvent.click(canvas(), { clientX: 700, clientY: flameY(1) });
    await painted(6);
    fireEvent.click(reset);
    expect(disabled()).toBe(true);
    await painted(8);
  });

  it('keeps the zoom when the same data arrives again (a resize or a refetch), not when the frame is gone', async () => {
    const { rerender } = render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    fireEvent.click(canvas(), { clientX: 100, clientY: flameY(2) });
    await painted(5);
    rerender(<FlameGraphView root={JSON.parse(JSON.stringify(ROOT))} width={600} height={300} />);
    await painted(5);
    expect(rectLabelled('main')).toMatchObject({ x: 0, w: 599 });
    rerender(<FlameGraphView root={node('all', 10, 'root', [node('only', 10, 'user')])} width={600} height={300} />);
    await painted(2);
    expect(screen.getByRole('button', { name: /reset zoom/i }).getAttribute('aria-disabled')).toBe('true');
  });

  it('flips between flame and icicle', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    expect(rects()[0].y).toBe(GRAPH_HEIGHT - 18);
    fireEvent.click(screen.getByLabelText('Icicle'));
    await waitFor(() => expect(rects()[0].y).toBe(0));
    fireEvent.click(screen.getByLabelText('Flame'));
    await waitFor(() => expect(rects()[0].y).toBe(GRAPH_HEIGHT - 18));
  });

  it('shows frame details in a tooltip next to the pointer, and outlines the frame', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    const tip = screen.getByTestId('flamescope-flamegraph-tooltip');
    // GC: level 2, x 480–560.
    fireEvent.mouseMove(canvas(), { clientX: 500, clientY: flameY(2) });
    expect(tip).toHaveTextContent('GC100 samples (10.00%)');
    expect(tip.style.visibility).toBe('visible');
    // 14 px right of and 18 px below the pointer (jsdom measures the tooltip as 0 × 0).
    expect(tip.style.transform).toBe(`translate(514px, ${flameY(2) + 18}px)`);
    const overlay = canvas().parentElement!.querySelectorAll('canvas')[1];
    await waitFor(() => expect(drawing(overlay).strokes).toHaveLength(1));
    fireEvent.mouseLeave(canvas());
    expect(tip.style.visibility).toBe('hidden');
    await waitFor(() => expect(drawing(overlay).strokes).toHaveLength(0));
  });

  it('keeps the tooltip inside the panel', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    const tip = screen.getByTestId('flamescope-flamegraph-tooltip');
    Object.defineProperty(tip, 'offsetWidth', { configurable: true, value: 200 });
    Object.defineProperty(tip, 'offsetHeight', { configurable: true, value: 50 });
    // Near the right and bottom edges: the tooltip goes left of and above the pointer.
    fireEvent.mouseMove(canvas(), { clientX: 790, clientY: flameY(0) });
    const [, x, y] = /translate\((-?\d+)px, (-?\d+)px\)/.exec(tip.style.transform)!.map(Number);
    expect(x + 200).toBeLessThanOrEqual(800);
    expect(x).toBeLessThan(790);
    expect(y + 50).toBeLessThanOrEqual(400);
  });

  it('moves between frames with the keyboard, zooms with Enter and resets with Escape', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    const c = canvas();
    act(() => c.focus());
    const live = () => document.getElementById(c.getAttribute('aria-describedby')!)!.textContent;
    // The first arrow picks the root; in a flame, Up goes towards the leaves (the widest child).
    fireEvent.keyDown(c, { key: 'ArrowUp' });
    expect(live()).toMatch(/^all, 1,000 samples/);
    fireEvent.keyDown(c, { key: 'ArrowUp' });
    expect(live()).toMatch(/^java, /);
    fireEvent.keyDown(c, { key: 'ArrowRight' });
    expect(live()).toMatch(/^kworker, 300 samples \(30\.00%\)/);
    fireEvent.keyDown(c, { key: 'ArrowRight' });
    expect(live()).toMatch(/^kworker/);
    fireEvent.keyDown(c, { key: 'ArrowLeft' });
    fireEvent.keyDown(c, { key: 'ArrowUp' });
    expect(live()).toMatch(/^main, /);
    fireEvent.keyDown(c, { key: 'ArrowDown' });
    expect(live()).toMatch(/^java, /);
    fireEvent.keyDown(c, { key: 'ArrowUp' });
    // The keyboard's frame is outlined (in the theme's primary colour) while the graph has focus.
    const overlay = c.parentElement!.querySelectorAll('canvas')[1];
    await waitFor(() => expect(drawing(overlay).strokes).toHaveLength(1));

    fireEvent.keyDown(c, { key: 'Enter' });
    expect(live()).toBe('Zoomed into main');
    await painted(5);
    expect(screen.getByRole('button', { name: /reset zoom/i }).getAttribute('aria-disabled')).toBe('false');
    // Left and right stay inside the zoom: GC is not in it.
    fireEvent.keyDown(c, { key: 'ArrowRight' });
    expect(live()).toBe('Zoomed into main');
    fireEvent.keyDown(c, { key: 'Escape' });
    expect(live()).toBe('Zoom reset: the whole graph');
    await painted(8);
    expect(screen.getByRole('button', { name: /reset zoom/i }).getAttribute('aria-disabled')).toBe('true');
  });

  it('in an icicle, Down goes towards the leaves', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} inverted />);
    await painted(8);
    const c = canvas();
    const live = () => document.getElementById(c.getAttribute('aria-describedby')!)!.textContent;
    fireEvent.keyDown(c, { key: 'ArrowDown' });
    fireEvent.keyDown(c, { key: 'ArrowDown' });
    expect(live()).toMatch(/^java, /);
    fireEvent.keyDown(c, { key: 'ArrowUp' });
    expect(live()).toMatch(/^all, /);
  });

  it("highlights a function's frames on request and reports right-clicks on frames", async () => {
    const onFrameContextMenu = jest.fn();
    const { rerender } = render(
      <FlameGraphView root={ROOT} width={800} height={400} highlight="GC" onFrameContextMenu={onFrameContextMenu} />
    );
    await waitFor(() => expect(rectLabelled('GC').color).toBe(HIGHLIGHT_COLOR));
    expect(rects().filter((r) => r.color === HIGHLIGHT_COLOR)).toHaveLength(1);
    const menu = fireEvent.contextMenu(canvas(), { clientX: 500, clientY: flameY(2) });
    expect(menu).toBe(false); // the browser's menu is suppressed
    expect(onFrameContextMenu).toHaveBeenCalledWith(expect.objectContaining({ name: 'GC', value: 100 }), {
      clientX: 500,
      clientY: flameY(2),
    });
    // Nowhere near a frame: nothing reported.
    fireEvent.contextMenu(canvas(), { clientX: 700, clientY: 5 });
    expect(onFrameContextMenu).toHaveBeenCalledTimes(1);
    rerender(<FlameGraphView root={ROOT} width={800} height={400} />);
    await waitFor(() => expect(rectLabelled('GC').color).toBe(frameColor('GC', 'user')));
  });

  it('has a legend of the kinds present, and says when small frames were merged', async () => {
    const { rerender } = render(<FlameGraphView root={ROOT} width={800} height={400} />);
    const legend = screen.getByTestId('flamescope-flamegraph-legend');
    expect(legend).toHaveTextContent(/user.*kernel.*JIT.*inlined.*thread \/ all/);
    expect(legend).not.toHaveTextContent('idle');
    expect(screen.queryByTestId('flamescope-flamegraph-pruned')).not.toBeInTheDocument();
    rerender(
      <FlameGraphView
        root={node('all', 10, 'root', [node('do_idle', 10, 'kernel')])}
        width={800}
        height={400}
        droppedNodes={29460}
      />
    );
    expect(screen.getByTestId('flamescope-flamegraph-legend')).toHaveTextContent(/idle.*thread \/ all/);
    expect(screen.getByTestId('flamescope-flamegraph-pruned')).toHaveTextContent('29,460 small frames merged');
    // A Node profile's kinds: the runtime, packages, the GC and V8's (program).
    rerender(
      <FlameGraphView
        root={node('all', 10, 'root', [
          node('main', 10, 'thread', [
            node('processTicksAndRejections node:internal/process/task_queues:95', 4, 'runtime', [
              node('parse node_modules/qs/lib/parse.js:10', 2, 'library'),
            ]),
            node('(garbage collector)', 3, 'gc'),
            node('(program)', 3, 'program'),
          ]),
        ])}
        width={800}
        height={400}
      />
    );
    expect(screen.getByTestId('flamescope-flamegraph-legend')).toHaveTextContent(/runtime.*library.*GC.*program/);
  });

  it('offers "show all" for the zoomed frame, and says when every frame below it is shown', async () => {
    const onShowAll = jest.fn();
    const { rerender } = render(
      <FlameGraphView root={ROOT} width={800} height={400} droppedNodes={120} onShowAll={onShowAll} />
    );
    await painted(8);
    fireEvent.click(screen.getByTestId('flamescope-flamegraph-show-all'));
    expect(onShowAll).toHaveBeenLastCalledWith([]);
    // Zoomed into main: show all asks for every frame below main.
    fireEvent.click(canvas(), { clientX: 100, clientY: flameY(2) });
    await painted(5);
    fireEvent.click(screen.getByTestId('flamescope-flamegraph-show-all'));
    expect(onShowAll).toHaveBeenLastCalledWith(['java', 'main']);
    // While it loads, the graph (and its zoom) stays.
    rerender(
      <FlameGraphView root={ROOT} width={800} height={400} droppedNodes={120} onShowAll={onShowAll} loadingDetail />
    );
    expect(screen.getByTestId('flamescope-flamegraph-pruned')).toHaveTextContent('Loading every frame below main');
    expect(canvas().getAttribute('aria-label')).toMatch(/zoomed into main/);
    // The answer: a new tree with more frames below main; the zoom holds and nothing below main is merged.
    const detailed = node('all', 1000, 'root', [
      node('java', 700, 'thread', [
        node('main', 600, 'jit', [
          node('operator((int)', 300, 'inlined', [node('leaf', 300, 'user')]),
          node('tiny', 1, 'user'),
        ]),
        node('GC', 100, 'user'),
      ]),
      node('kworker', 300, 'thread', [node('schedule', 300, 'kernel')]),
    ]);
    rerender(
      <FlameGraphView
        root={detailed}
        width={800}
        height={400}
        droppedNodes={80}
        onShowAll={onShowAll}
        detail={{ path: ['java', 'main'], droppedNodes: 0 }}
      />
    );
    await painted(6);
    expect(canvas().getAttribute('aria-label')).toMatch(/zoomed into main/);
    expect(screen.getByTestId('flamescope-flamegraph-complete')).toHaveTextContent('Every frame below main shown');
    expect(screen.queryByTestId('flamescope-flamegraph-show-all')).not.toBeInTheDocument();
    // Zoomed out of the detailed frame, the rest of the graph is still pruned: show all is offered again.
    fireEvent.click(screen.getByRole('button', { name: /reset zoom/i }));
    await painted(9);
    expect(screen.getByTestId('flamescope-flamegraph-pruned')).toHaveTextContent('80 small frames merged');
  });

  it('shows where a graph taller than the area is scrolled to', async () => {
    let deep: FlameNode = node('leaf', 1, 'user');
    for (let i = 0; i < 40; i++) {
      deep = node(`f${i}`, 1, 'user', [deep]);
    }
    render(<FlameGraphView root={node('all', 1, 'root', [deep])} width={800} height={400} />);
    // 42 levels of 18 px in 336 px: 19 in view, the root's at the bottom.
    expect(screen.getByTestId('flamescope-flamegraph-levels')).toHaveTextContent('levels 1–19 of 42');
    const content = screen.getByTestId('flamescope-flamegraph').firstElementChild as HTMLElement;
    expect(content.style.height).toBe(`${42 * 18}px`);
  });

  it('colours differential graphs by selection vs baseline, with a legend naming the baseline', async () => {
    // Selection is half of all samples; main is all selection, GC all baseline.
    const diffRoot = node(
      'all',
      100,
      'root',
      [node('main', 50, 'user', [], 50), node('GC', 30, 'user', [], 0), node('idle', 20, 'user', [], 0)],
      50
    );
    const { rerender } = render(
      <FlameGraphView root={diffRoot} width={800} height={400} diff baselineName="the previous selection" />
    );
    await painted(4);
    const [r1, , b1] = rectLabelled('main').color.match(/\d+/g)!.map(Number);
    const [r2, , b2] = rectLabelled('GC').color.match(/\d+/g)!.map(Number);
    expect(r1).toBeGreaterThan(b1);
    expect(b2).toBeGreaterThan(r2);
    const legend = screen.getByTestId('flamescope-flamegraph-legend');
    expect(legend).toHaveTextContent('more in the selection');
    expect(legend).toHaveTextContent('more in the previous selection (baseline)');
    expect(legend.innerHTML).toContain(LEGEND_DIFF.more.replace(/,/g, ', '));
    fireEvent.mouseMove(canvas(), { clientX: 100, clientY: flameY(1) });
    expect(screen.getByTestId('flamescope-flamegraph-tooltip')).toHaveTextContent(
      'main50 samples (50.00%)selection 50 (100.00%), baseline 0 (0.00%)'
    );
    // Same tree, diff off: colours by kind again.
    rerender(<FlameGraphView root={diffRoot} width={800} height={400} />);
    await waitFor(() => expect(rectLabelled('main').color).toBe(frameColor('main', 'user')));
    expect(rectLabelled('GC').color).toBe(frameColor('GC', 'user'));
  });

  it('resizes without recreating the canvas; removes everything on unmount', async () => {
    const { rerender, unmount, container } = render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await painted(8);
    const c = canvas();
    expect(c.style.width).toBe('800px');
    rerender(<FlameGraphView root={ROOT} width={400} height={400} />);
    await painted(7);
    expect(canvas()).toBe(c);
    expect(c.style.width).toBe('400px');
    unmount();
    expect(container).toBeEmptyDOMElement();
  });

  it('exports the graph as shown as a standalone SVG', async () => {
    const ref = createRef<FlameGraphHandle>();
    render(<FlameGraphView ref={ref} root={ROOT} width={800} height={400} search="GC" />);
    await painted(8);
    const svg = ref.current!.exportSvg({ title: 'Flame graph · svc/a.perf · 09:30', subtitle: 'slice' });
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toMatch(/<svg[^>]* width="820"/);
    expect(svg).toContain('<title>Flame graph · svc/a.perf · 09:30</title>');
    expect(svg).toMatch(/<style[^>]*>[^<]*font-family[^<]*<\/style>/);
    expect(svg).toContain('>operator((int)</text>');
    expect(svg).toContain('<title>GC\n100 samples (10.00%)</title>');
    expect(svg).toContain(`fill="${HIGHLIGHT_COLOR}"`);
    expect(svg).not.toContain('foreignObject');
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelector('text.subtitle')?.textContent).toBe('slice · search "GC": 1 match, 10.00% of samples');
    expect(doc.querySelectorAll('g.frame rect')).toHaveLength(8);
    expect(doc.querySelectorAll('g.frame text').length).toBeGreaterThanOrEqual(6);

    // Zoomed into main: only the zoom, the bar faded.
    fireEvent.click(canvas(), { clientX: 100, clientY: flameY(2) });
    await painted(5);
    const zoomed = new DOMParser().parseFromString(ref.current!.exportSvg({ title: 't' }), 'image/svg+xml');
    expect(zoomed.querySelectorAll('g.frame')).toHaveLength(5);
    expect(zoomed.querySelectorAll('g.fade')).toHaveLength(2);
    expect(zoomed.documentElement.textContent).toContain('zoomed into main');
  });
});

describe('svg export helpers', () => {
  it('shortens labels as flamegraph.pl does', () => {
    // 60 px holds 7 characters of 12 px Verdana: 5 and "..".
    expect(svgLabel('a_rather_long_function_name', 60)).toBe('a_rat..');
    expect(svgLabel('narrow', 10)).toBeNull();
    expect(svgLabel('GC', 80)).toBe('GC');
  });

  it('names the file after the profile and the range', () => {
    const from = Date.UTC(2026, 10, 17, 9, 30, 3, 240);
    expect(svgFileName('svc/2026-11-17T09:30:00Z.perf', from, from + 60)).toBe(
      'flamegraph-svc_2026-11-17T09_30_00Z-20261117T093003.240Z-20261117T093003.300Z.svg'
    );
    expect(svgFileName()).toBe('flamegraph.svg');
    expect(profileName([{ id: 'a/b.perf.gz' }])).toBe('a/b.perf.gz');
    expect(profileName([{ id: 'a' }, { id: 'b' }, { id: 'c' }])).toBe('a and 2 more');
    expect(profileName(undefined)).toBeUndefined();
    expect(rangeText(from, from + 60)).toBe('2026-11-17 09:30:03.240 – 09:30:03.300 UTC (60 ms)');
    expect(rangeText(from, from + 5000)).toBe('2026-11-17 09:30:03.240 – 09:30:08.240 UTC (5 s)');
  });
});

describe('downloadText', () => {
  it('downloads through an object URL and a temporary link', () => {
    jest.useFakeTimers();
    const createObjectURL = jest.fn((_: Blob) => 'blob:flame');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      expect(this.download).toBe('flame.folded');
      expect(this.href).toBe('blob:flame');
      expect(this.isConnected).toBe(true);
    });
    downloadText('flame.folded', 'text/plain', 'a;b 1\n');
    expect(click).toHaveBeenCalledTimes(1);
    const blob = createObjectURL.mock.calls[0][0];
    expect(blob.type).toBe('text/plain');
    expect(blob.size).toBe(6);
    expect(document.querySelector('a[download]')).toBeNull();
    jest.runAllTimers();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:flame');
    click.mockRestore();
    jest.useRealTimers();
  });
});
