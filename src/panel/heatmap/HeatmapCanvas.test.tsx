import { createTheme } from '@grafana/data';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { Selection } from '../model';
import { colorScale } from './colors';
import { HeatmapCanvas, PLOT_INSETS } from './HeatmapCanvas';
import { makeGrid, START } from './testUtils';

/** A 2D context that records what was filled, and with which colour. */
interface Recorder {
  fills: Array<{ x: number; y: number; w: number; h: number; color: string }>;
  strokes: number;
}

function installFakeContexts(): Map<HTMLCanvasElement, Recorder> {
  const recorders = new Map<HTMLCanvasElement, Recorder>();
  const contexts = new Map<HTMLCanvasElement, object>();
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    if (!contexts.has(this)) {
      const rec: Recorder = { fills: [], strokes: 0 };
      recorders.set(this, rec);
      const ctx: { fillStyle: unknown } & Record<string, unknown> = {
        fillStyle: '',
        strokeStyle: '',
        lineWidth: 1,
        clearRect() {
          rec.fills = [];
        },
        fillRect(x: number, y: number, w: number, h: number) {
          rec.fills.push({ x, y, w, h, color: String(ctx.fillStyle) });
        },
        strokeRect() {
          rec.strokes++;
        },
      };
      contexts.set(this, ctx);
    }
    return contexts.get(this) as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext);
  return recorders;
}

// 10 one-second columns over a 500 px plot (50 px each), 10 rows over 100 px (10 px, 100 ms each).
const PLOT = { width: 500, height: 100 };
const SIZE = {
  width: PLOT.width + PLOT_INSETS.left + PLOT_INSETS.right,
  height: PLOT.height + PLOT_INSETS.top + PLOT_INSETS.bottom,
};
const RECT = { left: 100, top: 50 };
const theme = createTheme({ colors: { mode: 'light' } });
const grid = makeGrid(
  10,
  10,
  [
    [3, 2, 5],
    [7, 9, 10],
  ],
  { uncovered: [9] }
);

/** Client coordinates of the middle of a cell. */
const at = (column: number, row: number) => ({
  clientX: RECT.left + column * 50 + 25,
  clientY: RECT.top + PLOT.height - row * 10 - 5,
  button: 0,
});

let rerenderWith: (size: Partial<typeof SIZE>) => void = () => undefined;

function setup(selection?: Selection) {
  const recorders = installFakeContexts();
  const onSelect = jest.fn();
  const onHover = jest.fn();
  const element = (size = SIZE) => (
    <HeatmapCanvas
      grid={grid}
      {...size}
      fromMs={START}
      toMs={START + 10_000}
      palette="flamescope"
      timeZone="utc"
      theme={theme}
      selection={selection}
      onSelect={onSelect}
      onHover={onHover}
    />
  );
  const { rerender } = render(element());
  rerenderWith = (size) => rerender(element({ ...SIZE, ...size }));
  const overlay = screen.getByTestId('flamescope-heatmap-overlay') as HTMLCanvasElement;
  jest.spyOn(overlay, 'getBoundingClientRect').mockReturnValue({
    ...RECT,
    x: RECT.left,
    y: RECT.top,
    right: RECT.left + PLOT.width,
    bottom: RECT.top + PLOT.height,
    ...PLOT,
    toJSON: () => ({}),
  });
  const cells = recorders.get(screen.getByTestId('flamescope-heatmap-cells') as HTMLCanvasElement)!;
  return { overlay, cells, overlayRec: () => recorders.get(overlay)!, onSelect, onHover };
}

afterEach(() => jest.restoreAllMocks());

describe('HeatmapCanvas', () => {
  it('fills cells with samples in the scale’s colour at their column’s x', () => {
    const { cells } = setup();
    const scale = colorScale('flamescope', 10, theme);
    expect(screen.getByTestId('flamescope-heatmap')).toBeInTheDocument();
    // Column 3, row 2 (5 samples): x 150, rows counted up from the bottom.
    expect(cells.fills).toContainEqual({ x: 150, y: 70, w: 50, h: 10, color: scale(5) });
    // Column 7, row 9 (the max): the top row, in FlameScope's red.
    expect(cells.fills).toContainEqual({ x: 350, y: 0, w: 50, h: 10, color: '#e50914' });
    // Column 9 was not covered by any profile: one "no data" column.
    expect(cells.fills).toContainEqual({ x: 450, y: 0, w: 50, h: 100, color: theme.colors.background.secondary });
    // Zero cells are background, never red.
    expect(cells.fills.filter((f) => f.x === 0).map((f) => f.color)).toEqual(['#ffffff']);
    expect(screen.queryByTestId('flamescope-selection')).not.toBeInTheDocument();
    expect(screen.getByText('10 samples')).toBeInTheDocument();
  });

  it('brushes a selection with the mouse and reports it on release only', async () => {
    const { overlay, onSelect, overlayRec } = setup();
    fireEvent.mouseDown(overlay, at(3, 2));
    fireEvent.mouseMove(overlay, at(4, 5));
    fireEvent.mouseMove(overlay, at(5, 7));
    expect(onSelect).not.toHaveBeenCalled();
    fireEvent.mouseUp(overlay, at(5, 7));
    expect(onSelect).toHaveBeenCalledTimes(1);
    // Rows are 100 ms: from 3 s + 200 ms to 5 s + 800 ms.
    expect(onSelect.mock.calls[0][0]).toMatchObject({ fromMs: START + 3200, toMs: START + 5800 });
    expect(screen.getByTestId('flamescope-selection')).toHaveTextContent('09:30:03.200 – 09:30:05.800 (2.6 s)');

    // The highlight, drawn on the next frame: all of column 4, the top of column 3, the bottom of column 5.
    await waitFor(() => expect(overlayRec().fills.length).toBeGreaterThan(0));
    const fills = overlayRec().fills.map(({ x, y, w, h }) => ({ x, y, w, h }));
    expect(fills).toEqual(
      expect.arrayContaining([
        { x: 150, y: 0, w: 50, h: 80 },
        { x: 200, y: 0, w: 50, h: 100 },
        { x: 250, y: 20, w: 50, h: 80 },
      ])
    );
    expect(fills).toHaveLength(3);

    // Esc clears.
    act(() => {
      fireEvent.keyDown(overlay, { key: 'Escape' });
    });
    expect(onSelect).toHaveBeenLastCalledWith(undefined);
    expect(screen.queryByTestId('flamescope-selection')).not.toBeInTheDocument();
  });

  it('selects FlameScope’s way: click a start, hover, click an end (in either order)', () => {
    const { overlay, onSelect, onHover } = setup();
    fireEvent.mouseDown(overlay, at(2, 0));
    fireEvent.mouseUp(overlay, at(2, 0));
    expect(onSelect).not.toHaveBeenCalled();
    expect(screen.getByText(/click the end/)).toBeInTheDocument();
    fireEvent.mouseMove(overlay, at(1, 9));
    expect(onHover).toHaveBeenLastCalledWith(START + 1900);
    fireEvent.mouseDown(overlay, at(1, 9));
    fireEvent.mouseUp(overlay, at(1, 9));
    expect(onSelect).toHaveBeenCalledTimes(1);
    expect(onSelect.mock.calls[0][0]).toMatchObject({ fromMs: START + 1900, toMs: START + 2100 });
    fireEvent.mouseLeave(overlay);
    expect(onHover).toHaveBeenLastCalledWith(undefined);
  });

  it('selects from the keyboard', () => {
    const { overlay, onSelect } = setup();
    act(() => overlay.focus());
    for (const key of ['ArrowRight', 'ArrowRight', 'Enter', 'ArrowUp', 'ArrowUp', 'Enter']) {
      fireEvent.keyDown(overlay, { key });
    }
    expect(onSelect.mock.calls[0][0]).toMatchObject({ fromMs: START + 2000, toMs: START + 2300 });
  });

  it('shows a selection passed in, and the tooltip for the hovered cell', () => {
    const { overlay } = setup({
      fromMs: START + 3240,
      toMs: START + 3300,
      start: { column: 3, row: 2 },
      end: { column: 3, row: 2 },
    });
    expect(screen.getByTestId('flamescope-selection')).toHaveTextContent('09:30:03.240 – 09:30:03.300 (60 ms)');
    fireEvent.mouseMove(overlay, at(3, 2));
    const tooltip = screen.getByText('+3.2 s · 09:30:03.200–.300').parentElement!;
    expect(tooltip).toHaveTextContent('5 samples (50 % of the busiest cell)');
    fireEvent.mouseMove(overlay, at(9, 0));
    expect(tooltip).toHaveTextContent('no profile covers this time');
  });

  it('hides the tooltip when the plot changes under a still pointer (a selection shrinks the heat map)', () => {
    const { overlay } = setup();
    fireEvent.mouseMove(overlay, at(3, 2));
    const tooltip = screen.getByText('+3.2 s · 09:30:03.200–.300').parentElement!;
    expect(tooltip.style.display).toBe('block');
    // The same heat map, shorter: what the panel does when a selection opens the flame graph below.
    rerenderWith({ height: SIZE.height - 40 });
    expect(tooltip.style.display).toBe('none');
    // The next move shows it again (near the top: the plot is 60 px tall now).
    fireEvent.mouseMove(overlay, at(7, 9));
    expect(tooltip.style.display).toBe('block');
  });

  it('tops the colours out below a lone outlier cell, and says so in the legend', () => {
    // 200 cells of 1–3 samples and one of 40.
    const cellsList: Array<[number, number, number]> = [];
    for (let c = 0; c < 20; c++) {
      for (let r = 0; r < 10; r++) {
        cellsList.push([c, r, 1 + ((c + r) % 3)]);
      }
    }
    cellsList[55] = [5, 5, 40];
    const busy = makeGrid(20, 10, cellsList);
    installFakeContexts();
    const canvas = (scale?: 'auto' | 'max') => (
      <HeatmapCanvas
        grid={busy}
        {...SIZE}
        fromMs={START}
        toMs={START + 20_000}
        palette="flamescope"
        colorScale={scale}
        timeZone="utc"
        theme={theme}
        onSelect={jest.fn()}
      />
    );
    const { rerender } = render(canvas());
    expect(screen.getByTestId('flamescope-heatmap-legend-top')).toHaveTextContent('3+ samples');
    expect(screen.getByText(/one cell is above the scale .* the busiest has 40/)).toBeInTheDocument();
    rerender(canvas('max'));
    expect(screen.getByTestId('flamescope-heatmap-legend-top')).toHaveTextContent('40 samples');
    expect(screen.queryByText(/above the scale/)).not.toBeInTheDocument();
  });
});
