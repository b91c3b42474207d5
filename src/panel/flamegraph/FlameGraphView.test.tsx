import React from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createTheme } from '@grafana/data';
import { FlameNode } from '../model';
import { FRAME_TEXT_COLOR, frameColor, HIGHLIGHT_COLOR } from './colors';
import { FlameGraphView } from './FlameGraphView';
import { downloadText, findChartSvg, standaloneSvg } from './svg-export';

/**
 * jsdom has no SVGElement.transform, which d3's transform interpolation (zoom and re-layout transitions) reads. This
 * stand-in understands the `translate(x,y)` transforms d3-flame-graph writes, so frames end where they should.
 */
beforeAll(() => {
  Object.defineProperty(SVGElement.prototype, 'transform', {
    configurable: true,
    get(this: SVGElement) {
      const el = this;
      return {
        baseVal: {
          consolidate() {
            const m = /translate\(\s*([-\d.e]+)[,\s]+([-\d.e]+)\s*\)/.exec(el.getAttribute('transform') ?? '');
            return m ? { matrix: { a: 1, b: 0, c: 0, d: 1, e: Number(m[1]), f: Number(m[2]) } } : null;
          },
        },
      };
    },
  });
});

afterAll(() => {
  delete (SVGElement.prototype as { transform?: unknown }).transform;
});

function node(name: string, value: number, kind: FlameNode['kind'], children: FlameNode[] = [], valueRight?: number) {
  return { name, value, kind, children, ...(valueRight !== undefined ? { valueRight } : {}) };
}

// 1000 samples; "tiny" is 1/1000 of them: under a pixel at 800 px, so not drawn.
const ROOT: FlameNode = node('all', 1000, 'root', [
  node('java', 700, 'thread', [
    node('main', 600, 'jit', [node('operator((int)', 300, 'inlined'), node('tiny', 1, 'user')]),
    node('GC', 100, 'user'),
  ]),
  node('kworker', 300, 'thread', [node('schedule', 300, 'kernel')]),
]);
const DRAWN = ['all', 'java', 'main', 'operator((int)', 'GC', 'kworker', 'schedule'];

function chart() {
  return screen.getByTestId('flamescope-flamegraph');
}

function frames(): SVGGElement[] {
  return Array.from(chart().querySelectorAll<SVGGElement>('g.frame'));
}

function frameNamed(name: string): SVGGElement {
  const g = frames().find((f) => f.getAttribute('name') === name);
  if (!g) {
    throw new Error(`no frame ${name}`);
  }
  return g;
}

function fill(name: string): string | null {
  return frameNamed(name).querySelector('rect')!.getAttribute('fill');
}

/** Labels are written after the transition (250 ms). */
async function labelsDrawn() {
  await waitFor(() => expect(frameNamed('schedule').querySelector('foreignObject div')?.textContent).toBe('schedule'));
}

describe('FlameGraphView', () => {
  it('draws a rect, a label and a tooltip per visible frame', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    const svg = chart().querySelector('svg')!;
    expect(svg).toBeInTheDocument();
    expect(svg.getAttribute('width')).toBe('800');
    expect(
      frames()
        .map((g) => g.getAttribute('name'))
        .sort()
    ).toEqual([...DRAWN].sort());
    expect(chart().querySelectorAll('rect')).toHaveLength(DRAWN.length);
    await labelsDrawn();
    // Wide frames are labelled; the tooltip (<title>) has samples and percent.
    expect(frameNamed('java').querySelector('foreignObject div')?.textContent).toBe('java');
    expect(frameNamed('main').querySelector('title')?.textContent).toBe('main\n600 samples (60.00%)');
    // Frames are sorted by name and sized by value: java (700) then kworker (300), side by side.
    await waitFor(() => expect(frameNamed('java').querySelector('rect')!.getAttribute('width')).toBe('560'));
    expect(frameNamed('kworker').getAttribute('transform')).toMatch(/^translate\(560,/);
    expect(fill('main')).not.toBe(fill('schedule'));
  });

  it('searches as plain text: highlights matches and counts their samples', async () => {
    const onSearchChange = jest.fn();
    render(<FlameGraphView root={ROOT} width={800} height={400} onSearchChange={onSearchChange} />);
    const before = fill('operator((int)');
    fireEvent.change(screen.getByLabelText('Search frames'), { target: { value: 'operator((' } });
    expect(onSearchChange).toHaveBeenLastCalledWith('operator((');
    expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('1 match, 30.00% of samples');
    expect(fill('operator((int)')).toBe(HIGHLIGHT_COLOR);
    expect(fill('main')).not.toBe(HIGHLIGHT_COLOR);

    // Nested matches count their samples once: "a" is in all, java, main, operator((int).
    fireEvent.change(screen.getByLabelText('Search frames'), { target: { value: 'A' } });
    expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('4 matches, 100.00% of samples');

    fireEvent.click(screen.getByLabelText('Clear search'));
    expect(screen.queryByTestId('flamescope-flamegraph-matches')).not.toBeInTheDocument();
    expect(fill('operator((int)')).toBe(before);
  });

  it('follows the search prop', () => {
    const { rerender } = render(<FlameGraphView root={ROOT} width={800} height={400} search="GC" />);
    expect(screen.getByLabelText('Search frames')).toHaveValue('GC');
    expect(fill('GC')).toBe(HIGHLIGHT_COLOR);
    rerender(<FlameGraphView root={ROOT} width={800} height={400} search="kworker" />);
    expect(screen.getByLabelText('Search frames')).toHaveValue('kworker');
    expect(screen.getByTestId('flamescope-flamegraph-matches')).toHaveTextContent('1 match, 30.00% of samples');
    expect(fill('GC')).not.toBe(HIGHLIGHT_COLOR);
  });

  it('zooms on click and resets', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    const reset = screen.getByRole('button', { name: /reset zoom/i });
    // Grafana's Button keeps its tooltip when disabled by using aria-disabled.
    const disabled = () => reset.getAttribute('aria-disabled') === 'true';
    expect(disabled()).toBe(true);
    act(() => {
      frameNamed('main').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(disabled()).toBe(false);
    // main now spans the chart; its parent fades; kworker is gone.
    await waitFor(() => expect(frameNamed('main').querySelector('rect')!.getAttribute('width')).toBe('800'));
    expect(frameNamed('java').getAttribute('class')).toBe('frame fade');
    await waitFor(() => expect(frames().map((g) => g.getAttribute('name'))).not.toContain('kworker'));

    fireEvent.click(reset);
    expect(disabled()).toBe(true);
    await waitFor(() => expect(frames().map((g) => g.getAttribute('name'))).toContain('kworker'));
  });

  it('flips between flame and icicle', async () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    const rootY = () =>
      Number(/translate\([^,]+,\s*([-\d.]+)\)/.exec(frameNamed('all').getAttribute('transform')!)![1]);
    // Flame: the root is the bottom row.
    expect(rootY()).toBeGreaterThan(0);
    fireEvent.click(screen.getByLabelText('Icicle'));
    await waitFor(() => expect(rootY()).toBe(0));
    fireEvent.click(screen.getByLabelText('Flame'));
    await waitFor(() => expect(rootY()).toBeGreaterThan(0));
  });

  it('shows frame details on hover', () => {
    render(<FlameGraphView root={ROOT} width={800} height={400} />);
    act(() => {
      frameNamed('GC').dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    expect(screen.getByText('GC · 100 samples (10.00%)')).toBeInTheDocument();
    act(() => {
      frameNamed('GC').dispatchEvent(new MouseEvent('mouseout', { bubbles: true }));
    });
    expect(screen.queryByText(/GC ·/)).not.toBeInTheDocument();
  });

  it('colours differential graphs by selection vs baseline', () => {
    // Selection is half of all samples; main is all selection, GC all baseline.
    const diffRoot = node(
      'all',
      100,
      'root',
      [node('main', 50, 'user', [], 50), node('GC', 30, 'user', [], 0), node('idle', 20, 'user', [], 0)],
      50
    );
    const { rerender } = render(<FlameGraphView root={diffRoot} width={800} height={400} diff />);
    const [r1, , b1] = fill('main')!.match(/\d+/g)!.map(Number);
    const [r2, , b2] = fill('GC')!.match(/\d+/g)!.map(Number);
    expect(r1).toBeGreaterThan(b1);
    expect(b2).toBeGreaterThan(r2);
    expect(frameNamed('main').querySelector('title')?.textContent).toBe(
      'main\n50 samples (50.00%)\nselection 50 (100.00%), baseline 0 (0.00%)'
    );
    // Same tree, diff off: colours by kind again.
    rerender(<FlameGraphView root={diffRoot} width={800} height={400} />);
    expect(fill('main')).toBe(frameColor('main', 'user'));
    expect(fill('GC')).toBe(frameColor('GC', 'user'));
  });

  it('swaps in a new tree and resizes without recreating the chart', () => {
    const { rerender } = render(<FlameGraphView root={ROOT} width={800} height={400} />);
    const svg = chart().querySelector('svg');
    const other = node('all', 10, 'root', [node('only', 10, 'user')]);
    rerender(<FlameGraphView root={other} width={400} height={400} />);
    expect(chart().querySelector('svg')).toBe(svg);
    expect(svg!.getAttribute('width')).toBe('400');
    expect(frames().map((g) => g.getAttribute('name'))).toEqual(['all', 'only']);
  });

  it('removes the chart on unmount', () => {
    const { unmount, container } = render(<FlameGraphView root={ROOT} width={800} height={400} />);
    const el = chart();
    unmount();
    expect(el.querySelector('svg')).toBeNull();
    expect(container).toBeEmptyDOMElement();
  });
});

describe('standaloneSvg', () => {
  it('serializes the chart with namespace, size, styles and text labels', async () => {
    const { container } = render(<FlameGraphView root={ROOT} width={800} height={400} />);
    await labelsDrawn();
    const svg = findChartSvg(container);
    expect(svg).toBe(chart().querySelector('svg'));
    const text = standaloneSvg(svg!, createTheme({ colors: { mode: 'dark' } }));
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).toMatch(/<svg[^>]* width="800"/);
    expect(text).toMatch(/<svg[^>]* height="\d+"/);
    expect(text).toMatch(/<style>[^<]*font-family[^<]*<\/style>/);
    expect(text).toContain(`fill: ${FRAME_TEXT_COLOR}`);
    expect(text).not.toContain('foreignObject');
    expect(text).not.toMatch(/href="(?!#)/);
    // Labels as SVG text, cut to the frame ("GC" fits its 80 px, "operator((int)" its 240 px).
    expect(text).toContain('>java</text>');
    expect(text).toContain('>operator((int)</text>');
    expect(text).toContain('>GC</text>');
    // The page is untouched.
    expect(chart().querySelectorAll('foreignObject')).toHaveLength(DRAWN.length);

    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.documentElement.querySelectorAll('text').length).toBeGreaterThanOrEqual(DRAWN.length);
  });

  it('shortens labels that do not fit', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', '100');
    svg.setAttribute('height', '18');
    svg.innerHTML =
      '<g class="frame"><rect width="60" height="18"></rect><foreignObject width="60" height="18">' +
      '<div xmlns="http://www.w3.org/1999/xhtml">a_rather_long_function_name</div></foreignObject></g>' +
      '<g class="frame"><rect width="10" height="18"></rect><foreignObject width="10" height="18">' +
      '<div xmlns="http://www.w3.org/1999/xhtml">narrow</div></foreignObject></g>';
    const text = standaloneSvg(svg, createTheme());
    // 60 px holds 7 characters of 12 px Verdana: 5 and "..".
    expect(text).toContain('>a_rat..</text>');
    expect(text).not.toContain('narrow');
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
