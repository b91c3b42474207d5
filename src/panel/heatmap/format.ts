/**
 * Text and axis ticks for the heat map: wall-clock times in the dashboard's time zone (Grafana's dateTimeFormat),
 * durations, and tick positions for the time (x) and offset (y) axes. Pure.
 */
import { dateTimeForTimeZone, dateTimeFormat } from '@grafana/data';
import { TimeZone } from '@grafana/schema';
import { Selection } from '../model';

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
const TIME_STEPS = [
  100,
  200,
  500,
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
 * Time ticks for the dashboard's range over `width` px, at a round step (1 s, 5 s, 1 min, …) aligned to the time
 * zone's clock (so hourly ticks fall on the hour in zones with half-hour offsets).
 */
export function timeTicks(fromMs: number, toMs: number, width: number, timeZone?: TimeZone): Tick[] {
  const span = toMs - fromMs;
  if (!(span > 0) || width <= 0) {
    return [];
  }
  const step = TIME_STEPS.find((s) => (s / span) * width >= MIN_TICK_SPACING_PX) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const offsetMs = dateTimeForTimeZone(timeZone, fromMs).utcOffset() * MINUTE;
  const format =
    step < SECOND
      ? 'HH:mm:ss.SSS'
      : step < MINUTE
        ? 'HH:mm:ss'
        : step < DAY
          ? span > DAY
            ? 'MM/DD HH:mm'
            : 'HH:mm'
          : 'MM/DD';
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
