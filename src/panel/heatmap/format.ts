/**
 * Text and axis ticks for the heat map: wall-clock times in the dashboard's time zone (Grafana's dateTimeFormat),
 * durations, and tick positions for the time (x) and offset (y) axes. Pure.
 */
import { dateTimeForTimeZone, dateTimeFormat } from '@grafana/data';
import { TimeZone } from '@grafana/schema';
import { Cell, HeatmapGrid, Selection } from '../model';

export interface Tick {
  /** Epoch ms (x axis) or offset ms (y axis). */
  value: number;
  /** CSS px along the axis (x from the left, y from the top). */
  position: number;
  label: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Whole seconds at least: a heat-map column is a second (or several), so a finer tick would promise a precision
 * the x axis does not have (the offset within a second is the y axis). */
const TIME_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const OFFSET_STEPS = [100, 200, 250, 500, 1000];

/** Minimum room per x-axis label (a "HH:mm:ss" label is ~55 px at 12 px). */
const MIN_TICK_SPACING_PX = 90;
const MIN_OFFSET_SPACING_PX = 22;

/** "2026-11-17T09:30:03.240+00:00": ISO 8601 with ms and the zone's offset. */
export function formatIso(ms: number, timeZone?: TimeZone): string {
  return dateTimeFormat(ms, { format: 'YYYY-MM-DDTHH:mm:ss.SSSZ', timeZone });
}

/** "09:30:03.240" (with the date when `withDate`). */
export function formatClock(ms: number, timeZone?: TimeZone, withDate = false): string {
  return dateTimeFormat(ms, { format: withDate ? 'YYYY-MM-DD HH:mm:ss.SSS' : 'HH:mm:ss.SSS', timeZone });
}

/** "60 ms", "333.3 ms", "2.5 s", "3 min 20 s". */
export function formatDuration(ms: number): string {
  if (ms < SECOND) {
    return `${trim(ms, 1)} ms`;
  }
  if (ms < MINUTE) {
    return `${trim(ms / SECOND, 3)} s`;
  }
  const minutes = Math.floor(ms / MINUTE);
  const seconds = (ms - minutes * MINUTE) / SECOND;
  return seconds >= 0.001 ? `${minutes} min ${trim(seconds, 3)} s` : `${minutes} min`;
}

/** "09:30:03.240 – 09:30:03.300 (60 ms)"; the date is added when the range crosses midnight in the zone. */
export function formatSelection(selection: Pick<Selection, 'fromMs' | 'toMs'>, timeZone?: TimeZone): string {
  const day = (ms: number) => dateTimeFormat(ms, { format: 'YYYY-MM-DD', timeZone });
  const withDate = day(selection.fromMs) !== day(selection.toMs);
  const from = formatClock(selection.fromMs, timeZone, withDate);
  const to = formatClock(selection.toMs, timeZone, withDate);
  return `${from} – ${to} (${formatDuration(selection.toMs - selection.fromMs)})`;
}

/** A count as text: integers as they are, period weights to 2 decimals. */
export function formatCount(count: number): string {
  return Number.isInteger(count) ? count.toLocaleString('en-US') : trim(count, 2);
}

/**
 * Time ticks for the dashboard's range over `width` px, at a round step of whole seconds (1 s, 5 s, 1 min, …) aligned
 * to the time zone's clock (so hourly ticks fall on the hour in zones with half-hour offsets). Zoomed to a second or
 * two, the ticks are the columns' edges, however wide.
 */
export function timeTicks(fromMs: number, toMs: number, width: number, timeZone?: TimeZone): Tick[] {
  const span = toMs - fromMs;
  if (!(span > 0) || width <= 0) {
    return [];
  }
  const step = TIME_STEPS.find((s) => (s / span) * width >= MIN_TICK_SPACING_PX) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const offsetMs = dateTimeForTimeZone(timeZone, fromMs).utcOffset() * MINUTE;
  const format = step < MINUTE ? 'HH:mm:ss' : step < DAY ? (span > DAY ? 'MM/DD HH:mm' : 'HH:mm') : 'MM/DD';
  const ticks: Tick[] = [];
  for (let t = Math.ceil((fromMs + offsetMs) / step) * step - offsetMs; t <= toMs; t += step) {
    ticks.push({ value: t, position: ((t - fromMs) / span) * width, label: dateTimeFormat(t, { format, timeZone }) });
  }
  return ticks;
}

/** Offset ticks (0 … 1000 ms) for a plot `height` px tall; 0 at the bottom. */
export function offsetTicks(height: number): Tick[] {
  if (height <= 0) {
    return [];
  }
  const step = OFFSET_STEPS.find((s) => (s / 1000) * height >= MIN_OFFSET_SPACING_PX) ?? 1000;
  const ticks: Tick[] = [];
  for (let ms = 0; ms <= 1000; ms += step) {
    ticks.push({ value: ms, position: height - (ms / 1000) * height, label: String(ms) });
  }
  return ticks;
}

function trim(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

/**
 * The lines of a cell's tooltip, in the header's time format: when (relative to `originMs`, the range's start, and
 * on the clock), then how busy — "+17.5 s · 09:30:17.500–.520" / "2 samples (40 % of the busiest cell)". A column of
 * several merged seconds reads "+10–20 s · 09:30:10–09:30:19, offset 500–520 ms".
 */
export function cellTooltip(grid: HeatmapGrid, cell: Cell, originMs: number, timeZone?: TimeZone): string[] {
  const rowMs = SECOND / grid.rows;
  const columnStart = grid.startMs + cell.column * grid.columnMs;
  let when: string;
  if (grid.columnMs > SECOND) {
    const lastSecond = columnStart + grid.columnMs - SECOND;
    when =
      `+${trim((columnStart - originMs) / SECOND, 3)}–${trim((columnStart + grid.columnMs - originMs) / SECOND, 3)} s · ` +
      `${dateTimeFormat(columnStart, { format: 'HH:mm:ss', timeZone })}–${dateTimeFormat(lastSecond, { format: 'HH:mm:ss', timeZone })}, ` +
      `offset ${trim(cell.row * rowMs, 1)}–${trim((cell.row + 1) * rowMs, 1)} ms`;
  } else {
    const from = columnStart + cell.row * rowMs;
    const to = from + rowMs;
    when = `+${trim((from - originMs) / SECOND, 3)} s · ${formatClockRange(from, to, timeZone)}`;
  }
  if (!grid.covered[cell.column]) {
    return [when, 'no profile covers this time'];
  }
  const count = grid.counts[cell.column * grid.rows + cell.row];
  const share = grid.max > 0 ? ` (${trim((100 * count) / grid.max, 0)} % of the busiest cell)` : '';
  return [when, `${formatCount(count)} ${count === 1 ? 'sample' : 'samples'}${share}`];
}

/** "09:30:17.500–.520": the end without what it shares with the start (whole seconds, minutes… when they differ). */
export function formatClockRange(fromMs: number, toMs: number, timeZone?: TimeZone): string {
  const from = formatClock(fromMs, timeZone);
  const to = formatClock(toMs, timeZone);
  const sameSecond = from.slice(0, 8) === to.slice(0, 8);
  return `${from}–${sameSecond ? to.slice(8) : to}`;
}
