import { HeatmapGrid } from '../model';
import {
  cellTooltip,
  formatClockRange,
  formatDuration,
  formatIso,
  formatSelection,
  offsetTicks,
  timeTicks,
} from './format';
import { START } from './testUtils';

describe('format', () => {
  it('writes a selection as clock times with ms and its length', () => {
    expect(formatSelection({ fromMs: START + 3240, toMs: START + 3300 }, 'utc')).toBe(
      '09:30:03.240 – 09:30:03.300 (60 ms)'
    );
    expect(formatSelection({ fromMs: START, toMs: START + 2500 }, 'Asia/Kolkata')).toBe(
      '15:00:00.000 – 15:00:02.500 (2.5 s)'
    );
  });

  it('formats ISO times with ms in the zone, and durations', () => {
    expect(formatIso(START + 240, 'utc')).toBe('2026-11-17T09:30:00.240+00:00');
    expect(formatDuration(1000 / 3)).toBe('333.3 ms');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
  });

  it('ticks the time axis at a round step with room for the labels', () => {
    // 10 s over 500 px: 2 s apart is 100 px.
    const ticks = timeTicks(START, START + 10_000, 500, 'utc');
    expect(ticks.map((t) => t.label)).toEqual(['09:30:00', '09:30:02', '09:30:04', '09:30:06', '09:30:08', '09:30:10']);
    expect(ticks[1].position).toBe(100);
  });

  it('ticks whole seconds only, however far zoomed in: a column is a second, the offset is the y axis', () => {
    // 2 s over 1200 px: no 09:30:17.100, .200… — the edges of the two columns and the end.
    const ticks = timeTicks(START + 17_000, START + 19_000, 1200, 'utc');
    expect(ticks.map((t) => t.label)).toEqual(['09:30:17', '09:30:18', '09:30:19']);
    expect(ticks.map((t) => t.position)).toEqual([0, 600, 1200]);
    expect(timeTicks(START + 17_300, START + 17_700, 1200, 'utc')).toEqual([]);
  });

  it('describes a cell in the header’s time format: relative and clock time, samples and share of the busiest', () => {
    const grid: HeatmapGrid = {
      startMs: START,
      columnMs: 1000,
      columns: 20,
      rows: 50,
      counts: new Float64Array(20 * 50),
      covered: new Uint8Array(20).fill(1),
      max: 5,
      total: 2,
    };
    grid.counts[17 * 50 + 25] = 2;
    grid.covered[3] = 0;
    expect(cellTooltip(grid, { column: 17, row: 25 }, START, 'utc')).toEqual([
      '+17.5 s · 09:30:17.500–.520',
      '2 samples (40 % of the busiest cell)',
    ]);
    expect(cellTooltip(grid, { column: 17, row: 0 }, START, 'utc')[1]).toBe('0 samples (0 % of the busiest cell)');
    expect(cellTooltip(grid, { column: 3, row: 0 }, START, 'utc')[1]).toBe('no profile covers this time');
    const merged = { ...grid, columnMs: 10_000, columns: 2 };
    expect(cellTooltip(merged, { column: 1, row: 25 }, START, 'utc')[0]).toBe(
      '+10–20 s · 09:30:10–09:30:19, offset 500–520 ms'
    );
    expect(formatClockRange(START + 999, START + 1019, 'utc')).toBe('09:30:00.999–09:30:01.019');
  });

  it('aligns ticks to the zone’s clock (hours on the hour at +05:30)', () => {
    const from = START - 20 * 60_000; // 09:10 UTC = 14:40 IST
    const ticks = timeTicks(from, from + 6 * 3_600_000, 600, 'Asia/Kolkata');
    expect(ticks[0].label).toBe('15:00');
    expect(ticks[0].value).toBe(START);
  });

  it('ticks the offset axis from 0 ms at the bottom to 1000 ms at the top', () => {
    expect(offsetTicks(100).map((t) => [t.label, t.position])).toEqual([
      ['0', 100],
      ['250', 75],
      ['500', 50],
      ['750', 25],
      ['1000', 0],
    ]);
  });
});
