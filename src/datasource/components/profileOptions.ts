/**
 * Catalog entries as picker options, and a loader for the Combobox pickers: the catalog is fetched when a picker
 * opens (not on every dashboard refresh), then filtered locally as the user types.
 */
import { useCallback, useRef } from 'react';
import { TimeRange } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { ComboboxOption } from '@grafana/ui';
import type { FlameScopeDataSource } from '../datasource';
import { ProfileEntry } from '../types';

/** What the pickers need of the data source (a narrow type keeps test fakes small). */
export type ProfileLister = Pick<FlameScopeDataSource, 'listProfiles'>;

export type ProfileOption = ComboboxOption<string>;

const VARIABLES_GROUP = 'Variables';

/** "host · 12,345 samples · parsing 42%": what a picker shows under a profile id. */
export function describeProfile(entry: ProfileEntry): string {
  const parts: string[] = [];
  if (entry.host) {
    parts.push(entry.host);
  }
  if (entry.samples !== undefined) {
    parts.push(`${entry.samples.toLocaleString('en-US')} sample${entry.samples === 1 ? '' : 's'}`);
  }
  parts.push(describeStatus(entry));
  return parts.join(' · ');
}

function describeStatus(entry: ProfileEntry): string {
  switch (entry.status) {
    case 'parsing': {
      const { bytesRead, totalBytes } = entry.progress ?? { bytesRead: 0, totalBytes: 0 };
      return totalBytes > 0 ? `parsing ${Math.floor((100 * bytesRead) / totalBytes)}%` : 'parsing';
    }
    case 'not-parsed':
      return 'not parsed yet';
    case 'failed':
      return entry.reason ? `failed: ${entry.reason}` : 'failed';
    default:
      return entry.status;
  }
}

/** Profiles that can be queried, as options; skipped objects (not profiles) are left out. */
export function profileOptions(entries: ProfileEntry[]): ProfileOption[] {
  return entries
    .filter((entry) => entry.status !== 'skipped')
    .map((entry) => ({ value: entry.id, label: entry.id, description: describeProfile(entry) }));
}

/** The dashboard's template variables as `$name` options (none outside a dashboard, or in tests). */
export function variableOptions(): ProfileOption[] {
  try {
    return getTemplateSrv()
      .getVariables()
      .map((variable) => ({ value: `$${variable.name}`, label: `$${variable.name}`, group: VARIABLES_GROUP }));
  } catch {
    return [];
  }
}

/** Case-insensitive match on the id or the description. */
export function filterOptions(options: ProfileOption[], search: string): ProfileOption[] {
  const needle = search.trim().toLowerCase();
  if (needle === '') {
    return options;
  }
  return options.filter(
    (option) => option.value.toLowerCase().includes(needle) || option.description?.toLowerCase().includes(needle)
  );
}

/** The epoch-ms range a picker lists profiles in, if the editor was given one. */
export function epochRange(range: TimeRange | undefined): { from: number; to: number } | undefined {
  return range ? { from: range.from.valueOf(), to: range.to.valueOf() } : undefined;
}

/**
 * An async `options` function for Combobox/MultiCombobox. Opening the menu (an empty search) fetches the catalog
 * again; typing filters the last fetch. Failures reject, which the Combobox shows as an error row.
 */
export function useProfileOptions(
  datasource: ProfileLister,
  range: { from: number; to: number } | undefined
): (search: string) => Promise<ProfileOption[]> {
  const from = range?.from;
  const to = range?.to;
  const cache = useRef<Promise<ProfileOption[]> | undefined>(undefined);
  return useCallback(
    async (search: string) => {
      if (search === '' || !cache.current) {
        const listing =
          from !== undefined && to !== undefined
            ? datasource.listProfiles('', { from, to })
            : datasource.listProfiles('');
        const pending = listing.then((entries) => [...profileOptions(entries), ...variableOptions()]);
        cache.current = pending;
        // A failed listing is not kept: the next keystroke or opening tries again.
        pending.catch(() => {
          if (cache.current === pending) {
            cache.current = undefined;
          }
        });
      }
      return filterOptions(await cache.current, search);
    },
    [datasource, from, to]
  );
}
