/**
 * Colour scales for the heat map: piecewise-linear RGB between stops, as FlameScope's d3 scaleLinear does.
 * - 'flamescope': [0, max/2, max] → background, #FF5032, #E50914 (FlameScope's white → orange-red → red).
 * - 'enhanced': [0, 1, 3, max/2, max] → background, #6AAAFF, #FAA0B5, #FF5032, #E50914: a count of 1 is blue
 *   (single-threaded work), shading through lavender at 2 to pink at 3, so light load stands out from idle.
 * - 'scheme': Grafana's Heatmap default "Oranges" scheme (d3's 9 stops, inlined: d3-scale-chromatic is not a
 *   dependency), reversed in the dark theme as Grafana does so low counts stay dark.
 * A count of 0 takes the background: white in the light theme (FlameScope), the panel's background in the dark theme
 * so empty cells blend in. Pure.
 */
import { colorManipulator, GrafanaTheme2 } from '@grafana/data';
import { HeatmapPalette } from '../model';

export interface ColorStop {
  value: number;
  color: string;
}

const FLAMESCOPE = { mid: '#FF5032', max: '#E50914' };
const ENHANCED = { one: '#6AAAFF', three: '#FAA0B5' };
const ORANGES = ['#fff5eb', '#fee6ce', '#fdd0a2', '#fdae6b', '#fd8d3c', '#f16913', '#d94801', '#a63603', '#7f2704'];

/** A cached scale allocates a string per distinct count; bound it for fractional (period-weighted) counts. */
const CACHE_LIMIT = 4096;

/** The colour for a count of 0. */
export function backgroundColor(theme: GrafanaTheme2): string {
  // The panel's surface is background.primary (canvas is the dashboard behind the panels).
  return theme.isDark ? theme.colors.background.primary : '#FFFFFF';
}

/** The scale's stops in increasing value (stops that would run backwards for a small max are dropped). */
export function legendStops(palette: HeatmapPalette, max: number, theme: GrafanaTheme2): ColorStop[] {
  const bg = backgroundColor(theme);
  let stops: ColorStop[];
  if (palette === 'enhanced') {
    stops = [
      { value: 0, color: bg },
      { value: 1, color: ENHANCED.one },
      { value: 3, color: ENHANCED.three },
      { value: max / 2, color: FLAMESCOPE.mid },
      { value: max, color: FLAMESCOPE.max },
    ];
  } else if (palette === 'scheme') {
    const scheme = theme.isDark ? [...ORANGES].reverse() : ORANGES;
    stops = [{ value: 0, color: bg }, ...scheme.map((color, i) => ({ value: (max * (i + 1)) / scheme.length, color }))];
  } else {
    stops = [
      { value: 0, color: bg },
      { value: max / 2, color: FLAMESCOPE.mid },
      { value: max, color: FLAMESCOPE.max },
    ];
  }
  // With max ≤ 6, max/2 comes before 3 (enhanced); with max = 0 everything is 0: keep the stops that move forward.
  return stops.filter(increasing());
}

/** A function from count to CSS colour (#rrggbb); cached per distinct count since it runs per cell per frame. */
export function colorScale(palette: HeatmapPalette, max: number, theme: GrafanaTheme2): (count: number) => string {
  const stops = legendStops(palette, max, theme).map((s) => ({ value: s.value, rgb: toRgb(s.color) }));
  const cache = new Map<number, string>();
  return (count: number) => {
    const hit = cache.get(count);
    if (hit !== undefined) {
      return hit;
    }
    const color = interpolate(stops, count);
    if (cache.size >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.set(count, color);
    return color;
  };
}

/** A CSS linear-gradient for a legend bar of the scale from 0 to max. */
export function legendGradient(stops: ColorStop[], max: number): string {
  if (stops.length < 2 || max <= 0) {
    return stops[0]?.color ?? 'transparent';
  }
  const parts = stops.map((s) => `${s.color} ${round2((s.value / max) * 100)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

type Rgb = [number, number, number];

function interpolate(stops: Array<{ value: number; rgb: Rgb }>, count: number): string {
  if (!(count > stops[0].value) || stops.length === 1) {
    return toHex(stops[0].rgb);
  }
  for (let i = 1; i < stops.length; i++) {
    const hi = stops[i];
    if (count <= hi.value) {
      const lo = stops[i - 1];
      const t = (count - lo.value) / (hi.value - lo.value);
      return toHex([mix(lo.rgb[0], hi.rgb[0], t), mix(lo.rgb[1], hi.rgb[1], t), mix(lo.rgb[2], hi.rgb[2], t)]);
    }
  }
  return toHex(stops[stops.length - 1].rgb);
}

function increasing() {
  let last = -Infinity;
  return (s: ColorStop) => {
    if (s.value <= last) {
      return false;
    }
    last = s.value;
    return true;
  };
}

function mix(a: number, b: number, t: number): number {
  return Math.round(a + (b - a) * t);
}

function toRgb(color: string): Rgb {
  const { values } = colorManipulator.decomposeColor(colorManipulator.asRgbString(color));
  return [Number(values[0]), Number(values[1]), Number(values[2])];
}

function toHex(rgb: Rgb): string {
  return '#' + rgb.map((v) => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0')).join('');
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
