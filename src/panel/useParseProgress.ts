/**
 * While the panel's query waits on a profile the sidecar is still parsing (a big one takes seconds), poll the
 * catalog for its progress, so the panel shows "parsing 1.2 of 2.0 GB" instead of a spinner.
 */
import { LoadingState, PanelData } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import type { FlameScopeDataSource } from '../datasource/datasource';
import type { ProfileEntry } from '../datasource/types';
import { baseQuery } from './useFlameGraph';

export interface ParseProgress {
  id: string;
  bytesRead: number;
  totalBytes: number;
}

const POLL_MS = 500;

export function useParseProgress(data: PanelData): ParseProgress[] {
  const [progress, setProgress] = useState<ParseProgress[]>([]);
  const waiting =
    data.state === LoadingState.Loading ||
    (data.errors ?? []).some((e) => /parsing|took longer/i.test(e.message ?? ''));
  const base = baseQuery(data);
  const key = JSON.stringify([waiting, base?.datasource, base?.profiles, base?.prefix]);

  useEffect(() => {
    if (!waiting || !base) {
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const ds = (await getDataSourceSrv().get(base.datasource)) as FlameScopeDataSource;
        const ids = new Set((base.profiles ?? []).flatMap((p) => ds.interpolate(p)));
        const prefix = base.prefix !== undefined ? (ds.interpolate(base.prefix)[0] ?? '') : '';
        const entries: ProfileEntry[] = await ds.listProfiles(prefix);
        if (!stopped) {
          setProgress(
            entries
              .filter((e) => e.status === 'parsing' && e.progress && (ids.size === 0 || ids.has(e.id)))
              .map((e) => ({ id: e.id, bytesRead: e.progress!.bytesRead, totalBytes: e.progress!.totalBytes }))
          );
        }
      } catch {
        // Progress is a nicety: the query's own error says what is wrong.
      }
      if (!stopped) {
        timer = setTimeout(poll, POLL_MS);
      }
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return waiting ? progress : [];
}
