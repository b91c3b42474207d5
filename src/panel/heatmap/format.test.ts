import { formatDuration, formatIso, formatSelection, offsetTicks, timeTicks } from './format';
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
