/**
 * The wall-clock anchor a DevTools recording states: `metadata.startTime`, when the recording started (an ISO date,
 * `2023-06-04T05:13:20.473Z`; a number is taken as epoch ms). It is tied to the trace clock at the earliest event
 * timestamp, which is where DevTools starts the recording's timeline.
 */
import { ProfileHeader } from '../store';
import { splitMicros } from '../import-kit/time';
import { isObject } from './values';

export function startEpochMs(metadata: unknown): number | undefined {
  if (!isObject(metadata)) {
    return undefined;
  }
  const start = metadata.startTime;
  const ms = typeof start === 'number' ? start : typeof start === 'string' ? Date.parse(start) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Sets `header.wallClock` when both the start time and a first event time are known. */
export function anchorWallClock(header: ProfileHeader, epochMs: number | undefined, firstTsUs: number) {
  if (epochMs === undefined || !Number.isFinite(firstTsUs) || firstTsUs < 0) {
    return;
  }
  const { sec, nsec } = splitMicros(firstTsUs);
  header.wallClock = { epochMs, sec, nsec };
}
