/**
 * The searchable profile picker: the sidecar's catalog (skipped objects left out; host, samples and status under each
 * id, grouped by folder; fetched again each time it opens) and the files opened in this browser.
 */
import { Combobox, ComboboxOption } from '@grafana/ui';
import React, { useCallback } from 'react';
import { describeProfile } from '../datasource/components/profileOptions';
import { ProfileEntry } from '../datasource/types';
import { LocalProfile, localEntry } from './local/local-datasource';
import { viewable } from './sidecar';
import { Source, sourceKey } from './useHeatmap';

export interface LocalSource {
  uid: string;
  profile: LocalProfile;
}

interface Props {
  sidecarUid: string;
  catalog: ProfileEntry[] | undefined;
  locals: LocalSource[];
  value: Source | undefined;
  /** Fetches the catalog again (the picker opened). */
  refresh(): Promise<ProfileEntry[]>;
  onChange(source: Source): void;
}

const LOCAL_GROUP = 'Opened in this browser';

export function pickerOptions(
  sidecarUid: string,
  catalog: ProfileEntry[],
  locals: LocalSource[]
): Array<ComboboxOption<string>> {
  const fromSidecar = viewable(catalog).map((entry) => ({
    value: sourceKey({ uid: sidecarUid, id: entry.id }),
    label: entry.id,
    description: describeProfile(entry),
    group: entry.id.includes('/') ? entry.id.slice(0, entry.id.lastIndexOf('/') + 1) : 'Profiles',
  }));
  const fromFiles = locals.map((l) => ({
    value: sourceKey({ uid: l.uid, id: l.profile.id }),
    label: l.profile.fileName,
    description: `${describeProfile(localEntry(l.profile))} · parsed here`,
    group: LOCAL_GROUP,
  }));
  // Combobox groups options that are next to each other: keep each folder together, files last.
  const order = new Map<string, number>();
  fromSidecar.forEach((o) => order.set(o.group, order.get(o.group) ?? order.size));
  const sorted = fromSidecar
    .map((o, i) => ({ o, i }))
    .sort((a, b) => order.get(a.o.group)! - order.get(b.o.group)! || a.i - b.i);
  return [...sorted.map(({ o }) => o), ...fromFiles];
}

export function ProfilePicker({ sidecarUid, catalog, locals, value, refresh, onChange }: Props) {
  const load = useCallback(
    async (search: string) => {
      const entries = search === '' ? await refresh().catch(() => catalog ?? []) : (catalog ?? []);
      return matching(pickerOptions(sidecarUid, entries, locals), search);
    },
    [catalog, locals, refresh, sidecarUid]
  );
  const selected = value ? { value: sourceKey(value), label: labelOf(value, locals) } : null;
  return (
    <Combobox<string>
      id="flamescope-profile"
      data-testid="flamescope-profile-picker"
      aria-labelledby="flamescope-profile-label"
      options={load}
      value={selected}
      placeholder="Choose a profile"
      prefixIcon="fire"
      // A fixed width: Combobox's auto width measures text in Grafana's web font, which this page does not load.
      width={46}
      onChange={(option) => {
        const [uid, ...rest] = option.value.split('::');
        onChange({ uid, id: rest.join('::') });
      }}
    />
  );
}

/** Case-insensitive, on what people read: the id or file name, and the host/samples/status line. */
function matching(options: Array<ComboboxOption<string>>, search: string): Array<ComboboxOption<string>> {
  const needle = search.trim().toLowerCase();
  return needle === ''
    ? options
    : options.filter((o) => `${o.label ?? ''} ${o.description ?? ''}`.toLowerCase().includes(needle));
}

function labelOf(source: Source, locals: LocalSource[]): string {
  return locals.find((l) => l.uid === source.uid)?.profile.fileName ?? source.id;
}
