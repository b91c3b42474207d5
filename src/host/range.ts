/** Time-range arithmetic for the page's time controls. Pure. */
import { wholeSecondsSpan } from '../panel/time-span';

export interface Range {
  from: number;
  to: number;
}

/** Whole seconds covering a profile's samples (first and last sample, epoch ms): the heat map's natural range. */
export function fitRange(firstMs: number, lastMs: number): Range {
  return wholeSecondsSpan(firstMs, lastMs);
}

/** Moved by half its length, as Grafana's time picker arrows do (direction -1 back, +1 forward). */
export function shiftRange(range: Range, direction: -1 | 1): Range {
  const half = Math.round((range.to - range.from) / 2);
  return { from: range.from + direction * half, to: range.to + direction * half };
}

/** Twice as long around the same centre (Grafana's zoom out). */
export function zoomOutRange(range: Range): Range {
  const span = range.to - range.from;
  const from = Math.round(range.from - span / 2);
  return { from, to: from + 2 * span };
}

export function sameRange(a: Range | undefined, b: Range | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.from === b.from && a.to === b.to);
}

export function formatSpan(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const s = ms / 1000;
  if (s < 120) {
    return `${Number(s.toFixed(s < 10 ? 1 : 0))} s`;
  }
  const m = s / 60;
  if (m < 120) {
    return `${Number(m.toFixed(m < 10 ? 1 : 0))} min`;
  }
  const h = m / 60;
  return h < 48 ? `${Number(h.toFixed(1))} h` : `${Number((h / 24).toFixed(1))} days`;
}
