import { HeatmapGrid } from '../model';
import { colorCap } from './color-cap';

function grid(counts: number[]): HeatmapGrid {
  return {
    startMs: 0,
    columnMs: 1000,
    columns: counts.length,
    rows: 1,
    counts: Float64Array.from(counts),
    covered: new Uint8Array(counts.length).fill(1),
    max: Math.max(0, ...counts),
    total: counts.reduce((a, b) => a + b, 0),
  };
}

/** n cells of 2–8 samples. */
const varied = (n: number) => Array.from({ length: n }, (_, i) => 2 + (i % 7));

describe('the top of the colour scale', () => {
  it('leaves a lone outlier out of the scale: the rest keep their shades, the outlier the top colour', () => {
    // The classic example's case: 2–8 samples a cell, empty cells, one cell of 20.
    const counts = [...varied(2000), ...Array(100).fill(0), 20];
    expect(colorCap(grid(counts))).toEqual({ value: 8, capped: true, above: 1 });
    expect(colorCap(grid(counts), 'max')).toEqual({ value: 20, capped: false, above: 0 });
  });

  it('keeps a burst dark: a few cells far above the rest are the signal, not outliers', () => {
    // Steady 2 samples a cell and a 50-ms GC burst: three cells of 22 among 500.
    const counts = [...Array(497).fill(2), 22, 22, 22];
    expect(colorCap(grid(counts))).toEqual({ value: 22, capped: false, above: 0 });
  });

  it("keeps FlameScope's scale when the busiest cell is not far above the rest, or there is nothing to cap", () => {
    expect(colorCap(grid(varied(300)))).toEqual({ value: 8, capped: false, above: 0 });
    expect(colorCap(grid([0, 0, 0]))).toEqual({ value: 0, capped: false, above: 0 });
    expect(colorCap(grid([3]))).toEqual({ value: 3, capped: false, above: 0 });
    expect(colorCap(grid([1, 30]))).toEqual({ value: 1, capped: true, above: 1 });
  });

  it('leaves out at most one cell in a thousand', () => {
    // 5005 cells: five may be left out; five far above the rest are, six are a burst and keep the scale.
    expect(colorCap(grid([...varied(5000), 40, 41, 42, 43, 44]))).toEqual({ value: 8, capped: true, above: 5 });
    expect(colorCap(grid([...varied(4999), 40, 41, 42, 43, 44, 45]))).toEqual({ value: 45, capped: false, above: 0 });
  });
});
