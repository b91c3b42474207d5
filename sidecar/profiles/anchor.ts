/**
 * Wall-clock placement of a profile. perf's clock is usually time since boot, so we find where the profile sits in
 * real time from the first of these that applies, and say which one (and how precise it is) in every response:
 *   1. timestamps already epoch (`perf record -k CLOCK_REALTIME`) — exact
 *   2. a wall-clock instant the file itself states (`header.wallClock`: a Chrome trace's metadata.startTime) — to 1 ms
 *   3. perf's `tod` field (`perf script -F +tod`): a sample's wall-clock time, in the host's (configured) time zone
 *   4. object metadata `x-amz-meta-flamescope-start`: the first sample's instant
 *   5. an ISO-8601 instant in the key (`api-7f9c/2026-11-17T09:30:00Z.perf.gz`): the first sample's instant
 *   6. the header's `captured on` (in a configured time zone): the last sample's instant, to the second
 *   7. the object's last-modified time: the last sample's instant, roughly
 * Every format anchors this way; a .cpuprofile or folded file states no wall clock, so 4–7 place it.
 */
import { ProfileStore, timeSpan } from '../../src/profile';
import { ObjectInfo } from '../storage/types';

export type AnchorMethod =
  'epoch-timestamps' | 'file-metadata' | 'tod' | 'object-metadata' | 'key-pattern' | 'captured-on' | 'last-modified';

export interface WallClockAnchor {
  method: AnchorMethod;
  /** How far off the placement may be, in ms. */
  precisionMs: number;
  /** Epoch ms of the store's time 0 (store.startSec on the perf clock). */
  startEpochMs: number;
}

export interface AnchorOptions {
  keyTimePattern: RegExp;
  capturedOnTimeZone: string;
}

const EPOCH_2000 = 946_684_800;
export const METADATA_START = 'flamescope-start';

export function anchorProfile(
  store: ProfileStore,
  object: ObjectInfo,
  options: AnchorOptions
): WallClockAnchor | undefined {
  const span = timeSpan(store);
  if (!span) {
    return undefined;
  }
  const firstMs = span.firstNs / 1e6;
  const lastMs = span.lastNs / 1e6;
  if (store.startSec >= EPOCH_2000 && store.startSec * 1000 <= Date.now() + 366 * 86_400_000) {
    return {
      method: 'epoch-timestamps',
      precisionMs: 10 ** (3 - (store.timePrecisionDigits || 6)),
      startEpochMs: store.startSec * 1000,
    };
  }
  const stated = store.header.wallClock;
  if (stated && Number.isFinite(stated.epochMs)) {
    // The file says which instant of its own clock was which wall-clock time (to the millisecond it is written in).
    const profileMs = (stated.sec - store.startSec) * 1000 + stated.nsec / 1e6;
    return { method: 'file-metadata', precisionMs: 1, startEpochMs: stated.epochMs - profileMs };
  }
  const tod = store.header.timeOfDay;
  const todMs = tod ? parseTimeOfDay(tod.wallClock, options.capturedOnTimeZone) : undefined;
  if (tod && todMs !== undefined) {
    const perfMs = (tod.sec - store.startSec) * 1000 + tod.nsec / 1e6;
    return { method: 'tod', precisionMs: 0.001, startEpochMs: todMs - perfMs };
  }
  const metadataStart = parseInstant(object.metadata?.[METADATA_START]);
  if (metadataStart !== undefined) {
    return { method: 'object-metadata', precisionMs: 1000, startEpochMs: metadataStart - firstMs };
  }
  const keyStart = instantInKey(object.key, options.keyTimePattern);
  if (keyStart !== undefined) {
    return { method: 'key-pattern', precisionMs: 1000, startEpochMs: keyStart - firstMs };
  }
  const capturedOn = parseCapturedOn(store.header.capturedOn, options.capturedOnTimeZone);
  if (capturedOn !== undefined) {
    return { method: 'captured-on', precisionMs: 1000, startEpochMs: capturedOn - lastMs };
  }
  return { method: 'last-modified', precisionMs: 60_000, startEpochMs: object.lastModified.getTime() - lastMs };
}

/** An instant as ISO-8601 (with zone) or epoch seconds/milliseconds. */
export function parseInstant(text: string | undefined): number | undefined {
  if (!text) {
    return undefined;
  }
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    return n > 1e11 ? n : n * 1000;
  }
  return parseIsoInstant(trimmed);
}

export function instantInKey(key: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(key);
  if (!m) {
    return undefined;
  }
  const text = m.slice(1).find((g) => g !== undefined) ?? m[0];
  return parseIsoInstant(text);
}

/** ISO-8601 instants, also the key-friendly forms 2026-11-17T09-30-00Z and 20261117T093000Z. Needs a zone. */
export function parseIsoInstant(text: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2})[:_-]?(\d{2})[:_-]?(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + (frac ? Math.round(Number(frac) * 1000) : 0);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isFinite(ms) ? ms : undefined;
}

/** perf's tod `2026-11-17 09:30:00.123456` (local time of the host) as epoch ms in the given time zone. */
export function parseTimeOfDay(text: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const whole = zonedToEpoch(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], timeZone);
  return whole + (m[7] ? Number(m[7]) * 1000 : 0);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** perf's `captured on: Thu Jul  9 17:14:37 2015` (ctime format) as epoch ms in the given time zone. */
export function parseCapturedOn(text: string | undefined, timeZone: string): number | undefined {
  const m = /^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(text?.trim() ?? '');
  if (!m) {
    return undefined;
  }
  const month = MONTHS.indexOf(m[1].toLowerCase());
  if (month < 0) {
    return undefined;
  }
  return zonedToEpoch(+m[6], month, +m[2], +m[3], +m[4], +m[5], timeZone);
}

/** Epoch ms of a wall-clock time in an IANA time zone. */
export function zonedToEpoch(
  y: number,
  month: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string
): number {
  const asUtc = Date.UTC(y, month, d, h, mi, s);
  let epoch = asUtc - zoneOffsetMs(asUtc, timeZone);
  // Once more at the corrected instant, for times near a DST change.
  epoch = asUtc - zoneOffsetMs(epoch, timeZone);
  return epoch;
}

function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(epochMs / 1000) * 1000;
}
