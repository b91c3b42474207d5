import { createTheme } from '@grafana/data';
import { backgroundColor, colorScale, legendGradient, legendStops } from './colors';

const light = createTheme({ colors: { mode: 'light' } });
const dark = createTheme({ colors: { mode: 'dark' } });

describe('colorScale', () => {
  it('FlameScope’s default: white at 0, #FF5032 at max/2, #E50914 at max', () => {
    const scale = colorScale('flamescope', 100, light);
    expect(scale(0)).toBe('#ffffff');
    expect(scale(50)).toBe('#ff5032');
    expect(scale(100)).toBe('#e50914');
    // Linear in RGB between white and #FF5032: 25 is halfway.
    expect(scale(25)).toBe('#ffa899');
  });

  it('uses the panel background for 0 in the dark theme so empty cells blend in', () => {
    const scale = colorScale('flamescope', 100, dark);
    expect(scale(0)).toBe(dark.colors.background.primary.toLowerCase());
    expect(backgroundColor(dark)).toBe(dark.colors.background.primary);
    expect(scale(100)).toBe('#e50914');
  });

  it('enhanced: 1 is blue, 2 still blue-dominant (toward pink at 3), then FlameScope’s reds', () => {
    const scale = colorScale('enhanced', 100, light);
    expect(scale(0)).toBe('#ffffff');
    expect(scale(1)).toBe('#6aaaff');
    const two = scale(2);
    expect(two).toBe('#b2a5da'); // halfway #6AAAFF → #FAA0B5, as FlameScope's d3 scaleLinear gives
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(two.slice(i, i + 2), 16));
    expect(b).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(g);
    expect(scale(3)).toBe('#faa0b5');
    expect(scale(50)).toBe('#ff5032');
    expect(scale(100)).toBe('#e50914');
  });

  it('enhanced with a small max keeps its stops in order and still ends red', () => {
    const stops = legendStops('enhanced', 4, light);
    expect(stops.map((s) => s.value)).toEqual([0, 1, 3, 4]);
    expect(colorScale('enhanced', 4, light)(4)).toBe('#e50914');
  });

  it('scheme: Oranges, light to dark in the light theme and reversed in the dark theme', () => {
    expect(colorScale('scheme', 10, light)(10)).toBe('#7f2704');
    expect(colorScale('scheme', 10, dark)(10)).toBe('#fff5eb');
    expect(colorScale('scheme', 10, light)(0)).toBe('#ffffff');
  });

  it('an all-zero grid is all background', () => {
    const scale = colorScale('flamescope', 0, light);
    expect(scale(0)).toBe('#ffffff');
    expect(legendStops('flamescope', 0, light)).toHaveLength(1);
  });

  it('clamps counts above max and caches per count', () => {
    const scale = colorScale('flamescope', 10, light);
    expect(scale(20)).toBe('#e50914');
    expect(scale(7)).toBe(scale(7));
  });
});

describe('legend', () => {
  it('places the stops along a CSS gradient', () => {
    const gradient = legendGradient(legendStops('flamescope', 10, light), 10);
    expect(gradient).toBe('linear-gradient(to right, #FFFFFF 0%, #FF5032 50%, #E50914 100%)');
  });
});
