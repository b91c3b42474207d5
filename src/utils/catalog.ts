/**
 * The sidecar's catalog as the Profiles page shows it: profiles apart from the objects that are not profiles, and
 * each entry's status, span and size as text.
 */
import { dateTimeFormat, formattedValueToString, getValueFormat } from '@grafana/data';
import type { ProfileEntry } from '../datasource/types';

export interface SplitCatalog {
  /** Profiles (ready, parsing, not parsed yet or failed). */
  profiles: ProfileEntry[];
  /** Objects the sidecar skipped (indexes, readmes, unsupported compression, empty objects), with their reasons. */
  skipped: ProfileEntry[];
}

export function splitCatalog(entries: ProfileEntry[]): SplitCatalog {
  return {
    profiles: entries.filter((entry) => entry.status !== 'skipped'),
    skipped: entries.filter((entry) => entry.status === 'skipped'),
  };
}

/** 0–100 while the sidecar parses the profile, when it knows the total. */
export function parsingPercent(entry: ProfileEntry): number | undefined {
  const progress = entry.progress;
  if (entry.status !== 'parsing' || !progress || progress.totalBytes <= 0) {
    return undefined;
  }
  return Math.min(100, Math.floor((100 * progress.bytesRead) / progress.totalBytes));
}

/** "ready", "parsing 42%", "not parsed", "failed". The reason of a failure is shown next to it. */
export function statusText(entry: ProfileEntry): string {
  switch (entry.status) {
    case 'parsing': {
      const percent = parsingPercent(entry);
      return percent === undefined ? 'parsing' : `parsing ${percent}%`;
    }
    case 'not-parsed':
      return 'not parsed';
    default:
      return entry.status;
  }
}

/** "2026-11-17 09:30:00 – 09:30:40" in the user's time zone (the date once when both ends share it). */
export function spanText(from: number, to: number): string {
  const sameDay = dateTimeFormat(from, { format: 'YYYY-MM-DD' }) === dateTimeFormat(to, { format: 'YYYY-MM-DD' });
  return `${dateTimeFormat(from)} – ${sameDay ? dateTimeFormat(to, { format: 'HH:mm:ss' }) : dateTimeFormat(to)}`;
}

/** "1.5 MiB". */
export function sizeText(bytes: number): string {
  return formattedValueToString(getValueFormat('bytes')(bytes, 1));
}

/** "12,345". */
export function countText(count: number | undefined): string {
  return count === undefined ? '' : count.toLocaleString('en-US');
}
