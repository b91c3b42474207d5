import { HeatmapGrid } from '../model';
import { colorCap, percentile } from './color-cap';

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

describe('the top of the colour scale', () => {
  it('caps at the 99th percentile of non-empty cells when one cell is an outlier', () => {
    // 300 cells of 2–5 samples, empty cells, and one of 20: the scale tops out at 5, not 20.
    const counts = [...Array.from({ length: 300 }, (_, i) => 2 + (i % 4)), ...Array(100).fill(0), 20];
    expect(colorCap(grid(counts))).toEqual({ value: 5, capped: true });
    expect(colorCap(grid(counts), 'max')).toEqual({ value: 20, capped: false });
  });

  it("keeps FlameScope's scale when the busiest cell is not an outlier", () => {
    const counts = Array.from({ length: 300 }, (_, i) => 1 + (i % 10));
    expect(colorCap(grid(counts))).toEqual({ value: 10, capped: false });
    expect(colorCap(grid([0, 0, 0]))).toEqual({ value: 0, capped: false });
    expect(colorCap(grid([3]))).toEqual({ value: 3, capped: false });
  });

  it('takes the percentile by nearest rank over non-empty cells', () => {
    expect(percentile(Float64Array.from([0, 0, 1, 2, 3, 4]), 0.5)).toBe(2);
    expect(percentile(Float64Array.from([0, 0]), 0.99)).toBe(0);
    expect(percentile(Float64Array.from(Array.from({ length: 100 }, (_, i) => i + 1)), 0.99)).toBe(99);
  });
});
