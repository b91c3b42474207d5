import { fitRange, formatSpan, shiftRange, zoomOutRange } from './range';

describe('time ranges', () => {
  it("fits a profile's samples in whole seconds", () => {
    expect(fitRange(1000, 9990)).toEqual({ from: 1000, to: 10000 });
    expect(fitRange(1500, 10_000)).toEqual({ from: 1000, to: 11_000 });
    expect(fitRange(2000, 2000)).toEqual({ from: 2000, to: 3000 });
  });

  it('moves by half its length and zooms out around its centre', () => {
    expect(shiftRange({ from: 0, to: 10 }, -1)).toEqual({ from: -5, to: 5 });
    expect(shiftRange({ from: 0, to: 10 }, 1)).toEqual({ from: 5, to: 15 });
    expect(zoomOutRange({ from: 10, to: 20 })).toEqual({ from: 5, to: 25 });
  });

  it('says how long a span is', () => {
    expect(formatSpan(250)).toBe('250 ms');
    expect(formatSpan(9990)).toBe('10 s');
    expect(formatSpan(40_000)).toBe('40 s');
    expect(formatSpan(30 * 60_000)).toBe('30 min');
    expect(formatSpan(5 * 3_600_000)).toBe('5 h');
    expect(formatSpan(3 * 86_400_000)).toBe('3 days');
  });
});
